"""Evidence checklists: a case type's list (the catalog's, or the firm's edited copy), the copy
each new case gets, and the per-case changes staff make (add an item, waive one).

Editing a case type's checklist changes the cases opened afterwards only: a case keeps the
items, and the wording, its client was given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlmodel import Session, col, delete, func, select

from immigration_app import catalog
from immigration_app.catalog.checklists import KINDS, checklist_sections, items_for
from immigration_app.models import (
    Case,
    CaseChecklistItem,
    CaseMember,
    CaseTypeSetting,
    ChecklistTemplateItem,
)
from immigration_app.services.audit import record_event
from immigration_app.services.errors import InvalidInput, NotFound, over_column_limits
from immigration_app.services.viewer import Viewer, require_admin, visible_case

_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
TEXT_FIELDS = ("section", "title_en", "title_es", "explain_en", "explain_es")


@dataclass(frozen=True)
class ItemText:
    """An item's wording and rules, as an admin or a staff member types them."""

    code: str
    section: str
    title_en: str
    title_es: str
    explain_en: str = ""
    explain_es: str = ""
    kinds: tuple[str, ...] = KINDS
    translation: bool = False
    required: bool = True
    expires_after_days: int = 0

    @classmethod
    def of(cls, source) -> ItemText:
        """The wording of a catalog item or of a row of the firm's list (same field names)."""
        values = {name: getattr(source, name) for name in cls.__dataclass_fields__}
        return cls(**{**values, "kinds": tuple(values["kinds"])})

    def problems(self) -> dict[str, str]:
        found = {}
        if not _CODE.match(self.code):
            found["code"] = "Use lowercase letters, digits and dashes, e.g. birth-certificate."
        if self.section not in checklist_sections():
            found["section"] = "Choose a section from the list."
        if not self.title_en.strip():
            found["title_en"] = "Enter the title in English."
        if not self.title_es.strip():
            found["title_es"] = "Enter the title in Spanish."
        titles = {"title_en": self.title_en.strip(), "title_es": self.title_es.strip()}
        found |= over_column_limits(CaseChecklistItem, titles)  # the template's are the same
        if not self.kinds or any(kind not in KINDS for kind in self.kinds):
            found["kinds"] = "Accept PDFs, photos or both."
        if not 0 <= self.expires_after_days <= 3650:
            found["expires_after_days"] = "Enter whole days from 0 (never stale) to 3650."
        return found

    def values(self) -> dict:
        return {
            "code": self.code,
            "section": self.section,
            "title_en": self.title_en.strip(),
            "title_es": self.title_es.strip(),
            "explain_en": self.explain_en.strip(),
            "explain_es": self.explain_es.strip(),
            "kinds": list(self.kinds),
            "translation": self.translation,
            "required": self.required,
            "expires_after_days": self.expires_after_days,
        }


def _edited(session: Session, case_type: str) -> bool:
    setting = session.get(CaseTypeSetting, case_type)
    return bool(setting and setting.checklist_edited)


def type_checklist(session: Session, case_type: str, role: str) -> list[ItemText]:
    """A case type's list for one member role: the firm's edited copy, else the catalog's."""
    if _edited(session, case_type):
        rows = session.exec(
            select(ChecklistTemplateItem)
            .where(ChecklistTemplateItem.case_type == case_type, ChecklistTemplateItem.role == role)
            .order_by(ChecklistTemplateItem.position, ChecklistTemplateItem.id)
        ).all()
        return [ItemText.of(row) for row in rows]
    return [ItemText.of(spec) for spec in items_for(case_type, role)]


def instantiate_checklist(session: Session, case: Case) -> int:
    """Give a newly opened case its items, one list per member; returns how many."""
    members = session.exec(select(CaseMember).where(CaseMember.case_id == case.id)).all()
    return sum(ask_member(session, case, member) for member in members)


def ask_member(session: Session, case: Case, member: CaseMember) -> int:
    """Ask a member for what the case type's list asks of their role and they have not been
    asked yet (a member added, or given another role); returns how many items were added."""
    asked = set(
        session.exec(
            select(CaseChecklistItem.code).where(CaseChecklistItem.member_id == member.id)
        ).all()
    )
    last = session.exec(
        select(func.max(CaseChecklistItem.position)).where(CaseChecklistItem.member_id == member.id)
    ).one()
    start = 0 if last is None else last + 1
    texts = [
        text
        for text in type_checklist(session, case.case_type, member.role)
        if text.code not in asked
    ]
    for position, text in enumerate(texts, start=start):
        session.add(
            CaseChecklistItem(
                case_id=case.id, member_id=member.id, position=position, **text.values()
            )
        )
    return len(texts)


