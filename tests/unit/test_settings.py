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
