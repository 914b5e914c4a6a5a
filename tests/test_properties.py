"""Properties of the engine over arbitrary request input (hypothesis)."""

from __future__ import annotations

import warnings

from typing import Any, Optional

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wsgi_cors import InsecureConfigWarning, CORSPolicy, RequestKind


def insecure_on_purpose(**options: Any) -> CORSPolicy:
    """A policy that lists 'null' with credentials on purpose, to fuzz that path; its InsecureConfigWarning is expected."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureConfigWarning)
        return CORSPolicy(**options)


POLICIES = [
    CORSPolicy(),
    CORSPolicy(send_wildcard=True, expose_headers=["X-Total"]),
    insecure_on_purpose(origins=["https://app.example.com", "https://*.example.org", "http://localhost:*", r"https://[a-z]+\.example\.net", "null"],
               supports_credentials=True, allow_headers=["Content-Type", r"X-Custom-.*"], methods=["GET", "PUT"], max_age=600,
               allow_private_network=True),
    CORSPolicy(resources={r"/api/.*": {"origins": ["https://app.example.com"], "supports_credentials": True}, "/open": {"methods": "*"}}),
]

# Text that includes what attackers send: CR/LF, NUL, non-ASCII, commas, very long values.
hostile_text = st.one_of(
    st.text(max_size=80),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x2FF), max_size=300),
    st.sampled_from(["null", "", "*", "https://app.example.com", "https://a.example.org", "http://localhost:3000",
                     "https://app.example.com\r\nSet-Cookie: x=1", "https://x.example.net", " https://app.example.com"]),
)
origin_values = st.one_of(st.none(), hostile_text, st.builds(lambda sub: f"https://{sub}.example.org", st.from_regex(r"[a-z0-9.-]{1,20}", fullmatch=True)))
header_lists = st.one_of(st.none(), hostile_text, st.lists(st.from_regex(r"[A-Za-z0-9-]{0,12}", fullmatch=True), max_size=20).map(",".join))
methods = st.one_of(st.sampled_from(["GET", "POST", "PUT", "OPTIONS", "HEAD", "DELETE", "PATCH"]), hostile_text)
paths = st.one_of(st.sampled_from(["/", "/api/x", "/open", "/API/x", "/api/../x"]), hostile_text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(policy=st.sampled_from(POLICIES), method=methods, path=paths, origin=origin_values,
       request_method=st.one_of(st.none(), methods), request_headers=header_lists,
       private_network=st.one_of(st.none(), st.sampled_from(["true", "false", "TRUE"]), hostile_text))
def test_any_request_gives_a_safe_decision(policy: CORSPolicy, method: str, path: str, origin: Optional[str],
                                           request_method: Optional[str], request_headers: Optional[str],
                                           private_network: Optional[str]) -> None:
    decision = policy.evaluate(method, path, origin=origin, request_method=request_method, request_headers=request_headers, request_private_network=private_network)  # never raises
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
    assert decision == policy.evaluate(method, path, origin=origin, request_method=request_method, request_headers=request_headers, request_private_network=private_network)
