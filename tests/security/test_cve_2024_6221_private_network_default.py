"""CVE-2024-6221 (Flask-CORS 4.0.1), insecure default: Private Network Access is never granted unless configured.

Flask-CORS answered ``Access-Control-Request-Private-Network: true`` with
``Access-Control-Allow-Private-Network: true`` by default, letting any public site reach
devices on the visitor's private network. In wsgi_cors it is opt-in per rule.
"""

from __future__ import annotations

from wsgi_cors import CORSMiddleware

from .wsgi_call import call, hello_app

TRUSTED = "https://app.example.com"
PNA_PREFLIGHT = {
    "Origin": TRUSTED,
    "Access-Control-Request-Method": "GET",
    "Access-Control-Request-Private-Network": "true",
}


def test_default_configuration_refuses_a_private_network_preflight() -> None:
    """Insecure default (CVE-2024-6221): defaults never send Access-Control-Allow-Private-Network."""
    response = call(CORSMiddleware(hello_app), "OPTIONS", "/", PNA_PREFLIGHT)
    assert response.code == 403
    assert response.get("Access-Control-Allow-Private-Network") is None
    assert response.get("Access-Control-Allow-Origin") is None


def test_configured_origins_without_the_option_refuse_a_private_network_preflight() -> None:
    """Insecure default (CVE-2024-6221): allowing an origin does not imply private network access."""
    response = call(CORSMiddleware(hello_app, origins=[TRUSTED], supports_credentials=True), "OPTIONS", "/", PNA_PREFLIGHT)
    assert response.code == 403
    assert response.get("Access-Control-Allow-Private-Network") is None


def test_actual_requests_never_carry_the_private_network_grant() -> None:
    """Insecure default (CVE-2024-6221): the grant belongs to preflights only, even when enabled."""
    middleware = CORSMiddleware(hello_app, origins=[TRUSTED], allow_private_network=True)
    response = call(middleware, "GET", "/", {"Origin": TRUSTED, "Access-Control-Request-Private-Network": "true"})
    assert response.get("Access-Control-Allow-Private-Network") is None


def test_opt_in_grants_private_network_only_when_requested() -> None:
    """Insecure default (CVE-2024-6221): with the opt-in, the header answers a request for it and nothing else."""
    middleware = CORSMiddleware(hello_app, origins=[TRUSTED], allow_private_network=True)
    granted = call(middleware, "OPTIONS", "/", PNA_PREFLIGHT)
    plain = call(middleware, "OPTIONS", "/", {"Origin": TRUSTED, "Access-Control-Request-Method": "GET"})
    assert granted.get("Access-Control-Allow-Private-Network") == "true"
    assert "Access-Control-Request-Private-Network" in (granted.get("Vary") or "")
    assert plain.get("Access-Control-Allow-Private-Network") is None


def test_only_the_literal_true_requests_private_network_access() -> None:
    """Insecure default (CVE-2024-6221): 'TRUE', '1' or 'true\\r\\n' are not the token 'true' and grant nothing."""
    middleware = CORSMiddleware(hello_app, origins=[TRUSTED], allow_private_network=True)
    for value in ("TRUE", "1", "true\r\n", "true, true"):
        response = call(middleware, "OPTIONS", "/", {**PNA_PREFLIGHT, "Access-Control-Request-Private-Network": value})
        assert response.get("Access-Control-Allow-Private-Network") is None, value
