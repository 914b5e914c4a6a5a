"""Path rules (Flask-CORS ``resources``): which rule covers a request path, decided the same way every time.

Meaning, as in Flask-CORS: a pattern with a regex character (``*\\]?$^[]()``) is a regex matched at the
**start** of the path (``/api/*`` covers ``/api``, ``/api/v1/users`` and also ``/apix``); any other
string must equal the path; ``"*"`` means every path.

Unlike Flask-CORS, the path is the one the router sees (``PATH_INFO``, decoded once by the server,
case-sensitive, no ``+`` to space, no second percent-decoding: CVE-2020-25032, CVE-2024-6844,
CVE-2024-6866), and precedence is explicit rather than by pattern length (CVE-2024-6839):

1. exact paths first;
2. then patterns, the one with the longest *literal prefix* first (``/api/admin/.*`` has ``/api/admin/``,
   ``/api/*`` has ``/api``, ``/.*`` has ``/``), because a longer fixed prefix names fewer paths;
3. ties keep the order in which the rules were given.

A rule that a rule before it covers completely can never match; it is reported with
:class:`~wsgi_cors.errors.ShadowedRuleWarning` (Flask-CORS accepts such configurations silently).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Callable, Generic, Optional, Pattern, Sequence, TypeVar, Union

__all__ = ["PathRule", "PathMatcher", "literal_prefix", "PathPattern"]

T = TypeVar("T")
U = TypeVar("U")
PathPattern = Union[str, "Pattern[str]"]

_REGEX_HINT_CHARACTERS = frozenset("*\\]?$^[]()")
_META = frozenset(".^$*+?{}[]|()")
# Constructs that look past the end of the matched prefix: with them, matching a prefix does not
# imply matching every longer path.
_LOOKS_AHEAD = re.compile(r"\$|\\[ZbB]|\(\?[=!]")


def is_regex(pattern: PathPattern) -> bool:
    """Flask-CORS's rule: compiled patterns and strings with a regex character are regexes."""
    return not isinstance(pattern, str) or not _REGEX_HINT_CHARACTERS.isdisjoint(pattern)


def literal_prefix(pattern: str) -> str:
    """The fixed text every path matched by ``pattern`` starts with (``""`` if there is none)."""
    depth, escaped, in_class = 0, False, False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            return ""  # a top-level alternative may start with anything
    prefix: list[str] = []
    index = 1 if pattern.startswith("^") else 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            following = pattern[index + 1 : index + 2]
            if not following or following.isalnum():
                break  # a character class such as \d, or a back-reference
            literal, step = following, 2
        elif char in _META:
            break
        else:
            literal, step = char, 1
        quantifier = pattern[index + step : index + step + 1]
        if quantifier in ("*", "?", "{"):
            break  # this character is optional or counted
        prefix.append(literal)
        if quantifier == "+":
            break
        index += step
    return "".join(prefix)


@dataclass(frozen=True)
class PathRule(Generic[T]):
    """A path pattern as the user wrote it, what it maps to, and where it was declared."""

    pattern: PathPattern
    target: T
    index: int

    @property
    def text(self) -> str:
        """The pattern as text (a compiled pattern's source)."""
        return self.pattern if isinstance(self.pattern, str) else self.pattern.pattern

    @functools.cached_property  # computed once per rule: sorting and shadow detection read it many times
    def regex(self) -> Optional["Pattern[str]"]:
        if not is_regex(self.pattern):
            return None
        if isinstance(self.pattern, str):
            return re.compile(".*" if self.pattern == "*" else self.pattern)
        return self.pattern

    @functools.cached_property
    def prefix(self) -> str:
        return literal_prefix(".*" if self.text == "*" else self.text)


def _covers_everything_under_prefix(rule: PathRule[T]) -> bool:
    """Whether ``rule`` matches every path that starts with its literal prefix."""
    regex = rule.regex
    if regex is None or _LOOKS_AHEAD.search(rule.text):
        return False
    return regex.match(rule.prefix) is not None


