"""Configuration checks that look *into* origin regexes and predicates: what they admit, not how they are written.

A regex or a predicate is opaque, so the checks ask it: every regex and predicate is tried, when the
policy is built, against **attacker origins**, names anyone can set up (a fresh label under ``com``,
``co.uk``, ``github.io``, ``s3.amazonaws.com``..., with and without a port, plain ``http`` too, and IP
literals). With credentials, a match is a configuration error: the pattern lets a stranger's site read
responses sent with the user's cookies.

The attacker labels are derived from a hash of the pattern's own text, so no allow-list can name them
(it would have to contain its own hash): ``https://.*\\.example\\.com`` never matches a probe, because
every probe ends in a public suffix that ``example.com`` is not. Regexes that end in fixed text
(``...\\.amazonaws\\.com``) are also tried under every public suffix the Public Suffix List has under
that domain (``s3.amazonaws.com``...).

Predicates are user code: they are called here, at build time, with each probe origin (a few hundred
calls, only when ``supports_credentials`` or ``allow_private_network`` is set). A predicate that raises
for a probe is taken as not admitting it, as at request time (where the exception rejects the request).
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Optional, Pattern, Union

from ._origin_checks import _WILDCARD_SHAPE_RE
from ._publicsuffix import is_public_suffix, public_suffixes_under
from ._regex import parser as _sre_parse

__all__ = ["Admitted", "attacker_matches", "admits_plain_http", "glob_looking_star"]

# Domains under which anyone can get a name: popular TLDs and second-level public suffixes, the big shared
# hosting suffixes of the list's private section, and the reserved names (RFC 2606/6761: no one's in
# production, so a regex over them is a catch-all in disguise). Each is kept only if the list says it is public.
_PROBE_SUFFIXES = (
    "com",
    "net",
    "org",
    "io",
    "dev",
    "app",
    "xyz",
    "de",
    "fr",
    "cn",
    "ru",
    "co.uk",
    "com.au",
    "co.jp",
    "com.br",
    "jp",
    "uk",
    "us",
    "ca",
    "eu",
    "in",
    "br",
    "au",
    "it",
    "nl",
    "info",
    "biz",
    "me",
    "co",
    "ai",
    "tv",
    "site",
    "online",
    "top",
    "shop",
    "cloud",
    "github.io",
    "gitlab.io",
    "herokuapp.com",
    "blogspot.com",
    "s3.amazonaws.com",
    "cloudfront.net",
    "azurewebsites.net",
    "web.app",
    "firebaseapp.com",
    "vercel.app",
    "netlify.app",
    "pages.dev",
    "workers.dev",
    "appspot.com",
    "ngrok.io",
    "example",
    "test",
    "invalid",
)
# (scheme, ports) tried for every host: none, and a non-default port (the old probes always carried one).
_SCHEMES = (("https", ("", ":8443")), ("http", ("", ":8080")))

PatternOrPredicate = Union["Pattern[str]", Callable[[str], bool]]


@dataclass(frozen=True)
class Admitted:
    """What a regex or predicate admitted among the attacker origins."""

    origins: tuple[str, ...]  # the matching probe origins, in probe order
    suffixes: frozenset[str]  # the public suffix each was under ("" for an IP literal)

    @property
    def any_website(self) -> bool:
        """Origins under two unrelated top-level domains, or an IP literal: any website at all, not one suffix's names."""
        tops = {suffix.rsplit(".", 1)[-1] for suffix in self.suffixes}
        return "" in self.suffixes or len(tops) > 1

    def suffix_text(self) -> str:
        """The public suffix(es) the admitted names are under, for a message: ``'github.io'``, or ``'s3.amazonaws.com' ... under 'amazonaws.com'``."""
        split = [suffix.split(".") for suffix in sorted(self.suffixes, key=lambda suffix: (suffix.count("."), suffix))]
        common: list[str] = []
        for labels in zip(*(list(reversed(labels)) for labels in split)):
            if len(set(labels)) != 1:
                break
            common.insert(0, labels[0])
        name = ".".join(common)
        if is_public_suffix(name):
            return f"the public suffix {name!r}"
        return f"the public suffixes under {name!r} ({'.'.join(split[0])!r}, ...)"


