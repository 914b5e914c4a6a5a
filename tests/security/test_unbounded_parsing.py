"""Unbounded header parsing and reflection (anchors §3b): no request header makes the middleware do or send unbounded work.

Servers usually cap a header field (gunicorn: 8190 bytes), but not all do and the cap can be
lifted (``limit_request_field_size=0``), so the engine bounds every value it reads itself:
Origin by length before parsing, Access-Control-Request-Method before echoing it, paths only
ever shown through the bounded ``display``.
"""

from __future__ import annotations

import pytest

from wsgi_cors import CORSMiddleware, CORSPolicy
from wsgi_cors._origins import MAX_ORIGIN_LENGTH

from .wsgi_call import call, hello_app, peak_memory

TRUSTED = "https://app.example.com"
MEGABYTE = 1 << 20


def response_size(headers: list[tuple[str, str]]) -> int:
    return sum(len(name) + len(value) + 4 for name, value in headers)


def test_a_one_megabyte_origin_is_refused_by_length() -> None:
    """Unbounded parsing: an Origin longer than any serialized origin is refused before any regex runs."""
    policy = CORSPolicy(origins=["https://*.example.com"])
    hostile = "https://" + "a." * (MEGABYTE // 2) + "example.com"
    assert policy.evaluate("GET", "/", origin=hostile).reason == "origin-malformed"
    assert peak_memory(lambda: policy.evaluate("GET", "/", origin=hostile)) < 4 << 10


def test_the_longest_serialized_origin_is_still_judged() -> None:
    """Unbounded parsing: the length cap leaves room for a 253-byte host with a port."""
    host = ".".join(["a" * 63, "b" * 63, "c" * 63, "d" * 61])  # 253 bytes, the DNS maximum
    origin = f"https://{host}:65535"
    assert len(origin) <= MAX_ORIGIN_LENGTH
    assert CORSPolicy(origins=[origin]).evaluate("GET", "/", origin=origin).allowed


def test_a_huge_request_method_is_not_echoed_when_any_method_is_allowed() -> None:
    """Unbounded reflection: with methods='*' the requested method is echoed, so its length must be bounded."""
    middleware = CORSMiddleware(hello_app, origins=[TRUSTED], methods="*")
    response = call(middleware, "OPTIONS", "/", {"Origin": TRUSTED, "Access-Control-Request-Method": "X" * MEGABYTE})
    assert response.code == 403
    assert response.get("Access-Control-Allow-Methods") is None
    assert response_size(response.headers) < 1000


def test_a_registered_long_method_name_is_still_echoed() -> None:
    """Unbounded reflection: real extension methods (IANA's longest is 17 characters) keep working with methods='*'."""
    middleware = CORSMiddleware(hello_app, origins=[TRUSTED], methods="*")
    response = call(middleware, "OPTIONS", "/", {"Origin": TRUSTED, "Access-Control-Request-Method": "UPDATEREDIRECTREF"})
    assert response.get("Access-Control-Allow-Methods") == "UPDATEREDIRECTREF"


def test_a_huge_private_network_header_is_only_compared() -> None:
    """Unbounded parsing: Access-Control-Request-Private-Network is compared with 'true', never parsed or echoed."""
    middleware = CORSMiddleware(hello_app, origins=[TRUSTED], allow_private_network=True)
    response = call(
        middleware,
        "OPTIONS",
        "/",
        {"Origin": TRUSTED, "Access-Control-Request-Method": "GET", "Access-Control-Request-Private-Network": "true" * MEGABYTE},
    )
    assert response.get("Access-Control-Allow-Private-Network") is None
    assert response_size(response.headers) < 1000


def test_a_huge_path_costs_no_more_than_the_path_rule_regex() -> None:
    """Unbounded parsing: a 1 MiB PATH_INFO is matched once and never copied into headers."""
    middleware = CORSMiddleware(hello_app, resources={r"/api/.*": {"origins": [TRUSTED]}})
    response = call(middleware, "GET", "/api/" + "a" * MEGABYTE, {"Origin": TRUSTED})
    assert response.get("Access-Control-Allow-Origin") == TRUSTED
    assert response_size(response.headers) < 1000


def test_rotating_origins_cannot_grow_the_remembered_decisions_without_bound() -> None:
    """The engine remembers decisions; an attacker sending ever-new origins only makes that miss (bounded memory)."""
    policy = CORSPolicy(origins=["https://app.example.com"])
    for number in range(2_000):  # warm up past the bound once
        policy.evaluate("GET", "/", origin=f"https://a{number}.example")

    def burst() -> None:
        for number in range(2_000, 22_000):
            policy.evaluate("GET", "/", origin=f"https://a{number}.example")

    assert peak_memory(burst) < 2 << 20


class _Unhashable(str):
    """A request value that fails the test if the engine hashes it (hashing is O(length): a 1 MiB value costs ms)."""

    def __hash__(self) -> int:
        raise AssertionError(f"a {len(self)}-character request value was hashed")


@pytest.mark.parametrize("field", ["origin", "request_method", "request_headers", "request_private_network"])
def test_oversized_request_values_are_never_hashed(field: str) -> None:
    """Hostile sizes: a value no browser sends is refused without being hashed for a set or a remembered decision."""
    policy = CORSPolicy(origins=["https://app.example.com", "https://*.example.org"], allow_headers=["x-a"])
    request = {
        "origin": "https://app.example.com",
        "request_method": "PUT",
        "request_headers": None,
        "request_private_network": None,
    }
    request[field] = _Unhashable("https://a" + "a" * 20_000 + ".example.org" if field == "origin" else "x" * 20_000)
    preflight = policy.evaluate("OPTIONS", "/", **request)
    # Only the exact value "true" asks for private network access; anything else is no such request.
    assert preflight.refused is (field != "request_private_network")
    assert "Access-Control-Allow-Private-Network" not in dict(preflight.headers)
    if field == "origin":
        assert policy.evaluate("GET", "/", origin=request["origin"]).refused
