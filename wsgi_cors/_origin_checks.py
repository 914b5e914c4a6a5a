"""Origins in a configuration: what each entry means, whether a browser could ever send it, and the fix.

A browser sends the *serialized origin* of the page (``scheme://host[:port]``, lower-case, default
port omitted, or ``null``) and accepts a response only if ``Access-Control-Allow-Origin`` equals it
byte for byte (Fetch "CORS check"). So a configured origin must be written exactly as browsers
serialize it, or it can never match: configuration entries are checked for that here, with the fix.

Configuration entries, in the order they are recognised:

* ``"*"`` (or the regex ``".*"``): every well-formed origin except ``null``;
* ``"null"``: the opaque origin, only ever admitted by being listed like this;
* a wildcard pattern, a string of exactly the shape ``scheme://*.domain[:port|:*]`` or
  ``scheme://host:*`` (the host may be an IPv6 literal, ``http://[::1]:*``): ``*.`` stands for one
  or more whole DNS labels, ``:*`` for any port;
* any other string with a regex character (Flask-CORS's rule) is a regex that must match the
  **whole** origin, case-insensitively; so is a compiled ``re.Pattern`` (with its own flags);
* a callable ``origin -> bool``;
* anything else is an exact origin.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import re
import socket
from types import MappingProxyType
from typing import Any, Callable, Iterable, Optional, Pattern

import idna

from . import _problems as kinds
from ._origins import (
    _HOST,
    DEFAULT_PORTS,
    MAX_ORIGIN_LENGTH,
    REGEX_HINT_CHARACTERS,
    OriginMatcher,
    OriginPredicate,
    _combinable,
    _combine,
    dotted_literal_suffix,
    split_origin,
)
from ._problems import Kind, Problems
from .errors import Location

__all__ = ["parse_origins", "insecure_origins", "suggest_origin"]

_ORIGIN_PARTS_RE = re.compile(
    r"(?P<scheme>[^:/?#]*)://(?P<host>(?:\*\.)?\[[^\]]*\]|[^:/?#\[]*)(?::(?P<port>[^/?#]*))?(?P<rest>.*)", re.S
)
# An origin with an IPv6 host has '[' and ']', which would otherwise make it a regex.
_IPV6_ORIGIN_RE = re.compile(r"[a-zA-Z][a-zA-Z0-9+.\-]*://\[[0-9a-fA-F:.]+\](?::[0-9]*)?/?")
# The common case of an exact origin already written as browsers serialize it (a web scheme, lower-case
# DNS labels of at most 63 characters, a last label starting with a letter so never an IPv4 address, no
# port): nothing to diagnose, so it skips the detailed checks that make a 10,000-origin build slow.
_CANONICAL_ORIGIN_RE = re.compile(
    r"(?:https?|wss?)://(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.){0,126}[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?"
)
# The start of an origin: what each part of a comma-joined list of origins begins with.
_SCHEME_PREFIX_RE = re.compile(r"[a-zA-Z][a-zA-Z0-9+.\-]*://")
# An IPv6 literal takes any port too ("http://[::1]:*"); "*." before one is refused in _parse_origin_like.
_WILDCARD_SHAPE_RE = re.compile(
    r"[a-zA-Z][a-zA-Z0-9+.\-]*://(?:\*\.(?:[^*:/?#\[\]]+|\[[0-9a-fA-F:.]*\])(?::(?:[0-9]+|\*))?|[^*:/?#\[\]]+:\*|\[[0-9a-fA-F:.]*\]:\*)"
)


def suggest_origin(value: str) -> str:
    """A best guess at what the user meant by an origin without a scheme."""
    host = value.split(":", 1)[0]
    loopback = host in ("localhost", "127.0.0.1", "[::1]") or host.endswith(".localhost")
    return ("http://" if loopback else "https://") + value.rstrip("/").lower()


def check_host(host: str, scheme: str, value: str, fix_with: Callable[[str], str]) -> Optional[tuple[Kind, str, str]]:
    """Return ``(kind, problem, fix)`` if ``host`` is not written as browsers serialize it."""
    if not host:
        if scheme == "file":
            return (
                kinds.INVALID_ORIGIN,
                "browsers send 'Origin: null' for file: pages, never a file:// origin",
                "list 'null' explicitly if you must (any sandboxed iframe can send it)",
            )
        return kinds.INVALID_ORIGIN, "the origin has no host", "write scheme://host[:port], e.g. 'https://app.example.com'"
    if host.startswith("["):
        try:
            canonical = "[" + ipaddress.IPv6Address(host[1:-1]).compressed + "]"
        except ValueError:
            return (
                kinds.INVALID_ORIGIN,
                "the IPv6 address is not valid",
                "write a valid address in brackets, e.g. 'http://[::1]:8080'",
            )
        if canonical != host:
            return (
                kinds.UNSERIALIZED_ORIGIN,
                "browsers serialize IPv6 addresses compressed and lower-case",
                f"write {fix_with(canonical)!r}",
            )
        return None
    if not host.isascii():
        # What the browser sends: the URL standard's "domain to ASCII" is UTS #46 with non-transitional
        # processing (faß.de -> xn--fa-hia.de; Python's own "idna" codec is IDNA 2003 and gives fass.de).
        try:
            ascii_host = idna.encode(host, uts46=True, transitional=False).decode("ascii")
        except (idna.IDNAError, UnicodeError):
            return (
                kinds.INVALID_ORIGIN,
                "the host is not a valid internationalized domain name",
                "write the host in its ASCII (punycode) form",
            )
        return (
            kinds.UNSERIALIZED_ORIGIN,
            "browsers send internationalized hosts in their ASCII (punycode) form",
            f"write {fix_with(ascii_host)!r}",
        )
    if host != host.lower():
        return (
            kinds.UNSERIALIZED_ORIGIN,
            "browsers send hosts in lower case, so this can never match",
            f"write {fix_with(host.lower())!r}",
        )
    labels = host.rstrip(".").split(".")
    if re.fullmatch(r"[0-9a-fx.]+", host) and re.fullmatch(r"(0x[0-9a-f]*|[0-9]+)", labels[-1]):
        # The URL standard parses a host that ends in a number as an IPv4 address, in any legacy form.
        try:
            canonical = socket.inet_ntoa(socket.inet_aton(host))
        except OSError:
            return (
                kinds.INVALID_ORIGIN,
                "the host looks like an IPv4 address but is not a valid one",
                "write a dotted-quad address such as '127.0.0.1'",
            )
        if canonical != host:
            return (
                kinds.UNSERIALIZED_ORIGIN,
                "browsers serialize IPv4 addresses as four decimal numbers",
                f"write {fix_with(canonical)!r}",
            )
        return None
    if (
        len(host) > 253
        or not re.fullmatch(_HOST, host)
        or any(len(label) > 63 or label.startswith("-") or label.endswith("-") for label in labels)
    ):
        return kinds.INVALID_ORIGIN, "the host is not a valid DNS name", "use letters, digits, '-' and '.', with no empty labels"
    return None


def check_port(port: Optional[str], scheme: str, fix_with: Callable[[str], str]) -> Optional[tuple[Kind, str, str]]:
    """Return ``(kind, problem, fix)`` if ``port`` is not written as browsers serialize it."""
    if port is None:
        return None
    if port == "":
        return kinds.UNSERIALIZED_ORIGIN, "the origin ends with ':' but no port", f"write {fix_with('')!r}"
    if not port.isdigit() or not port.isascii():
        return (
            kinds.INVALID_ORIGIN,
            "the port is not a number",
            "write a port from 1 to 65535, or ':*' for any port in a wildcard pattern",
        )
    if not 0 < int(port) <= 65535:
        return kinds.INVALID_ORIGIN, "the port is out of range", "use a port from 1 to 65535"
    if port != str(int(port)):
        return (
            kinds.UNSERIALIZED_ORIGIN,
            "browsers never send ports with leading zeros",
            f"write {fix_with(':' + str(int(port)))!r}",
        )
    if DEFAULT_PORTS.get(scheme) == port:
        return (
            kinds.UNSERIALIZED_ORIGIN,
            f"browsers omit the default port {port} of {scheme}:, so this can never match",
            f"write {fix_with('')!r}",
        )
    return None


def _parse_origin_like(value: str, where: Location, problems: Problems, *, wildcard: bool) -> Optional[tuple[str, str, str]]:
    """Check an exact origin or a wildcard pattern; return (scheme, host, port) or None after recording a problem."""
    parts = _ORIGIN_PARTS_RE.fullmatch(value)
    if parts is None:
        problems.add(
            kinds.ORIGIN_WITHOUT_SCHEME,
            where,
            value,
            "an origin needs a scheme ('https://' or 'http://')",
            f"write {suggest_origin(value)!r}",
        )
        return None
    scheme, host, port, rest = parts.group("scheme", "host", "port", "rest")
    base = f"{scheme}://{host}" + (f":{port}" if port is not None else "")
    if rest:
        problem = "browsers never send a trailing slash in Origin" if rest == "/" else "an origin has no path, query or fragment"
        problems.add(kinds.ORIGIN_WITH_PATH, where, value, problem, f"write {base!r}")
        return None
    if not re.fullmatch(r"[a-z][a-z0-9+.\-]*", scheme):
        lowered = scheme.lower()
        fix = (
            f"write {value.replace(scheme, lowered, 1)!r}"
            if re.fullmatch(r"[a-z][a-z0-9+.\-]*", lowered)
            else "use a scheme such as 'https'"
        )
        problems.add(kinds.UNSERIALIZED_ORIGIN, where, value, "browsers send the scheme in lower case", fix)
        return None
    bare_host = host[2:] if wildcard and host.startswith("*.") else host

    def rebuild_host(new_host: str) -> str:
        prefix = "*." if bare_host is not host else ""
        return f"{scheme}://{prefix}{new_host}" + (f":{port}" if port is not None else "")

    def rebuild_port(new_port: str) -> str:
        return f"{scheme}://{host}{new_port}"

    host_problem = check_host(bare_host, scheme, value, rebuild_host)
    if host_problem is None and bare_host is not host and (bare_host.startswith("[") or re.fullmatch(r"[0-9.]+", bare_host)):
        host_problem = (
            kinds.INVALID_ORIGIN,
            "'*.' stands for DNS labels and cannot precede an IP address",
            "list the addresses you mean",
        )
    port_problem = None if (wildcard and port == "*") else check_port(port, scheme, rebuild_port)
    for found in (host_problem, port_problem):
        if found is not None:
            problems.add(found[0], where, value, found[1], found[2])
            return None
    return scheme, bare_host, port or ""


def _unescaped_dot(pattern: str) -> bool:
    """Whether a regex has a '.' meant literally but left unescaped (``app.example.com`` also matches ``appXexample.com``)."""
    escaped = in_class = False
    for index, char in enumerate(pattern):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        elif char == "." and not in_class:
            following = pattern[index + 1 : index + 2]
            if following not in ("*", "+", "?", "{"):
                return True
    return False


def _check_regex_shape(source: str, entry: Any, where: Location, problems: Problems) -> None:
    """Warnings about how an origin regex is written; a compiled pattern gets the same as a string."""
    if _unescaped_dot(source):
        problems.add(
            kinds.UNESCAPED_DOT,
            where,
            entry,
            f"the regex {source!r} has an unescaped '.', which matches any character",
            "escape literal dots as '\\.', or use a wildcard pattern such as 'https://*.example.com'",
        )


def _comma_joined(entry: str) -> bool:
    """Whether ``entry`` is several origins joined by commas: no origin, wildcard or sensible regex has a comma
    between two ``scheme://`` parts (a regex's ``{1,3}`` has no scheme after its comma)."""
    parts = [part.strip() for part in entry.split(",")]
    return len([part for part in parts if part]) > 1 and all(
        _SCHEME_PREFIX_RE.match(part) or part in ("*", "null") for part in parts if part
    )


