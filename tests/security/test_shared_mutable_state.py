"""Shared mutable state between requests (anchors §3b; Starlette #510, jub0bs/cors #14 and 0.3.0, rs/cors #198).

Starlette mutated a precomputed header dict per request, leaking one credentialed request's ACAO
into later responses; jub0bs/cors and rs/cors handed precomputed header slices to code that
could mutate them. Here every response gets a fresh header list, the compiled policy is
immutable, and ``reconfigure`` swaps one reference.
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path
from typing import Any, Callable, Mapping

import pytest

from wsgi_cors import CORSMiddleware, CORSPolicy

from .wsgi_call import call, environ_for, hello_app

FIRST = "https://first.example.com"
SECOND = "https://second.example.com"


def test_a_server_mutating_the_header_list_does_not_leak_into_the_next_response() -> None:
    """Shared mutable state: a server that appends to (or clears) the list it is given cannot change later answers."""
    middleware = CORSMiddleware(hello_app, origins=[FIRST, SECOND], supports_credentials=True)
    lists: list[list[tuple[str, str]]] = []

    def mutating_server_start_response(
        status: str, headers: list[tuple[str, str]], exc_info: Any = None
    ) -> Callable[[bytes], None]:
        lists.append(headers)
        headers.append(("Access-Control-Allow-Origin", "https://leaked.example"))
        return lambda data: None

    for origin in (FIRST, SECOND, FIRST):
        list(middleware(environ_for("GET", "/", {"Origin": origin}), mutating_server_start_response))
    assert [[value for name, value in headers if name == "Access-Control-Allow-Origin"] for headers in lists] == [
        [FIRST, "https://leaked.example"],
        [SECOND, "https://leaked.example"],
        [FIRST, "https://leaked.example"],
    ]
    assert call(middleware, "GET", "/", {}).get("Access-Control-Allow-Origin") is None


def test_a_preflight_answer_is_a_fresh_list_each_time() -> None:
    """Shared mutable state: the middleware's own preflight answers never share a list between requests."""
    middleware = CORSMiddleware(hello_app, origins=[FIRST])
    seen: list[list[tuple[str, str]]] = []
    preflight = {"Origin": FIRST, "Access-Control-Request-Method": "PUT"}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
        seen.append(headers)
        return lambda data: None

    for _ in range(2):
        middleware(environ_for("OPTIONS", "/", preflight), start_response)
    assert seen[0] == seen[1] and seen[0] is not seen[1]
    seen[0].clear()
    assert call(middleware, "OPTIONS", "/", preflight).get("Access-Control-Allow-Origin") == FIRST


def test_an_app_mutating_its_header_list_after_start_response_changes_nothing_sent() -> None:
    """Shared mutable state: the server receives a merged copy, not the app's list."""
    kept: list[list[tuple[str, str]]] = []

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        headers = [("Content-Type", "text/plain")]
        start_response("200 OK", headers)
        kept.append(headers)
        headers.append(("Access-Control-Allow-Origin", "*"))
        return [b"x"]

    response = call(CORSMiddleware(app, origins=[FIRST]), "GET", "/", {"Origin": FIRST})
    assert response.values("Access-Control-Allow-Origin") == [FIRST]


def test_decision_headers_are_immutable() -> None:
    """Shared mutable state: a Decision (cached and shared for requests without Origin) cannot be changed by its user."""
    decision = CORSPolicy(origins="*").evaluate("GET", "/", origin=None)
    assert isinstance(decision.headers, tuple) and all(isinstance(pair, tuple) for pair in decision.headers)
    with pytest.raises(AttributeError):
        decision.headers = ()


def test_interleaved_credentialed_requests_each_get_their_own_origin() -> None:
    """Shared mutable state (Starlette #510): a credentialed request's ACAO never shows up in another response."""
    middleware = CORSMiddleware(hello_app, origins=[FIRST, SECOND], supports_credentials=True)
    answers = [
        call(middleware, "GET", "/", {"Origin": origin}).get("Access-Control-Allow-Origin")
        for origin in (FIRST, SECOND, "https://attacker.example", FIRST)
    ]
    assert answers == [FIRST, SECOND, None, FIRST]


def test_reconfigure_during_requests_never_mixes_two_policies() -> None:
    """Data race (jub0bs/cors 0.3.0): a request is judged wholly by the old or wholly by the new policy."""
    old = CORSPolicy(origins=[FIRST], supports_credentials=True)
    new = CORSPolicy(origins=[SECOND], expose_headers=["X-New"])
    middleware = CORSMiddleware(hello_app, policy=old)
    outcomes: list[dict[str, str]] = []
    stop = threading.Event()

    def client() -> None:
        for number in range(300):
            origin = FIRST if number % 2 else SECOND
            outcomes.append({**call(middleware, "GET", "/", {"Origin": origin}).cors(), "origin": origin})

    def swapper() -> None:
        while not stop.is_set():
            middleware.reconfigure(policy=new)
            middleware.reconfigure(policy=old)

    threads = [threading.Thread(target=client) for _ in range(3)]
    swapping = threading.Thread(target=swapper)
    swapping.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    stop.set()
    swapping.join(timeout=60)
    assert len(outcomes) == 900
    consistent = [
        {"origin": FIRST},
        {"origin": SECOND},
        {"origin": FIRST, "access-control-allow-origin": FIRST, "access-control-allow-credentials": "true"},
        {"origin": SECOND, "access-control-allow-origin": SECOND, "access-control-expose-headers": "X-New"},
    ]
    assert all(outcome in consistent for outcome in outcomes)


