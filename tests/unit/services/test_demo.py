import pytest
from sqlmodel import select

from immigration_app.models import Case, CaseChecklistItem, FirmSettings, ItemStatus, User
from immigration_app.services.auth import SignedIn, sign_in
from immigration_app.services.case_list import CaseQuery, search_cases
from immigration_app.services.demo import seed_demo
from immigration_app.services.documents import client_reason, review_queue
from immigration_app.services.portal import open_portal
from immigration_app.services.users import viewer_of


def test_demo_firm_sign_ins_work_and_it_has_cases(session):
    sign_ins = seed_demo(session).sign_ins
    assert {entry.role for entry in sign_ins} == {"admin", "attorney", "paralegal"}
    for entry in sign_ins:
        outcome = sign_in(session, email=entry.email, password=entry.password)
        assert isinstance(outcome, SignedIn)
        assert search_cases(session, viewer=outcome.viewer, query=CaseQuery()).total > 0
    assert session.exec(select(FirmSettings)).one().date_format == "MM/DD/YYYY"


def test_demo_is_never_added_to_a_firm_with_users(session):
    seed_demo(session)
    with pytest.raises(RuntimeError):
        seed_demo(session)


def test_the_marriage_case_has_documents_accepted_sent_back_and_waiting_for_review(session):
    seed_demo(session)
    marriage = session.exec(select(Case).where(Case.case_type == "aos-marriage")).one()
    items = session.exec(
        select(CaseChecklistItem).where(CaseChecklistItem.case_id == marriage.id)
    ).all()
    statuses = [str(item.status) for item in items]
    assert statuses.count(ItemStatus.ACCEPTED) >= 3
    (rejected,) = [item for item in items if item.status == ItemStatus.REJECTED]
    assert client_reason(rejected, "en").startswith("We could not read it.")
    paralegal = session.exec(select(User).where(User.role == "paralegal")).one()
    queue = review_queue(session, viewer=viewer_of(paralegal))
    assert [(row.reference, row.files) for row in queue] == [(marriage.reference, 1)]
    assert queue[0].waiting_days >= 1


def test_the_printed_portal_link_opens_the_daca_clients_portal(session):
    firm = seed_demo(session)
    assert firm.portal_url.startswith("http://localhost:3000/portal/")
    access = open_portal(session, token=firm.portal_url.rsplit("/portal/", 1)[1])
    daca = session.exec(select(Case).where(Case.case_type == "daca-renewal")).one()
    assert access.case_id == daca.id
