"""Production settings derived from APP_URL: who may open the websocket, when cookies are secure."""

import pytest

from immigration_app.settings import Settings


@pytest.mark.parametrize(
    ("app_url", "origins"),
    [
        ("https://cases.example-firm.com", ("https://cases.example-firm.com",)),
        ("https://cases.example-firm.com:8443/", ("https://cases.example-firm.com:8443",)),
        (
            "http://localhost:3000",
            ("http://localhost:3000", "http://127.0.0.1:3000", "http://[::1]:3000"),
        ),
        (
            "http://127.0.0.1:5000",
            ("http://localhost:5000", "http://127.0.0.1:5000", "http://[::1]:5000"),
        ),
    ],
)
def test_only_app_urls_origin_is_allowed(app_url, origins):
    assert Settings.from_env({"APP_URL": app_url}).allowed_origins == origins


def test_a_public_address_does_not_let_loopback_pages_in():
    origins = Settings.from_env({"APP_URL": "https://cases.example-firm.com"}).allowed_origins
    assert not any("localhost" in origin or "127.0.0.1" in origin for origin in origins)


@pytest.mark.parametrize(
    ("env", "secure"),
    [
        ({"APP_URL": "https://cases.example-firm.com"}, True),
        ({"APP_URL": "http://localhost:3000"}, False),
        ({}, False),
        ({"APP_URL": "http://10.0.0.5:3000", "SECURE_COOKIES": "true"}, True),
        ({"APP_URL": "https://cases.example-firm.com", "SECURE_COOKIES": "false"}, False),
    ],
)
def test_cookies_are_secure_by_default_behind_https(env, secure):
    assert Settings.from_env(env).secure_cookies is secure


@pytest.mark.parametrize(
    ("env", "app_url"),
    [
        ({}, "http://localhost:3000"),
        ({"PORT": "8080"}, "http://localhost:8080"),
        (
            {"PORT": "8080", "APP_URL": "https://cases.example-firm.com/"},
            "https://cases.example-firm.com",
        ),
    ],
)
def test_app_url_follows_port_unless_set(env, app_url):
    """`PORT=8080 make run` serves a page that may open its own websocket."""
    settings = Settings.from_env(env)
    assert settings.app_url == app_url
    assert app_url in settings.allowed_origins


def test_a_port_that_is_not_a_port_is_refused_by_name():
    with pytest.raises(ValueError, match="PORT must be a whole number from 1 to 65535"):
        Settings.from_env({"PORT": "eighty"})


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("SESSION_IDLE_HOURS", "12h", "SESSION_IDLE_HOURS must be a number from 0.1 to 8760"),
        ("SESSION_IDLE_HOURS", "-1", "SESSION_IDLE_HOURS must be a number from 0.1 to 8760"),
        ("SESSION_MAX_DAYS", "0", "SESSION_MAX_DAYS must be a number from 0.1 to 366"),
        ("LOGIN_LIMIT_PER_ACCOUNT", "five", "LOGIN_LIMIT_PER_ACCOUNT must be a number of"),
        ("LOGIN_LIMIT_PER_ADDRESS", "0/hour", "LOGIN_LIMIT_PER_ADDRESS must be a number of"),
    ],
)
def test_session_and_sign_in_limits_are_checked_at_start_naming_the_variable(name, value, expected):
    with pytest.raises(ValueError, match=expected) as refused:
        Settings.from_env({name: value})
    assert repr(value) in str(refused.value)


def test_session_and_sign_in_limits_accept_what_the_readme_documents():
    settings = Settings.from_env(
        {
            "SESSION_IDLE_HOURS": "0.5",
            "SESSION_MAX_DAYS": "7",
            "LOGIN_LIMIT_PER_ACCOUNT": "10/hour",
            "LOGIN_LIMIT_PER_ADDRESS": "100 per 15 minutes",
        }
    )
    assert (settings.session_idle_hours, settings.session_max_days) == (0.5, 7)
    assert settings.login_limit_per_account == "10/hour"
    assert settings.login_limit_per_address == "100 per 15 minutes"
    defaults = Settings.from_env({})
    assert (defaults.login_limit_per_account, defaults.login_limit_per_address) == (
        "5/15 minutes",
        "30/15 minutes",
    )


@pytest.mark.parametrize(
    ("env", "seed"),
    [
        ({}, True),
        ({"SEED_DEMO": ""}, True),
        ({"SEED_DEMO": "0"}, False),
        ({"SEED_DEMO": "no"}, False),
    ],
)
def test_the_demo_firm_is_seeded_on_first_start_unless_turned_off(env, seed):
    assert Settings.from_env(env).seed_demo is seed