def _labels(seed: str) -> tuple[str, str, str]:
    """Three attacker labels (letters, digits, mixed with a hyphen) derived from ``seed``: no configuration can list them."""
    digest = hashlib.sha256(seed.encode("utf-8", "surrogatepass")).hexdigest()
    letters = "".join(chr(ord("a") + int(char, 16)) for char in digest[:12])
    digits = str(int(digest[12:20], 16) % 10**7).rjust(7, "7")
    return letters, digits, f"{letters[:5]}-{digits[:4]}"


def _hosts_under(suffix: str, labels: tuple[str, str, str], *, few: bool = False) -> list[str]:
    """Names an attacker can have under ``suffix`` (a ``*`` label of a wildcard rule becomes a fresh label); ``few``: one."""
    letters, digits, mixed = labels
    suffix = suffix.replace("*", mixed)
    if few:
        return [f"{letters}.{suffix}"]
    return [f"{letters}.{suffix}", f"{digits}.{suffix}", f"{mixed}.{suffix}", f"{letters}.{mixed}.{suffix}"]


def _ip_hosts(labels: tuple[str, str, str]) -> list[str]:
    """Public IP literals (not private, loopback or documentation ranges) derived from the labels."""
    number = int(labels[1])
    return [f"45.{number % 200 + 20}.{number // 200 % 250 + 1}.{number // 50000 % 250 + 1}", f"[2a05:d{number % 1000:03d}::7]"]


def _probes(seed: str, extra_suffixes: Iterable[str] = (), extra_ports: Iterable[str] = ()) -> list[tuple[str, str]]:
    """(origin, suffix) pairs: the base set, plus names under ``extra_suffixes``, plus the ``extra_ports`` a regex spells out."""
    labels = _labels(seed)
    pairs: list[tuple[str, str]] = []
    hosts = [(host, suffix) for suffix in _PROBE_SUFFIXES if is_public_suffix(suffix) for host in _hosts_under(suffix, labels)]
    # A regex's own domain may have a thousand suffixes under it (com): one name each keeps the build fast.
    hosts.extend(
        (host, suffix)
        for suffix in dict.fromkeys(extra_suffixes)
        if suffix not in _PROBE_SUFFIXES
        for host in _hosts_under(suffix, labels, few=True)
    )
    hosts.extend((host, "") for host in _ip_hosts(labels))
    for scheme, ports in _SCHEMES:
        for port_text in (*ports, *dict.fromkeys(extra_ports)):
            pairs.extend((f"{scheme}://{host}{port_text}", suffix) for host, suffix in hosts)
    return pairs


_DOMAIN_RE = re.compile(r"[a-z0-9-]+(?:\.[a-z0-9-]+)*")


def _regex_probes(pattern: "Pattern[str]") -> list[tuple[str, str]]:
    """The probes for one regex: the base set, plus the public suffixes at or under each domain it spells out.

    Every run of literal text in the regex (``\\.github\\.io`` in ``https://[a-z]+\\.github\\.io(:\\d+)?``) is read from
    its first dot as a domain: if that domain is a public suffix or has some under it, names under them are probed.
    A literal port (``:8443``) is probed too.
    """
    extra: list[str] = []
    ports: list[str] = []
    for run in _literal_runs(pattern):
        text = run.lower() if pattern.flags & re.IGNORECASE else run
        for port in re.findall(r":([0-9]{1,5})(?![0-9])", text):
            ports.append(":" + port)
        dot = text.find(".")
        if dot == -1:
            continue
        # The domain from the run's first dot (".github.io"), and from its start when that is a whole name of two
        # labels or more ("anylabel.kawasaki.jp" after a repeated group ending in "\\.").
        candidates = [_DOMAIN_RE.match(text, dot + 1), _DOMAIN_RE.match(text) if dot else None]
        for found in candidates:
            if found is None or (found.start() == 0 and "." not in found.group()):
                continue
            name = found.group()
            if is_public_suffix(name):
                extra.append(name)
            extra.extend(public_suffixes_under(name))
    return _probes(pattern.pattern, extra, ports)


