"""Document checklists: the evidence each member of a case is asked for, read from checklists.toml.

For every case type and every role it may have (case_types.toml), the file lists the documents
that member uploads: a birth certificate, a sealed medical exam, an employer's ability-to-pay
records. Each item has client-facing wording in English and Spanish, a section of the checklist
page, the kinds of upload it accepts, and whether it is required, needs a certified translation
or goes stale after some days. The TOML is validated when it is read, so a typo in a case type,
role, section or field fails loudly at start-up, naming the item, instead of leaving a client
with a wrong or empty checklist.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import MISSING, dataclass, fields
from typing import Any

from immigration_app.catalog import CATALOG_DIR, CaseType, case_types

FILE_NAME = "checklists.toml"
KINDS = ("pdf", "photo")
SECTIONS = (
    "identity",
    "civil",
    "immigration",
    "relationship",
    "financial",
    "employment",
    "education",
    "case-evidence",
    "criminal",
    "photos",
    "other",
)
CODE_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class ChecklistSection:
    key: str
    title_en: str
    title_es: str
    order: int  # ascending on the checklist page

    def title(self, language: str) -> str:
        """The title in `language`; English for a language the catalog does not have."""
        return self.title_es if language == "es" else self.title_en


@dataclass(frozen=True)
class ChecklistItemSpec:
    case_type: str
    role: str
    code: str  # unique within (case_type, role); the same document keeps its code across types
    section: str
    title_en: str
    title_es: str
    explain_en: str  # shown to the client: what a good upload looks like
    explain_es: str
    kinds: tuple[str, ...]  # what the client may upload, from KINDS
    translation: bool  # a certified English translation must come with a non-English document
    required: bool
    expires_after_days: int = 0  # how long it stays usable after it is issued; 0 = no expiry
    note: str = ""  # for staff only, never shown to clients

    def title(self, language: str) -> str:
        """The title in `language`; English for a language the catalog does not have."""
        return self.title_es if language == "es" else self.title_en

    def explain(self, language: str) -> str:
        """The explanation in `language`; English for a language the catalog does not have."""
        return self.explain_es if language == "es" else self.explain_en


@dataclass(frozen=True)
class ChecklistCatalog:
    sections: dict[str, ChecklistSection]  # in display order
    items: tuple[ChecklistItemSpec, ...]  # in file order


def load_checklists(data: dict[str, Any]) -> ChecklistCatalog:
    """Build and check the catalog from parsed TOML; raises ValueError naming the bad entry."""
    unknown = sorted(set(data) - {"section", "item"})
    if unknown:
        raise ValueError(f"{FILE_NAME}: unknown table(s) {', '.join(unknown)}")
    sections = _sections(data.get("section", {}))
    types = case_types()
    items = []
    seen = set()
    for raw in data.get("item", []):
        item = _item(raw, types)
        owner_code = (item.case_type, item.role, item.code)
        if owner_code in seen:
            raise ValueError(f"{_item_name(raw)}: code is listed twice for this case type and role")
        seen.add(owner_code)
        items.append(item)
    return ChecklistCatalog(sections=sections, items=tuple(items))


@functools.cache
def checklist_catalog() -> ChecklistCatalog:
    with (CATALOG_DIR / FILE_NAME).open("rb") as handle:
        return load_checklists(tomllib.load(handle))


@functools.cache
def checklist_sections() -> dict[str, ChecklistSection]:
    """Every checklist section, keyed by its key, in display order."""
    return checklist_catalog().sections


@functools.cache
def checklist_items() -> tuple[ChecklistItemSpec, ...]:
    """Every checklist item of every case type and role, in file order."""
    return checklist_catalog().items


def items_for(case_type: str, role: str) -> tuple[ChecklistItemSpec, ...]:
    """The items asked of `role` on a case of `case_type`, in file order; empty if none."""
    return _items_by_owner().get((case_type, role), ())


@functools.cache
def _items_by_owner() -> dict[tuple[str, str], tuple[ChecklistItemSpec, ...]]:
    owners: dict[tuple[str, str], list[ChecklistItemSpec]] = {}
    for item in checklist_items():
        owners.setdefault((item.case_type, item.role), []).append(item)
    return {owner: tuple(items) for owner, items in owners.items()}


def _sections(raw_sections: dict[str, Any]) -> dict[str, ChecklistSection]:
    for key, raw in raw_sections.items():
        if key not in SECTIONS:
            raise ValueError(
                f"{FILE_NAME} section {key!r}: unknown section; use one of {', '.join(SECTIONS)}"
            )
        if not isinstance(raw, dict) or "key" in raw:
            raise ValueError(f"{FILE_NAME} section {key!r}: write it as a [section.{key}] table")
    missing = [key for key in SECTIONS if key not in raw_sections]
    if missing:
        raise ValueError(f"{FILE_NAME}: section(s) {', '.join(missing)} have no [section] table")
    sections = [
        _build(ChecklistSection, {"key": key} | raw, f"{FILE_NAME} section {key!r}")
        for key, raw in raw_sections.items()
    ]
    orders = set()
    for section in sections:
        name = f"{FILE_NAME} section {section.key!r}"
        if not (section.title_en.strip() and section.title_es.strip()):
            raise ValueError(f"{name}: title_en and title_es must not be empty")
        if section.order in orders:
            raise ValueError(f"{name}: order {section.order} is used by another section")
        orders.add(section.order)
    return {section.key: section for section in sorted(sections, key=lambda s: s.order)}


def _item(raw: dict[str, Any], types: dict[str, CaseType]) -> ChecklistItemSpec:
    name = _item_name(raw)
    kinds = raw.get("kinds")
    if not isinstance(kinds, list) or not all(isinstance(kind, str) for kind in kinds):
        raise ValueError(f"{name}: kinds must be a list of strings")
    item = _build(ChecklistItemSpec, raw | {"kinds": tuple(kinds)}, name)
    case_type = types.get(item.case_type)
    if case_type is None:
        raise ValueError(f"{name}: unknown case type {item.case_type!r}")
    if item.role not in case_type.all_roles:
        raise ValueError(
            f"{name}: {item.role!r} is not a role of {item.case_type}; "
            f"use one of {', '.join(case_type.all_roles)}"
        )
    if not CODE_PATTERN.fullmatch(item.code):
        raise ValueError(f"{name}: code must be lowercase letters, digits and single hyphens")
    if item.section not in SECTIONS:
        raise ValueError(
            f"{name}: unknown section {item.section!r}; use one of {', '.join(SECTIONS)}"
        )
    if not item.kinds:
        raise ValueError(f"{name}: kinds must not be empty; use {' and/or '.join(KINDS)}")
    for kind in item.kinds:
        if kind not in KINDS:
            raise ValueError(f"{name}: unknown kind {kind!r}; use {' and/or '.join(KINDS)}")
    if len(set(item.kinds)) != len(item.kinds):
        raise ValueError(f"{name}: a kind is listed twice")
    for text in ("title_en", "title_es", "explain_en", "explain_es"):
        if not getattr(item, text).strip():
            raise ValueError(f"{name}: {text} must not be empty")
    if item.expires_after_days < 0:
        raise ValueError(f"{name}: expires_after_days cannot be negative")
    return item


_SCALAR_TYPES = {
    "str": (str, "text"),
    "bool": (bool, "true or false"),
    "int": (int, "a whole number"),
}


def _build(cls: type, raw: dict[str, Any], name: str) -> Any:
    known = {field.name: field for field in fields(cls)}
    unknown = sorted(set(raw) - set(known))
    if unknown:
        raise ValueError(f"{name}: unknown field(s) {', '.join(unknown)}")
    missing = [
        field.name for field in known.values() if field.default is MISSING and field.name not in raw
    ]
    if missing:
        raise ValueError(f"{name}: missing field(s) {', '.join(missing)}")
    for field_name, value in raw.items():
        expected, described = _SCALAR_TYPES.get(str(known[field_name].type), (None, ""))
        # `type() is`, not isinstance: TOML `true` must not pass for a number of days.
        if expected is not None and type(value) is not expected:
            raise ValueError(f"{name}: {field_name} must be {described}")
    return cls(**raw)


def _item_name(raw: dict[str, Any]) -> str:
    parts = (raw.get(part, "?") for part in ("case_type", "role", "code"))
    return f"{FILE_NAME} item {'/'.join(str(part) for part in parts)}"
