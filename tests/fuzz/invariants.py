"""What must hold for every decision and every response, whatever the configuration and the request."""

from __future__ import annotations

from typing import Iterable, Optional

from wsgi_cors import Decision
from wsgi_cors._origins import is_serialized_origin

ALLOW_HEADERS = ("access-control-allow-", "access-control-expose-", "access-control-max-age")


def printable_latin1(text: str) -> bool:
    return all(0x20 <= ord(char) <= 0xFF and ord(char) != 0x7F for char in text)


def check_headers(headers: Iterable[tuple[str, str]], origin: Optional[str]) -> None:
    """Header-level invariants: printable latin-1 values, one ACAO that is '*' or the request origin, no credentials with '*'."""
    headers = list(headers)
    for name, value in headers:
        assert printable_latin1(name) and printable_latin1(value), (name, value)
    acao = [value for name, value in headers if name.lower() == "access-control-allow-origin"]
    acac = [value for name, value in headers if name.lower() == "access-control-allow-credentials"]
    assert len(acao) <= 1 and len(acac) <= 1, headers
    if acao and origin:
        assert acao[0] == "*" or acao[0] == origin, (acao, origin)  # never another origin, never a transformed one
    elif acao:
        # No Origin: only a constant policy-wide value (always_send), never something taken from the request.
        # ("null" too: origins=["null"] alone is a one-origin policy; see the report's question on it.)
        assert acao[0] in ("*", "null") or is_serialized_origin(acao[0]), acao
    if acao:
        assert not (acao[0] == "*" and acac), "credentials with '*'"
    else:
        assert not acac, "Access-Control-Allow-Credentials without Access-Control-Allow-Origin"


def check_decision(decision: Decision, origin: Optional[str]) -> None:
    """Decision-level invariants on top of the header ones."""
    check_headers(decision.headers, origin)
    names = [name.lower() for name, _ in decision.headers]
    if not decision.allowed:
        assert not any(name.startswith(ALLOW_HEADERS) for name in names), decision
        assert decision.reason is not None
        assert printable_latin1(decision.message)
    if decision.rule is None:
        assert decision.headers == () and decision.status is None
    if decision.status is not None:
        assert decision.status == 403 or 200 <= decision.status <= 299
