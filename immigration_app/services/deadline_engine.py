"""The deadline calculation engine: trigger date + rule -> due date, with its explanation.

Pure functions: no database, no clock. The rules are data (catalog/deadline_rules.toml); this
module only does the arithmetic and the wording staff read next to each date.

Counting conventions (shared DOMAIN.md section 2):
- Offsets use dateutil.relativedelta: years and months first, then days, so "+ 2 years - 90
  days" is exact. A date the target month lacks is clamped to its last day (Feb 29 + 1 year =
  Feb 28), as relativedelta does.
- A notice served by mail adds the rule's `mail_days` (8 CFR 103.8(b)). Asking for the mail days
  on a trigger that is not a notice (an arrival, a card expiry) is refused rather than ignored,
  so nobody believes 3 days were added when none were.
- A date printed on the notice wins over the computed one when the rule says so; both are kept.
- Weekends and federal holidays: only a rule with roll "next_business_day" moves the date.
  Rules with roll "warn" keep the date and say which earlier business day is the last safe one.

Federal holidays are the `holidays` package's default US calendar with no state: the eleven
legal public holidays of 5 U.S.C. 6103(a), plus the Friday or Monday observed in their place
when one falls on a weekend (6103(b)). Inauguration Day is left out: it is a holiday only for
federal workers in the Washington, DC area, and rolling a deadline forward on it would be the
risky direction. Closures by executive order (e.g. Christmas Eve 2024 and 2025) are left out for
the same reason: they are not legal public holidays.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import holidays
from dateutil.relativedelta import relativedelta

from immigration_app.catalog.deadline_rules import (
    DeadlineRule,
    DeadlineTrigger,
    deadline_rules,
    deadline_triggers,
    rules_for_trigger,
)
from immigration_app.models.firm import DATE_FORMATS
from immigration_app.services.errors import InvalidInput

# Kinds that are a last day to act: only these get an internal target before them.
KINDS_WITH_TARGET = ("due", "window_closes")


@dataclass(frozen=True)
class Computation:
    rule_key: str
    title: str
    kind: str
    trigger_on: date
    computed_on: date  # by the rule (after a roll when the rule rolls)
    printed_on: date | None  # the date printed on the notice, when given
    due_on: date  # printed_on when given and the rule lets it win, else computed_on
    rolled_from: date | None  # the unrolled date when a roll moved it
    warning: str  # "" when there is nothing to warn about
    internal_target_on: date | None  # the firm's own earlier target, for "due"/"window_closes"
    explanation: str  # one line: how the date was reached, with the citation


# --- Business days ---------------------------------------------------------------------


@functools.cache
def _federal_holidays(year: int) -> dict[date, str]:
    # A plain dict: a `holidays` calendar grows itself on lookups of other years, and the cache
    # is per year anyway. The year's calendar includes a Dec 31 observed for the next Jan 1.
    return dict(holidays.country_holidays("US", years=year))


def federal_holiday_name(day: date) -> str | None:
    """The holiday's name, e.g. "Christmas Day, observed"; None on other days."""
    name = _federal_holidays(day.year).get(day)
    return name.replace(" (observed)", ", observed") if name else None


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and federal_holiday_name(day) is None


def next_business_day(day: date) -> date:
    """`day` itself when it is a business day, else the first business day after it."""
    while not is_business_day(day):
        day += timedelta(days=1)
    return day


def previous_business_day(day: date) -> date:
    """`day` itself when it is a business day, else the last business day before it."""
    while not is_business_day(day):
        day -= timedelta(days=1)
    return day


def describe_day(day: date) -> str:
    """Why `day` is not a business day: "a Saturday", "a federal holiday (Labor Day)"..."""
    holiday = federal_holiday_name(day)
    weekend = f"a {day:%A}" if day.weekday() >= 5 else ""
    if holiday and weekend:
        return f"{weekend} and a federal holiday ({holiday})"
    if holiday:
        return f"a federal holiday ({holiday})"
    return weekend or "a business day"


# --- Dates as people type and read them ------------------------------------------------


def parse_date(text: str, date_format: str = "MM/DD/YYYY", *, field: str = "date") -> date:
    """Read a typed date strictly: the firm's format, a 4-digit year, a day that exists.

    A refusal names `field`, so the message shows beside the control that sent the date."""
    pattern = _strftime_pattern(date_format)
    typed = (text or "").strip()
    if not typed:
        raise InvalidInput({field: "Enter a date."})
    if not re.fullmatch(_shape(pattern), typed):
        raise InvalidInput({field: f"Enter the date as {date_format}."})
    try:
        return datetime.strptime(typed, pattern).date()
    except ValueError:
        raise InvalidInput({field: f"{typed} is not a real date."}) from None


