"""Origin-matcher differential: the compiled matcher admits an origin iff one regex alone does.

The matcher indexes regexes by their fixed dotted ending and joins the others into one alternation.
Neither may change the answer: over generated lists of regex origins (non-ASCII and negated classes,
characters that case-fold across scripts such as ``ſ``, the Kelvin sign and ``İ``, case variants,
anchors, inline and compiled flags, group references) and generated origins (well-formed and odd),
the policy admits an origin exactly when it is a serialized origin (the matcher's contract: anything
else is never matched) and at least one pattern, tried alone, full-matches it: strings
case-insensitively, compiled patterns with their own flags.
"""

from __future__ import annotations

import re
import warnings
from typing import Union

from hypothesis import assume, given
from hypothesis import strategies as st

from wsgi_cors import ConfigError, CORSConfigWarning, CORSPolicy
from wsgi_cors._origins import REGEX_HINT_CHARACTERS, is_serialized_origin

from ..fuzz.strategies import fuzz_settings

Entry = Union[str, "re.Pattern[str]"]

SCHEMES = [
    "https://",
    "https?://",
    "(?:https|wss)://",
    "HTTPS://",
    "[a-z]+://",
    ".*://",
    "http[s]?://",
    "(https)://",
    "https:/{2}",
]
# Lower-case, flag-free pieces (what most configurations hold), including the ones whose case folding crosses
# ASCII: U+017F folds to s, the Kelvin sign U+212A to k, U+0130 to i, and the range 0-a holds A-Z.
PLAIN_ATOMS = [
    "s",
    "k",
    "i",
    "x",
    "a",
    "example",
    "ſ",
    "ı",
    r"\u017f",
    r"\u212a",
    r"\x4b",
    r"\x53",
    r"\.",
    ".",
    "-",
    "[a-z]",
    "[^ſ]",
    "[^\u212a]",
    "[ſ]",
    "[\u212a]",
    "[^ı]",
    "[0-a]",
    "[^0-a]",
    r"\w",
    r"\W",
    r"[^.]",
    "[^:/]",
    r"\d",
    "[0-9]",
    "[]a]",
    "[^]x]",
    "[^]ſ]",
    r"[\]s]",
    r"([a-z])\1",
    r"\b",
]
# Upper case, scoped and inline flags, lookarounds, atomic groups and possessive quantifiers (Python 3.11+).
FANCY_ATOMS = [
    "K",
    "I",
    "S",
    "\u212a",
    "İ",
    "[İ]",
    "[^İ]",
    "[A-Z]",
    "[^A-Z]",
    "[K-k]",
    "[^K-k]",
    "(?-i:S)",
    "(?-i:s)",
    "(?i:K)",
    "(?-i:[a-z])",
    r"(?a:\w)",
    r"(?a:[^ſ])",
    "(?P<g>x)",
    "(?:s|k)",
    r"(?=s)",
    r"(?!k)",
    r"(?<=/)",
    "(?>s+)",
    "s*+",
]
QUANTIFIERS = ["", "", "", "", "+", "*", "?", "{1,3}", "+?"]
PLAIN_ENDINGS = [
    "",
    "",
    "",
    r"\.example\.com",
    r"\.com",
    r"\.s",
    r"(?::\d+)?",
    ":8080",
    r":[0-9]+",
    "$",
    r"\Z",
    r"\.example\.com$",
]
FANCY_ENDINGS = [r"\.EXAMPLE\.com", r"\.\u212a", r"\.\u212a$", r"\.K"]
INLINE_FLAGS = ["(?i)", "(?a)", "(?s)", "(?x)", "(?-i:)"]
COMPILE_FLAGS = [
    0,
    re.IGNORECASE,
    re.ASCII,
    re.IGNORECASE | re.ASCII,
    re.DOTALL,
    re.MULTILINE,
    re.VERBOSE,
    re.IGNORECASE | re.VERBOSE,
]


def _compiles(text: str, flags: int) -> bool:
    try:
        re.compile(text, flags)
    except (re.error, ValueError):  # e.g. an atomic group before Python 3.11, or ASCII with a Unicode-only construct
        return False
    return True


# What an origin may hold where a piece of a pattern stands: letters that fold across scripts, digits, separators.
SAMPLES = ["s", "k", "i", "x", "a", "1", "_", "-", ".", "ss"]
QUANTIFIED = {"": (1, 1), "+": (1, 2), "*": (0, 2), "?": (0, 1), "{1,3}": (1, 3), "+?": (1, 2)}
ENDING_SAMPLES = {
    r"\.example\.com": ".example.com",
    r"\.com": ".com",
    r"\.s": ".s",
    r"(?::\d+)?": ":8080",
    ":8080": ":8080",
    r":[0-9]+": ":1",
    r"\.example\.com$": ".example.com",
    r"\.EXAMPLE\.com": ".example.com",
    r"\.\u212a": ".k",
    r"\.\u212a$": ".k",
    r"\.K": ".k",
}


