"""Domain data (case types, stages) and the small loader that reads it.

The TOML files are the source of truth; they are read once per process.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

CATALOG_DIR = Path(__file__).parent


@dataclass(frozen=True)
class CaseType:
    key: str
    title: str
    category: str
    roles: tuple[str, ...]
    optional_roles: tuple[str, ...]
    forms: tuple[str, ...]
    optional_forms: tuple[str, ...]
    source: str
    as_of: date
    verified: bool
    # What the beneficiary is to the petitioner on an I-130 (spouse, parent, child, sibling);
    # "" where the case type does not say, and staff answer it on the form.
    relationship: str = ""

    @property
    def client_role(self) -> str:
        """The role of the person the firm represents on this type of case."""
        return self.roles[0]

    @property
    def all_roles(self) -> tuple[str, ...]:
        return self.roles + self.optional_roles

    def role_to_add(self, taken: set[str]) -> str:
        """The first role this type needs that nobody holds yet; else the client's role."""
        return next((role for role in self.roles if role not in taken), self.client_role)


@dataclass(frozen=True)
class Stage:
    key: str
    title: str
    waiting_on: str = ""  # "client" or "review" while a case waits on someone outside staff work
    # Where the case stands and what comes next, as the client portal says it.
    client_now_en: str = ""
    client_next_en: str = ""
    client_now_es: str = ""
    client_next_es: str = ""

    def client_words(self, language: str) -> tuple[str, str]:
        if language == "es":
            return self.client_now_es, self.client_next_es
        return self.client_now_en, self.client_next_en


def _read(name: str) -> dict:
    with (CATALOG_DIR / name).open("rb") as handle:
        return tomllib.load(handle)


@functools.cache
def case_types() -> dict[str, CaseType]:
    """Every case type, keyed by its key, in catalog order."""
    types = {}
    for raw in _read("case_types.toml")["case_type"]:
        for listed in ("roles", "optional_roles", "forms", "optional_forms"):
            raw[listed] = tuple(raw[listed])
        types[raw["key"]] = CaseType(**raw)
    return types


@functools.cache
def stages() -> tuple[Stage, ...]:
    """The default stages, in the order a case moves through them."""
    return tuple(Stage(**raw) for raw in _read("stages.toml")["stage"])


def stage_title(key: str) -> str:
    return next((stage.title for stage in stages() if stage.key == key), key)


def stages_waiting_on(party: str) -> tuple[str, ...]:
    """Keys of the stages in which a case waits on `party` ("client" or "review")."""
    return tuple(stage.key for stage in stages() if stage.waiting_on == party)


PORTAL_LANGUAGES = ("en", "es")


@functools.cache
def portal_text() -> dict[str, dict[str, str]]:
    """The client portal's words per language. Both languages must say the same things."""
    text = _read("portal_text.toml")
    english = set(text["en"])
    for language in PORTAL_LANGUAGES:
        if set(text[language]) != english:
            missing = sorted(english ^ set(text[language]))
            raise ValueError(f"portal_text.toml [{language}] differs from [en] in: {missing}")
    return {language: dict(text[language]) for language in PORTAL_LANGUAGES}