def format_date(day: date, date_format: str = "MM/DD/YYYY") -> str:
    return day.strftime(_strftime_pattern(date_format))


def _strftime_pattern(date_format: str) -> str:
    if date_format not in DATE_FORMATS:
        choices = ", ".join(DATE_FORMATS)
        raise InvalidInput({"date_format": f"Unknown date format {date_format}; use {choices}."})
    return DATE_FORMATS[date_format]


def _shape(pattern: str) -> str:
    # strptime alone would read "03/02/26" as the year 26; require four digits for the year.
    parts = {"%m": r"\d{1,2}", "%d": r"\d{1,2}", "%Y": r"\d{4}"}
    return "".join(parts.get(token, re.escape(token)) for token in re.split(r"(%.)", pattern))


# --- The engine ------------------------------------------------------------------------


def compute(
    rule_key: str,
    trigger_on: date | None,
    *,
    mailed: bool = False,
    printed_on: date | None = None,
    buffer_days: int = 0,
    date_format: str = "MM/DD/YYYY",
) -> Computation:
    """Apply one rule to its trigger date. Raises InvalidInput for input a person can fix."""
    rule = deadline_rules().get(rule_key)
    if rule is None:
        raise InvalidInput({"rule": f"Unknown deadline rule {rule_key!r}."})
    trigger = deadline_triggers()[rule.trigger]
    _check_input(trigger, trigger_on, mailed, printed_on, buffer_days, date_format)
    return _Calculation(rule, trigger, trigger_on, mailed, printed_on, buffer_days, date_format)()


def compute_for_trigger(
    trigger_key: str,
    trigger_on: date | None,
    *,
    mailed: bool = False,
    printed_on: date | None = None,
    buffer_days: int = 0,
    date_format: str = "MM/DD/YYYY",
) -> list[Computation]:
    """Every rule counted from `trigger_key`, in catalog order."""
    rules = rules_for_trigger(trigger_key)
    if not rules:
        raise InvalidInput({"trigger": f"Unknown deadline trigger {trigger_key!r}."})
    return [
        compute(
            rule.key,
            trigger_on,
            mailed=mailed,
            printed_on=printed_on,
            buffer_days=buffer_days,
            date_format=date_format,
        )
        for rule in rules
    ]


def _check_input(
    trigger: DeadlineTrigger,
    trigger_on: date | None,
    mailed: bool,
    printed_on: date | None,
    buffer_days: int,
    date_format: str,
) -> None:
    _strftime_pattern(date_format)
    if trigger_on is None:
        raise InvalidInput({"trigger_on": f"This rule needs the {_in_sentence(trigger.label)}."})
    if mailed and not trigger.mailable:
        label = _in_sentence(trigger.label)
        raise InvalidInput({"mailed": f"Service by mail does not apply to the {label}."})
    if printed_on is not None and printed_on < trigger_on:
        printed, since = format_date(printed_on, date_format), format_date(trigger_on, date_format)
        label = _in_sentence(trigger.label)
        message = f"The printed due date {printed} is before the {label} {since}."
        raise InvalidInput({"printed_on": message})
    if buffer_days < 0:
        raise InvalidInput({"buffer_days": "The buffer cannot be negative."})


def _in_sentence(label: str) -> str:
    """Lower-case a label's first letter unless it starts an acronym ("RFE", "I-94")."""
    if len(label) > 1 and label[0].isupper() and label[1].islower():
        return label[0].lower() + label[1:]
    return label