# --- per case -------------------------------------------------------------------------------


def item_by_code(session: Session, case: Case, role: str, code: str) -> CaseChecklistItem:
    """The item `code` asked of the case's member in `role`."""
    return session.exec(
        select(CaseChecklistItem)
        .join(CaseMember, CaseMember.id == CaseChecklistItem.member_id)
        .where(
            CaseChecklistItem.case_id == case.id,
            CaseMember.role == role,
            CaseChecklistItem.code == code,
        )
    ).one()


def case_item(session: Session, *, viewer: Viewer, reference: str, item_id: int):
    """An item of a case the viewer may see, with its case; NotFound otherwise."""
    case = visible_case(session, viewer=viewer, reference=reference)
    item = session.get(CaseChecklistItem, item_id)
    if item is None or item.case_id != case.id:
        raise NotFound("That checklist item is not on this case.")
    return case, item


def add_case_item(
    session: Session,
    *,
    actor: Viewer,
    reference: str,
    member_id: int,
    text: ItemText,
    reason: str,
) -> CaseChecklistItem:
    """Ask one member of one case for something the case type's list does not have."""
    case = visible_case(session, viewer=actor, reference=reference)
    member = session.get(CaseMember, member_id)
    problems = text.problems()
    if member is None or member.case_id != case.id:
        problems["member_id"] = "Choose a person on this case."
    if not reason.strip():
        problems["reason"] = "Say why this case needs it; the reason goes on the timeline."
    taken = session.exec(
        select(CaseChecklistItem.id).where(
            CaseChecklistItem.case_id == case.id,
            CaseChecklistItem.member_id == member_id,
            CaseChecklistItem.code == text.code,
        )
    ).first()
    if taken is not None:
        problems["code"] = "This person already has an item with that code."
    if problems:
        raise InvalidInput(problems)
    last = session.exec(
        select(func.max(CaseChecklistItem.position)).where(
            CaseChecklistItem.case_id == case.id, CaseChecklistItem.member_id == member_id
        )
    ).one()
    item = CaseChecklistItem(
        case_id=case.id,
        member_id=member_id,
        position=(last or 0) + 1,
        added_for_case=True,
        **text.values(),
    )
    session.add(item)
    record_event(
        session,
        kind="checklist_item_added",
        summary=f"Asked for {item.title_en}: {reason.strip()[:300]}",
        actor=actor,
        case_id=case.id,
        after={"code": item.code, "title": item.title_en, "reason": reason.strip()},
    )
    return item


# --- the firm's checklist per case type (admins) ----------------------------------------------


def _start_editing(session: Session, case_type: str) -> None:
    """Copy the catalog's lists into the firm's table the first time a type is edited."""
    setting = session.get(CaseTypeSetting, case_type) or CaseTypeSetting(case_type=case_type)
    if setting.checklist_edited:
        return
    kind = catalog.case_types()[case_type]
    for role in kind.all_roles:
        for position, text in enumerate(type_checklist(session, case_type, role)):
            session.add(
                ChecklistTemplateItem(
                    case_type=case_type, role=role, position=position, **text.values()
                )
            )
    setting.checklist_edited = True
    session.add(setting)
    session.flush()


def _check_type_and_role(case_type: str, role: str) -> None:
    kind = catalog.case_types().get(case_type)
    if kind is None or role not in kind.all_roles:
        raise InvalidInput({"role": "Choose a case type and one of its roles."})


