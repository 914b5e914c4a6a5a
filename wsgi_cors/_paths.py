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

The literal prefix, and whether a pattern matches every path that starts with it, are read from the
regex's parse tree (the same parser ``re`` compiles with), never by scanning its text: a class such as
``[](]`` or a top-level ``|`` cannot be misread. Any construct the analysis does not know gets the
safe answer (no prefix, does not cover everything), which can only cost speed, never change a match.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Callable, Generic, Optional, Pattern, Sequence, TypeVar, Union

from ._regex import parser as _sre_parse

__all__ = ["PathRule", "PathMatcher", "literal_prefix", "PathPattern"]

T = TypeVar("T")
U = TypeVar("U")
PathPattern = Union[str, "Pattern[str]"]

_REGEX_HINT_CHARACTERS = frozenset("*\\]?$^[]()")
# Parse-tree opcodes (None where this Python lacks them: atomic groups and possessive repeats are 3.11+).
_LITERAL = getattr(_sre_parse, "LITERAL", None)
_AT = getattr(_sre_parse, "AT", None)
_AT_START = tuple(
    code
    for code in (getattr(_sre_parse, "AT_BEGINNING", None), getattr(_sre_parse, "AT_BEGINNING_STRING", None))
    if code is not None
)
_REPEATS = tuple(
    code
    for code in (getattr(_sre_parse, name, None) for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"))
    if code is not None
)
_SUBPATTERN = getattr(_sre_parse, "SUBPATTERN", None)
_ATOMIC_GROUP = getattr(_sre_parse, "ATOMIC_GROUP", None)
_BRANCH = getattr(_sre_parse, "BRANCH", None)
# Group references by number or name, and conditionals on a group: in one combined regex they would point at
# the wrong group, since every rule gets a group of its own.
_GROUP_REFERENCE = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")


def is_regex(pattern: PathPattern) -> bool:
    """Flask-CORS's rule: compiled patterns and strings with a regex character are regexes."""
    return not isinstance(pattern, str) or not _REGEX_HINT_CHARACTERS.isdisjoint(pattern)


def _never_fails(item: tuple[object, object]) -> bool:
    """Whether a parse-tree item matches (possibly empty) at any position, whatever text follows.

    Only constructs known for certain: a repeat that allows zero times, and groups or alternations made
    of such repeats. Anything else (a character, an anchor, a lookaround, a reference...) can fail.
    """
    opcode, argument = item
    if opcode in _REPEATS:
        return argument[0] == 0  # type: ignore[index,no-any-return]
    if opcode is _SUBPATTERN and _SUBPATTERN is not None:
        return all(_never_fails(inner) for inner in argument[-1])  # type: ignore[index]
    if opcode is _ATOMIC_GROUP and _ATOMIC_GROUP is not None:
        return all(_never_fails(inner) for inner in argument)  # type: ignore[attr-defined]
    if opcode is _BRANCH and _BRANCH is not None:
        return any(all(_never_fails(inner) for inner in branch) for branch in argument[1])  # type: ignore[index]
    return False


@functools.lru_cache(maxsize=4096)
def _analyse(pattern: str, flags: int) -> tuple[str, bool]:
    """``(literal prefix, matches every path that starts with it)`` for a regex matched at the start of a path.

    The prefix is the run of single characters the parse tree starts with (after ``^``), plus the first
    character of a following ``c+``; everything after it must never fail for the pattern to cover all paths
    under its prefix. On any surprise from the private parser: ``("", False)``, the answer that is always safe.
    """
    if _LITERAL is None or _AT is None or not _REPEATS:
        return "", False  # pragma: no cover - a parser without the opcodes this reads
    try:
        items = list(_sre_parse.parse(pattern, flags))
        index = 0
        while index < len(items) and items[index][0] is _AT and items[index][1] in _AT_START:
            index += 1  # "^" or "\A": always true where re.match starts
        prefix: list[str] = []
        while index < len(items) and items[index][0] is _LITERAL:
            prefix.append(chr(items[index][1]))
            index += 1
        rest = items[index:]
        if rest and rest[0][0] in _REPEATS:
            low, high, body = rest[0][1]
            body = list(body)
            if low >= 1 and len(body) == 1 and body[0][0] is _LITERAL:
                prefix.append(chr(body[0][1]))  # "/api/+" starts with "/api/"
                covers = low == 1 and all(_never_fails(item) for item in rest[1:])  # the rest of "c+" may be empty
                return "".join(prefix), covers
        return "".join(prefix), all(_never_fails(item) for item in rest)
    except Exception:  # noqa: BLE001 -- a private parser: any error means "nothing known", never a wrong answer
        return "", False


def literal_prefix(pattern: str, flags: int = 0) -> str:
    """The fixed text every path matched by ``pattern`` starts with (``""`` if there is none).

    With IGNORECASE in ``flags``, the text a match starts with up to case.
    """
    return _analyse(pattern, flags)[0]


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
        regex = self.regex
        return self.text if regex is None else _analyse(regex.pattern, regex.flags)[0]

    @functools.cached_property
    def prefix_is_exact(self) -> bool:
        """Whether every path this rule matches starts with :attr:`prefix` character for character (not so with IGNORECASE)."""
        regex = self.regex
        return regex is None or not regex.flags & re.IGNORECASE


def _covers_everything_under_prefix(rule: PathRule[T]) -> bool:
    """Whether ``rule`` matches every path that starts with its literal prefix."""
    regex = rule.regex
    if regex is None or not _analyse(regex.pattern, regex.flags)[1]:
        return False
    return regex.match(rule.prefix) is not None  # a cheap check of the analysis: it must at least match its own prefix


def _joinable(regex: "Pattern[str]") -> bool:
    """Whether ``regex`` keeps its meaning inside a group of a larger regex.

    Not with group references (renumbered), or with inline global flags such as ``(?i)``: an error, or
    before Python 3.11 a flag that silently applies to every rule.
    """
    if regex.flags & ~(re.UNICODE | re.IGNORECASE) or _GROUP_REFERENCE.search(regex.pattern):
        return False
    try:
        return not re.compile(regex.pattern).flags & ~re.UNICODE
    except re.error:
        return False


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
        # prefix: only an identical pattern (same text and flags), or an earlier rule with the same prefix that covers
        # everything under it, can shadow a rule (the latter only if this rule's matches all start with that exact
        # prefix). Both are dictionary look-ups, so the check stays linear in the number of rules.
        first_with_text: dict[tuple[str, int], tuple[int, PathRule[T]]] = {}
        first_covering: dict[str, tuple[int, PathRule[T]]] = {}
        for position, rule in enumerate(patterns):
            assert rule.regex is not None
            key = (rule.regex.pattern, rule.regex.flags)
            covering = first_covering.get(rule.prefix) if rule.prefix_is_exact else None
            candidates = [found for found in (first_with_text.get(key), covering) if found is not None]
            if candidates:
                self.shadowed.append((rule, min(candidates, key=lambda found: found[0])[1]))
            first_with_text.setdefault(key, (position, rule))
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
    def _index_by_prefix(
        patterns: Sequence[PathRule[T]],
    ) -> Optional[tuple[tuple[int, dict[str, tuple[tuple["Pattern[str]", T], ...]]], ...]]:
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
        return tuple(
            (length, {prefix: tuple(candidates) for prefix, candidates in table.items()})
            for length, table in sorted(by_length.items(), reverse=True)
        )

    @staticmethod
    def _combine(patterns: Sequence[PathRule[T]]) -> tuple[Optional["Pattern[str]"], dict[str, T]]:
        if len(patterns) < 2:
            return None, {}
        sources = []
        for number, rule in enumerate(patterns):
            regex = rule.regex
            assert regex is not None
            if not _joinable(regex):
                return None, {}  # group references, inline or unusual flags: keep them in separate regexes
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
