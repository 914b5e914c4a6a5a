"""Check a response the way a browser does: the Fetch standard's CORS rules, for your tests.

A CORS mistake never shows up in a server's own tests: the server answers 200 either way, and it
is the browser that throws the response away, with a ``TypeError`` in JavaScript and a line in
the console. This module runs the browser's side of the protocol against a response your test
already has, so the mistake fails the test instead:

* :func:`check_preflight` is the Fetch standard's *CORS-preflight fetch* acceptance rules: the
  *CORS check*, an ok status (200-299), then method, request-header and max-age rules;
* :func:`check_response` is the *CORS check* for an actual response, plus which response
  headers JavaScript may read (``Access-Control-Expose-Headers``).

Both return a :class:`Verdict` whose ``reason`` is worded as Chromium's console error, so a failed
assertion reads like the browser's complaint::

    from wsgi_cors.testing import check_preflight, preflight_headers

    resp = testapp.options("/api/items", headers=preflight_headers(
        origin="https://app.example", method="PUT", request_headers=["X-Api-Key"]))
    verdict = check_preflight(origin="https://app.example", method="PUT",
                              request_headers=["X-Api-Key"], response=resp)
    assert verdict.ok, verdict.reason

``response`` may be a WebTest or WebOb response, a Werkzeug or Flask test response, a Django
response or an ``http.client`` response; or pass ``status=`` and ``headers=`` (a list of
``(name, value)`` pairs, so that a duplicated header is seen as the browser sees it).

The max-age cap, which the standard leaves to each browser, is Chromium's (2 hours). Where
Chromium departs from the standard, the standard is followed, so a response that passes here
passes in every conforming browser. The departures of Chromium 156 that this project's
real-browser suite (``tests/browser``) pins down:

* Chromium lets ``Access-Control-Allow-Headers: *`` cover ``Authorization``, silently; the
  standard never does (list ``Authorization`` by name).
* Chromium caches a preflight with a negative ``Access-Control-Max-Age`` for 0 s; the standard
  treats it as invalid, so 5 s.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from ._engine import CORSPolicy, Decision, RequestKind
from ._headers import FORBIDDEN_RESPONSE_HEADERS, SAFELISTED_METHODS, TOKEN, is_forbidden_request_header

__all__ = [
    "Verdict",
    "check_preflight",
    "check_response",
    "preflight_headers",
    "cors_unsafe_request_header_names",
    "needs_preflight",
    "simulate",
    "DEFAULT_MAX_AGE",
    "MAX_AGE_LIMIT",
]

HeaderPairs = Iterable[Tuple[str, str]]
Headers = Union[HeaderPairs, Mapping[str, str]]

# Fetch "CORS-preflight fetch": an absent or invalid Access-Control-Max-Age means 5 seconds.
DEFAULT_MAX_AGE = 5
# The "imposed limit on max-age" is the user agent's: Chromium's kMaxTimeout is 2 h (since v76);
# Firefox caps at 24 h and WebKit at 10 min. Chromium's is used as the one most users meet.
MAX_AGE_LIMIT = 7200

# Fetch "CORS-safelisted method" (wsgi_cors._headers holds the Fetch lists, for the validator and for this oracle).
_SAFELISTED_METHODS = SAFELISTED_METHODS
# Fetch "normalize" a method: only these six are upper-cased by fetch(); others keep their case.
_NORMALIZED_METHODS = frozenset({"DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"})
# Fetch "CORS-safelisted response-header name": readable without Access-Control-Expose-Headers.
_SAFELISTED_RESPONSE_HEADERS = frozenset(
    {"cache-control", "content-language", "content-length", "content-type", "expires", "last-modified", "pragma"}
)
# Fetch "forbidden response-header name": never readable by a page, whatever the server exposes.
_FORBIDDEN_RESPONSE_HEADERS = FORBIDDEN_RESPONSE_HEADERS
# Fetch "CORS non-wildcard request-header name": `*` in Access-Control-Allow-Headers never covers it.
_NON_WILDCARD_REQUEST_HEADERS = frozenset({"authorization"})
# Fetch "CORS-safelisted request-header": a longer value is never safelisted...
_MAX_SAFELISTED_VALUE_LENGTH = 128
# ...and once the safelisted values add up to more than this, they all need a preflight.
_MAX_SAFELISTED_TOTAL_LENGTH = 1024
# Fetch "CORS-safelisted request-header", Content-Type: the MIME type essences a form can send.
_SAFELISTED_CONTENT_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"})

_TOKEN_RE = re.compile(TOKEN)  # RFC 9110 token: a method or a header name
_DELTA_SECONDS_RE = re.compile(r"[0-9]+")  # RFC 9111 delta-seconds, the Access-Control-Max-Age grammar
# Fetch "CORS-unsafe request-header byte": "less than 0x20 and is not 0x09 HT", or one of "():<>?@[\]{} and DEL.
_UNSAFE_REQUEST_BYTE_RE = re.compile(r'[\x00-\x08\x0a-\x1f"():<>?@\[\\\]{}\x7f]')
# Fetch "CORS-safelisted request-header", accept-language and content-language: 0-9 A-Z a-z and SP * , - . ; =.
_LANGUAGE_VALUE_RE = re.compile(r"[0-9A-Za-z *,\-.;=]*")
# Fetch "parse a single range header value" with allowWhitespace false: `bytes=`, digits, `-`, digits, the end.
_SINGLE_RANGE_RE = re.compile(r"bytes=(?P<start>[0-9]*)-(?P<end>[0-9]*)")
# Fetch "HTTP whitespace bytes": what the Headers object's "normalize" removes around a value a page sets.
_HTTP_WHITESPACE = " \t\r\n"
# Only for choosing Chromium's wording: does the value look like a URL at all?
_URL_LIKE_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:\S+")
_HTTP_TAB_OR_SPACE = " \t"

_PREFLIGHT_PREFIX = "Response to preflight request doesn't pass access control check: "
_NO_ACAO = "No 'Access-Control-Allow-Origin' header is present on the requested resource."
_WILDCARD_WITH_CREDENTIALS = (
    "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' "
    "when the request's credentials mode is 'include'."
)


@dataclass(frozen=True)
class Verdict:
    """What a browser concludes about one response.

    ``ok``: whether the browser hands the response to JavaScript (for a preflight: whether it goes
    on to send the actual request). ``reason``: on failure, the sentence Chromium's console prints
    after "has been blocked by CORS policy: "; on success, a short summary. ``max_age``: for an
    accepted preflight, the seconds the browser may reuse it (absent or invalid: 5; capped at
    :data:`MAX_AGE_LIMIT`), else ``None``. ``exposed_headers``: for an accepted actual response,
    the lower-case names of its headers that JavaScript can read.

    A verdict is true exactly when ``ok`` is, so ``assert verdict`` shows the reason on failure.
    """

    ok: bool
    reason: str
    max_age: Optional[int] = None
    exposed_headers: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return self.ok


def check_response(
    *,
    origin: str,
    credentials: bool = False,
    status: Union[int, str, None] = None,
    headers: Optional[Headers] = None,
    response: Any = None,
) -> Verdict:
    """Run the browser's CORS check on the response to an actual (non-preflight) request.

    ``origin`` is the request's serialized origin, as the browser sends it in ``Origin``
    (``"https://app.example"``, or ``"null"`` from a sandboxed frame). ``credentials`` is true for
    ``fetch(url, {credentials: "include"})`` (``XMLHttpRequest.withCredentials``). Give either
    ``response`` or ``status`` and ``headers``. Any status passes: a 404 or 500 carrying the right
    headers reaches JavaScript as itself. This also applies to each redirect response a browser
    follows.
    """
    _, header_list = _response_parts(status, headers, response)
    failure = _cors_check(origin, credentials, header_list)
    if failure is not None:
        return Verdict(False, failure)
    exposed = _exposed_header_names(credentials, header_list)
    return Verdict(True, f"The response passes the CORS check for origin '{_hint(origin)}'.", exposed_headers=exposed)


def check_preflight(
    *,
    origin: str,
    method: str,
    request_headers: Union[str, Iterable[str]] = (),
    credentials: bool = False,
    status: Union[int, str, None] = None,
    headers: Optional[Headers] = None,
    response: Any = None,
) -> Verdict:
    """Decide, as a browser does, whether a preflight response lets the actual request go out.

    ``method`` is the method given to ``fetch()`` (normalized as fetch does: ``"delete"`` becomes
    ``DELETE`` but ``"patch"`` stays ``patch``). ``request_headers`` are the names the browser lists
    in ``Access-Control-Request-Headers`` (a list, or that header's comma-separated value); for
    the headers a page sets, :func:`cors_unsafe_request_header_names` computes them. ``credentials``
    is the *actual* request's mode: the preflight itself never carries cookies, but the answer
    must allow them. Other arguments as for :func:`check_response`.
    """
    status_code, header_list = _response_parts(status, headers, response)
    request_method = _normalize_method(method)
    names = _request_header_names(request_headers)

    # Chromium refuses a redirected preflight before looking at any header.
    if 300 <= status_code < 400 and _get(header_list, "location") is not None:
        return Verdict(False, _PREFLIGHT_PREFIX + "Redirect is not allowed for a preflight request.")
    failure = _cors_check(origin, credentials, header_list)
    if failure is not None:
        return Verdict(False, _PREFLIGHT_PREFIX + failure)
    if not 200 <= status_code <= 299:  # Fetch "ok status"
        return Verdict(False, _PREFLIGHT_PREFIX + "It does not have HTTP ok status.")

    methods = _extract_list(header_list, "access-control-allow-methods")
    if methods is None:
        return Verdict(False, "Cannot parse Access-Control-Allow-Methods response header field in preflight response.")
    allowed_headers = _extract_list(header_list, "access-control-allow-headers")
    if allowed_headers is None:
        return Verdict(False, "Cannot parse Access-Control-Allow-Headers response header field in preflight response.")

    if request_method not in methods and request_method not in _SAFELISTED_METHODS and (credentials or "*" not in methods):
        return Verdict(
            False,
            f"Method {_hint(request_method)} is not allowed by Access-Control-Allow-Methods in preflight response.",
        )

    allowed_names = {name.lower() for name in allowed_headers}
    header_wildcard = not credentials and "*" in allowed_names
    for name in names:  # sorted, as Chromium reports the first refused name in that order
        covered = name in allowed_names or (header_wildcard and name not in _NON_WILDCARD_REQUEST_HEADERS)
        if not covered:
            return Verdict(
                False,
                f"Request header field {_hint(name)} is not allowed by Access-Control-Allow-Headers in preflight response.",
            )

    max_age = min(_max_age(header_list), MAX_AGE_LIMIT)
    requested = f" with {', '.join(names)}" if names else ""
    return Verdict(
        True,
        f"The preflight allows {_hint(request_method)}{requested} from origin '{_hint(origin)}'; "
        f"a browser may reuse it for {max_age} s.",
        max_age=max_age,
    )


def preflight_headers(*, origin: str, method: str, request_headers: Union[str, Iterable[str]] = ()) -> dict[str, str]:
    """The CORS request headers of the preflight a browser sends, to replay it in a test.

    ``Access-Control-Request-Headers`` is written as browsers write it: lower-case, sorted,
    de-duplicated and joined by ``,`` without spaces.
    """
    result = {"Origin": origin, "Access-Control-Request-Method": _normalize_method(method)}
    names = _request_header_names(request_headers)
    if names:
        result["Access-Control-Request-Headers"] = ",".join(names)
    return result


def cors_unsafe_request_header_names(headers: Headers) -> tuple[str, ...]:
    """The request headers set by a page that need a preflight (Fetch "CORS-unsafe request-header names").

    Lower-case, sorted and de-duplicated, as they appear in ``Access-Control-Request-Headers``.
    ``Content-Type: text/plain`` is safelisted and absent; ``Content-Type: application/json`` is not.
    A forbidden request-header (``Cookie``, ``X-HTTP-Method-Override: TRACE``) is not sent at all: the
    browser's Headers object drops it when the page sets it, so it never makes a preflight.
    """
    unsafe: set[str] = set()
    potentially_unsafe: set[str] = set()
    safelisted_size = 0
    for name, value in _header_pairs(headers):
        value = value.strip(_HTTP_WHITESPACE)  # Headers "append": normalize the value
        if is_forbidden_request_header(name, value):  # Headers "validate", guard "request": return false
            continue
        if _is_safelisted_request_header(name, value):
            potentially_unsafe.add(name.lower())
            safelisted_size += len(value.encode("latin-1", "replace"))
        else:
            unsafe.add(name.lower())
    if safelisted_size > _MAX_SAFELISTED_TOTAL_LENGTH:
        unsafe |= potentially_unsafe
    return tuple(sorted(unsafe))


def needs_preflight(method: str, headers: Headers = ()) -> bool:
    """Whether ``fetch()`` with this method and these request headers makes the browser send a preflight."""
    return _normalize_method(method) not in _SAFELISTED_METHODS or bool(cors_unsafe_request_header_names(headers))


# --- the Fetch standard's algorithms ---------------------------------------------------------


def _cors_check(origin: str, credentials: bool, header_list: List[Tuple[str, str]]) -> Optional[str]:
    """Fetch "CORS check": ``None`` on success, else Chromium's sentence for the failure."""
    allow_origin = _get(header_list, "access-control-allow-origin")
    if allow_origin is None:
        return _NO_ACAO
    if allow_origin == "*":
        # Without credentials `*` is the wildcard; with them Chromium names the mistake rather
        # than reporting the (also failing) byte comparison of "*" with the origin.
        return None if not credentials else _WILDCARD_WITH_CREDENTIALS
    if allow_origin != origin:
        if " " in allow_origin or "," in allow_origin:  # includes a duplicated header, joined by ", "
            return (
                f"The 'Access-Control-Allow-Origin' header contains multiple values '{_hint(allow_origin)}', "
                "but only one is allowed."
            )
        if allow_origin != "null" and not _URL_LIKE_RE.fullmatch(allow_origin):
            return f"The 'Access-Control-Allow-Origin' header contains the invalid value '{_hint(allow_origin)}'."
        return (
            f"The 'Access-Control-Allow-Origin' header has a value '{_hint(allow_origin)}' "
            "that is not equal to the supplied origin."
        )
    if not credentials:
        return None
    allow_credentials = _get(header_list, "access-control-allow-credentials")
    if allow_credentials != "true":  # case-sensitive: the grammar is %s"true"
        return (
            "The value of the 'Access-Control-Allow-Credentials' header in the response is "
            f"'{_hint(allow_credentials or '')}' which must be 'true' when the request's credentials mode is 'include'."
        )
    return None


def _exposed_header_names(credentials: bool, header_list: List[Tuple[str, str]]) -> frozenset[str]:
    """Fetch "main fetch" (CORS-exposed header-name list) and "CORS filtered response"."""
    present = {name.lower() for name, _ in header_list}
    listed = _extract_list(header_list, "access-control-expose-headers")
    exposed: set[str] = set()
    if listed is not None:  # an unparsable list exposes nothing beyond the safelist
        lowered = {name.lower() for name in listed}
        exposed = present if not credentials and "*" in lowered else lowered
    readable = {name for name in present if name in _SAFELISTED_RESPONSE_HEADERS or name in exposed}
    return frozenset(readable - _FORBIDDEN_RESPONSE_HEADERS)


def _max_age(header_list: List[Tuple[str, str]]) -> int:
    """Fetch "extract header list values" for Access-Control-Max-Age, with the default of 5 s."""
    values = _values(header_list, "access-control-max-age")
    if len(values) != 1 or not _DELTA_SECONDS_RE.fullmatch(values[0]):  # absent, duplicated or malformed
        return DEFAULT_MAX_AGE
    return int(values[0])


def _extract_list(header_list: List[Tuple[str, str]], name: str) -> Optional[List[str]]:
    """Fetch "extract header list values" for a ``#token`` header: ``None`` on failure, ``[]`` if absent.

    Elements are trimmed and empty ones skipped (RFC 9110 §5.6.1), as Chromium's parser does.
    """
    items: List[str] = []
    for value in _values(header_list, name):
        for element in value.split(","):
            element = element.strip(_HTTP_TAB_OR_SPACE)
            if not element:
                continue
            if not _TOKEN_RE.fullmatch(element):
                return None
            items.append(element)
    return items


def _is_safelisted_request_header(name: str, value: str) -> bool:
    """Fetch "CORS-safelisted request-header"."""
    if len(value) > _MAX_SAFELISTED_VALUE_LENGTH:
        return False
    lowered = name.lower()
    if lowered == "accept":
        return not _UNSAFE_REQUEST_BYTE_RE.search(value)
    if lowered in ("accept-language", "content-language"):
        return _LANGUAGE_VALUE_RE.fullmatch(value) is not None
    if lowered == "content-type":
        if _UNSAFE_REQUEST_BYTE_RE.search(value):
            return False
        essence = value.split(";", 1)[0].strip(_HTTP_TAB_OR_SPACE).lower()
        return essence in _SAFELISTED_CONTENT_TYPES
    if lowered == "range":
        return _is_safelisted_range(value)
    return False


def _is_safelisted_range(value: str) -> bool:
    """Fetch "CORS-safelisted request-header", range: a single range that parses and has a start.

    "parse a single range header value" fails when there are neither start nor end, or when "rangeStartValue
    is greater than rangeEndValue"; and "If rangeValue[0] is null, then return false" (no ``bytes=-500``).
    """
    match = _SINGLE_RANGE_RE.fullmatch(value)
    if match is None or not match["start"]:
        return False
    return not match["end"] or int(match["start"]) <= int(match["end"])


# --- plumbing ------------------------------------------------------------------------------------


def _normalize_method(method: str) -> str:
    """Fetch "normalize": what fetch() actually sends as the method."""
    upper = method.upper()
    return upper if upper in _NORMALIZED_METHODS else method


def _request_header_names(request_headers: Union[str, Iterable[str]]) -> List[str]:
    """The requested names as a browser lists them: lower-case, sorted, de-duplicated."""
    if isinstance(request_headers, str):
        request_headers = request_headers.split(",")
    return sorted({name.strip(_HTTP_TAB_OR_SPACE).lower() for name in request_headers} - {""})


def _values(header_list: List[Tuple[str, str]], name: str) -> List[str]:
    return [value for header_name, value in header_list if header_name.lower() == name]


def _get(header_list: List[Tuple[str, str]], name: str) -> Optional[str]:
    """Fetch "get" a header: every value, in order, joined by ", "; ``None`` when absent."""
    values = _values(header_list, name)
    return ", ".join(values) if values else None


def _hint(value: str) -> str:
    """Chromium's EncodeHint: printable ASCII as is, anything else as ``\\uXXXX``."""
    return "".join(c if " " <= c <= "~" else f"\\u{ord(c):04X}" for c in value)


def _header_pairs(headers: Any) -> List[Tuple[str, str]]:
    """(name, value) pairs from a list of pairs, a mapping, or a framework's header object.

    Values lose surrounding spaces and tabs, as an HTTP parser strips them before a browser sees them.
    """
    if hasattr(headers, "to_wsgi_list"):  # Werkzeug Headers: keeps duplicates
        pairs = headers.to_wsgi_list()
    elif hasattr(headers, "items"):  # dict, Django, email.message.Message (http.client)
        pairs = headers.items()
    else:
        pairs = headers
    return [(str(name), str(value).strip(_HTTP_TAB_OR_SPACE)) for name, value in pairs]


def _response_parts(status: Union[int, str, None], headers: Any, response: Any) -> Tuple[int, List[Tuple[str, str]]]:
    if response is not None:
        if status is not None or headers is not None:
            raise TypeError("give either response= or status= and headers=, not both")
        status = _first_attribute(response, ("status_int", "status_code", "status"))
        header_source = getattr(response, "headerlist", None)  # WebOb keeps duplicates here
        if header_source is None:
            header_source = getattr(response, "headers", None)
        if header_source is None:
            raise TypeError(f"cannot find the headers of {type(response).__name__!r}: pass status= and headers=")
        headers = header_source
    if status is None or headers is None:
        raise TypeError("give the response's status= and headers=, or response=")
    if isinstance(status, str):  # a WSGI status line such as "204 No Content"
        status = int(status.split(None, 1)[0])
    return int(status), _header_pairs(headers)


def _first_attribute(response: Any, names: Tuple[str, ...]) -> Any:
    for name in names:
        value = getattr(response, name, None)
        if isinstance(value, (int, str)):
            return value
    raise TypeError(f"cannot find the status of {type(response).__name__!r}: pass status= and headers=")


def simulate(
    policy: CORSPolicy, *, origin: str, method: str, path: str, headers: Sequence[tuple[str, str]] = (), credentials: bool = False
) -> dict[str, Any]:
    """What a browser does for ``fetch(path, {method, headers, credentials})`` from ``origin``, as a JSON-able dict.

    The policy answers as the middleware would; :mod:`wsgi_cors.testing` then judges each answer
    as a browser does, so a policy that "allows" a request the browser still refuses (credentials
    without ``supports_credentials``, for one) is reported as blocked.
    """
    unsafe = cors_unsafe_request_header_names(list(headers))
    # The method as fetch() sends it (it upper-cases only the six standard methods).
    request_method = preflight_headers(origin=origin, method=method)["Access-Control-Request-Method"]
    reasons = []
    if request_method not in SAFELISTED_METHODS:
        reasons.append(f"{request_method} is not a CORS-safelisted method")
    if unsafe:
        verb = "is not a CORS-safelisted header" if len(unsafe) == 1 else "are not CORS-safelisted headers"
        reasons.append(f"{', '.join(unsafe)} {verb}")
    report: dict[str, Any] = {
        "allowed": False,
        "request": {
            "origin": origin,
            "method": request_method,
            "path": path,
            "headers": [f"{name}: {value}" if value else name for name, value in headers],
            "credentials": credentials,
        },
        "preflight": {
            "sent": bool(reasons),
            "why": "; ".join(reasons) if reasons else "a GET, HEAD or POST with only CORS-safelisted headers needs none",
        },
        "actual": {"sent": False},
        "browser_error": None,
        "fix": None,
    }
    if reasons:
        sent = preflight_headers(origin=origin, method=method, request_headers=unsafe)
        decision = policy.evaluate(
            "OPTIONS",
            path,
            origin=origin,
            request_method=sent["Access-Control-Request-Method"],
            request_headers=sent.get("Access-Control-Request-Headers"),
        )
        # An application answering OPTIONS itself (no rule, or automatic_options off) is assumed to answer 200.
        status = decision.status if decision.status is not None else 200
        verdict = check_preflight(
            origin=origin,
            method=method,
            request_headers=unsafe,
            credentials=credentials,
            status=status,
            headers=list(decision.headers),
        )
        report["preflight"].update(_step(decision, verdict.ok, verdict.reason, "OPTIONS", path, list(sent.items())))
        if not verdict.ok:
            report["actual"]["why"] = "the preflight failed, so the browser does not send the request"
            report["browser_error"] = _console_error(path, origin, verdict.reason)
            report["fix"] = _fix(decision, origin, request_method, credentials)
            return report
    decision = policy.evaluate(request_method, path, origin=origin)
    verdict = check_response(origin=origin, credentials=credentials, status=200, headers=list(decision.headers))
    report["actual"] = {"sent": True, **_step(decision, verdict.ok, verdict.reason, request_method, path, [("Origin", origin)])}
    report["allowed"] = verdict.ok
    if not verdict.ok:
        report["browser_error"] = _console_error(path, origin, verdict.reason)
        report["fix"] = _fix(decision, origin, request_method, credentials)
    return report


def _step(
    decision: Decision, ok: bool, browser: str, method: str, path: str, request_headers: list[tuple[str, str]]
) -> dict[str, Any]:
    return {
        "verdict": "allowed" if ok else "blocked",
        "browser": browser,
        "decision": {
            "allowed": decision.allowed,
            "reason": decision.reason,
            "detail": decision.detail,
            "message": decision.message,
        },
        "rule": decision.rule,
        "request_line": f"{method} {path}",
        "request_headers": [list(pair) for pair in request_headers],
        "response_headers": [list(pair) for pair in decision.headers],
        "answered_by": "wsgi_cors" if decision.status is not None else "application",
        "status": decision.status,
    }


def _console_error(path: str, origin: str, reason: str) -> str:
    """The line Chromium prints in the console (it names the full URL; we know the path)."""
    return f"Access to fetch at '{path}' from origin '{origin}' has been blocked by CORS policy: {reason}"


def _fix(decision: Decision, origin: str, method: str, credentials: bool) -> Optional[str]:
    """What to change in the configuration, for the failures a configuration can cause."""
    rule = f" in the rule for {decision.rule!r}" if decision.rule is not None else ""
    if decision.reason == "path-not-covered":
        return (
            "no rule covers this path, so the middleware adds no CORS headers: add a [[resources]] table "
            'whose path covers it (e.g. path = "/api/*"), or widen resources'
        )
    if decision.reason == "origin-not-allowed":
        return f"if pages on {origin} should read this API, add {json.dumps(origin)} to origins{rule}"
    if decision.reason == "origin-malformed":
        return "an origin is scheme://host[:port] with no path or trailing slash, e.g. https://app.example.com"
    if decision.reason == "method-not-allowed":
        if method != method.upper():  # fetch() upper-cases only the six standard methods; the comparison is exact
            return (
                f"fetch() sends {method!r} exactly as written and methods are compared case-sensitively: "
                f"write method: {method.upper()!r} in the page's fetch() call"
            )
        return f"add {json.dumps(method)} to methods{rule}"
    if decision.reason == "header-not-allowed":
        name = (decision.detail or "")[1:-1]  # detail is the header name, quoted for display; names need no escapes
        return f"add {json.dumps(name)} to allow_headers{rule}"
    if decision.reason == "request-headers-malformed":
        return "request header names are tokens: letters, digits and '-'"
    headers = dict(decision.headers)
    if credentials and headers.get("Access-Control-Allow-Origin") == "*":
        return (
            f"a browser refuses 'Access-Control-Allow-Origin: *' on a request with credentials: list the trusted "
            f"origins{rule} instead of '*' and set supports_credentials = true"
        )
    if credentials and headers.get("Access-Control-Allow-Credentials") != "true":
        return (
            f"set supports_credentials = true{rule} (it needs the origins listed, not '*'), "
            "or make the request without credentials"
        )
    if decision.status is None and decision.kind is RequestKind.PREFLIGHT:
        return "automatic_options is off: your application must answer this OPTIONS request with a 2xx status"
    return None