def _literal_runs(pattern: "Pattern[str]") -> list[str]:
    """The maximal runs of literal characters anywhere in a regex's parse tree ([] if it cannot be parsed)."""
    parsed = _parsed(pattern.pattern, pattern.flags)
    runs: list[str] = []
    pending: list[Any] = [list(parsed)] if parsed is not None else []
    while pending:
        items = pending.pop()
        current: list[str] = []
        for op, av in items:
            if op == _OPS.LITERAL:
                current.append(chr(av))
                continue
            if current:
                runs.append("".join(current))
                current = []
            if op == _OPS.SUBPATTERN:
                pending.append(list(av[-1]))
            elif op == _OPS.BRANCH:
                pending.extend(list(alternative) for alternative in av[1])
            elif op in _REPEATS:
                pending.append(list(av[2]))
            elif op == getattr(_OPS, "ATOMIC_GROUP", None):
                pending.append(list(av))
        if current:
            runs.append("".join(current))
    return runs


def attacker_matches(entry: PatternOrPredicate) -> Optional[Admitted]:
    """The attacker origins a regex or predicate admits, or None if it admits none of them."""
    found: list[tuple[str, str]] = []
    if isinstance(entry, re.Pattern):
        for origin, suffix in _regex_probes(entry):
            if entry.fullmatch(origin) is not None:
                found.append((origin, suffix))
    else:
        seed = getattr(entry, "__qualname__", type(entry).__qualname__)
        for origin, suffix in _probes(seed):
            try:
                admitted = entry(origin)
            except Exception:  # noqa: BLE001 -- as at request time, an exception means "not admitted"
                continue
            if admitted:
                found.append((origin, suffix))
    if not found:
        return None
    return Admitted(tuple(dict.fromkeys(origin for origin, _ in found)), frozenset(suffix for _, suffix in found))


# --- Plain http ------------------------------------------------------------------------------------------------