@st.composite
def _regex_and_origins(draw: st.DrawFn, atoms: list[str], endings: list[str], schemes: list[str]) -> tuple[str, list[str]]:
    """A regex built from pieces, and origins built from the same pieces (so that they often nearly match it)."""
    branches = []
    for _ in range(draw(st.sampled_from([1, 1, 2]))):
        parts = draw(st.lists(st.tuples(st.sampled_from(atoms), st.sampled_from(QUANTIFIERS)), min_size=1, max_size=4))
        ending = draw(st.sampled_from(endings))
        text = (
            draw(st.sampled_from(["", "", "^"]))
            + draw(st.sampled_from(schemes))
            + "".join(atom + quantifier for atom, quantifier in parts)
            + ending
        )
        near = []
        for _ in range(3):
            host = ""
            for atom, quantifier in parts:
                low, high = QUANTIFIED[quantifier]
                pool = SAMPLES + [atom] if atom.isascii() and atom.isalpha() and atom.islower() else SAMPLES
                host += "".join(draw(st.sampled_from(pool)) for _ in range(draw(st.integers(low, high))))
            near.append(
                draw(st.sampled_from(["https", "http", "wss"]))
                + "://"
                + host
                + ENDING_SAMPLES.get(ending, draw(st.sampled_from(["", ".s", ":1"])))
            )
        branches.append((text, near))
    return "|".join(text for text, _ in branches), [origin for _, near in branches for origin in near]


def _string_regex(text: str) -> bool:
    # A string is a regex only with a regex character (Flask-CORS's rule); anything else is an exact origin.
    return not REGEX_HINT_CHARACTERS.isdisjoint(text) and _compiles(text, re.IGNORECASE)


@st.composite
def plain_entries(draw: st.DrawFn) -> tuple[Entry, list[str]]:
    text, near = draw(_regex_and_origins(PLAIN_ATOMS, PLAIN_ENDINGS, ["https://", "https?://", "[a-z]+://"]))
    assume(_string_regex(text))
    return text, near


@st.composite
def fancy_entries(draw: st.DrawFn) -> tuple[Entry, list[str]]:
    text, near = draw(_regex_and_origins(PLAIN_ATOMS + FANCY_ATOMS, PLAIN_ENDINGS + FANCY_ENDINGS, SCHEMES))
    text = draw(st.sampled_from([""] * 4 + INLINE_FLAGS)) + text
    if draw(st.booleans()):
        flags = draw(st.sampled_from(COMPILE_FLAGS))
        assume(_compiles(text, flags))
        return re.compile(text, flags), near
    assume(_string_regex(text))
    return text, near


configurations = st.one_of(
    st.lists(plain_entries(), min_size=2, max_size=6),  # the common case: one bare alternation of lower-case strings
    st.lists(plain_entries() | fancy_entries(), min_size=1, max_size=6),
)


HOSTS = ["s", "k", "i", "x", "x1", "x9", "a", "ys", "ss", "sk", "example", "s.example", "k.example", "a.s", "0", "_", "-", "s-k"]
well_formed_origins = st.builds(
    lambda scheme, host, tld, port: f"{scheme}://{host}{tld}{port}",
    st.sampled_from(["https", "http", "wss"]),
    st.sampled_from(HOSTS),
    st.sampled_from(["", "", ".example.com", ".com", ".s", ".k"]),
    st.sampled_from(["", "", ":8080", ":1"]),
)
odd_origins = st.one_of(
    well_formed_origins.map(str.upper),
    well_formed_origins.map(lambda origin: origin + "\n"),
    well_formed_origins.map(lambda origin: origin + "/"),
    st.builds(
        lambda scheme, host: f"{scheme}://{host}",
        st.sampled_from(["https", "HTTPS"]),
        st.sampled_from(["ſ", "\u212a", "İ", "ı", "K", "S", "s\u017f", "\u0131"]),
    ),
    st.sampled_from(["", "null", "https://", "s", "https://s:", "https://[::1]"]),
)
origins = st.one_of(well_formed_origins, well_formed_origins, odd_origins)


def admitted_alone(entry: Entry, origin: str) -> bool:
    """The documented meaning of one regex entry, tried by itself."""
    pattern = re.compile(entry, re.IGNORECASE) if isinstance(entry, str) else entry
    return pattern.fullmatch(origin) is not None


@fuzz_settings(200)
@given(drawn=configurations, others=st.lists(origins, max_size=10))
def test_the_compiled_matcher_admits_an_origin_iff_one_regex_alone_admits_it(
    drawn: list[tuple[Entry, list[str]]], others: list[str]
) -> None:
    """Matcher differential: the suffix index and the alternation never add or remove an admitted origin."""
    configured = [entry for entry, _ in drawn]
    tried = [origin for _, near in drawn for origin in near] + others
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CORSConfigWarning)  # unescaped dots and the like: what is matched is the point here
            warnings.simplefilter("ignore", DeprecationWarning)
            policy = CORSPolicy(origins=configured)
    except ConfigError:
        assume(False)  # e.g. a configuration check refusing a catch-all; nothing is matched then
        raise
    for origin in tried:
        expected = is_serialized_origin(origin) and any(admitted_alone(entry, origin) for entry in configured)
        granted = ("Access-Control-Allow-Origin", origin) in policy.evaluate("GET", "/", origin=origin).headers
        assert granted is expected, (configured, origin)
