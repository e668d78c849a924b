"""Two-step sign-in: setting it up, the second step, recovery codes and the firm's rule."""

import base64

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from immigration_app.cli import app
from immigration_app.models import AuthSession, CaseEvent, RecoveryCode, User
from immigration_app.services.auth import (
    SecondStepNeeded,
    SignedIn,
    SignInRefused,
    sign_in,
    viewer_for_token,
)
from immigration_app.services.db import session_scope
from immigration_app.services.errors import InvalidInput, NotPermitted
from immigration_app.services.sealed_values import SealedValueUnreadable, open_text
from immigration_app.services.two_step import (
    WRONG_CODE,
    confirm_enrolment,
    disable_two_step,
    regenerate_recovery_codes,
    reset_two_step,
    set_two_step_required,
    start_enrolment,
    two_step_status,
)
from immigration_app.services.two_step_sign_in import (
    EnrolledAndSignedIn,
    finish_enrolment_at_sign_in,
    finish_sign_in,
    start_enrolment_at_sign_in,
)
from immigration_app.services.users import list_staff, viewer_of
from tests.factories import PASSWORD, make_user, make_viewer
from tests.two_step import code_for, enrol


def _kinds(session, kind):
    return session.exec(select(CaseEvent).where(CaseEvent.kind == kind)).all()


def _password_step(session, user) -> SecondStepNeeded:
    outcome = sign_in(session, email=user.email, password=PASSWORD, client_address="10.0.0.5")
    assert isinstance(outcome, SecondStepNeeded)
    return outcome


def test_enrolment_turns_on_only_after_a_right_code(session):
    user = make_user(session)
    enrolment = start_enrolment(session, user_id=user.id)
    assert enrolment.qr_data_uri.startswith("data:image/svg+xml;base64,")
    assert b"<svg" in base64.b64decode(enrolment.qr_data_uri.split(",", 1)[1])
    assert not two_step_status(session, user_id=user.id).enabled
    # Until confirmed, the password alone still signs in.
    assert isinstance(sign_in(session, email=user.email, password=PASSWORD), SignedIn)

    with pytest.raises(InvalidInput) as wrong:
        confirm_enrolment(session, user_id=user.id, code="000000")
    assert "not right" in wrong.value.fields["code"]
    assert not two_step_status(session, user_id=user.id).enabled

    secret = enrolment.secret.replace(" ", "")
    codes = confirm_enrolment(session, user_id=user.id, code=code_for(secret))
    assert len(codes) == len(set(codes)) == 10
    status = two_step_status(session, user_id=user.id)
    assert status.enabled and status.recovery_codes_left == 10
    assert [event.actor_label for event in _kinds(session, "two_step_enabled")] == [user.email]
    assert list_staff(session)[0].two_step is True


def test_secret_and_recovery_codes_are_not_stored_readable(session):
    user = make_user(session)
    secret, codes = enrol(session, user)
    session.flush()
    stored = session.exec(select(User.totp_secret_sealed).where(User.id == user.id)).one()
    assert secret not in stored and secret.lower() not in stored.lower()
    assert open_text(stored, bound_to=f"totp:user:{user.id}") == secret
    # Copied onto another account's row, the sealed secret does not open.
    with pytest.raises(SealedValueUnreadable):
        open_text(stored, bound_to=f"totp:user:{user.id + 1}")
    digests = session.exec(select(RecoveryCode.code_sha256)).all()
    assert len(digests) == 10
    assert not {code.replace("-", "") for code in codes} & set(digests)
    assert not any(code in digest for code in codes for digest in digests)


