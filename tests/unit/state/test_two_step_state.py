"""Two-step sign-in in the browser's states: the second step cannot be skipped or forged."""

import pytest
from sqlmodel import select

from immigration_app.models import AuthSession, User
from immigration_app.services.db import session_scope
from immigration_app.services.two_step import set_two_step_required, two_step_status
from immigration_app.state.account import AccountSecurityState
from immigration_app.state.admin import FirmSettingsState, TeamState
from immigration_app.state.auth import AuthState
from immigration_app.state.dashboard import DashboardState
from tests.factories import PASSWORD, make_user, make_viewer
from tests.two_step import code_for, enrol
from tests.unit.state.conftest import redirect_target, sign_in_as

pytestmark = pytest.mark.anyio


def _user_with_two_step() -> tuple[User, str]:
    with session_scope() as session:
        user = make_user(session, role="attorney")
        secret, _ = enrol(session, user)
    return user, secret


def _sessions() -> list[AuthSession]:
    with session_scope() as session:
        return list(session.exec(select(AuthSession)))


async def _password(tab, user: User):
    return await tab.state(AuthState).submit_sign_in({"email": user.email, "password": PASSWORD})


async def test_right_password_asks_for_the_code_and_grants_nothing_yet(tab):
    user, secret = _user_with_two_step()
    auth = tab.state(AuthState)
    assert await _password(tab, user) is None
    assert auth.sign_in_step == "code"
    assert auth.session_token == ""
    assert _sessions() == []
    # Every other handler still treats the browser as signed out.
    assert redirect_target(await tab.state(DashboardState).load()).startswith("/login")
    assert redirect_target(await tab.state(AccountSecurityState).load()).startswith("/login")

    await auth.submit_sign_in_code({"code": "000000"})
    assert auth.session_token == "" and "not right" in auth.sign_in_error

    event = await auth.submit_sign_in_code({"code": code_for(secret, steps_ahead=1)})
    assert redirect_target(event) == "/"
    assert auth.session_token and auth.sign_in_step == "password"
    assert redirect_target(await tab.state(DashboardState).load()) is None


async def test_code_handler_without_a_pending_sign_in_does_nothing(tab):
    user, secret = _user_with_two_step()
    auth = tab.state(AuthState)
    # A browser calling the second step straight away, even with a right code.
    assert await auth.submit_sign_in_code({"code": code_for(secret, steps_ahead=1)}) is None
    await auth.submit_enrolment_code({"code": code_for(secret, steps_ahead=1)})
    assert auth.session_token == "" and auth.sign_in_step == "password"
    assert _sessions() == []


async def test_an_expired_pending_sign_in_must_start_again(tab):
    user, secret = _user_with_two_step()
    auth = tab.state(AuthState)
    await _password(tab, user)
    auth._pending_until = 0.0  # the five minutes are up
    await auth.submit_sign_in_code({"code": code_for(secret, steps_ahead=1)})
    assert auth.session_token == ""
    assert auth.sign_in_step == "password"
    assert "expired" in auth.sign_in_error
    assert _sessions() == []


async def test_the_code_step_cannot_be_answered_with_the_enrolment_handler(tab):
    user, secret = _user_with_two_step()
    auth = tab.state(AuthState)
    await _password(tab, user)
    await auth.submit_enrolment_code({"code": code_for(secret, steps_ahead=1)})
    assert auth.session_token == "" and _sessions() == []


async def test_firm_requirement_enrols_at_sign_in_then_shows_recovery_codes(tab):
    with session_scope() as session:
        set_two_step_required(session, actor=make_viewer(session, role="admin"), required=True)
        user = make_user(session)
    auth = tab.state(AuthState)
    await _password(tab, user)
    assert auth.sign_in_step == "enrol"
    assert auth.enrol_qr.startswith("data:image/svg+xml;base64,")
    assert auth.session_token == ""

    await auth.submit_enrolment_code({"code": "000000"})
    assert auth.session_token == "" and "not right" in auth.sign_in_error

    await auth.submit_enrolment_code({"code": code_for(auth.enrol_secret)})
    assert auth.sign_in_step == "recovery_codes"
    assert len(auth.new_recovery_codes) == 10
    assert auth.session_token and auth.enrol_secret == ""
    assert redirect_target(await auth.continue_after_recovery_codes()) == "/"
    assert auth.new_recovery_codes == []


async def test_account_page_sets_up_two_step_and_shows_codes_once(tab):
    viewer = await sign_in_as(tab, "paralegal")
    account = tab.state(AccountSecurityState)
    await account.load()
    assert account.loaded and not account.enabled
    await account.start_setup()
    assert account.setup_qr.startswith("data:image/svg+xml")
    await account.confirm_setup({"code": "000000"})
    assert "not right" in account.errors["code"] and not account.enabled
    await account.confirm_setup({"code": code_for(account.setup_secret)})
    assert account.enabled and len(account.recovery_codes) == 10
    assert account.setup_secret == ""
    await account.done_with_codes()
    assert account.recovery_codes == []
    await account.turn_off({"turn_off_code": "000000"})
    assert "not right" in account.errors["turn_off_code"]
    with session_scope() as session:
        assert two_step_status(session, user_id=viewer.id).enabled


async def test_only_admins_reset_two_step_or_require_it(tab):
    user, _ = _user_with_two_step()
    await sign_in_as(tab, "attorney")
    await tab.state(TeamState).reset_member_two_step(user.id)
    await tab.state(FirmSettingsState).update_two_step_rule(True)
    with session_scope() as session:
        assert two_step_status(session, user_id=user.id).enabled
        assert not two_step_status(session, user_id=user.id).required_by_firm

    await sign_in_as(tab, "admin")
    await tab.state(TeamState).reset_member_two_step(user.id)
    firm = tab.state(FirmSettingsState)
    await firm.update_two_step_rule(True)
    assert firm.require_two_step
    with session_scope() as session:
        status = two_step_status(session, user_id=user.id)
        assert not status.enabled and status.required_by_firm
