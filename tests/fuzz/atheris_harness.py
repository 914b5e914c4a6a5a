"""Coverage-guided fuzzing (atheris/libFuzzer) of the request-header parsers, the origin matcher and the engine.

Each input is split into the request values the middleware reads (Origin, Access-Control-Request-
Method, -Headers, -Private-Network, the path) and run through the bounded header parser, the
serialized-origin check and a few fixed policies; an invariant that fails raises, which libFuzzer
reports as a crash with the input saved to ``crash-*``.

    python tests/fuzz/atheris_harness.py --seconds 600        # a longer run (documented command)
    python tests/fuzz/atheris_harness.py -runs=20000          # a fixed number of executions (the CI smoke)
    python tests/fuzz/atheris_harness.py --seconds 60 corpus/ # keep a corpus between runs

Other arguments are passed to libFuzzer unchanged. It prints libFuzzer's ``Done N runs in S second(s)``.
"""

from __future__ import annotations

import sys
import warnings
from typing import Any

import atheris

with atheris.instrument_imports(include=["wsgi_cors"]):
    from wsgi_cors import CORSPolicy
    from wsgi_cors._headers import MAX_REQUEST_HEADER_NAMES, is_token, parse_request_header_names
    from wsgi_cors._origins import MAX_ORIGIN_LENGTH, is_serialized_origin

with warnings.catch_warnings():  # the third policy lists 'null' with credentials on purpose, to fuzz that path
    warnings.simplefilter("ignore")
    POLICIES = [
        CORSPolicy(),
        CORSPolicy(
            origins="*", send_wildcard=True, methods="*", allow_headers="*"
        ),  # private network for every website is refused
        CORSPolicy(
            origins=[
                "https://app.example.com",
                "https://*.example.com",
                "http://localhost:*",
                "null",
                r"https://(a|b)\.example\.org",
            ],
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
            }
        ),
    ]


def printable_latin1(text: str) -> bool:
    return all(0x20 <= ord(char) <= 0xFF and ord(char) != 0x7F for char in text)


def check_header_parser(value: str) -> None:
    names = parse_request_header_names(value)
    if names is not None:
        assert len(names) <= MAX_REQUEST_HEADER_NAMES, len(names)
        for name in names:
            assert is_token(name) and name == name.lower(), name


def check_origin(value: str) -> None:
    if is_serialized_origin(value):
        assert len(value) <= MAX_ORIGIN_LENGTH and printable_latin1(value) and value == value.lower(), value
        assert "://" in value and "/" not in value.split("://", 1)[1], value


def check_policy(policy: CORSPolicy, request: dict[str, Any]) -> None:
    decision = policy.evaluate(**request)
    assert policy.evaluate(**request) == decision
    origin = request["origin"]
    acao = [value for name, value in decision.headers if name == "Access-Control-Allow-Origin"]
    credentials = any(name == "Access-Control-Allow-Credentials" for name, _ in decision.headers)
    for name, value in decision.headers:
        assert printable_latin1(name) and printable_latin1(value), (name, value)
    assert len(acao) <= 1, decision
    if acao and origin:
        assert acao[0] in ("*", origin), (acao, origin)
    assert not (credentials and (not acao or acao[0] == "*")), decision
    if not decision.allowed:
        assert not any(name.startswith("Access-Control-Allow-") for name, _ in decision.headers), decision
        assert printable_latin1(decision.message), decision.message


def test_one_input(data: bytes) -> None:
    provider = atheris.FuzzedDataProvider(data)
    fields = [provider.ConsumeUnicodeNoSurrogates(provider.ConsumeIntInRange(0, 400)) for _ in range(5)]
    origin, request_method, request_headers, private_network, path = fields
    check_header_parser(request_headers)
    check_origin(origin)
    method = "OPTIONS" if provider.ConsumeBool() else "GET"
    request = {
        "method": method,
        "path": path,
        "origin": origin or None,
        "request_method": request_method if provider.ConsumeBool() else None,
        "request_headers": request_headers or None,
        "request_private_network": private_network or None,
    }
    for policy in POLICIES:
        check_policy(policy, request)


def main(argv: list[str]) -> None:
    arguments = [argv[0]]
    rest = iter(argv[1:])
    for argument in rest:
        if argument == "--seconds":
            arguments.append(f"-max_total_time={int(next(rest))}")
        elif argument.startswith("--seconds="):
            arguments.append(f"-max_total_time={int(argument.split('=', 1)[1])}")
        else:
            arguments.append(argument)
    atheris.Setup(arguments, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