def parse_origins(value: Any, where: Location, problems: Problems) -> OriginMatcher:
    """Validate an ``origins`` option and compile it; record every problem, with its fix, in ``problems``."""
    if isinstance(value, (str, re.Pattern)) or callable(value):
        entries: list[Any] = [value]
    elif isinstance(value, Iterable) and not isinstance(value, (bytes, dict)):
        entries = list(value)
    else:
        problems.add(
            kinds.BAD_ORIGINS,
            where,
            value,
            f"origins must be a string, a pattern, a callable or a list of those, not {type(value).__name__}",
            "write origins=['https://app.example.com']",
        )
        return OriginMatcher()
    if not entries:
        problems.add(
            kinds.NO_ORIGINS,
            where,
            value,
            "an empty origins list allows no cross-origin request",
            "list the origins to allow, or remove the rule",
        )
    exact: set[str] = set()
    allow_all = False
    any_port_hosts: set[tuple[str, str]] = set()
    subdomains: dict[tuple[str, str], set[str]] = {}
    regexes: list[Pattern[str]] = []
    predicates: list[OriginPredicate] = []
    many = len(entries) > 1 or not isinstance(value, (str, re.Pattern))
    for index, entry in enumerate(entries):
        here = dataclasses.replace(where, index=index) if many else where
        if isinstance(entry, re.Pattern):
            if not isinstance(entry.pattern, str):
                problems.add(
                    kinds.BAD_ORIGIN_ENTRY, here, entry, "a bytes pattern cannot match an origin", "compile a str pattern"
                )
            else:
                _check_regex_shape(entry.pattern, entry, here, problems)
                regexes.append(entry)
        elif callable(entry) and not isinstance(entry, str):
            predicates.append(entry)
        elif not isinstance(entry, str):
            problems.add(
                kinds.BAD_ORIGIN_ENTRY,
                here,
                entry,
                f"an origin must be a string, a compiled pattern or a callable, not {type(entry).__name__}",
                "write the origin as a string such as 'https://app.example.com'",
            )
        elif _comma_joined(entry):
            listed = [part.strip() for part in entry.split(",") if part.strip()]
            where_list = (
                "origins=" + repr(listed) if not many else f"these {len(listed)} entries in place of this one: {listed!r}"
            )
            problems.add(
                kinds.COMMA_JOINED_ORIGINS,
                here,
                entry,
                "several origins joined by commas in one string (as an environment variable holds them): browsers "
                "send one origin, so this never matches",
                f"split it into a list: {where_list}",
            )
        elif entry in ("*", ".*"):
            allow_all = True
        elif entry == "null":
            exact.add(entry)
        elif _WILDCARD_SHAPE_RE.fullmatch(entry):
            parsed = _parse_origin_like(entry, here, problems, wildcard=True)
            if parsed is not None:
                scheme, host, port = parsed
                if entry.split("://", 1)[1].startswith("*."):
                    subdomains.setdefault((scheme, host), set()).add(port)
                else:
                    any_port_hosts.add((scheme, host))
        elif not REGEX_HINT_CHARACTERS.isdisjoint(entry) and not _IPV6_ORIGIN_RE.fullmatch(entry):
            try:
                compiled = re.compile(entry, re.IGNORECASE)
            except re.error as error:
                problems.add(
                    kinds.BAD_REGEX,
                    here,
                    entry,
                    f"not a valid regular expression ({error})",
                    "fix the regex, or use a wildcard pattern such as 'https://*.example.com'",
                )
                continue
            _check_regex_shape(entry, entry, here, problems)
            regexes.append(compiled)
        elif len(entry) <= MAX_ORIGIN_LENGTH and _CANONICAL_ORIGIN_RE.fullmatch(entry):
            exact.add(entry)
        elif _parse_origin_like(entry, here, problems, wildcard=False) is not None:
            exact.add(entry)
    by_suffix: dict[str, list[Pattern[str]]] = {}
    others: list[Pattern[str]] = []
    for pattern in regexes:
        suffix = dotted_literal_suffix(pattern)
        if suffix is None:
            others.append(pattern)
        else:
            by_suffix.setdefault(suffix, []).append(pattern)
    combined = [pattern for pattern in others if _combinable(pattern)]
    alternation = _combine(combined)
    alone = tuple(pattern for pattern in others if alternation is None or not _combinable(pattern))
    return OriginMatcher(
        exact=frozenset(exact),
        allow_all=allow_all,
        any_port_hosts=frozenset(any_port_hosts),
        subdomains=MappingProxyType({key: frozenset(ports) for key, ports in subdomains.items()}),
        regexes=tuple(regexes),
        regexes_by_suffix=MappingProxyType({suffix: tuple(patterns) for suffix, patterns in by_suffix.items()}),
        other_regex=alternation,
        other_regexes=alone,
        predicates=tuple(predicates),
    )


def insecure_origins(matcher: OriginMatcher) -> list[str]:
    """Plain-http origins and patterns that are not loopback: a network attacker can script them."""
    found = []
    for origin in sorted(matcher.exact):
        if origin.startswith("http://") and not _is_loopback(split_origin(origin)[1]):
            found.append(origin)
    for scheme, host in sorted(matcher.any_port_hosts):
        if scheme == "http" and not _is_loopback(host):
            found.append(f"http://{host}:*")
    for scheme, host in sorted(matcher.subdomains):
        if scheme == "http" and host != "localhost":
            found.append(f"http://*.{host}")
    return found


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