def test_sign_in_asks_for_the_code_and_opens_no_session_before_it(session):
    user = make_user(session)
    secret, _ = enrol(session, user)
    pending = _password_step(session, user)
    assert pending.user_id == user.id and pending.enrol is False
    assert session.exec(select(AuthSession)).all() == []

    refused = finish_sign_in(session, user_id=user.id, code="123456", client_address="10.0.0.5")
    assert refused == SignInRefused(WRONG_CODE)
    failed = _kinds(session, "sign_in_failed")
    assert failed[-1].after == {"reason": "wrong_two_step_code"}
    assert failed[-1].actor_label == user.email
    assert session.exec(select(AuthSession)).all() == []

    done = finish_sign_in(session, user_id=user.id, code=code_for(secret, steps_ahead=1))
    assert isinstance(done, SignedIn) and done.viewer.id == user.id
    assert len(session.exec(select(AuthSession)).all()) == 1
    assert "two-step" in _kinds(session, "sign_in")[-1].summary


def test_a_used_code_cannot_be_replayed(session):
    user = make_user(session)
    secret, _ = enrol(session, user)
    # The code that confirmed the set-up is spent already.
    assert finish_sign_in(session, user_id=user.id, code=code_for(secret)) == SignInRefused(
        WRONG_CODE
    )
    code = code_for(secret, steps_ahead=1)
    assert isinstance(finish_sign_in(session, user_id=user.id, code=code), SignedIn)
    assert finish_sign_in(session, user_id=user.id, code=code) == SignInRefused(WRONG_CODE)
    # And an older code than the last one used is no good either.
    assert finish_sign_in(session, user_id=user.id, code=code_for(secret)) == SignInRefused(
        WRONG_CODE
    )


def test_a_recovery_code_signs_in_once(session):
    user = make_user(session)
    _, codes = enrol(session, user)
    typed = codes[3].upper().replace("-", " ")  # read off paper: case and spacing vary
    assert isinstance(finish_sign_in(session, user_id=user.id, code=typed), SignedIn)
    assert finish_sign_in(session, user_id=user.id, code=codes[3]) == SignInRefused(WRONG_CODE)
    assert two_step_status(session, user_id=user.id).recovery_codes_left == 9
    used = _kinds(session, "recovery_code_used")
    assert len(used) == 1 and used[0].after == {"recovery_codes_left": 9}


def test_wrong_codes_count_against_the_sign_in_limit(session):
    user = make_user(session)
    secret, _ = enrol(session, user)
    for _ in range(5):
        assert finish_sign_in(session, user_id=user.id, code="000000") == SignInRefused(WRONG_CODE)
    blocked = finish_sign_in(session, user_id=user.id, code=code_for(secret, steps_ahead=1))
    assert "Too many failed sign-in attempts" in blocked.message
    # The password step is blocked too: the limit is the account's, whatever was wrong.
    assert "Too many" in sign_in(session, email=user.email, password=PASSWORD).message
    assert _kinds(session, "sign_in_blocked")


def test_firm_requirement_makes_staff_enrol_before_a_session(session):
    admin = make_viewer(session, role="admin")
    set_two_step_required(session, actor=admin, required=True)
    assert _kinds(session, "firm_settings_changed")[-1].after == {"require_two_step": True}
    user = make_user(session)
    pending = _password_step(session, user)
    assert pending.enrol is True

    enrolment = start_enrolment_at_sign_in(session, user_id=user.id)
    secret = enrolment.secret.replace(" ", "")
    wrong = finish_enrolment_at_sign_in(session, user_id=user.id, code="999999")
    assert isinstance(wrong, SignInRefused) and "not right" in wrong.message
    assert session.exec(select(AuthSession)).all() == []

    done = finish_enrolment_at_sign_in(session, user_id=user.id, code=code_for(secret))
    assert isinstance(done, EnrolledAndSignedIn)
    assert done.signed_in.viewer.id == user.id and len(done.recovery_codes) == 10
    assert two_step_status(session, user_id=user.id).enabled
    # From now on the usual second step applies.
    assert _password_step(session, user).enrol is False


def test_non_admin_cannot_require_two_step(session):
    paralegal = make_viewer(session)
    with pytest.raises(NotPermitted):
        set_two_step_required(session, actor=paralegal, required=True)


