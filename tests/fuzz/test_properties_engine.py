"""Properties of the policy engine under fuzzed requests and fuzzed configurations.

Never raises on request input; never emits CR/LF, control or non-latin-1 header values; ACAO is
'*' or the request origin; never credentials with '*'; equal inputs give equal decisions.
"""

from __future__ import annotations

import warnings
from typing import Any, Optional

from hypothesis import given

from wsgi_cors import ConfigError, CORSPolicy, InsecureConfigWarning

from .invariants import check_decision
from .strategies import configurations, fuzz_settings, requests


def insecure_on_purpose(**options: Any) -> CORSPolicy:
    """A policy that lists 'null' with credentials on purpose, to fuzz that path; its InsecureConfigWarning is expected."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureConfigWarning)
        return CORSPolicy(**options)


FIXED_POLICIES = [
    CORSPolicy(),
    CORSPolicy(origins="*", send_wildcard=True, methods="*", allow_headers="*"),  # private network for every website is refused
    insecure_on_purpose(
        origins=["https://app.example.com", "https://*.example.com", "http://localhost:*", "null"],
        supports_credentials=True,
        allow_headers=["x-api-key", r"x-custom-.*"],
        expose_headers=["X-Total"],
        max_age=600,
        allow_private_network=True,
    ),
    CORSPolicy(
        resources={
            r"/api/.*": {"origins": ["https://app.example.com"], "supports_credentials": True},
            "/exact": {"origins": "*", "methods": "*"},
            r"/public/.*": {"origins": r"https://.*\.example\.org"},
        },
        intercept_exceptions=True,
    ),
]


def build(options: dict[str, Any]) -> Optional[CORSPolicy]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return CORSPolicy(**options)
        except ConfigError:
            return None


def copied(value: Optional[str]) -> Optional[str]:
    """An equal string that is not the same object (so identity cannot stand in for equality)."""
    return None if value is None else "".join(list(value))


@fuzz_settings(500)
@given(request=requests())
def test_fixed_policies_give_safe_and_stable_decisions(request: dict[str, Any]) -> None:
    for policy in FIXED_POLICIES:
        decision = policy.evaluate(**request)
        check_decision(decision, request["origin"])
        copies: dict[str, Any] = {key: copied(value) for key, value in request.items()}
        assert policy.evaluate(**copies) == decision


@fuzz_settings(200)
@given(options=configurations(), request=requests())
def test_any_accepted_configuration_gives_safe_and_stable_decisions(options: dict[str, Any], request: dict[str, Any]) -> None:
    policy = build(options)
    if policy is None:
        return
    decision = policy.evaluate(**request)
    check_decision(decision, request["origin"])
    assert policy.evaluate(**request) == decision


@fuzz_settings(150)
@given(options=configurations())
def test_configuration_is_accepted_or_refused_with_config_error(options: dict[str, Any]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            CORSPolicy(**options)
        except ConfigError as error:
            assert error.problems and all(str(problem) for problem in error.problems)


@fuzz_settings(120)
@given(options=configurations(), request=requests())
def test_described_policy_decides_like_the_original(options: dict[str, Any], request: dict[str, Any]) -> None:
    policy = build(options)
    if policy is None:
        return
    rebuilt = build(policy.describe())
    assert rebuilt is not None, policy.describe()
    assert rebuilt.evaluate(**request) == policy.evaluate(**request)
