import pytest
from sqlmodel import select

from immigration_app.models import FirmSettings
from immigration_app.services.auth import SignedIn, sign_in
from immigration_app.services.case_list import CaseQuery, search_cases
from immigration_app.services.demo import seed_demo


def test_demo_firm_sign_ins_work_and_it_has_cases(session):
    sign_ins = seed_demo(session)
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
