"""Header names and methods: the grammar, the Fetch standard's forbidden lists, and the bounded
parser for ``Access-Control-Request-Headers``.

The parser is the one place where a request can make us do work proportional to its size,
so every loop here is bounded by a named constant (rs/cors CVE-2025-47908 was exactly an
unbounded split of this header).
"""

from __future__ import annotations

import re
from typing import AnyStr, Generic, Iterable, Optional, Sequence

Headers = Sequence[tuple[str, str]]
BytesHeaders = Sequence[tuple[bytes, bytes]]

__all__ = [
    "merge_headers",
    "merge_header_pairs",
    "header_pairs",
    "TOKEN",
    "is_token",
    "FORBIDDEN_REQUEST_HEADERS",
    "FORBIDDEN_REQUEST_HEADER_PREFIXES",
    "FORBIDDEN_RESPONSE_HEADERS",
    "FORBIDDEN_METHODS",
    "SAFELISTED_METHODS",
    "MAX_REQUEST_HEADERS_LENGTH",
    "MAX_REQUEST_HEADER_NAMES",
    "MAX_EMPTY_ELEMENTS",
    "MAX_METHOD_LENGTH",
    "METHOD_OVERRIDE_HEADERS",
    "parse_request_header_names",
    "is_forbidden_request_header",
    "split_header_value",
]

# RFC 9110 §5.6.2: token = 1*tchar.
TOKEN = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_TOKEN_RE = re.compile(TOKEN)
# Characters that may appear in a comma-separated list of tokens with optional white space.
_TOKEN_LIST_CHARS_RE = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z, \t]*")

# Fetch §2.2.2 "forbidden request-header", step 1: a page cannot set these, so allowing them is a mistake and a
# browser drops them from a request (Headers "validate": return false for the "request" guard). The one name not in
# Fetch's list, access-control-request-private-network, is the Private Network Access draft's, and WPT
# (fetch/private-network-access) checks that browsers forbid it too. This module is the one source of these lists:
# the validator (config.py) and the browser oracle (testing.py) both read them here.
FORBIDDEN_REQUEST_HEADERS = frozenset(
    {
        "accept-charset",
        "accept-encoding",
        "access-control-request-headers",
        "access-control-request-method",
        "access-control-request-private-network",
        "connection",
        "content-length",
        "cookie",
        "cookie2",
        "date",
        "dnt",
        "expect",
        "host",
        "keep-alive",
        "origin",
        "referer",
        "set-cookie",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "via",
    }
)
# Fetch "forbidden request-header", step 2: a name that, byte-lowercased, starts with one of these.
FORBIDDEN_REQUEST_HEADER_PREFIXES = ("proxy-", "sec-")
# Fetch "forbidden request-header", step 3: forbidden when a value names a forbidden method (TRACE tunnelled
# through a POST), allowed otherwise, so a configuration may allow these names.
METHOD_OVERRIDE_HEADERS = frozenset({"x-http-method", "x-http-method-override", "x-method-override"})
# Fetch §2.2.2 "forbidden response-header name": never readable by a page, so exposing them is a mistake.
FORBIDDEN_RESPONSE_HEADERS = frozenset({"set-cookie", "set-cookie2"})
# Fetch §2.2.1 "forbidden method": a browser never sends these, so allowing them only widens the attack surface.
FORBIDDEN_METHODS = frozenset({"CONNECT", "TRACE", "TRACK"})
# Fetch §2.2.1 "CORS-safelisted method".
SAFELISTED_METHODS = frozenset({"GET", "HEAD", "POST"})

# gunicorn's default limit_request_field_size: no deployed server accepts a longer header field.
MAX_REQUEST_HEADERS_LENGTH = 8190
# gunicorn's default limit_request_fields: a page cannot usefully send more headers than a server accepts.
MAX_REQUEST_HEADER_NAMES = 100
# Empty list elements tolerated (intermediaries such as AWS API Gateway join split lines); rs/cors and jub0bs/cors use 16.
MAX_EMPTY_ELEMENTS = 16
# The longest method in the IANA HTTP Method Registry is UPDATEREDIRECTREF (17); 64 leaves room for private ones.
MAX_METHOD_LENGTH = 64