@dataclass(frozen=True)
class _Calculation:
    """One rule applied to one trigger date; calling it yields the Computation."""

    rule: DeadlineRule
    trigger: DeadlineTrigger
    trigger_on: date
    mailed: bool
    printed_on: date | None
    buffer_days: int
    date_format: str

    def __call__(self) -> Computation:
        unrolled = self.trigger_on + self._offset()
        computed = unrolled
        if self.rule.roll == "next_business_day":
            computed = next_business_day(unrolled)
        due = self.printed_on if self._printed_wins() else computed
        target = self._internal_target(due)
        return Computation(
            rule_key=self.rule.key,
            title=self.rule.title,
            kind=self.rule.kind,
            trigger_on=self.trigger_on,
            computed_on=computed,
            printed_on=self.printed_on,
            due_on=due,
            rolled_from=unrolled if computed != unrolled else None,
            warning=" ".join(filter(None, self._warnings(computed, due))),
            internal_target_on=target,
            explanation=self._explain(unrolled, computed, due, target),
        )

    def _mail_days(self) -> int:
        return self.rule.mail_days if self.mailed else 0

    def _offset(self) -> relativedelta:
        # relativedelta applies years and months (clamping the day) before it adds the days.
        rule = self.rule
        return relativedelta(
            years=rule.years, months=rule.months, days=rule.days + self._mail_days()
        )

    def _printed_wins(self) -> bool:
        return self.printed_on is not None and self.rule.printed_date_wins

    def _internal_target(self, due: date) -> date | None:
        if self.rule.kind not in KINDS_WITH_TARGET or self.buffer_days == 0:
            return None
        target = previous_business_day(due - timedelta(days=self.buffer_days))
        # A buffer longer than the period would put the target before the notice itself.
        return max(target, self.trigger_on)

    def _warnings(self, computed: date, due: date) -> list[str]:
        return [self._weekend_warning(due), self._printed_warning(computed)]

    def _weekend_warning(self, due: date) -> str:
        if self.rule.roll != "warn" or is_business_day(due):
            return ""
        safe = previous_business_day(due)
        return (
            f"{self._fmt(due)} is {describe_day(due)}; this rule does not say the date moves, "
            f"so treat {safe:%A} {self._fmt(safe)} as the last safe day."
        )

    def _printed_warning(self, computed: date) -> str:
        printed = self.printed_on
        if printed is None or printed == computed:
            return ""
        if not self.rule.printed_date_wins:
            return (
                f"The notice prints {self._fmt(printed)} but this rule counts "
                f"{self._fmt(computed)}; check which applies."
            )
        if printed > computed:
            return (
                f"The printed date {self._fmt(printed)} is later than the computed "
                f"{self._fmt(computed)}; check it against the notice."
            )
        return ""

    def _explain(self, unrolled: date, computed: date, due: date, target: date | None) -> str:
        calculation = self._calculation_text(unrolled, computed)
        if self._printed_wins():
            text = (
                f"Printed due date {self._fmt(due)} (computed: {calculation}, {self.rule.citation})"
            )
        else:
            text = f"{calculation} ({self.rule.citation})"
        return text + self._target_text(due, target)

    def _calculation_text(self, unrolled: date, computed: date) -> str:
        text = f"{self.trigger.described_as} {self._fmt(self.trigger_on)}"
        if self.rule.has_offset or self._mail_days():
            text += f" {self._offset_text()} = {self._fmt(unrolled)}"
        if computed != unrolled:
            text += f", {describe_day(unrolled)}, moved to {self._fmt(computed)}"
        return text

    def _offset_text(self) -> str:
        """E.g. "+ 2 years - 90 days" or "+ 87 days (84 + 3 mailed)"."""
        rule, mail = self.rule, self._mail_days()
        parts = [_signed(rule.years, "year"), _signed(rule.months, "month")]
        days = _signed(rule.days + mail, "day")
        if mail and days:
            days += f" ({rule.days} + {mail} mailed)"
        parts.append(days)
        return " ".join(part for part in parts if part)

    def _target_text(self, due: date, target: date | None) -> str:
        if target is None:
            return ""
        earlier = _count(self.buffer_days, "day")
        raw = due - timedelta(days=self.buffer_days)
        if target == raw:
            return f"; internal target {self._fmt(target)} ({earlier} earlier)"
        if target != previous_business_day(raw):  # held at the trigger date
            label = _in_sentence(self.trigger.label)
            return (
                f"; internal target {self._fmt(target)} (held at the {label}: "
                f"{earlier} earlier would reach back before it)"
            )
        return (
            f"; internal target {self._fmt(target)} ({earlier} earlier is {self._fmt(raw)}, "
            f"{describe_day(raw)}; moved to the business day before)"
        )

    def _fmt(self, day: date) -> str:
        return format_date(day, self.date_format)


def _signed(amount: int, unit: str) -> str:
    if amount == 0:
        return ""
    sign = "+" if amount > 0 else "-"
    return f"{sign} {_count(abs(amount), unit)}"


def _count(amount: int, unit: str) -> str:
    return f"{amount} {unit}" if amount == 1 else f"{amount} {unit}s"