# Characters of a host (and the '[' of an IPv6 literal), for the "what can follow" questions below.
_HOST_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789-._~[:"
# Loopback hosts (RFC 6761 localhost, 127.0.0.0/8, ::1) as the text an origin starts with after "http://";
# what may follow each: a port, or the end of the origin.
_LOOPBACK_STARTS = ("localhost", "127.", "[::1]")


def admits_plain_http(pattern: "Pattern[str]") -> bool:
    """Whether a regex can admit a plain-``http`` origin whose host is not loopback (``http://app.example.com``).

    Decided on the regex's parse tree: can a match start with ``http://`` followed by something that
    is not the start of a loopback host? Lookarounds and back-references are assumed to allow it.
    """
    if not _can_start_with(pattern, "http://"):
        return False
    if _host_ending(pattern).lower().endswith(".localhost"):
        return False  # every match's host ends with .localhost: a loopback name (RFC 6761)
    for loopback in _LOOPBACK_STARTS:
        for length in range(len(loopback) + 1):
            prefix = loopback[:length]
            if length and not _can_start_with(pattern, "http://" + prefix):
                break
            if length == len(loopback):
                if loopback == "127.":
                    break  # 127.0.0.0/8: whatever follows in an origin is an address in it (or a port)
                if any(_can_start_with(pattern, f"http://{prefix}{char}") for char in _HOST_ALPHABET if char != ":"):
                    return True  # "http://localhost.evil.com", "http://localhostx.com"
                break
            for char in _HOST_ALPHABET:
                if any(other.startswith(prefix + char) for other in _LOOPBACK_STARTS):
                    continue
                if _can_start_with(pattern, f"http://{prefix}{char}"):
                    return True
    return False


def _host_ending(pattern: "Pattern[str]") -> str:
    """The literal text every match ends with before an optional port (``.localhost`` in ``http://[a-z]+\\.localhost(:\\d+)?``)."""
    parsed = _parsed(pattern.pattern, pattern.flags)
    items = list(parsed) if parsed is not None else []
    while items and _port_like(items[-1]):
        items.pop()
    ending: list[str] = []
    while items and items[-1][0] == _OPS.LITERAL:
        ending.insert(0, chr(items.pop()[1]))
    return "".join(ending)


def _port_like(item: tuple[Any, Any]) -> bool:
    """Whether a parse item only ever matches ':', digits or nothing (a port, an end anchor)."""
    op, av = item
    if op == _OPS.AT:
        return True
    if op == _OPS.LITERAL:
        return chr(av) == ":" or chr(av).isdigit()
    if op == _OPS.IN:
        return all(
            (kind == _OPS.CATEGORY and "DIGIT" in str(value).upper() and "NOT" not in str(value).upper())
            or (kind == _OPS.RANGE and ord("0") <= value[0] <= value[1] <= ord("9"))
            or (kind == _OPS.LITERAL and (chr(value) == ":" or chr(value).isdigit()))
            for kind, value in av
        )
    if op in _REPEATS:
        return all(_port_like(inner) for inner in av[2])
    if op == _OPS.SUBPATTERN:
        return all(_port_like(inner) for inner in av[-1])
    return False


_OPS = _sre_parse  # opcodes live in the parser module's namespace (re._constants via import *)
_REPEATS = tuple(getattr(_OPS, name) for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") if hasattr(_OPS, name))
_BUDGET = 20_000  # steps per question; past it the answer is "yes, it can" (the cautious answer for a warning)


def _can_start_with(pattern: "Pattern[str]", prefix: str) -> bool:
    """Whether some match of ``pattern`` starts with ``prefix`` (over-approximated: lookarounds are ignored)."""
    parsed = _parsed(pattern.pattern, pattern.flags)
    if parsed is None:
        return True
    return _viable(list(parsed), prefix, bool(pattern.flags & re.IGNORECASE), [_BUDGET])


@functools.lru_cache(maxsize=64)
def _parsed(source: str, flags: int) -> Optional[tuple[Any, ...]]:
    """A regex's parse tree (top-level items), parsed once; None if the private parser surprises us."""
    try:
        return tuple(_sre_parse.parse(source, flags))
    except Exception:  # noqa: BLE001 -- a surprise in the private parser: answer cautiously
        return None


class _Progress:
    """A marker after one iteration of an unbounded repeat: that iteration must have consumed text (no empty loops)."""

    def __init__(self, remaining: int) -> None:
        self.remaining = remaining


def _viable(items: list[Any], text: str, ignorecase: bool, budget: list[int]) -> bool:
    if not text:
        return True
    budget[0] -= 1
    if budget[0] < 0:
        return True
    if not items:
        return False
    head, rest = items[0], items[1:]
    if isinstance(head, _Progress):
        return len(text) < head.remaining and _viable(rest, text, ignorecase, budget)
    op, av = head
    char = text[0]
    if op in (_OPS.LITERAL, _OPS.NOT_LITERAL, _OPS.ANY, _OPS.IN):
        if op == _OPS.LITERAL:
            ok = _same(chr(av), char, ignorecase)
        elif op == _OPS.NOT_LITERAL:
            ok = not _same(chr(av), char, ignorecase)
        elif op == _OPS.ANY:
            ok = char != "\n"
        else:
            ok = _in_class(av, char, ignorecase)
        return ok and _viable(rest, text[1:], ignorecase, budget)
    if op == _OPS.SUBPATTERN:
        add_flags = av[1]
        return _viable(list(av[-1]) + rest, text, ignorecase or bool(add_flags & re.IGNORECASE), budget)
    if op == getattr(_OPS, "ATOMIC_GROUP", None):
        return _viable(list(av) + rest, text, ignorecase, budget)
    if op == _OPS.BRANCH:
        return any(_viable(list(alternative) + rest, text, ignorecase, budget) for alternative in av[1])
    if op in _REPEATS:
        low, high, body = av
        if low == 0 and _viable(rest, text, ignorecase, budget):
            return True
        if high == 0:
            return False
        again = (op, (max(low - 1, 0), high if high == _OPS.MAXREPEAT else high - 1, body))
        marker: list[Any] = [_Progress(len(text))] if low == 0 else []
        return _viable(list(body) + marker + [again] + rest, text, ignorecase, budget)
    if op == _OPS.GROUPREF_EXISTS:
        yes, no = av[1], av[2]
        return _viable(list(yes) + rest, text, ignorecase, budget) or _viable(list(no or []) + rest, text, ignorecase, budget)
    if op in (_OPS.AT, _OPS.ASSERT, _OPS.ASSERT_NOT):
        return _viable(rest, text, ignorecase, budget)
    return True  # back-references and anything unknown: cautiously yes


def _same(expected: str, char: str, ignorecase: bool) -> bool:
    return expected == char or (ignorecase and expected.lower() == char.lower())


def _in_class(items: list[Any], char: str, ignorecase: bool) -> bool:
    candidates = {char, char.lower(), char.upper()} if ignorecase else {char}
    negate = bool(items) and items[0][0] == _OPS.NEGATE
    hit = any(_class_item(item, candidate) for item in items for candidate in candidates)
    return hit != negate


def _class_item(item: tuple[Any, Any], char: str) -> bool:
    op, av = item
    if op == _OPS.LITERAL:
        return chr(av) == char
    if op == _OPS.RANGE:
        return bool(av[0] <= ord(char) <= av[1])
    if op == _OPS.CATEGORY:
        name = str(av).upper()
        if "DIGIT" in name:
            result = char.isdigit()
        elif "WORD" in name:
            result = char.isalnum() or char == "_"
        elif "SPACE" in name:
            result = char.isspace()
        else:
            result = True
        return result != ("NOT_" in name)
    return False


# --- Glob-looking strings ---------------------------------------------------------------------------------------

_GLOB_SCHEME_RE = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.\-]*)://(?P<rest>.*)", re.S)