# --- describe() and the stored options ---------------------------------------


def _admits_partner(origin: str) -> bool:
    return origin == "https://partner.example"


def _described_policy() -> CORSPolicy:
    """A policy whose description holds every kind of value: lists, strings, None, a regex, a predicate, rule tables."""
    return CORSPolicy(
        origins=[FIRST, re.compile(r"https://[a-z]+\.second\.example"), _admits_partner],
        methods=["GET", "PUT"],
        allow_headers=["X-Api-Key", "X-Trace"],
        expose_headers=["X-Total"],
        max_age=60,
        resources={
            "/api/*": {"supports_credentials": True},
            "/public/*": {"origins": "*"},
            re.compile(r"/v[0-9]+/.*"): {"methods": "*"},
        },
    )


def _vandalise(value: Any) -> None:
    """Mutate every container reachable from ``value``, depth first, as a careless caller might."""
    if isinstance(value, dict):
        for item in list(value.values()):
            _vandalise(item)
        for key in list(value):
            value[key] = ["https://evil.example"]
        value["origins"] = "*"
    elif isinstance(value, list):
        for item in value:
            _vandalise(item)
        value.append("https://evil.example")
        value.insert(0, "*")


def test_mutating_everything_describe_returns_changes_nothing_the_policy_reports() -> None:
    """Shared mutable state: describe() handed out the policy's own lists."""
    policy = _described_policy()
    before = repr(policy.describe())  # a snapshot no mutation can reach
    _vandalise(policy.describe())
    assert repr(policy.describe()) == before
    assert policy.evaluate("GET", "/api/x", origin="https://evil.example").allowed is False


def test_describe_keeps_compiled_patterns_and_predicates_themselves() -> None:
    """Shared mutable state: a regex is immutable and a predicate is the caller's, so both are handed back as they are."""
    described = _described_policy().describe()
    pattern, predicate = described["resources"]["/api/*"]["origins"][1:]
    assert isinstance(pattern, re.Pattern) and pattern.pattern == r"https://[a-z]+\.second\.example"
    assert predicate is _admits_partner
    assert CORSPolicy(**described).evaluate("GET", "/v2/x", origin="https://a.second.example").allowed


def _assert_immutable(value: Any, where: str) -> None:
    assert not isinstance(value, (dict, list, set, bytearray)), f"{where} is a mutable {type(value).__name__}"
    if isinstance(value, Mapping):
        with pytest.raises(TypeError):
            value["origins"] = "*"  # type: ignore[index]
        for key, item in value.items():
            _assert_immutable(item, f"{where}[{key!r}]")
    elif isinstance(value, tuple):
        for index, item in enumerate(value):
            _assert_immutable(item, f"{where}[{index}]")


def test_the_stored_options_reachable_from_a_policy_are_immutable() -> None:
    """Shared mutable state: the options kept for describe() are read-only mappings and tuples, not dicts and lists."""
    policy = _described_policy()
    _assert_immutable(policy._settings.options, "policy._settings.options")
    for rule in policy._settings.rules.ordered:
        _assert_immutable(rule.target.options, f"rules[{rule.text!r}].options")


def test_the_serve_banner_is_what_the_configuration_says_after_a_caller_mutated_describe(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Shared mutable state: `wsgi-cors serve` prints describe(); a mutation made before must not show in it."""
    import werkzeug.serving

    from wsgi_cors import _cli as cli
    from wsgi_cors._configfile import load_config

    config = tmp_path / "cors.toml"
    config.write_text(
        f'origins = ["{FIRST}"]\nmethods = ["GET", "PUT"]\n\n[[resources]]\npath = "/api/*"\nallow_headers = ["X-Api-Key"]\n'
    )
    monkeypatch.setattr(werkzeug.serving, "run_simple", lambda *args, **kwargs: None)
    for name in [name for name in os.environ if name.startswith("WSGI_CORS_")]:
        monkeypatch.delenv(name)

    def banner(loaded: Any) -> str:
        monkeypatch.setattr(cli, "load_config", lambda *args, **kwargs: loaded)
        assert cli.main(["serve", "examples.plain_app:hello"]) == 0
        return capsys.readouterr().out

    untouched = banner(load_config(config, environ={}))
    mutated = load_config(config, environ={})
    _vandalise(mutated.policy.describe())
    assert banner(mutated) == untouched
    assert "evil" not in untouched


def test_the_compiled_origin_matchers_reachable_from_a_policy_are_immutable() -> None:
    """Shared mutable state: the suffix maps of a compiled origins option are read-only, like its sets and tuples."""
    import dataclasses

    policy = CORSPolicy(origins=["https://*.example.com", r"https://[a-z]+\.example\.org", "https://app.example.net"])
    for rule in policy._settings.rules.ordered:
        matcher = rule.target.origins
        for field in dataclasses.fields(matcher):
            value = getattr(matcher, field.name)
            assert not isinstance(value, (dict, list, set)), f"OriginMatcher.{field.name} is a mutable {type(value).__name__}"