def is_token(value: str) -> bool:
    """Whether ``value`` is an HTTP token (a valid header name or method)."""
    return _TOKEN_RE.fullmatch(value) is not None


def is_forbidden_request_header(name: str, value: Optional[str] = None) -> bool:
    """Whether a page is forbidden to set the request header ``name`` (Fetch "forbidden request-header").

    Without ``value``, whether every value of ``name`` is forbidden (for the validator: allowing such a name
    is a mistake); with it, whether this header is, method-override headers included (for the oracle).
    """
    lowered = name.lower()
    if lowered in FORBIDDEN_REQUEST_HEADERS or lowered.startswith(FORBIDDEN_REQUEST_HEADER_PREFIXES):
        return True
    if value is None or lowered not in METHOD_OVERRIDE_HEADERS:
        return False
    # "For each method of parsedValues: if the isomorphic encoding of method is a forbidden method, return true";
    # forbidden method is a byte-case-insensitive match, and only ASCII upper-cases bytewise.
    return any(_ascii_upper(method) in FORBIDDEN_METHODS for method in split_header_value(value))


def _ascii_upper(text: str) -> str:
    return text.translate(_ASCII_UPPER)


_ASCII_UPPER = {code: code - 32 for code in range(ord("a"), ord("z") + 1)}


def split_header_value(value: str) -> list[str]:
    """Fetch "get, decode, and split" a header value: split on commas outside quoted strings, trim tabs/spaces.

    ``A: "1,2", 3`` gives ``['"1,2"', '3']``; an unterminated quoted string runs to the end of the value.
    """
    values: list[str] = []
    current: list[str] = []
    position, end = 0, len(value)
    while True:
        while position < end and value[position] not in '",':
            current.append(value[position])
            position += 1
        if position < end and value[position] == '"':
            # Fetch "collect an HTTP quoted string" (extract-value false): the quotes and escapes are kept.
            start = position
            position += 1
            while position < end and value[position] != '"':
                position += 2 if value[position] == "\\" else 1
            position = min(position + 1, end)
            current.append(value[start:position])
            if position < end:
                continue
        values.append("".join(current).strip(" \t"))
        current = []
        if position >= end:
            return values
        position += 1  # the comma


def parse_request_header_names(value: str) -> Optional[list[str]]:
    """Parse an ``Access-Control-Request-Headers`` value into lower-case names, or ``None`` if malformed.

    Browsers send the names lower-cased, sorted, de-duplicated and comma-separated without spaces
    (Fetch "CORS-unsafe request-header names"); anything else is accepted within the bounds above,
    white space around elements and a few empty elements included. Cost is linear in the value,
    which is itself bounded, so a hostile 1 MiB value is refused after one length check.
    """
    if len(value) > MAX_REQUEST_HEADERS_LENGTH or _TOKEN_LIST_CHARS_RE.fullmatch(value) is None:
        return None
    parts = value.lower().split(",")
    if len(parts) <= MAX_REQUEST_HEADER_NAMES and " " not in value and "\t" not in value and "" not in parts:
        return parts  # the browser's own form: no white space, no empty element
    if len(parts) > MAX_REQUEST_HEADER_NAMES + MAX_EMPTY_ELEMENTS:
        return None
    names: list[str] = []
    empty = 0
    for part in parts:
        name = part.strip(" \t")
        if not name:
            empty += 1
            if empty > MAX_EMPTY_ELEMENTS:
                return None
        elif " " in name or "\t" in name:
            return None  # two tokens with no comma between them
        else:
            names.append(name)
    if len(names) > MAX_REQUEST_HEADER_NAMES:
        return None
    return names