def glob_looking_star(entry: str) -> Optional[str]:
    """For a string origin taken as a regex: the fix, if it uses ``*`` as a glob (``https://*.*.example.com``), else None.

    A ``*`` right after ``/``, ``:``, ``-`` or a letter or digit (outside a character class, not escaped)
    repeats that one character in a regex, which is never what an origin regex means; it is what a glob
    writer means. ``.*`` and ``]*`` are regex idioms and are left alone.
    """
    escaped = in_class = after_escape = False
    glob = False
    for index, char in enumerate(entry):
        if escaped:
            escaped, after_escape = False, True
            continue
        if char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "*" and index and not after_escape and (entry[index - 1] in "/:-" or entry[index - 1].isalnum()):
            glob = True
            break
        after_escape = False
    if not glob:
        return None
    parts = _GLOB_SCHEME_RE.fullmatch(entry)
    if parts is not None:
        rest = parts.group("rest")
        collapsed = re.sub(r"^(?:\*\.)+", "*.", rest)
        candidate = f"{parts.group('scheme').lower()}://{collapsed}"
        if collapsed.startswith("*.") and _WILDCARD_SHAPE_RE.fullmatch(candidate):
            return f"'*.' already stands for one or more whole labels: write {candidate!r} (a wildcard pattern)"
    return (
        "write a wildcard pattern ('https://*.example.com' for subdomains, 'https://host:*' for any port), or, for a regex, "
        "spell the repetition out (r'https://[a-z0-9-]+\\.example\\.com') or pass re.compile(...)"
    )
