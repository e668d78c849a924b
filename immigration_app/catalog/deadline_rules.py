"""Deadline rules and the trigger events they count from, read from deadline_rules.toml.

A rule turns one trigger date (an RFE notice, a card expiry, a last arrival) into one produced
date. The TOML is validated when it is read, so a typo in a trigger, kind or roll fails loudly
at start-up, naming the rule, instead of producing a wrong date later.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from immigration_app.catalog import CATALOG_DIR

KINDS = ("due", "window_opens", "window_closes", "earliest_filing", "appointment", "expiry")
ROLLS = ("warn", "next_business_day", "none")


@dataclass(frozen=True)
class DeadlineTrigger:
    key: str
    label: str  # what staff enter, e.g. "RFE notice date"
    described_as: str  # how an explanation names the date, e.g. "RFE dated"
    mailable: bool  # whether "served by mail" applies to this event
    # A date on a person's profile that is this event: entering it makes the deadlines on
    # the person's cases (only those of `case_types`, when listed).
    profile_field: str = ""
    case_types: tuple[str, ...] = ()


@dataclass(frozen=True)
class DeadlineRule:
    key: str
    title: str  # what is due, in staff wording
    trigger: str
    kind: str
    citation: str
    source: str
    as_of: date
    verified: bool
    years: int = 0
    months: int = 0
    days: int = 0
    mail_days: int = 0
    printed_date_wins: bool = False
    roll: str = "warn"
    note: str = ""

    @property
    def has_offset(self) -> bool:
        return bool(self.years or self.months or self.days)


@dataclass(frozen=True)
class DeadlineCatalog:
    rules: dict[str, DeadlineRule]
    triggers: dict[str, DeadlineTrigger]


def load_catalog(data: dict[str, Any]) -> DeadlineCatalog:
    """Build and check the catalog from parsed TOML; raises ValueError naming the bad entry."""
    triggers = _keyed(
        "trigger",
        [
            _build(DeadlineTrigger, raw | {"case_types": tuple(raw.get("case_types", ()))})
            for raw in data["trigger"]
        ],
    )
    rules = _keyed("rule", [_build(DeadlineRule, raw) for raw in data["rule"]])
    for rule in rules.values():
        _check_rule(rule, triggers)
    return DeadlineCatalog(rules=rules, triggers=triggers)


@functools.cache
def deadline_catalog() -> DeadlineCatalog:
    with (CATALOG_DIR / "deadline_rules.toml").open("rb") as handle:
        return load_catalog(tomllib.load(handle))


def deadline_rules() -> dict[str, DeadlineRule]:
    """Every rule, keyed by its key, in catalog order."""
    return deadline_catalog().rules


def deadline_triggers() -> dict[str, DeadlineTrigger]:
    """Every trigger event, keyed by its key, in catalog order."""
    return deadline_catalog().triggers


def profile_triggers() -> dict[str, DeadlineTrigger]:
    """The triggers that are a date on a person's profile, keyed by that profile field."""
    return {t.profile_field: t for t in deadline_triggers().values() if t.profile_field}


@functools.cache
def rules_for_trigger(trigger_key: str) -> tuple[DeadlineRule, ...]:
    """The rules counted from `trigger_key`, in catalog order; empty for an unknown trigger."""
    return tuple(rule for rule in deadline_rules().values() if rule.trigger == trigger_key)


def _build(cls: type, raw: dict[str, Any]) -> Any:
    name = f"{cls.__name__} {raw.get('key', '(no key)')!r}"
    known = {field.name for field in fields(cls)}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ValueError(f"{name}: unknown field(s) {', '.join(unknown)}")
    try:
        return cls(**raw)
    except TypeError as error:  # a required field is missing
        raise ValueError(f"{name}: {error}") from error


def _keyed(what: str, items: list) -> dict:
    keyed = {}
    for item in items:
        if item.key in keyed:
            raise ValueError(f"Deadline {what} {item.key!r} is listed twice")
        keyed[item.key] = item
    return keyed


def _check_rule(rule: DeadlineRule, triggers: dict[str, DeadlineTrigger]) -> None:
    name = f"Deadline rule {rule.key!r}"
    if rule.trigger not in triggers:
        raise ValueError(f"{name}: unknown trigger {rule.trigger!r}")
    if rule.kind not in KINDS:
        raise ValueError(f"{name}: unknown kind {rule.kind!r}; use one of {', '.join(KINDS)}")
    if rule.roll not in ROLLS:
        raise ValueError(f"{name}: unknown roll {rule.roll!r}; use one of {', '.join(ROLLS)}")
    if rule.mail_days < 0:
        raise ValueError(f"{name}: mail_days cannot be negative")
    if rule.mail_days and not triggers[rule.trigger].mailable:
        raise ValueError(f"{name}: mail_days set but trigger {rule.trigger!r} is not mailable")
    if not (rule.citation and rule.source):
        raise ValueError(f"{name}: a rule needs a citation and a source")
    if not isinstance(rule.as_of, date):
        raise ValueError(f"{name}: as_of must be a TOML date")
