"""The default wording of reminders and client messages (message_templates.toml).

Each template has an English and a Spanish text and declares the placeholders it may use; what
each placeholder means is listed once, in the file's [placeholders] table, for the admin page
where a firm rewords them. Filling and checking the text is services/templates.py's work.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass

from immigration_app.catalog import CATALOG_DIR

LANGUAGES = ("en", "es")
# "uscis": a letter to the government, written in English only.
AUDIENCES = ("staff", "client", "uscis")


@dataclass(frozen=True)
class TemplateText:
    subject: str
    body: str


@dataclass(frozen=True)
class MessageTemplate:
    key: str
    audience: str  # "staff" or "client"
    description: str
    placeholders: tuple[str, ...]  # the names it may use, without braces
    en: TemplateText
    es: TemplateText

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages a firm words it in: a letter to USCIS is only ever in English."""
        return ("en",) if self.audience == "uscis" else LANGUAGES

    def text(self, language: str) -> TemplateText:
        """The wording in `language`; English for a language the catalog does not have."""
        return self.es if language == "es" else self.en

    @property
    def placeholder_meanings(self) -> dict[str, str]:
        """Each placeholder this template may use, with a one-line meaning, in its order."""
        meanings = placeholder_meanings()
        return {name: meanings[name] for name in self.placeholders}


@functools.cache
def _catalog() -> dict:
    with (CATALOG_DIR / "message_templates.toml").open("rb") as handle:
        return tomllib.load(handle)


def placeholder_meanings() -> dict[str, str]:
    """Every placeholder any template may use, with what it stands for."""
    return dict(_catalog()["placeholders"])


@functools.cache
def message_templates() -> dict[str, MessageTemplate]:
    """Every message template, keyed by its key, in catalog order."""
    templates = {}
    for raw in _catalog()["template"]:
        template = _template(raw)
        templates[template.key] = template
    return templates


def _template(raw: dict) -> MessageTemplate:
    key = raw["key"]
    # A mistake in the file should stop the app at start-up, not surface in a client's inbox.
    if raw["audience"] not in AUDIENCES:
        raise ValueError(f"Template {key}: audience must be one of {AUDIENCES}.")
    unknown = set(raw["placeholders"]) - set(placeholder_meanings())
    if unknown:
        raise ValueError(f"Template {key}: placeholders not in [placeholders]: {sorted(unknown)}")
    return MessageTemplate(
        key=key,
        audience=raw["audience"],
        description=raw["description"],
        placeholders=tuple(raw["placeholders"]),
        # A letter to USCIS has no Spanish text: its "es" is its English.
        **{language: _text(raw.get(language, raw["en"])) for language in LANGUAGES},
    )


def _text(raw: dict) -> TemplateText:
    # TOML's ''' strings keep the line break after the opening quotes' line out, but the one
    # before the closing quotes in; the stored text starts and ends with its words.
    return TemplateText(subject=raw["subject"].strip(), body=raw["body"].strip())
