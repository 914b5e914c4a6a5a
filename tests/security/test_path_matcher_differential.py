"""Path-matcher differential: indexing and combining never change which rule a path gets.

PathMatcher answers from a dict of exact paths, then either a prefix index, one combined regex (read
back with ``lastgroup``), or the rules one by one; ``always`` skips matching altogether. Over generated
rules (literals, ``.*``, classes including ``[]...]`` and ``[^]...]``, alternations, groups, atomic groups
and possessive quantifiers where Python has them, lookarounds, anchors, inline and compiled flags, group
references) and paths built from the same pieces, ``match(path)`` must equal the naive scan of
``matcher.ordered``: exact paths by equality, patterns by ``re.match``, first hit wins. The analysis
behind the index is checked against the regex engine too: every path a rule matches starts with its
literal prefix, a rule said to cover its prefix matches every path under it, and a rule reported
shadowed matches no path that the rule shadowing it does not match.
"""

from __future__ import annotations

import re
from typing import Optional, Union

from hypothesis import assume, given
from hypothesis import strategies as st

from wsgi_cors._paths import PathMatcher, PathRule, _covers_everything_under_prefix, is_regex

from ..fuzz.strategies import fuzz_settings

Pattern = Union[str, "re.Pattern[str]"]

# (regex piece, texts a path may hold where it stands)
PIECES = [
    ("/", ["/"]),
    ("api", ["api"]),
    ("admin", ["admin", "ADMIN"]),
    ("x", ["x"]),
    ("a", ["a", "A"]),
    (r"\.json", [".json"]),
    (r"\.", ["."]),
    ("-", ["-"]),
    (r"\(", ["("]),
    (r"\]", ["]"]),
    (r"\|", ["|"]),
    (" ", [" ", ""]),
    ("ſ", ["ſ", "s", "S"]),
    (".", ["x", "/", "\n"]),
    ("[a-z]", ["a", "Z"]),
    ("[^/]", ["a", "/"]),
    ("[](]", ["]", "(", "a"]),
    ("[]a]", ["]", "a"]),
    ("[^](]", ["a", "]", "("]),
    ("[^]/]", ["x", "]"]),
    ("[]|(]", ["|", "("]),
    (r"\d", ["1"]),
    (r"\w", ["a", "_"]),
    ("[A-Z]", ["A", "a"]),
    ("(admin|staff)", ["admin", "staff"]),
    ("(?:/x)", ["/x"]),
    ("(?P<n>a)", ["a"]),
    ("(?i:ADMIN)", ["admin", "ADMIN"]),
    ("(?-i:api)", ["api", "API"]),
    ("(?=a)", [""]),
    ("(?!a)", [""]),
    ("(?<=/)", [""]),
    ("(?<!x)", [""]),
    (r"(?<!\.json)", [""]),
    ("(?>.*)", ["", "x.json"]),
    ("(?>a+)", ["a", "aa"]),
    ("$", ["", "\n"]),
    (r"\Z", [""]),
    (r"\b", [""]),
    (r"\B", [""]),
    ("^", [""]),
    (r"\A", [""]),
    (r"([a-z])\1", ["aa", "ab"]),
    ("(a)?(?(1)b|c)", ["ab", "c"]),
    ("(?#note)", [""]),
]
# Weighted towards what makes rules share or hide prefixes: literal text, and classes that start with "]".
WEIGHTED = PIECES + PIECES[:5] * 2 + [piece for piece in PIECES if piece[0].startswith(("[]", "[^]"))] * 3
QUANTIFIERS = ["", "", "", "", "*", "+", "?", "{2}", "{1,3}", "*?", "+?", "*+", "++", "?+"]
ENDINGS = [
    "",
    "",
    ".*",
    "/.*",
    "(?:/.*)?",
    "$",
    r"\Z",
    r"(?<!\.json)",
    r"(?>.*)(?<!\.json)",
    r".*+(?<!\.json)",
    "(?!.*admin)",
    "/*",
    ".*$",
    "(.*)",
    "(?:.*|x)",
    "(?>.*)",
]
STARTS = ["", "", "", "^", r"\A", "/"]
INLINE_FLAGS = ["", "", "", "", "(?i)", "(?s)", "(?x)", "(?m)"]
COMPILE_FLAGS = [0, 0, re.IGNORECASE, re.VERBOSE, re.DOTALL, re.MULTILINE, re.ASCII]
ENDING_TEXTS = ["", "/", "/x", ".json", "x.json", "/admin/x", "\n", "admin"]
EXACT_PATHS = ["/", "/api", "/admin", "/admin/x", "/x.json", "/api/", "/x"]


def _compiles(text: str, flags: int) -> bool:
    try:
        re.compile(text, flags)
    except (re.error, ValueError, OverflowError):  # e.g. atomic groups and possessive quantifiers before Python 3.11
        return False
    return True