def merge_headers(app_headers: list[tuple[str, str]], cors_headers: Headers) -> list[tuple[str, str]]:
    """The app's headers with its ``Access-Control-*`` headers replaced by ours and our ``Vary`` merged into its own.

    The WSGI spelling (``str`` pairs); :func:`merge_header_pairs` is the ASGI one (``bytes`` pairs), and both run
    the one merge below, so every door merges the same way.

    The middleware owns CORS on the paths it covers: keeping an app's (or another layer's)
    ``Access-Control-Allow-Origin`` beside ours would make two, and browsers refuse that.
    A new list is returned; the app's list and our constant tuples are never mutated.
    """
    for name, _ in app_headers:
        if name[:1] in "AaVv":  # Access-Control-* or Vary (or a harmless Accept-Ranges): the careful path
            return _merge_owned_headers(app_headers, cors_headers, _STR_SPELLING)
    return [*app_headers, *cors_headers]


def merge_header_pairs(app_headers: Iterable[Sequence[bytes]], cors_headers: BytesHeaders) -> list[tuple[bytes, bytes]]:
    """:func:`merge_headers` for ASGI: ``(name, value)`` byte pairs (names lower-case, as ASGI asks), same rules.

    ``app_headers`` is what the app put in ``http.response.start`` (lists or tuples); ``cors_headers`` are ours,
    converted once per decision with :func:`header_pairs`.
    """
    app_list = app_headers if isinstance(app_headers, list) else list(app_headers)
    for name, _ in app_list:
        if not name or name[0] in _OWNED_FIRST_BYTES:  # an int test: bytes slicing and `in` cost three times as much
            return _merge_owned_headers([(name, value) for name, value in app_list], cors_headers, _BYTES_SPELLING)
    return [*app_list, *cors_headers]  # the app's pairs as it wrote them (ASGI allows lists), then ours


_OWNED_FIRST_BYTES = frozenset(b"AaVv")


def header_pairs(headers: Headers) -> BytesHeaders:
    """Our ``str`` header pairs as ASGI byte pairs: names lower-cased, both encoded latin-1 (what ASGI servers send)."""
    return tuple((name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers)


class _Spelling(Generic[AnyStr]):
    """The tokens the merge looks for, in the text type of one door (WSGI ``str``, ASGI ``bytes``)."""

    __slots__ = ("access_control", "vary", "our_vary", "comma", "list_separator", "any")

    def __init__(
        self, access_control: AnyStr, vary: AnyStr, our_vary: AnyStr, comma: AnyStr, list_separator: AnyStr, any: AnyStr
    ) -> None:
        self.access_control: AnyStr = access_control  # the lower-cased prefix of the headers we own
        self.vary: AnyStr = vary  # the lower-cased name of Vary
        self.our_vary: AnyStr = our_vary  # the name under which our own Vary is written
        self.comma: AnyStr = comma
        self.list_separator: AnyStr = list_separator  # how we join tokens, and how our Vary value is written
        self.any: AnyStr = any  # Vary: *


_STR_SPELLING = _Spelling("access-control-", "vary", "Vary", ",", ", ", "*")
_BYTES_SPELLING = _Spelling(b"access-control-", b"vary", b"vary", b",", b", ", b"*")


def _merge_owned_headers(
    app_headers: Sequence[tuple[AnyStr, AnyStr]], cors_headers: Sequence[tuple[AnyStr, AnyStr]], spelling: _Spelling[AnyStr]
) -> list[tuple[AnyStr, AnyStr]]:
    merged: list[tuple[AnyStr, AnyStr]] = []
    app_vary: list[int] = []
    for name, value in app_headers:
        lowered = name.lower()
        if lowered.startswith(spelling.access_control):
            continue
        if lowered == spelling.vary:
            app_vary.append(len(merged))
        merged.append((name, value))
    for name, value in cors_headers:
        if name == spelling.our_vary and app_vary:
            present = {token.strip().lower() for index in app_vary for token in merged[index][1].split(spelling.comma)}
            if spelling.any in present:
                continue  # "Vary: *" already says the response varies on everything
            missing = [token for token in value.split(spelling.list_separator) if token.lower() not in present]
            if missing:
                first = app_vary[0]
                vary_name, vary_value = merged[first]
                merged[first] = (
                    vary_name,
                    spelling.list_separator.join([vary_value.strip()] + missing)
                    if vary_value.strip()
                    else spelling.list_separator.join(missing),
                )
        else:
            merged.append((name, value))
    return merged
