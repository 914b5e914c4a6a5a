"""Origins as browsers send them, and the compiled matcher that admits or refuses them per request.

A browser sends the *serialized origin* of the page (``scheme://host[:port]``, lower-case, default
port omitted, or ``null``) and accepts a response only if ``Access-Control-Allow-Origin`` equals it
byte for byte (Fetch "CORS check"). This module holds that grammar and :class:`OriginMatcher`, the
compiled form of an ``origins`` option; what a configuration may say, and the fixes for what it
should not, are in :mod:`wsgi_cors._origin_checks`; the checks that compare a configuration with the
world (attacker probes, the Public Suffix List) in :mod:`wsgi_cors._origin_safety`.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Callable, Mapping, Optional, Pattern, Union

from ._regex import parser as _sre_parse

__all__ = ["MAX_ORIGIN_LENGTH", "REGEX_HINT_CHARACTERS", "DEFAULT_PORTS", "OriginMatcher", "is_serialized_origin", "split_origin"]

LOG = logging.getLogger("wsgi_cors")

OriginPredicate = Callable[[str], bool]
OriginEntry = Union[str, "Pattern[str]", OriginPredicate]

# jub0bs/cors origins.Parse: scheme (<= 64) + "://" + host (<= 253, RFC 1035) + ":" + port (<= 5 digits).
MAX_ORIGIN_LENGTH = 64 + 3 + 253 + 6
# Flask-CORS core.py _REGEX_HINT_CHARS: a string containing one of these is taken to be a regex.
REGEX_HINT_CHARACTERS = frozenset("*\\]?$^[]()")
# Ports that browsers omit when they serialize an origin (URL standard "default port").
DEFAULT_PORTS = {"http": "80", "https": "443", "ws": "80", "wss": "443", "ftp": "21"}
# Loose on hyphen placement and label length (harmless to reflect), strict on everything that is not.
_LABEL = r"[a-z0-9_~-]+"
_HOST = rf"(?:{_LABEL}(?:\.{_LABEL})*\.?|\[[0-9a-f:.]{{2,39}}\])"
# What a browser can send: lower-case scheme and host, an optional port, nothing else.
_SERIALIZED_ORIGIN_RE = re.compile(rf"[a-z][a-z0-9+.\-]{{0,63}}://{_HOST}(?::[0-9]{{1,5}})?")


def is_serialized_origin(value: str) -> bool:
    """Whether ``value`` is shaped like an origin a browser serializes (``null`` excluded).

    Anything else (CR/LF, spaces, control or non-ASCII characters, a path, an absurd length) is
    not from a browser, is never matched and never reflected.
    """
    return len(value) <= MAX_ORIGIN_LENGTH and _SERIALIZED_ORIGIN_RE.fullmatch(value) is not None


def split_origin(origin: str) -> tuple[str, str, str]:
    """Split a serialized origin into ``(scheme, host, port)``; ``port`` is ``""`` when absent."""
    scheme, _, hostport = origin.partition("://")
    if hostport.startswith("["):
        end = hostport.find("]") + 1
        return scheme, hostport[:end], hostport[end + 1 :]
    host, _, port = hostport.partition(":")
    return scheme, host, port


@dataclass(frozen=True)
class OriginMatcher:
    """The compiled form of an ``origins`` option: sets and dicts for the common cases, one regex for the rest.

    Lookup cost does not grow with the number of exact origins or wildcard patterns (set and dict
    lookups, one per dot of the request host); regexes are combined into a single alternation.
    """

    exact: frozenset[str] = frozenset()
    allow_all: bool = False
    # (scheme, host) -> True: "scheme://host:*", any port.
    any_port_hosts: frozenset[tuple[str, str]] = frozenset()
    # (scheme, parent domain) -> ports allowed for its subdomains ("" = no port, "*" = any).
    subdomains: Mapping[tuple[str, str], frozenset[str]] = field(default_factory=lambda: MappingProxyType({}))
    # Every regex, as configured (for the configuration checks).
    regexes: tuple["Pattern[str]", ...] = ()
    # Regexes whose matches all end with a fixed dotted text (".example.com"), keyed by that text: a request
    # origin is tried only against the regexes keyed by one of its own dotted endings.
    regexes_by_suffix: Mapping[str, tuple["Pattern[str]", ...]] = field(default_factory=lambda: MappingProxyType({}))
    # The other regexes, combined into one alternation, each with its own flags (None: none, or they cannot be combined)...
    other_regex: Optional["Pattern[str]"] = None
    # ...and those left out of it (group references, VERBOSE, inline global flags), tried one by one.
    other_regexes: tuple["Pattern[str]", ...] = ()
    predicates: tuple[OriginPredicate, ...] = ()

    @property
    def needs_slow_path(self) -> bool:
        """Whether anything beyond the exact set can admit an origin."""
        return bool(self.allow_all or self.any_port_hosts or self.subdomains or self.regexes or self.predicates)

    @property
    def single_static_origin(self) -> Optional[str]:
        """The one origin this matcher admits, if it admits exactly one (a static ACAO is then possible)."""
        if len(self.exact) == 1 and not self.needs_slow_path and "null" not in self.exact:
            return next(iter(self.exact))
        return None

    def match_beyond_exact(self, origin: str) -> Optional[str]:
        """Match an origin that is not in the exact set: ``None`` if allowed, else the reason code."""
        if origin == "null" or not is_serialized_origin(origin):
            return "origin-not-allowed" if origin == "null" else "origin-malformed"
        if self.allow_all:
            return None
        if self.any_port_hosts or self.subdomains:
            scheme, host, port = split_origin(origin)
            if (scheme, host) in self.any_port_hosts:
                return None
            if self.subdomains:
                dot = host.find(".")
                while dot != -1:
                    ports = self.subdomains.get((scheme, host[dot + 1 :]))
                    if ports is not None and (port in ports or "*" in ports):
                        return None
                    dot = host.find(".", dot + 1)
        if self.regexes_by_suffix:
            dot = origin.find(".")
            while dot != -1:  # a serialized origin is at most MAX_ORIGIN_LENGTH long, so this loop is bounded
                candidates = self.regexes_by_suffix.get(origin[dot:])
                if candidates is not None and any(pattern.fullmatch(origin) for pattern in candidates):
                    return None
                dot = origin.find(".", dot + 1)
        if self.other_regex is not None and self.other_regex.fullmatch(origin) is not None:
            return None
        if self.other_regexes and any(pattern.fullmatch(origin) for pattern in self.other_regexes):
            return None
        for predicate in self.predicates:
            try:
                if predicate(origin):
                    return None
            except Exception:  # a bug in user code must not take the app down; it rejects and is logged
                LOG.exception("origin predicate %r raised for origin %s; treating it as not allowed", predicate, ascii(origin))
        return "origin-not-allowed"


def dotted_literal_suffix(pattern: "Pattern[str]") -> Optional[str]:
    """The fixed text, from its first '.', that every match of ``pattern`` ends with; None if there is none.

    ``https://[a-z]+\\.example\\.com`` gives ``.example.com``. Read from the regex's parse tree: the
    trailing run of literal characters (a final ``$`` is allowed). Lower-cased for an IGNORECASE pattern,
    since the origins it is compared with are lower-case. A pattern with flags that change what a literal
    matches (VERBOSE, or IGNORECASE on a non-ASCII literal) gets None and stays in the alternation.
    """
    if pattern.flags & re.VERBOSE:
        return None
    try:
        parsed = list(_sre_parse.parse(pattern.pattern, pattern.flags))
    except Exception:  # noqa: BLE001 -- any surprise in a private parser means: do not index this pattern
        return None
    literal: list[str] = []
    for opcode, argument in reversed(parsed):
        if opcode == _sre_parse.AT and argument == _sre_parse.AT_END and not literal:
            continue
        if opcode != _sre_parse.LITERAL:
            break
        literal.append(chr(argument))
    suffix = "".join(reversed(literal))
    if pattern.flags & re.IGNORECASE:
        if not suffix.isascii():
            return None
        suffix = suffix.lower()
    dot = suffix.find(".")
    return suffix[dot:] if dot != -1 and len(suffix) > dot + 1 else None


# Group references by number or name, and conditionals on a group: joined with other patterns, a number would
# point at another pattern's group.
_GROUP_REFERENCE = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")
# Flags a pattern can carry into an alternation as a scoped group "(?aims-ims:...)" (Python 3.7+, "re" docs).
_SCOPED_FLAGS = ((re.IGNORECASE, "i"), (re.MULTILINE, "m"), (re.DOTALL, "s"))


def _combinable(pattern: "Pattern[str]") -> bool:
    """Whether ``pattern`` keeps its meaning as one alternative of a larger regex.

    Not so with group references (renumbered), VERBOSE (a trailing comment would swallow what follows), or
    inline global flags such as ``(?i)`` (an error or, before Python 3.11, a flag on every alternative).
    """
    if pattern.flags & re.VERBOSE or _GROUP_REFERENCE.search(pattern.pattern):
        return False
    try:
        inline = re.compile(pattern.pattern).flags
    except re.error:
        return False
    return not inline & ~re.UNICODE


def _combine(regexes: list["Pattern[str]"]) -> Optional["Pattern[str]"]:
    """One alternation for several regexes, so matching costs one call; None if they cannot be combined.

    The alternation admits an origin exactly when one of the regexes does, each with its own flags: joined
    without them, ``https://[^\u017f]+`` (case-insensitive: never ``s``, which folds to U+017F) and a
    case-sensitive neighbour would admit ``https://s``. Regexes with the same flags are joined bare and compiled
    with those flags (sre then shares a common prefix such as ``https://``); otherwise each alternative carries
    its own flags in a scoped group. Callers keep out the regexes that are not :func:`_combinable`.
    """
    if not regexes:
        return None
    if len(regexes) == 1:
        return regexes[0]
    flags = {pattern.flags for pattern in regexes}
    try:
        if len(flags) == 1:
            # A valid regex without inline global flags is balanced, so its top-level "|" stays one of the alternatives.
            return re.compile("|".join(pattern.pattern for pattern in regexes), flags.pop())
        sources = []
        for pattern in regexes:
            on = "".join(letter for flag, letter in _SCOPED_FLAGS if pattern.flags & flag) + (
                "a" if pattern.flags & re.ASCII else ""
            )
            off = "".join(letter for flag, letter in _SCOPED_FLAGS if not pattern.flags & flag)
            sources.append(f"(?{on}-{off}:{pattern.pattern})" if off else f"(?{on}:{pattern.pattern})")
        return re.compile("|".join(sources))
    except re.error:  # e.g. two patterns defining the same group name
        return None