class PathMatcher(Generic[T]):
    """Finds the rule that covers a path: a dict for exact paths, then one combined regex in precedence order."""

    def __init__(self, rules: Sequence[PathRule[T]]) -> None:
        self._given = tuple(rules)
        exact: dict[str, PathRule[T]] = {}
        patterns: list[PathRule[T]] = []
        self.shadowed: list[tuple[PathRule[T], PathRule[T]]] = []  # (rule that never matches, the rule covering it)
        for rule in rules:
            if rule.regex is None:
                if rule.text in exact:
                    self.shadowed.append((rule, exact[rule.text]))
                else:
                    exact[rule.text] = rule
            else:
                patterns.append(rule)
        patterns.sort(key=lambda rule: (-len(rule.prefix), rule.index))
        # Sorted by descending prefix length, an earlier rule whose prefix starts this rule's prefix has the same
        # prefix: only an identical pattern, or an earlier rule with the same prefix that covers everything under
        # it, can shadow a rule. Both are dictionary look-ups, so the check stays linear in the number of rules.
        first_with_text: dict[str, tuple[int, PathRule[T]]] = {}
        first_covering: dict[str, tuple[int, PathRule[T]]] = {}
        for position, rule in enumerate(patterns):
            candidates = [found for found in (first_with_text.get(rule.text), first_covering.get(rule.prefix)) if found is not None]
            if candidates:
                self.shadowed.append((rule, min(candidates, key=lambda found: found[0])[1]))
            first_with_text.setdefault(rule.text, (position, rule))
            if _covers_everything_under_prefix(rule):
                first_covering.setdefault(rule.prefix, (position, rule))
        self.ordered: tuple[PathRule[T], ...] = tuple(exact.values()) + tuple(patterns)
        self._exact = {path: rule.target for path, rule in exact.items()}
        self._patterns = tuple((rule.regex, rule.target) for rule in patterns if rule.regex is not None)
        self.always: Optional[T] = None
        if not exact and patterns and patterns[0].prefix == "" and _covers_everything_under_prefix(patterns[0]):
            self.always = patterns[0].target  # e.g. the default "/*": every path, no matching needed
        self._by_prefix = self._index_by_prefix(patterns)
        self._combined, self._targets = self._combine(patterns) if self._by_prefix is None else (None, {})

    def map_targets(self, function: Callable[[T], U]) -> "PathMatcher[U]":
        """The same rules, in the same order, with each target replaced by ``function(target)``."""
        return PathMatcher([PathRule(rule.pattern, function(rule.target), rule.index) for rule in self._given])

    @staticmethod
    def _index_by_prefix(patterns: Sequence[PathRule[T]]) -> Optional[tuple[tuple[int, dict[str, tuple[tuple["Pattern[str]", T], ...]]], ...]]:
        """Patterns grouped by literal prefix, longest first: a path is tried only against the rules that can match it.

        Every path a pattern matches starts with its literal prefix, so one dict look-up per distinct
        prefix length finds the candidates; within a prefix, precedence order is kept.
        """
        if len(patterns) < 2:
            return None
        by_length: dict[int, dict[str, list[tuple["Pattern[str]", T]]]] = {}
        for rule in patterns:
            regex = rule.regex
            if regex is None or regex.flags & ~re.UNICODE:
                return None  # IGNORECASE or VERBOSE: the prefix is not compared character for character
            by_length.setdefault(len(rule.prefix), {}).setdefault(rule.prefix, []).append((regex, rule.target))
        return tuple((length, {prefix: tuple(candidates) for prefix, candidates in table.items()})
                     for length, table in sorted(by_length.items(), reverse=True))

    @staticmethod
    def _combine(patterns: Sequence[PathRule[T]]) -> tuple[Optional["Pattern[str]"], dict[str, T]]:
        if len(patterns) < 2:
            return None, {}
        sources = []
        for number, rule in enumerate(patterns):
            regex = rule.regex
            assert regex is not None
            if re.search(r"\\[1-9]|\(\?P=", regex.pattern) or regex.flags & ~(re.UNICODE | re.IGNORECASE):
                return None, {}  # back-references or unusual flags: keep them in separate regexes
            flags = "i" if regex.flags & re.IGNORECASE else ""
            sources.append(f"(?P<_rule{number}>(?{flags}:{regex.pattern}))" if flags else f"(?P<_rule{number}>{regex.pattern})")
        try:
            combined = re.compile("|".join(sources))
        except re.error:
            return None, {}
        return combined, {f"_rule{number}": rule.target for number, rule in enumerate(patterns)}

    def match(self, path: str) -> Optional[T]:
        """The target of the rule that covers ``path``, or None."""
        if self.always is not None:
            return self.always
        target = self._exact.get(path)
        if target is not None:
            return target
        if self._by_prefix is not None:
            for length, table in self._by_prefix:
                candidates = table.get(path[:length])
                if candidates is not None:
                    for regex, candidate in candidates:
                        if regex.match(path) is not None:
                            return candidate
            return None
        if self._combined is not None:
            found = self._combined.match(path)
            # The rule's own group closes after any group inside it, so it is the last group.
            return self._targets[found.lastgroup] if found is not None and found.lastgroup else None
        for regex, candidate in self._patterns:
            if regex.match(path) is not None:
                return candidate
        return None