def save_type_item(
    session: Session,
    *,
    actor: Viewer,
    case_type: str,
    role: str,
    text: ItemText,
    replaces_code: str = "",
) -> ChecklistTemplateItem:
    """Add an item to a case type's list, or reword the one with `replaces_code`. New cases
    get the change."""
    require_admin(actor, "change a case type's checklist")
    _check_type_and_role(case_type, role)
    problems = text.problems()
    if problems:
        raise InvalidInput(problems)
    _start_editing(session, case_type)
    same_code = session.exec(
        select(ChecklistTemplateItem).where(
            ChecklistTemplateItem.case_type == case_type,
            ChecklistTemplateItem.role == role,
            ChecklistTemplateItem.code == text.code,
        )
    ).first()
    if not replaces_code:
        if same_code is not None:
            raise InvalidInput({"code": "This list already has an item with that code."})
        last = session.exec(
            select(func.max(ChecklistTemplateItem.position)).where(
                ChecklistTemplateItem.case_type == case_type, ChecklistTemplateItem.role == role
            )
        ).one()
        row = ChecklistTemplateItem(
            case_type=case_type, role=role, position=(last or 0) + 1, **text.values()
        )
        before = None
    else:
        row = _template_row(session, case_type, role, replaces_code)
        if same_code is not None and same_code.id != row.id:
            raise InvalidInput({"code": "This list already has an item with that code."})
        before = row.model_dump(include=set(text.values()))
        for name, value in text.values().items():
            setattr(row, name, value)
    session.add(row)
    record_event(
        session,
        kind="checklist_template_changed",
        summary=f"{'Reworded' if before else 'Added'} {text.title_en} on the "
        f"{catalog.case_types()[case_type].title} checklist ({role})",
        actor=actor,
        before=before,
        after=text.values(),
    )
    return row


def _template_row(session: Session, case_type: str, role: str, code: str):
    row = session.exec(
        select(ChecklistTemplateItem).where(
            ChecklistTemplateItem.case_type == case_type,
            ChecklistTemplateItem.role == role,
            ChecklistTemplateItem.code == code,
        )
    ).first()
    if row is None:
        raise NotFound("That item is not on this list.")
    return row


def remove_type_item(
    session: Session, *, actor: Viewer, case_type: str, role: str, code: str
) -> None:
    """Take an item off a case type's list; cases already open keep it."""
    require_admin(actor, "change a case type's checklist")
    _check_type_and_role(case_type, role)
    _start_editing(session, case_type)
    row = _template_row(session, case_type, role, code)
    record_event(
        session,
        kind="checklist_template_changed",
        summary=f"Removed {row.title_en} from the {catalog.case_types()[case_type].title} "
        f"checklist ({row.role})",
        actor=actor,
        before={"code": row.code, "role": row.role, "title_en": row.title_en},
    )
    session.exec(delete(ChecklistTemplateItem).where(col(ChecklistTemplateItem.id) == row.id))


def reset_type_checklist(session: Session, *, actor: Viewer, case_type: str) -> None:
    """Go back to the catalog's list for this case type."""
    require_admin(actor, "change a case type's checklist")
    if not _edited(session, case_type):
        return
    session.exec(
        delete(ChecklistTemplateItem).where(col(ChecklistTemplateItem.case_type) == case_type)
    )
    setting = session.get(CaseTypeSetting, case_type)
    setting.checklist_edited = False
    session.add(setting)
    record_event(
        session,
        kind="checklist_template_changed",
        summary=f"The {catalog.case_types()[case_type].title} checklist is back to the standard "
        "list",
        actor=actor,
    )


@dataclass(frozen=True)
class TemplateRow:
    role: str
    code: str
    section: str
    title_en: str
    title_es: str
    explain_en: str
    explain_es: str
    kinds: str
    translation: bool
    required: bool
    expires_after_days: int


def type_checklist_is_edited(session: Session, *, actor: Viewer, case_type: str) -> bool:
    """Whether the firm has its own version of this case type's list (else the catalog's)."""
    require_admin(actor, "change a case type's checklist")
    return _edited(session, case_type)


def type_checklist_rows(session: Session, *, actor: Viewer, case_type: str) -> list[TemplateRow]:
    """Every item of a case type's list, member role by role, for the admin's editor."""
    require_admin(actor, "change a case type's checklist")
    kind = catalog.case_types().get(case_type)
    if kind is None:
        raise NotFound("No such case type.")
    return [
        TemplateRow(
            role=role,
            kinds=", ".join(text.kinds),
            **{
                name: getattr(text, name)
                for name in ("code", *TEXT_FIELDS, "translation", "required", "expires_after_days")
            },
        )
        for role in kind.all_roles
        for text in type_checklist(session, case_type, role)
    ]