@st.composite
def rule_and_paths(draw: st.DrawFn) -> tuple[Pattern, list[str]]:
    """A path rule built from pieces, and paths built from the same pieces (so that they often nearly match it)."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.sampled_from(["*", *EXACT_PATHS])), []
    branches = []
    for _ in range(draw(st.sampled_from([1, 1, 2]))):
        parts = draw(st.lists(st.tuples(st.sampled_from(WEIGHTED), st.sampled_from(QUANTIFIERS)), max_size=4))
        parts = [
            (piece, "" if piece[1] == [""] else quantifier) for piece, quantifier in parts
        ]  # an assertion has nothing to repeat
        start, ending = draw(st.sampled_from(STARTS)), draw(st.sampled_from(ENDINGS))
        text = start + "".join(piece + quantifier for (piece, _), quantifier in parts) + ending
        paths = []
        for _ in range(3):
            path = "/" if start == "/" else ""
            for (_, samples), quantifier in parts:
                copies = 1 if quantifier in ("", "{2}") else draw(st.integers(0, 2))
                path += "".join(draw(st.sampled_from(samples)) for _ in range(copies * (2 if quantifier == "{2}" else 1)))
            paths.append(path + draw(st.sampled_from(ENDING_TEXTS)))
        branches.append((text, paths))
    text = draw(st.sampled_from(INLINE_FLAGS)) + "|".join(text for text, _ in branches)
    paths = [path for _, found in branches for path in found]
    if draw(st.booleans()):
        flags = draw(st.sampled_from(COMPILE_FLAGS))
        assume(_compiles(text, flags))
        return re.compile(text, flags), paths
    assume(text and is_regex(text) and _compiles(text, 0))  # a string without a regex character is an exact path
    return text, paths


def naive(ordered: tuple[PathRule[int], ...], path: str) -> Optional[int]:
    """The documented meaning: the first rule, in precedence order, that matches (exact by equality, patterns by re.match)."""
    for rule in ordered:
        if rule.regex is None:
            if path == rule.text:
                return rule.target
        elif rule.regex.match(path) is not None:
            return rule.target
    return None


def matches(rule: PathRule[int], path: str) -> bool:
    return path == rule.text if rule.regex is None else rule.regex.match(path) is not None


@fuzz_settings(400)
@given(
    drawn=st.lists(rule_and_paths(), min_size=1, max_size=8),
    extra=st.lists(st.sampled_from(ENDING_TEXTS + EXACT_PATHS), max_size=4),
)
def test_the_path_matcher_picks_the_rule_the_naive_ordered_scan_picks(
    drawn: list[tuple[Pattern, list[str]]], extra: list[str]
) -> None:
    """Matcher differential: the exact dict, the prefix index, the combined regex and 'always' agree with trying each rule in order."""
    rules = [PathRule(pattern, index, index) for index, (pattern, _) in enumerate(drawn)]
    matcher = PathMatcher(rules)
    paths = [path for _, found in drawn for path in found] + extra
    paths += [rule.prefix + tail for rule in rules for tail in (extra or ["", "/x.json"])]

    # The precedence docs/paths.md documents: exact paths (first declaration of each) in order, then patterns by
    # descending literal prefix length, ties in declaration order.
    exact = [rule for rule in matcher.ordered if rule.regex is None]
    patterns = [rule for rule in matcher.ordered if rule.regex is not None]
    assert list(matcher.ordered) == exact + patterns
    assert [rule.index for rule in exact] == sorted(rule.index for rule in exact)
    assert [(-len(rule.prefix), rule.index) for rule in patterns] == sorted((-len(rule.prefix), rule.index) for rule in patterns)
    assert {rule.index for rule in matcher.ordered} | {rule.index for rule, _ in matcher.shadowed if rule.regex is None} == set(
        range(len(rules))
    )

    for path in paths:
        assert matcher.match(path) == naive(matcher.ordered, path), (drawn, path)
        for rule in patterns:
            if not rule.regex.flags & re.IGNORECASE and matches(rule, path):  # IGNORECASE: the prefix holds up to case
                assert path.startswith(rule.prefix), (rule.pattern, rule.prefix, path)
            if _covers_everything_under_prefix(rule) and path.startswith(rule.prefix):
                assert matches(rule, path), (rule.pattern, rule.prefix, path)
    position = {id(rule): place for place, rule in enumerate(matcher.ordered)}
    for hidden, covering in matcher.shadowed:
        assert hidden.regex is None or position[id(covering)] < position[id(hidden)]
        for path in paths:
            assert not matches(hidden, path) or matches(covering, path), (hidden.pattern, covering.pattern, path)
