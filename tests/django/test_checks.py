"""System checks: with "wsgi_cors.django" installed, `manage.py check` reports every problem with its stable code."""

from __future__ import annotations

import io
import re
from typing import Any, Callable

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from .conftest import ORIGIN


def codes(include_deployment_checks: bool = False) -> list[str]:
    return sorted(
        message.id
        for message in run_checks(include_deployment_checks=include_deployment_checks)
        if (message.id or "").startswith("wsgi_cors")
    )


def test_a_valid_configuration_has_no_message(django_settings: Callable[..., Any]) -> None:
    with django_settings(CORS_ALLOWED_ORIGINS=[ORIGIN], CORS_URLS_REGEX=r"^/api/"):
        assert codes() == []


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"CORS_ALLOWED_ORIGNS": [ORIGIN]}, ["wsgi_cors.W000", "wsgi_cors.django.E001"]),
        ({"CORS_REPLACE_HTTPS_REFERER": True, "CORS_ALLOWED_ORIGINS": [ORIGIN]}, ["wsgi_cors.django.E002"]),
        ({"CORS_MODEL": "app.Model", "CORS_ALLOWED_ORIGINS": [ORIGIN]}, ["wsgi_cors.django.E002"]),
        ({"CORS_ALLOW_CREDENTIALS": "yes", "CORS_ALLOWED_ORIGINS": [ORIGIN]}, ["wsgi_cors.django.E003"]),
        ({"CORS_ALLOWED_ORIGINS": "https://app.example.com"}, ["wsgi_cors.W000", "wsgi_cors.django.E003"]),
        ({"CORS_ALLOWED_ORIGIN_REGEXES": ["https://(unclosed"]}, ["wsgi_cors.W000", "wsgi_cors.django.E004"]),
        ({"CORS_URLS_REGEX": "^/api/(", "CORS_ALLOWED_ORIGINS": [ORIGIN]}, ["wsgi_cors.django.E004"]),
        ({"CORS_ALLOWED_ORIGINS": [ORIGIN], "WSGI_CORS": {"origins": [ORIGIN]}}, ["wsgi_cors.django.E005"]),
        ({"WSGI_CORS_ORIGIN_RESOLVER": "no.such.module.allow"}, ["wsgi_cors.W000", "wsgi_cors.django.E006"]),
        ({"CORS_ALLOWED_ORIGINS": ["https://*.example.(com|org)"]}, ["wsgi_cors.W000", "wsgi_cors.django.E007"]),
        ({"CORS_ALLOWED_ORIGINS": [ORIGIN], "CORS_ORIGIN_WHITELIST": [ORIGIN]}, ["wsgi_cors.django.W001"]),
    ],
)
def test_each_settings_problem_has_its_code(
    settings: dict[str, Any], expected: list[str], django_settings: Callable[..., Any]
) -> None:
    with django_settings(**settings):
        assert codes() == expected


def test_the_engines_problems_carry_its_code_and_name_the_setting(django_settings: Callable[..., Any]) -> None:
    """ConfigProblem.code when the engine has it, the generic wsgi_cors.E000 before; the setting named either way."""
    with django_settings(CORS_ALLOWED_ORIGINS=["app.example.com", ORIGIN], CORS_ALLOWED_ORIGIN_REGEXES=[r"https://x\.example/"]):
        messages = [message for message in run_checks() if (message.id or "").startswith("wsgi_cors")]
    assert [message.msg.split(":")[0] for message in messages if message.is_serious()] == [
        "CORS_ALLOWED_ORIGINS[0]='app.example.com'"
    ]
    assert all(re.fullmatch(r"wsgi_cors\.E\d{3}", message.id) for message in messages if message.is_serious())
    assert messages[0].hint == "write 'https://app.example.com'"


def test_the_engines_warnings_are_check_warnings(django_settings: Callable[..., Any]) -> None:
    with django_settings(CORS_ALLOWED_ORIGINS=[ORIGIN], CORS_PREFLIGHT_MAX_AGE=86400):
        messages = [message for message in run_checks() if (message.id or "").startswith("wsgi_cors")]
    assert [(message.id, message.msg.split(":")[0]) for message in messages] == [
        ("wsgi_cors.W000", "CORS_PREFLIGHT_MAX_AGE=86400")
    ]


def test_a_view_policys_problems_are_reported(django_settings: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> None:
    from .urls import partner

    policy = partner.wsgi_cors_policy  # type: ignore[attr-defined]
    monkeypatch.setattr(policy, "options", {**policy.options, "origins": "*"})  # "*" with supports_credentials=True
    with django_settings(CORS_ALLOWED_ORIGINS=[ORIGIN]):
        messages = [message for message in run_checks() if (message.id or "").startswith("wsgi_cors")]
    assert [message.msg.split(":")[0] for message in messages] == ["@cors on tests.django.urls.partner"]


def test_deploy_checks_flag_every_origin_allowed(django_settings: Callable[..., Any]) -> None:
    with django_settings(CORS_ALLOW_ALL_ORIGINS=True):
        assert codes() == []
        assert codes(include_deployment_checks=True) == ["wsgi_cors.django.W101"]


def test_deploy_checks_flag_plain_http_origins_with_credentials(django_settings: Callable[..., Any]) -> None:
    with django_settings(CORS_ALLOWED_ORIGINS=["http://app.example.com"], CORS_ALLOW_CREDENTIALS=True):
        assert codes(include_deployment_checks=True) == ["wsgi_cors.W000", "wsgi_cors.django.W102"]


def test_manage_py_check_fails_on_an_error(django_settings: Callable[..., Any]) -> None:
    with django_settings(CORS_ALLOWED_ORIGINS=[ORIGIN], CORS_ALLOW_CREDENTIALS="false"):
        with pytest.raises(
            SystemCheckError, match=r"\(wsgi_cors\.django\.E003\) CORS_ALLOW_CREDENTIALS='false': must be True or False"
        ):
            call_command("check", stdout=io.StringIO(), stderr=io.StringIO())


def test_handlers_of_django_cors_headers_signal_are_reported(django_settings: Callable[..., Any]) -> None:
    """wsgi_cors.django never sends corsheaders' check_request_enabled: its connected handlers would be ignored silently."""
    from corsheaders.signals import check_request_enabled

    def allow_mysites(sender: Any, request: Any, **kwargs: Any) -> bool:
        return True

    check_request_enabled.connect(allow_mysites)
    try:
        with django_settings(CORS_ALLOWED_ORIGINS=[ORIGIN]):
            assert codes() == ["wsgi_cors.django.W002"]
    finally:
        check_request_enabled.disconnect(allow_mysites)
