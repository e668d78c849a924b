"""The deadline engine against hand-computed dates, and the rules catalog's own hygiene.

Every expected date below was counted by hand (the working is in the comment next to it) and
checked against GNU `date -d`, never by calling the engine. No database is touched.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from immigration_app.catalog.deadline_rules import (
    KINDS,
    ROLLS,
    deadline_rules,
    deadline_triggers,
    load_catalog,
    rules_for_trigger,
)
from immigration_app.services.deadline_engine import (
    compute,
    compute_for_trigger,
    is_business_day,
    next_business_day,
    parse_date,
    previous_business_day,
)
from immigration_app.services.errors import InvalidInput

D = date


@dataclass(frozen=True)
class Case:
    rule: str
    trigger_on: date
    due_on: date
    mailed: bool = False
    printed_on: date | None = None
    computed_on: date | None = None  # when it differs from due_on (a printed date won)


CASES = {
    # --- RFE / NOID / appeals ---
    # Mar 2 + 29 = Mar 31 (29), + 30 = Apr 30 (59), + 25 = May 25 (84): Memorial Day.
    "rfe in person": Case("rfe_response", D(2026, 3, 2), D(2026, 5, 25)),
    # 84 + 3 mailed = 87: May 25 + 3 = May 28.
    "rfe mailed": Case("rfe_response", D(2026, 3, 2), D(2026, 5, 28), mailed=True),
    # The printed date wins; the computed 87-day date is kept beside it.
    "rfe printed wins": Case(
        "rfe_response",
        D(2026, 3, 2),
        D(2026, 5, 20),
        mailed=True,
        printed_on=D(2026, 5, 20),
        computed_on=D(2026, 5, 28),
    ),
    # Mar 2 + 29 = Mar 31, + 1 = Apr 1.
    "rfe i539 in person": Case("rfe_response_i539", D(2026, 3, 2), D(2026, 4, 1)),
    # 30 + 3 = 33: Apr 1 + 3 = Apr 4 (a Saturday; "warn" does not move it).
    "rfe i539 mailed": Case("rfe_response_i539", D(2026, 3, 2), D(2026, 4, 4), mailed=True),
    # Jan 15 + 16 = Jan 31, + 14 = Feb 14.
    "noid in person": Case("noid_response", D(2026, 1, 15), D(2026, 2, 14)),
    # 30 + 3 = 33: Feb 14 + 3 = Feb 17.
    "noid mailed": Case("noid_response", D(2026, 1, 15), D(2026, 2, 17), mailed=True),
    # Jun 10 + 20 = Jun 30, + 10 = Jul 10.
    "i290b 30": Case("i290b_appeal", D(2026, 6, 10), D(2026, 7, 10)),
    # 33 days: Jul 10 + 3 = Jul 13.
    "i290b 33 mailed": Case("i290b_appeal", D(2026, 6, 10), D(2026, 7, 13), mailed=True),
    # Jun 10 + 15 = Jun 25.
    "revocation 15": Case("i290b_revocation_appeal", D(2026, 6, 10), D(2026, 6, 25)),
    # Jun 10 + 18 = Jun 28.
    "revocation 18 mailed": Case(
        "i290b_revocation_appeal", D(2026, 6, 10), D(2026, 6, 28), mailed=True
    ),
    # --- Conditional residence ---
    # + 2 y = 2026-05-15; - 15 = Apr 30, - 30 = Mar 31, - 31 = Feb 28, - 14 = Feb 14 (90).
    "i751 opens": Case("i751_window_opens", D(2024, 5, 15), D(2026, 2, 14)),
    "i751 closes": Case("i751_window_closes", D(2024, 5, 15), D(2026, 5, 15)),
    # Leap day: 2024-02-29 + 2 y has no Feb 29, so Feb 28 2026; - 28 = Jan 31, - 31 = Dec 31,
    # - 31 = Nov 30 (90).
    "i751 opens leap": Case("i751_window_opens", D(2024, 2, 29), D(2025, 11, 30)),
    "i751 closes leap": Case("i751_window_closes", D(2024, 2, 29), D(2026, 2, 28)),
    # 48 months = 4 years to the day.
    "i751 extension": Case("i751_extension_ends", D(2026, 3, 10), D(2030, 3, 10)),
    # + 2 y = 2027-01-31; - 31 = Dec 31, - 30 = Dec 1, - 29 = Nov 2 (90).
    "i829 opens": Case("i829_window_opens", D(2025, 1, 31), D(2026, 11, 2)),
    "i829 closes": Case("i829_window_closes", D(2025, 1, 31), D(2027, 1, 31)),
    # --- Naturalization ---
    # USCIS calculator example: + 5 y = 2018-07-04; - 4 = Jun 30, - 30 = May 31, - 31 = Apr 30,
    # - 25 = Apr 5 (90).
    "n400 5 year uscis example": Case("n400_earliest_5_year", D(2013, 7, 4), D(2018, 4, 5)),
    # + 3 y = 2026-05-10; - 10 = Apr 30, - 30 = Mar 31, - 31 = Feb 28, - 19 = Feb 9 (90).
    "n400 3 year": Case("n400_earliest_3_year", D(2023, 5, 10), D(2026, 2, 9)),
    # --- EAD, green card, DACA ---
    # Dec 31 - 31 = Nov 30, - 30 = Oct 31, - 31 = Sep 30, - 30 = Aug 31, - 31 = Jul 31,
    # - 27 = Jul 4 (180).
    "ead 180": Case("ead_renewal_window_opens", D(2026, 12, 31), D(2026, 7, 4)),
    "ead expiry": Case("ead_expiry", D(2026, 12, 31), D(2026, 12, 31)),
    # Aug 31 - 6 months = Feb 31, which 2027 lacks: clamped to Feb 28.
    "i90 6 months": Case("i90_window_opens", D(2027, 8, 31), D(2027, 2, 28)),
    # Jun 30 - 30 = May 31, - 31 = Apr 30, - 30 = Mar 31, - 31 = Feb 28, - 28 = Jan 31 (150).
    "daca 150": Case("daca_renewal_window_opens", D(2027, 6, 30), D(2027, 1, 31)),
    # Jun 30 - 30 = May 31, - 31 = Apr 30, - 30 = Mar 31, - 29 = Mar 2 (120).
    "daca 120": Case("daca_renewal_window_closes", D(2027, 6, 30), D(2027, 3, 2)),
    # --- Asylum (arrival is day 0; the rule rolls to the next business day) ---
    # 2026-06-10 is a Wednesday: no roll.
    "asylum normal": Case("asylum_one_year", D(2025, 6, 10), D(2026, 6, 10)),
    # 2026-05-30 is a Saturday -> Monday Jun 1.
    "asylum saturday": Case("asylum_one_year", D(2025, 5, 30), D(2026, 6, 1)),
    # 2026-11-26 is Thanksgiving -> Friday Nov 27 (the day after is not a federal holiday).
    "asylum thanksgiving": Case("asylum_one_year", D(2025, 11, 26), D(2026, 11, 27)),
    # Christmas 2027 is a Saturday, so Friday 2027-12-24 is the observed federal holiday
    # (5 U.S.C. 6103(b)): offices are closed, so we treat it as a legal holiday and roll past
    # the weekend to Monday Dec 27.
    "asylum observed christmas": Case("asylum_one_year", D(2026, 12, 24), D(2027, 12, 27)),
    # Christmas 2026 (Friday) + 1 y = Saturday 2027-12-25 -> Sun 26 -> Monday Dec 27.
    "asylum christmas saturday": Case("asylum_one_year", D(2026, 12, 25), D(2027, 12, 27)),
    # 2028-01-01 is a Saturday and New Year's Day -> Sunday -> Monday Jan 3.
    "asylum new year": Case("asylum_one_year", D(2027, 1, 1), D(2028, 1, 3)),
    # Feb 29 + 1 y = Feb 28 2025, a Friday.
    "asylum leap arrival": Case("asylum_one_year", D(2024, 2, 29), D(2025, 2, 28)),
    # --- H-1B, LCA, status ---
    "h1b opens": Case("h1b_cap_filing_opens", D(2026, 4, 1), D(2026, 4, 1)),
    # Apr 1 + 29 = Apr 30, + 31 = May 31, + 30 = Jun 30 (90): the FY2027 end date.
    "h1b closes": Case("h1b_cap_filing_closes", D(2026, 4, 1), D(2026, 6, 30)),
    # Oct 1 - 6 months = Apr 1.
    "lca 6 months": Case("lca_earliest_filing", D(2026, 10, 1), D(2026, 4, 1)),
    # Mar 31 + 30 = Apr 30, + 30 = May 30 (60).
    "grace 60": Case("grace_period_end", D(2026, 3, 31), D(2026, 5, 30)),
    "i94 expiry": Case("i94_status_expiry", D(2026, 5, 30), D(2026, 5, 30)),
    # --- PERM ---
    "pwd printed expiry": Case("pwd_expiry", D(2027, 3, 31), D(2027, 3, 31)),
    # Mar 15 + 16 = Mar 31, + 14 = Apr 14 (30).
    "perm earliest 9089": Case("perm_9089_earliest", D(2026, 3, 15), D(2026, 4, 14)),
    # Jan 10 + 21 = Jan 31, + 28 = Feb 28, + 31 = Mar 31, + 30 = Apr 30, + 31 = May 31,
    # + 30 = Jun 30, + 9 = Jul 9 (180).
    "perm latest 9089": Case("perm_9089_latest", D(2026, 1, 10), D(2026, 7, 9)),
    # Feb 2 + 26 = Feb 28, + 31 = Mar 31, + 30 = Apr 30, + 31 = May 31, + 30 = Jun 30,
    # + 31 = Jul 31, + 1 = Aug 1 (180).
    "perm i140 due": Case("perm_i140_due", D(2026, 2, 2), D(2026, 8, 1)),
    # --- K-1, U visa, appointments ---
    # Jan 15 + 16 = Jan 31, + 28 = Feb 28, + 31 = Mar 31, + 15 = Apr 15 (90).
    "k1 marry 90": Case("k1_marriage_by", D(2026, 1, 15), D(2026, 4, 15)),
    # Feb 29 2024 + 2 y = Feb 28 2026 (clamped).
    "k1 i129f 2 years": Case("k1_i129f_file_by", D(2024, 2, 29), D(2026, 2, 28)),
    # Aug 31 + 6 months = Feb 31, clamped to Feb 28 2027.
    "u visa 6 months": Case("u_visa_i918_file_by", D(2026, 8, 31), D(2027, 2, 28)),
    "biometrics": Case("biometrics_appointment", D(2026, 9, 14), D(2026, 9, 14)),
    "interview": Case("interview_appointment", D(2026, 10, 5), D(2026, 10, 5)),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_hand_computed_dates(case: Case):
    result = compute(case.rule, case.trigger_on, mailed=case.mailed, printed_on=case.printed_on)
    assert result.due_on == case.due_on
    assert result.computed_on == (case.computed_on or case.due_on)
    assert result.printed_on == case.printed_on
    assert result.trigger_on == case.trigger_on


def test_hand_computed_table_covers_enough_cases():
    assert len(CASES) >= 35


# --- Rolls and warnings ----------------------------------------------------------------


def test_asylum_roll_keeps_the_unrolled_date_and_explains_the_holiday():
    result = compute("asylum_one_year", D(2027, 1, 1))
    assert (result.rolled_from, result.due_on) == (D(2028, 1, 1), D(2028, 1, 3))
    assert result.warning == ""
    assert result.explanation == (
        "Last arrival on 01/01/2027 + 1 year = 01/01/2028, a Saturday and a federal holiday"
        " (New Year's Day), moved to 01/03/2028 (8 CFR 1208.4(a)(2)(ii))"
    )


def test_asylum_roll_from_an_observed_holiday_names_it():
    result = compute("asylum_one_year", D(2026, 12, 24))
    assert result.rolled_from == D(2027, 12, 24)
    assert "a federal holiday (Christmas Day, observed), moved to 12/27/2027" in (
        result.explanation
    )


def test_asylum_on_a_business_day_is_not_rolled():
    assert compute("asylum_one_year", D(2025, 6, 10)).rolled_from is None


def test_warn_rule_keeps_a_weekend_date_and_names_the_last_safe_day():
    result = compute("i94_status_expiry", D(2026, 5, 30))
    assert result.due_on == D(2026, 5, 30)
    assert result.rolled_from is None
    assert result.warning == (
        "05/30/2026 is a Saturday; this rule does not say the date moves,"
        " so treat Friday 05/29/2026 as the last safe day."
    )


def test_warn_skips_an_observed_holiday_when_naming_the_last_safe_day():
    # Jul 4 2026 is a Saturday; Friday Jul 3 is the observed holiday, so Thursday Jul 2.
    result = compute("i94_status_expiry", D(2026, 7, 4))
    assert result.warning == (
        "07/04/2026 is a Saturday and a federal holiday (Independence Day); this rule does not"
        " say the date moves, so treat Thursday 07/02/2026 as the last safe day."
    )


def test_warn_on_a_weekday_holiday():
    # The in-person RFE lands on Memorial Day, Monday 05/25/2026 -> Friday 05/22/2026.
    result = compute("rfe_response", D(2026, 3, 2))
    assert result.warning.startswith("05/25/2026 is a federal holiday (Memorial Day);")
    assert result.warning.endswith("treat Friday 05/22/2026 as the last safe day.")


def test_no_warning_on_a_business_day_or_for_rules_that_do_not_roll():
    assert compute("rfe_response", D(2026, 3, 2), mailed=True).warning == ""
    # EAD window opens on Saturday Jul 4 2026, but an opening date never warns.
    assert compute("ead_renewal_window_opens", D(2026, 12, 31)).warning == ""


def test_printed_date_later_than_the_maximum_is_kept_with_a_warning():
    result = compute("rfe_response", D(2026, 3, 2), mailed=True, printed_on=D(2026, 6, 3))
    assert result.due_on == D(2026, 6, 3)
    assert "later than the computed 05/28/2026" in result.warning


def test_printed_date_on_a_rule_that_counts_for_itself_is_kept_but_not_used():
    result = compute("i290b_appeal", D(2026, 6, 10), printed_on=D(2026, 7, 1))
    assert (result.printed_on, result.due_on) == (D(2026, 7, 1), D(2026, 7, 10))
    assert "prints 07/01/2026 but this rule counts 07/10/2026" in result.warning


# --- Explanations and internal targets -------------------------------------------------


def test_explanation_for_a_mailed_rfe_with_a_buffer():
    result = compute("rfe_response", D(2026, 3, 2), mailed=True, buffer_days=14)
    # May 28 - 14 = May 14, a Thursday.
    assert result.internal_target_on == D(2026, 5, 14)
    assert result.explanation == (
        "RFE dated 03/02/2026 + 87 days (84 + 3 mailed) = 05/28/2026 (8 CFR 103.2(b)(8)(iv));"
        " internal target 05/14/2026 (14 days earlier)"
    )


def test_explanation_when_the_printed_date_wins():
    result = compute("rfe_response", D(2026, 3, 2), mailed=True, printed_on=D(2026, 5, 20))
    assert result.explanation == (
        "Printed due date 05/20/2026 (computed: RFE dated 03/02/2026 + 87 days (84 + 3 mailed)"
        " = 05/28/2026, 8 CFR 103.2(b)(8)(iv))"
    )


def test_explanation_of_years_and_days_and_of_a_bare_date():
    opens = compute("i751_window_opens", D(2024, 2, 29))
    assert opens.explanation == (
        "Conditional resident since 02/29/2024 + 2 years - 90 days = 11/30/2025 (8 CFR 216.4(a)(1))"
    )
    assert compute("pwd_expiry", D(2027, 3, 31)).explanation == (
        "PWD expires 03/31/2027 (20 CFR 656.40(c))"
    )


def test_explanation_uses_the_firms_date_format():
    result = compute("noid_response", D(2026, 1, 15), mailed=True, date_format="DD/MM/YYYY")
    assert result.explanation.startswith("NOID dated 15/01/2026 + 33 days (30 + 3 mailed) = 17/02")


def test_internal_target_on_a_weekend_moves_to_the_business_day_before():
    result = compute("rfe_response", D(2026, 3, 2), mailed=True, buffer_days=12)
    # May 28 - 12 = Saturday May 16 -> Friday May 15.
    assert result.internal_target_on == D(2026, 5, 15)
    assert result.explanation.endswith(
        "internal target 05/15/2026 (12 days earlier is 05/16/2026, a Saturday;"
        " moved to the business day before)"
    )


def test_internal_target_on_a_holiday_moves_back_over_the_weekend():
    # May 28 - 3 = Monday May 25, Memorial Day -> Friday May 22.
    result = compute("rfe_response", D(2026, 3, 2), mailed=True, buffer_days=3)
    assert result.internal_target_on == D(2026, 5, 22)


def test_internal_target_is_counted_from_the_printed_date_when_it_wins():
    # May 20 - 7 = Wednesday May 13.
    result = compute(
        "rfe_response", D(2026, 3, 2), mailed=True, printed_on=D(2026, 5, 20), buffer_days=7
    )
    assert result.internal_target_on == D(2026, 5, 13)


def test_internal_target_never_falls_before_the_trigger_date():
    # 15 days after Jun 10 is Jun 25; a 20-day buffer would land on Jun 5.
    result = compute("i290b_revocation_appeal", D(2026, 6, 10), buffer_days=20)
    assert result.internal_target_on == D(2026, 6, 10)
    assert "held at the revocation decision date" in result.explanation


def test_no_internal_target_without_a_buffer_or_for_other_kinds():
    assert compute("rfe_response", D(2026, 3, 2)).internal_target_on is None
    assert compute("i751_window_opens", D(2024, 5, 15), buffer_days=14).internal_target_on is None
    # window_closes gets one: May 15 2026 - 14 = Friday May 1.
    closes = compute("i751_window_closes", D(2024, 5, 15), buffer_days=14)
    assert closes.internal_target_on == D(2026, 5, 1)


def test_compute_for_trigger_returns_every_rule_of_the_trigger_in_catalog_order():
    results = compute_for_trigger("conditional_residence_start", D(2024, 5, 15))
    assert [(r.rule_key, r.due_on) for r in results] == [
        ("i751_window_opens", D(2026, 2, 14)),
        ("i751_window_closes", D(2026, 5, 15)),
    ]


# --- Bad input -------------------------------------------------------------------------


def test_unknown_rule_is_refused():
    with pytest.raises(InvalidInput) as error:
        compute("no_such_rule", D(2026, 3, 2))
    assert "rule" in error.value.fields


def test_unknown_trigger_is_refused():
    with pytest.raises(InvalidInput) as error:
        compute_for_trigger("no_such_trigger", D(2026, 3, 2))
    assert "trigger" in error.value.fields


def test_missing_trigger_date_names_what_is_needed():
    with pytest.raises(InvalidInput) as error:
        compute("rfe_response", None)
    assert error.value.fields == {"trigger_on": "This rule needs the RFE notice date."}
    with pytest.raises(InvalidInput) as error:
        compute("asylum_one_year", None)
    assert error.value.fields == {"trigger_on": "This rule needs the last arrival in the US."}


def test_printed_date_before_the_trigger_is_refused():
    with pytest.raises(InvalidInput) as error:
        compute("rfe_response", D(2026, 3, 2), printed_on=D(2026, 1, 1))
    assert error.value.fields == {
        "printed_on": "The printed due date 01/01/2026 is before the RFE notice date 03/02/2026."
    }


def test_mail_service_on_a_trigger_that_is_not_a_notice_is_refused():
    with pytest.raises(InvalidInput) as error:
        compute("asylum_one_year", D(2025, 6, 10), mailed=True)
    assert "mailed" in error.value.fields


def test_negative_buffer_is_refused():
    with pytest.raises(InvalidInput) as error:
        compute("rfe_response", D(2026, 3, 2), buffer_days=-1)
    assert "buffer_days" in error.value.fields


# --- Parsing typed dates ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "date_format", "expected"),
    [
        ("03/02/2026", "MM/DD/YYYY", D(2026, 3, 2)),
        (" 3/2/2026 ", "MM/DD/YYYY", D(2026, 3, 2)),
        ("02/03/2026", "DD/MM/YYYY", D(2026, 3, 2)),
        ("2026-03-02", "YYYY-MM-DD", D(2026, 3, 2)),
        ("02/29/2024", "MM/DD/YYYY", D(2024, 2, 29)),
    ],
)
def test_parse_date_reads_the_firms_format(text, date_format, expected):
    assert parse_date(text, date_format) == expected


def test_parse_date_refuses_a_day_that_does_not_exist():
    with pytest.raises(InvalidInput) as error:
        parse_date("02/30/2026")
    assert error.value.fields == {"date": "02/30/2026 is not a real date."}
    with pytest.raises(InvalidInput):
        parse_date("02/29/2026")  # 2026 is not a leap year


@pytest.mark.parametrize("text", ["", "   ", "03/02/26", "2026-03-02", "March 2, 2026", "13/45"])
def test_parse_date_refuses_blank_and_wrongly_shaped_text(text):
    with pytest.raises(InvalidInput) as error:
        parse_date(text)
    assert "date" in error.value.fields


# --- Business days ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "business"),
    [
        (D(2026, 3, 2), True),  # a Monday
        (D(2026, 5, 30), False),  # a Saturday
        (D(2026, 6, 19), False),  # Juneteenth
        (D(2026, 7, 3), False),  # Independence Day observed (Jul 4 is a Saturday)
        (D(2027, 12, 31), False),  # New Year's Day 2028 observed on the Friday before
        (D(2026, 11, 27), True),  # the day after Thanksgiving is not a federal holiday
        (D(2026, 4, 3), True),  # Good Friday is not a federal holiday
        (D(2025, 12, 24), True),  # closed by executive order, but not a legal public holiday
        (D(2029, 1, 22), True),  # Monday after Inauguration Day: never a holiday here
    ],
)
def test_business_days_follow_5_usc_6103(day, business):
    assert is_business_day(day) is business


def test_next_and_previous_business_day():
    assert next_business_day(D(2026, 3, 2)) == D(2026, 3, 2)
    assert next_business_day(D(2027, 12, 24)) == D(2027, 12, 27)
    assert previous_business_day(D(2026, 7, 4)) == D(2026, 7, 2)


# --- The catalog itself ----------------------------------------------------------------


def test_every_rule_has_its_provenance_and_a_known_trigger():
    triggers = deadline_triggers()
    for rule in deadline_rules().values():
        assert rule.trigger in triggers, rule.key
        assert rule.citation.strip(), rule.key
        assert rule.source.startswith(("http://", "https://")), rule.key
        assert isinstance(rule.as_of, date), rule.key
        assert rule.kind in KINDS, rule.key
        assert rule.roll in ROLLS, rule.key


def test_only_the_asylum_rule_rolls_forward_by_itself():
    rolling = [rule.key for rule in deadline_rules().values() if rule.roll == "next_business_day"]
    assert rolling == ["asylum_one_year"]


def test_every_trigger_has_a_rule():
    for key in deadline_triggers():
        assert rules_for_trigger(key), key


def test_unverified_rules_say_so():
    rules = deadline_rules()
    assert rules["rfe_response"].verified
    assert not rules["i94_status_expiry"].verified
    assert "no automatic extension" in rules["ead_expiry"].note


def _catalog_with(**rule_changes):
    trigger = {"key": "t", "label": "T", "described_as": "T on", "mailable": False}
    rule = {
        "key": "bad_rule",
        "title": "X due",
        "trigger": "t",
        "kind": "due",
        "citation": "cite",
        "source": "https://example.org",
        "as_of": D(2026, 11, 26),
        "verified": False,
    }
    return {"trigger": [trigger], "rule": [{**rule, **rule_changes}]}


@pytest.mark.parametrize(
    "change",
    [
        {"trigger": "nope"},
        {"kind": "deadline"},
        {"roll": "sideways"},
        {"mail_days": 3},  # the trigger is not mailable
        {"colour": "red"},  # an unknown field
    ],
)
def test_loading_a_bad_rule_names_it(change):
    with pytest.raises(ValueError, match="bad_rule"):
        load_catalog(_catalog_with(**change))


def test_loading_a_good_catalog():
    catalog = load_catalog(_catalog_with())
    assert list(catalog.rules) == ["bad_rule"]
