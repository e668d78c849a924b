"""The processing-time states: only admins reach the import page; the case tab reads nothing
until it opens and takes only a published line a receipt may have."""

import pytest

from immigration_app.services.cases import add_receipt_number
from immigration_app.services.db import session_scope
from immigration_app.services.processing_times import import_processing_times, set_receipt_office
from immigration_app.state.case_processing import CaseProcessingState
from immigration_app.state.processing_times import ProcessingTimesState
from tests.factories import make_case
from tests.unit.state.conftest import redirect_target, sign_in_as

pytestmark = pytest.mark.anyio

CSV = (
    "form,category,office,months,publication date\n"
    "N-400,Naturalization application,Chicago IL,6,11/20/2025\n"
    "N-400,Naturalization application,Houston TX,9.5,11/20/2025\n"
)


async def test_only_an_admin_opens_the_import_page(tab):
    await sign_in_as(tab, "attorney")
    state = tab.state(ProcessingTimesState)
    toast, redirect = await state.load()
    assert redirect_target(redirect) == "/" and "role does not allow" in str(toast.args)
    assert not state.loaded

    admin = await sign_in_as(tab, "admin")
    with session_scope() as session:
        import_processing_times(session, actor=admin, data=CSV.encode(), filename="n400.csv")
    await state.load()
    assert state.forms == ["N-400"] and state.total == 2 and state.past_due == 0
    await state.filter_form("I-130")
    assert state.form == "" and state.total == 2


async def test_the_case_tab_reads_on_opening_and_refuses_a_forged_line(tab):
    admin = await sign_in_as(tab, "admin")
    with session_scope() as session:
        import_processing_times(session, actor=admin, data=CSV.encode(), filename="n400.csv")
        case = make_case(session, actor=admin)
        add_receipt_number(
            session,
            actor=admin,
            reference=case.reference,
            receipt_number="IOE0912345678",
            form="N-400",
        )
        set_receipt_office(
            session,
            actor=admin,
            reference=case.reference,
            receipt_number="IOE0912345678",
            office="",
            category="",
            received_on="2025-01-10",
        )
    state = tab.state(CaseProcessingState)
    state.router = state.router.__class__.from_router_data(
        {"pathname": f"/cases/{case.reference}", "asPath": f"/cases/{case.reference}"}
    )
    await state.load()
    assert not state.loaded and state.receipts == []
    await state.show_tab("uscis")
    (receipt,) = state.receipts
    assert "2 published lines" in receipt.problem and receipt.sentence == ""

    await state.save({"receipt_number": "IOE0912345678", "line": "999999", "received_on": ""})
    assert state.error == "Choose one of USCIS's published lines."
    chicago = next(choice for choice in receipt.choices if choice.office == "Chicago IL")
    await state.save({"receipt_number": "IOE0912345678", "line": chicago.value})
    (receipt,) = state.receipts
    assert state.error == "" and receipt.chosen == chicago.value
    assert receipt.sentence.startswith("Cases like yours are typically decided within 6 months")
    assert receipt.past_due and receipt.likely_by.endswith("2025")