def test_turning_off_needs_a_code_and_is_refused_when_the_firm_requires_it(session):
    user = make_user(session)
    secret, _ = enrol(session, user)
    viewer = viewer_of(user)
    with pytest.raises(InvalidInput):
        disable_two_step(session, actor=viewer, code="000000")

    admin = make_viewer(session, role="admin")
    set_two_step_required(session, actor=admin, required=True)
    with pytest.raises(NotPermitted, match="requires two-step"):
        disable_two_step(session, actor=viewer, code=code_for(secret, steps_ahead=1))
    assert two_step_status(session, user_id=user.id).enabled

    set_two_step_required(session, actor=admin, required=False)
    disable_two_step(session, actor=viewer, code=code_for(secret, steps_ahead=1))
    assert not two_step_status(session, user_id=user.id).enabled
    assert session.exec(select(RecoveryCode)).all() == []
    assert len(_kinds(session, "two_step_disabled")) == 1
    assert isinstance(sign_in(session, email=user.email, password=PASSWORD), SignedIn)


def test_new_recovery_codes_replace_the_old_ones(session):
    user = make_user(session)
    secret, old_codes = enrol(session, user)
    with pytest.raises(InvalidInput):
        regenerate_recovery_codes(session, actor=viewer_of(user), code="000000")
    new_codes = regenerate_recovery_codes(
        session, actor=viewer_of(user), code=code_for(secret, steps_ahead=1)
    )
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    assert finish_sign_in(session, user_id=user.id, code=old_codes[0]) == SignInRefused(WRONG_CODE)
    assert isinstance(finish_sign_in(session, user_id=user.id, code=new_codes[0]), SignedIn)
    assert len(_kinds(session, "recovery_codes_regenerated")) == 1


def test_admin_resets_a_lost_phone(session):
    user = make_user(session)
    secret, codes = enrol(session, user)
    with pytest.raises(NotPermitted):
        reset_two_step(session, actor=make_viewer(session, role="attorney"), user_id=user.id)
    admin = make_viewer(session, role="admin")
    phone_holder = finish_sign_in(session, user_id=user.id, code=codes[1])
    assert viewer_for_token(session, phone_holder.token) is not None
    reset_two_step(session, actor=admin, user_id=user.id)
    assert not two_step_status(session, user_id=user.id).enabled
    assert viewer_for_token(session, phone_holder.token) is None  # signed out everywhere
    assert session.get(User, user.id).totp_secret_sealed is None
    reset = _kinds(session, "two_step_reset")
    assert len(reset) == 1 and reset[0].actor_label == admin.email
    assert user.email in reset[0].summary
    # The old codes are gone with the phone; the password alone signs in again.
    assert finish_sign_in(session, user_id=user.id, code=codes[0]).message.startswith("Your")
    assert isinstance(sign_in(session, email=user.email, password=PASSWORD), SignedIn)
    with pytest.raises(InvalidInput):
        reset_two_step(session, actor=admin, user_id=user.id)


def test_second_step_for_a_deactivated_account_is_refused(session):
    user = make_user(session)
    secret, _ = enrol(session, user)
    user.is_active = False
    session.add(user)
    outcome = finish_sign_in(session, user_id=user.id, code=code_for(secret, steps_ahead=1))
    assert isinstance(outcome, SignInRefused)
    assert session.exec(select(AuthSession)).all() == []


def test_operator_resets_two_step_from_the_command_line():
    with session_scope() as session:
        user = make_user(session, role="admin")
        enrol(session, user)
    runner = CliRunner()
    done = runner.invoke(app, ["reset-two-step", "--email", user.email.upper()])
    assert done.exit_code == 0, done.output
    assert "is off" in done.output
    again = runner.invoke(app, ["reset-two-step", "--email", user.email])
    assert again.exit_code == 2 and "does not use two-step" in again.output
    missing = runner.invoke(app, ["reset-two-step", "--email", "nobody@firm.example"])
    assert missing.exit_code == 2
    with session_scope() as session:
        assert not two_step_status(session, user_id=user.id).enabled
        assert _kinds(session, "two_step_reset")[0].actor_label == "command line"
