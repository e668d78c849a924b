"""The automated first pair of eyes: what a reviewer would catch in a case's forms, found first.

A single typo can get a case rejected, so before a case goes to review the app compares:
- every filled form with the profile as it is now (names, date of birth, A-number, addresses:
  a form filled before the profile changed is out of date), and the overrides typed over them;
- the five-year address and employment histories of everyone a form asks them of (gaps, overlaps);
- the marriage as each spouse reported it;
- the fields a form cannot be filed without, and the edition each form was filled on.

Each finding names the form, part and item and links to where it is fixed. Errors keep the case
out of review; a warning may be acknowledged with a note, which is kept (and shown) with it.
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, select

from immigration_app.models import (
    Address,
    Case,
    Employment,
    FilledForm,
    FindingAck,
    Marriage,
    Person,
    User,
)
from immigration_app.services.audit import record_event
from immigration_app.services.errors import InvalidInput
from immigration_app.services.firm import firm_clock
from immigration_app.services.form_data import case_members
from immigration_app.services.form_filling import (
    FormPlan,
    case_form_numbers,
    latest_filled,
    plan_form,
    shown,
)
from immigration_app.services.form_library import current_template
from immigration_app.services.histories import HISTORY_YEARS, history_gaps
from immigration_app.services.people import display_name
from immigration_app.services.viewer import Viewer, visible_case

ERROR, WARNING = "error", "warning"
# Paths that identify a person: a difference here is the typo that gets a case rejected.
_IDENTITY = (
    "family_name",
    "given_name",
    "middle_name",
    "date_of_birth",
    "a_number",
    "mailing.",
    "addresses[",
)
_HISTORIES = (("addresses", Address, "address"), ("employment", Employment, "employment"))
_GAP_HINT = {"address": ".", "employment": ' (time without work is entered as "Unemployed").'}
# How long two addresses may overlap before it looks like a mistake (a move takes a few days).
_OVERLAP_ALLOWED = timedelta(days=31)


@dataclass(frozen=True)
class Finding:
    code: str  # stable across runs: what an acknowledgement refers to
    severity: str  # error or warning
    form: str  # "I-130"; "" for the profile itself
    part: str
    item: str
    message: str
    fix_label: str
    fix_url: str
    acknowledged: str = ""  # the note, once a warning is acknowledged
    acknowledged_by: str = ""

    @property
    def where(self) -> str:
        parts = [f"Form {self.form}" if self.form else "Profile"]
        if self.part:
            parts.append(f"Part {self.part}")
        if self.item:
            parts.append(f"Item {self.item}")
        return ", ".join(parts)


def _profile_fix(case: Case, person: Person | None, what: str) -> tuple[str, str]:
    who = display_name(person) if person else "the client"
    return f"Edit {who}'s {what}", f"/cases/{case.reference}?tab=profile"


def _form_fix(case: Case, form: str) -> tuple[str, str]:
    return f"Open Form {form}", f"/cases/{case.reference}?tab=forms&form={form}"


def _label(blank) -> str:
    """A field's printed label, ready to be followed by more words."""
    return (blank.label or blank.name.rsplit(".", 1)[-1]).rstrip(" .")


def _is_identity(key: str) -> bool:
    path = key.partition(".")[2]
    return any(path == name or path.startswith(name) for name in _IDENTITY if name)


