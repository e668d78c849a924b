"""The audit log's promise in one place: each sign-in, permission change and portal-link use
is an event saying who, from where and about what. (Views, downloads and exports are proven
route by route in tests/unit/api/test_access_routes.py.)"""

from __future__ import annotations

import pytest
from sqlmodel import select

from immigration_app.models import CaseEvent, CaseMember
from immigration_app.services.auth import SignInRefused, clear_sign_in_limits, sign_in
from immigration_app.services.portal import PortalRefused, create_link, open_portal, revoke_link
from immigration_app.services.users import change_role, set_reviewer, set_user_active
from tests.factories import PASSWORD, make_case, make_user, make_viewer

ADDRESS = "203.0.113.9"


def _last(session, kind: str) -> CaseEvent:
    events = session.exec(select(CaseEvent).where(CaseEvent.kind == kind)).all()
    assert events, f"no {kind} event"
    return events[-1]


@pytest.fixture(autouse=True)
def _fresh_limits():
    clear_sign_in_limits()
    yield
    clear_sign_in_limits()


def test_sign_ins_that_work_and_that_fail_are_recorded_with_the_address(session):
    user = make_user(session, role="paralegal")
    sign_in(session, email=user.email, password=PASSWORD, client_address=ADDRESS)
    ok = _last(session, "sign_in")
    assert (ok.actor_user_id, ok.client_address) == (user.id, ADDRESS)

    for email in (user.email, "nobody@firm.example"):
        refused = sign_in(session, email=email, password="wrong password!", client_address=ADDRESS)
        assert isinstance(refused, SignInRefused)
        failed = _last(session, "sign_in_failed")
        assert failed.client_address == ADDRESS
        assert email in failed.actor_label + failed.summary
        assert "wrong password!" not in str(failed.after) + failed.summary


def test_every_permission_change_is_recorded_with_before_and_after(session):
    admin = make_viewer(session, role="admin")
    user = make_user(session, role="paralegal")
    change_role(session, actor=admin, user_id=user.id, role="attorney")
    set_reviewer(session, actor=admin, user_id=user.id, reviewer=True)
    set_user_active(session, actor=admin, user_id=user.id, active=False)
    set_user_active(session, actor=admin, user_id=user.id, active=True)
    for kind in ("user_role_changed", "user_reviewer_changed", "user_deactivated"):
        event = _last(session, kind)
        assert event.actor_user_id == admin.id, kind
        assert event.before != event.after, kind
    assert _last(session, "user_reactivated").actor_user_id == admin.id


def test_each_use_of_a_portal_link_and_each_refusal_is_recorded(session):
    attorney = make_viewer(session, role="attorney")
    case = make_case(session, actor=attorney)
    member = session.exec(select(CaseMember).where(CaseMember.case_id == case.id)).first()
    link, token = create_link(
        session, actor=attorney, reference=case.reference, member_id=member.id, send_email=False
    )
    assert _last(session, "portal_link_created").case_id == case.id
    for _ in range(2):
        open_portal(session, token=token, client_address=ADDRESS)
    uses = session.exec(select(CaseEvent).where(CaseEvent.kind == "portal_link_used")).all()
    assert [(e.case_id, e.client_address) for e in uses] == [(case.id, ADDRESS)] * 2

    revoke_link(session, actor=attorney, reference=case.reference, link_id=link.id)
    assert _last(session, "portal_link_revoked").actor_user_id == attorney.id
    with pytest.raises(PortalRefused):
        open_portal(session, token=token, client_address=ADDRESS)
    refused = _last(session, "portal_link_refused")
    assert (refused.case_id, refused.client_address) == (case.id, ADDRESS)
