"""Insecure defaults (anchors §3b; Flask-CORS's defaults, CVE-2024-6221): the default policy shares public data only.

The defaults follow Flask-CORS (``origins="*"``) for compatibility, so they must never add what
makes ``*`` dangerous: credentials, private network access, or reflection of malformed input.
"""

from __future__ import annotations

from wsgi_cors import CORSMiddleware, CORSPolicy

from .wsgi_call import call, hello_app

ATTACKER = "https://attacker.example"


def test_default_actual_response_carries_no_credentials_flag() -> None:
    """Insecure defaults: a cookie-bearing request from any site is answered without Access-Control-Allow-Credentials."""
    response = call(CORSMiddleware(hello_app), "GET", "/", {"Origin": ATTACKER, "Cookie": "session=1"})
    assert response.get("Access-Control-Allow-Credentials") is None


def test_default_preflight_carries_no_credentials_and_no_private_network_grant() -> None:
    """Insecure defaults: the default preflight answer grants neither credentials nor private network access."""
    response = call(CORSMiddleware(hello_app), "OPTIONS", "/", {"Origin": ATTACKER, "Access-Control-Request-Method": "PUT"})
    assert response.code == 200
    assert response.get("Access-Control-Allow-Credentials") is None
    assert response.get("Access-Control-Allow-Private-Network") is None


def test_default_policy_admits_no_null_or_malformed_origin() -> None:
    """Insecure defaults: '*' means every well-formed origin, not 'null' and not arbitrary text."""
    policy = CORSPolicy()
    assert not policy.evaluate("GET", "/", origin="null").allowed
    assert not policy.evaluate("GET", "/", origin="https://a.example\r\n").allowed


def test_default_options_describe_no_dangerous_grant() -> None:
    """Insecure defaults: the effective defaults, as describe() reports them, are credential-free and PNA-free."""
    rule = next(iter(CORSPolicy().describe()["resources"].values()))
    assert rule["supports_credentials"] is False
    assert rule["allow_private_network"] is False