def _form_findings(
    case: Case, form: str, plan: FormPlan, filled: FilledForm | None, optional: bool
) -> list[Finding]:
    findings = []
    fix_label, fix_url = _form_fix(case, form)
    if plan.people.missing:
        findings.append(
            Finding(
                f"people:{form}",
                ERROR,
                form,
                "",
                "",
                f"Nobody on the case is the {' or '.join(plan.people.missing)} this form asks "
                "about.",
                "Add them on the Profile tab",
                f"/cases/{case.reference}?tab=profile",
            )
        )
        return findings
    final = plan.final()
    for rule in plan.form_map.fields:
        blank = plan.blanks.get(rule.name)
        if rule.required and blank and final.get(rule.name) in ("", False, None):
            role = rule.key.partition(".")[0]
            what = rule.key.partition(".")[2].replace("_", " ")
            label, url = _profile_fix(case, plan.people.people.get(role), what)
            findings.append(
                Finding(
                    f"required:{form}:{rule.name}",
                    ERROR,
                    form,
                    blank.part,
                    blank.item,
                    f"{_label(blank)} is required and empty.",
                    label,
                    url,
                )
            )
    if filled is None:
        if not optional:
            findings.append(
                Finding(
                    f"unfilled:{form}", ERROR, form, "", "", "Not filled yet.", fix_label, fix_url
                )
            )
        return findings
    if filled.template_id != plan.template.id:
        findings.append(
            Finding(
                f"edition:{form}:{filled.version}",
                ERROR,
                form,
                "",
                "",
                f"Version {filled.version} was filled on an edition that is no longer current; "
                f"USCIS rejects superseded editions. Fill it again on {plan.template.edition}.",
                fix_label,
                fix_url,
            )
        )
    rules = {rule.name: rule for rule in plan.form_map.fields}
    stale_other = 0
    for name, value in final.items():
        was = filled.values.get(name, "")
        if shown(value) == was:
            continue
        rule, blank = rules.get(name), plan.blanks[name]
        if rule is None or not _is_identity(rule.key):
            stale_other += 1
            continue
        findings.append(
            Finding(
                f"stale:{form}:{filled.version}:{name}",
                ERROR,
                form,
                blank.part,
                blank.item,
                f"{_label(blank)}: version {filled.version} says {was or 'nothing'!r}, the "
                f"case now gives {shown(value) or 'nothing'!r}. Fill the form again.",
                fix_label,
                fix_url,
            )
        )
    if stale_other:
        findings.append(
            Finding(
                f"stale-other:{form}:{filled.version}",
                WARNING,
                form,
                "",
                "",
                f"{stale_other} other answer(s) changed since version {filled.version} was filled.",
                fix_label,
                fix_url,
            )
        )
    for name, override in plan.overrides.items():
        rule = rules.get(name)
        blank = plan.blanks.get(name)
        if rule is None or blank is None or not _is_identity(rule.key):
            continue
        if override.value != override.replaced:
            findings.append(
                Finding(
                    f"override:{form}:{name}:{override.value}",
                    WARNING,
                    form,
                    blank.part,
                    blank.item,
                    f"{_label(blank)}: typed {override.value!r} where the profile says "
                    f"{shown(plan.profile.get(name, '')) or 'nothing'!r}; other forms will show "
                    "the profile's value.",
                    fix_label,
                    fix_url,
                )
            )
    return findings


def _history_findings(
    session: Session, case: Case, person: Person, kinds: set[str], today: date
) -> list[Finding]:
    clock = firm_clock(session)
    findings = []
    for path, table, noun in _HISTORIES:
        if path not in kinds:
            continue
        rows = list(session.exec(select(table).where(table.person_id == person.id)))
        if table is Address:
            rows = [row for row in rows if not (row.is_mailing and row.from_date is None)]
        label, url = _profile_fix(case, person, f"{noun} history")
        severity = ERROR if table is Address else WARNING
        for start, end in history_gaps(rows, today):
            findings.append(
                Finding(
                    f"gap:{noun}:{person.id}:{start.isoformat()}",
                    severity,
                    "",
                    "",
                    "",
                    f"{display_name(person)}'s {noun} history has a gap from "
                    f"{clock.date(start)} to {clock.date(end)}; the forms ask for the last "
                    f"{HISTORY_YEARS} years without gaps{_GAP_HINT[noun]}",
                    label,
                    url,
                )
            )
        if table is Address:
            findings += _overlaps(rows, person, case, clock, label, url, today)
    return findings


def _overlaps(rows, person, case, clock, label, url, today) -> list[Finding]:
    spans = sorted((row.from_date, row.to_date or today) for row in rows if row.from_date)
    findings = []
    for (_, end_a), (start_b, end_b) in itertools.pairwise(spans):
        overlap = min(end_a, end_b) - start_b
        if overlap > _OVERLAP_ALLOWED:
            findings.append(
                Finding(
                    f"overlap:address:{person.id}:{start_b.isoformat()}",
                    WARNING,
                    "",
                    "",
                    "",
                    f"{display_name(person)} lived at two addresses at once from "
                    f"{clock.date(start_b)} to {clock.date(min(end_a, end_b))}.",
                    label,
                    url,
                )
            )
    return findings


def _current_marriage(session: Session, person: Person) -> Marriage | None:
    return session.exec(
        select(Marriage).where(Marriage.person_id == person.id, Marriage.date_ended.is_(None))
    ).first()


