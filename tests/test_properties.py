"""Properties of the engine over arbitrary request input (hypothesis)."""

from __future__ import annotations

import warnings
from typing import Any, Optional

from hypothesis import given
from hypothesis import strategies as st

from wsgi_cors import CORSPolicy, InsecureConfigWarning, RequestKind

from .fuzz.strategies import (
    fuzz_settings,
    hostile_text,
    paths,
    request_header_lists,
    request_methods,
    request_origins,
    request_private_network,
)


def insecure_on_purpose(**options: Any) -> CORSPolicy:
    """A policy that lists 'null' with credentials on purpose, to fuzz that path; its InsecureConfigWarning is expected."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureConfigWarning)
        return CORSPolicy(**options)


POLICIES = [
    CORSPolicy(),
    CORSPolicy(send_wildcard=True, expose_headers=["X-Total"]),
    insecure_on_purpose(
        origins=[
            "https://app.example.com",
            "https://*.example.org",
            "http://localhost:*",
            r"https://[a-z]+\.example\.net",
            "null",
        ],
        supports_credentials=True,
        allow_headers=["Content-Type", r"X-Custom-.*"],
        methods=["GET", "PUT"],
        max_age=600,
        allow_private_network=True,
    ),
    CORSPolicy(
        resources={r"/api/.*": {"origins": ["https://app.example.com"], "supports_credentials": True}, "/open": {"methods": "*"}}
    ),
]

# What attackers send (CR/LF, NUL, non-ASCII, commas, very long values) comes from the one home of the strategies.
origin_values = st.one_of(
    request_origins, st.sampled_from(["https://app.example.com\r\nSet-Cookie: x=1", " https://app.example.com"])
)
methods = st.one_of(request_methods, hostile_text)


@fuzz_settings(200)
@given(
    policy=st.sampled_from(POLICIES),
    method=methods,
    path=paths,
    origin=origin_values,
    request_method=st.one_of(st.none(), methods),
    request_headers=st.one_of(st.none(), request_header_lists()),
    private_network=request_private_network,
)
def test_any_request_gives_a_safe_decision(
    policy: CORSPolicy,
    method: str,
    path: str,
    origin: Optional[str],
    request_method: Optional[str],
    request_headers: Optional[str],
    private_network: Optional[str],
) -> None:
    decision = policy.evaluate(
        method,
        path,
        origin=origin,
        request_method=request_method,
        request_headers=request_headers,
        request_private_network=private_network,
    )  # never raises
    names = [name for name, _ in decision.headers]
    for _name, value in decision.headers:
        assert "\r" not in value and "\n" not in value and "\x00" not in value
        value.encode("latin-1")  # a WSGI header value must be latin-1
        assert len(value) <= 1100, "nothing from the request is echoed wholesale"
    assert names.count("Access-Control-Allow-Origin") <= 1
    allow_origin = dict(decision.headers).get("Access-Control-Allow-Origin")
    if allow_origin is not None and decision.kind is not RequestKind.NOT_CORS:
        assert allow_origin in ("*", origin)
        assert allow_origin != "null" or policy is POLICIES[2]
    if allow_origin == "*":
        assert "Access-Control-Allow-Credentials" not in names
    if not decision.allowed:
        assert not any(name.startswith("Access-Control-Allow") for name in names)
        assert "\n" not in decision.message and len(decision.message) < 1000
    assert decision == policy.evaluate(
        method,
        path,
        origin=origin,
        request_method=request_method,
        request_headers=request_headers,
        request_private_network=private_network,
    )
