"""CVE-2024-6844 (Flask-CORS <= 5.0.1), '+' decoding: the path is never decoded a second time.

Flask-CORS passed the path through ``unquote_plus``, turning ``+`` into a space (and ``%xx`` into
characters) before matching, so the CORS layer and the router disagreed about which resource
was asked for. wsgi_cors matches ``PATH_INFO`` as the server decoded it, once.
"""

from __future__ import annotations

from wsgi_cors import CORSMiddleware, CORSPolicy

from .wsgi_call import call, hello_app

TRUSTED = "https://app.example.com"
ATTACKER = "https://attacker.example"
RESOURCES = {
    r"/files/public docs/.*": {"origins": "*"},
    r"/files/.*": {"origins": [TRUSTED], "supports_credentials": True},
}


def test_plus_is_not_a_space_when_choosing_the_rule() -> None:
    """'+' decoding (CVE-2024-6844): '/files/public+docs/x' is not under the rule for '/files/public docs/'."""
    response = call(CORSMiddleware(hello_app, resources=RESOURCES), "GET", "/files/public+docs/secret", {"Origin": ATTACKER})
    assert response.get("Access-Control-Allow-Origin") is None


def test_a_literal_percent_sequence_is_not_decoded_again() -> None:
    """'+' decoding (CVE-2024-6844): PATH_INFO '/files/public%20docs/x' (client sent %2520) stays as it is."""
    response = call(CORSMiddleware(hello_app, resources=RESOURCES), "GET", "/files/public%20docs/secret", {"Origin": ATTACKER})
    assert response.get("Access-Control-Allow-Origin") is None


def test_the_decoded_space_the_router_sees_selects_the_public_rule() -> None:
    """'+' decoding (CVE-2024-6844): a real space (client sent %20) is the path the public rule names."""
    response = call(CORSMiddleware(hello_app, resources=RESOURCES), "GET", "/files/public docs/readme", {"Origin": ATTACKER})
    assert response.get("Access-Control-Allow-Origin") == ATTACKER


def test_engine_keeps_plus_and_percent_literally() -> None:
    """'+' decoding (CVE-2024-6844): the engine's rule choice for '+' and '%2B' spellings."""
    policy = CORSPolicy(resources={"/a b": {"origins": "*"}, "/a+b": {"origins": [TRUSTED]}})
    assert policy.evaluate("GET", "/a+b", origin=ATTACKER).rule == "/a+b"
    assert policy.evaluate("GET", "/a%2Bb", origin=ATTACKER).rule is None
    assert policy.evaluate("GET", "/a%20b", origin=ATTACKER).rule is None