def _marriage_findings(session: Session, case: Case, members: dict[str, Person]) -> list[Finding]:
    petitioner, beneficiary = members.get("petitioner"), members.get("beneficiary")
    if petitioner is None or beneficiary is None:
        return []
    theirs = {person.id: _current_marriage(session, person) for person in (petitioner, beneficiary)}
    mine, other = theirs[petitioner.id], theirs[beneficiary.id]
    if mine is None and other is None:
        return []
    clock = firm_clock(session)
    label, url = _profile_fix(case, petitioner, "marriage")
    if mine is None or other is None:
        missing = petitioner if mine is None else beneficiary
        return [
            Finding(
                f"marriage:one-sided:{missing.id}",
                WARNING,
                "",
                "",
                "",
                f"Only one spouse has the marriage on record; {display_name(missing)} has no "
                "current marriage.",
                *_profile_fix(case, missing, "marriage"),
            )
        ]
    if mine.date_of_marriage != other.date_of_marriage:
        return [
            Finding(
                "marriage:date",
                ERROR,
                "",
                "",
                "",
                f"The spouses give different marriage dates: {display_name(petitioner)} "
                f"{clock.date(mine.date_of_marriage) or '(none)'}, {display_name(beneficiary)} "
                f"{clock.date(other.date_of_marriage) or '(none)'}.",
                label,
                url,
            )
        ]
    return []


def _acknowledged(session: Session, case: Case, findings: list[Finding]) -> list[Finding]:
    notes = {
        ack.code: (ack.note, name or "")
        for ack, name in session.exec(
            select(FindingAck, User.full_name)
            .join(User, User.id == FindingAck.acked_by_id, isouter=True)
            .where(FindingAck.case_id == case.id)
        )
    }
    return [
        dataclasses.replace(
            finding, acknowledged=notes[finding.code][0], acknowledged_by=notes[finding.code][1]
        )
        if finding.severity == WARNING and finding.code in notes
        else finding
        for finding in findings
    ]


def findings_for(session: Session, case: Case) -> list[Finding]:
    """Every finding on the case, errors first."""
    members = case_members(session, case)
    by_role = {member.role: person for member, person in members}
    filled = latest_filled(session, case.id)
    findings: list[Finding] = []
    histories: dict[int, tuple[Person, set[str]]] = {}
    for form, optional in case_form_numbers(case):
        if current_template(session, form) is None:
            continue
        plan = plan_form(session, case, form)
        findings += _form_findings(case, form, plan, filled.get(form), optional)
        for rule in plan.form_map.fields:
            role, _, path = rule.key.partition(".")
            person = plan.people.people.get(role)
            for kind, _table, _noun in _HISTORIES:
                if person is not None and path.startswith(kind + "["):
                    histories.setdefault(person.id, (person, set()))[1].add(kind)
    today = firm_clock(session).today()
    for person, kinds in histories.values():
        findings += _history_findings(session, case, person, kinds, today)
    findings += _marriage_findings(session, case, by_role)
    findings = _acknowledged(session, case, findings)
    return sorted(findings, key=lambda finding: finding.severity != ERROR)


def case_findings(session: Session, *, viewer: Viewer, reference: str) -> list[Finding]:
    return findings_for(session, visible_case(session, viewer=viewer, reference=reference))


def open_errors(session: Session, case: Case) -> list[Finding]:
    return [finding for finding in findings_for(session, case) if finding.severity == ERROR]


def acknowledge(
    session: Session, *, actor: Viewer, reference: str, code: str, note: str
) -> FindingAck:
    """Accept a warning with a note; errors must be fixed, not acknowledged."""
    case = visible_case(session, viewer=actor, reference=reference)
    note = note.strip()
    if not note:
        raise InvalidInput({"note": "Say why this is all right (it stays with the case)."})
    finding = next((found for found in findings_for(session, case) if found.code == code), None)
    if finding is None:
        raise InvalidInput({"note": "This finding is no longer open."})
    if finding.severity != WARNING:
        raise InvalidInput({"note": "Errors are fixed, not acknowledged."})
    ack = session.get(FindingAck, (case.id, code)) or FindingAck(
        case_id=case.id, code=code, note=""
    )
    ack.note, ack.acked_by_id = note[:500], actor.id
    session.add(ack)
    record_event(
        session,
        kind="finding_acknowledged",
        summary=f"Acknowledged: {finding.message}"[:500],
        actor=actor,
        case_id=case.id,
        after={"code": code, "note": ack.note},
    )
    return ack
