"""The firm's stages: the catalog's stages as the firm names and orders them, with its limits.

The catalog (catalog/stages.toml) says which stages exist and what they mean (a filed case is
"filed_pending"); an admin chooses what each is called, the order of the board's columns, how
long a case should stay, how many may sit there at once, and which case types skip it. Every
place that shows a stage or orders by one asks here.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from immigration_app import catalog
from immigration_app.models import Role, StageSetting
from immigration_app.services.audit import record_event
from immigration_app.services.errors import InvalidInput, NotPermitted
from immigration_app.services.numbers import whole_number
from immigration_app.services.viewer import Viewer

MAX_TITLE = 64


@dataclass(frozen=True)
class StageLimit:
    """The firm's limits for a stage: days a case should stay, cases at once (None: no limit)."""

    sla_days: int | None
    wip_limit: int | None


@dataclass(frozen=True)
class FirmStage:
    key: str
    title: str


def _settings(session: Session) -> dict[str, StageSetting]:
    return {row.stage: row for row in session.exec(select(StageSetting))}


def firm_stages(session: Session) -> list[FirmStage]:
    """Every stage, in the firm's order, by the firm's names.

    A stage an admin placed goes to its column; the others keep the catalog's order around it.
    """
    settings = _settings(session)
    placed = {key: row.position for key, row in settings.items() if row.position is not None}
    ordered = [stage for stage in catalog.stages() if stage.key not in placed]
    by_key = {stage.key: stage for stage in catalog.stages()}
    for key, position in sorted(placed.items(), key=lambda item: item[1]):
        if key in by_key:
            ordered.insert(position, by_key[key])
    return [
        FirmStage(
            stage.key, (settings[stage.key].title if stage.key in settings else "") or stage.title
        )
        for stage in ordered
    ]


def stage_titles(session: Session) -> dict[str, str]:
    return {stage.key: stage.title for stage in firm_stages(session)}


def stage_options(session: Session) -> list[tuple[str, str]]:
    """(key, name) pairs for a stage select, in the firm's order."""
    return [(stage.key, stage.title) for stage in firm_stages(session)]


def stage_order(session: Session) -> dict[str, int]:
    return {stage.key: index for index, stage in enumerate(firm_stages(session))}


def number_text(value: float | None) -> str:
    """A number as a form or a column shows it: "" for none, "14" not "14.0"."""
    return "" if value is None else f"{value:g}"


def _admin_only(actor: Viewer) -> None:
    if actor.role != Role.ADMIN:
        raise NotPermitted("Only admins change the firm's stages.")


def _setting(session: Session, stage: str) -> StageSetting:
    if stage not in {known.key for known in catalog.stages()}:
        raise InvalidInput({"stage": "Choose a stage from the list."})
    return session.get(StageSetting, stage) or StageSetting(stage=stage)


# --- names and order ---------------------------------------------------------------------------


def rename_stage(session: Session, *, actor: Viewer, stage: str, title: str, position: str) -> None:
    """An admin renames a stage (blank: the catalog's name) and sets its place (1 = first)."""
    _admin_only(actor)
    row = _setting(session, stage)
    title = " ".join(title.split())
    if len(title) > MAX_TITLE:
        raise InvalidInput({"title": f"Keep the name under {MAX_TITLE} characters."})
    count = len(catalog.stages())
    place = _whole(position, "position", count)
    taken = {known.title.lower() for known in firm_stages(session) if known.key != stage}
    if title and title.lower() in taken:
        raise InvalidInput({"title": "Another stage already has this name."})
    before = {"title": stage_titles(session)[stage], "position": row.position}
    row.title, row.position = title, None if place is None else place - 1
    session.add(row)
    session.flush()
    after = {"title": stage_titles(session)[stage], "position": row.position}
    record_event(
        session,
        kind="stage_renamed",
        summary=f"Stage {before['title']} → {after['title']}"
        + (f", column {place}" if place else ""),
        actor=actor,
        before=before,
        after=after,
    )


# --- limits and skips -------------------------------------------------------------------------


@dataclass(frozen=True)
class StageSettingRow:
    stage: str
    title: str
    position: str  # 1-based column, as the form shows it
    sla_days: str  # "" when none
    wip_limit: str
    skipped_by: str  # titles of the case types that skip this stage, "" when none


def stage_limits(session: Session) -> dict[str, StageLimit]:
    return {
        row.stage: StageLimit(sla_days=row.sla_days, wip_limit=row.wip_limit)
        for row in _settings(session).values()
    }


def stage_setting_rows(session: Session) -> list[StageSettingRow]:
    settings = _settings(session)
    types = catalog.case_types()
    rows = []
    for place, stage in enumerate(firm_stages(session), start=1):
        setting = settings.get(stage.key, StageSetting(stage=stage.key))
        rows.append(
            StageSettingRow(
                stage=stage.key,
                title=stage.title,
                position=str(place),
                sla_days=number_text(setting.sla_days),
                wip_limit=number_text(setting.wip_limit),
                skipped_by=", ".join(
                    types[key].title for key in setting.skipped_by if key in types
                ),
            )
        )
    return rows


def _whole(raw: str, field: str, most: int) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    if not (number := whole_number(raw, most=most)):
        raise InvalidInput({field: f"Leave it empty, or enter 1 to {most}."})
    return number


def set_stage_limit(
    session: Session, *, actor: Viewer, stage: str, sla_days: str, wip_limit: str
) -> None:
    """An admin sets how long a case should sit in a stage, and how many may sit there."""
    _admin_only(actor)
    row = _setting(session, stage)
    sla = _whole(sla_days, "sla_days", 365)
    wip = _whole(wip_limit, "wip_limit", 10_000)
    before = {"sla_days": row.sla_days, "wip_limit": row.wip_limit}
    row.sla_days, row.wip_limit = sla, wip
    session.add(row)
    record_event(
        session,
        kind="stage_limits_changed",
        summary=f"{stage_titles(session)[stage]}: SLA {sla or 'none'} days, "
        f"WIP limit {wip or 'none'}",
        actor=actor,
        before=before,
        after={"sla_days": sla, "wip_limit": wip},
    )


def set_stage_skipped(
    session: Session, *, actor: Viewer, stage: str, case_type: str, skipped: bool
) -> None:
    """An admin says that cases of a type never go through a stage (or do again)."""
    _admin_only(actor)
    row = _setting(session, stage)
    if case_type not in catalog.case_types():
        raise InvalidInput({"case_type": "Choose a case type from the list."})
    kept = [key for key in row.skipped_by if key != case_type]
    row.skipped_by = [*kept, case_type] if skipped else kept
    session.add(row)
    title, kind = stage_titles(session)[stage], catalog.case_types()[case_type].title
    record_event(
        session,
        kind="stage_skips_changed",
        summary=f"{kind} cases {'skip' if skipped else 'go through'} {title}",
        actor=actor,
        after={"stage": stage, "case_type": case_type, "skipped": skipped},
    )


def skipped_by(session: Session, stage: str, case_type: str) -> bool:
    setting = session.get(StageSetting, stage)
    return setting is not None and case_type in setting.skipped_by
