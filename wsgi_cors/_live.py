"""``wsgi-cors check --url``: ask the deployed server, judge its real answers as a browser does.

``wsgi-cors check PATH`` judges the configuration; what a browser meets in production is what
the whole chain answers: a CDN or gateway that adds its own ``Access-Control-Allow-Origin`` in
front of the application, a cache that drops ``Vary``, an ``http`` to ``https`` redirect or a login
wall in front of ``OPTIONS``. None of these is in the configuration. :func:`check_url` sends the
requests a browser would (the preflight when one is needed, without following a redirect, since
browsers refuse a redirected preflight; then the actual request), judges each response with the
Fetch oracle (:mod:`wsgi_cors.testing`) and names the cause in plain words.

It also recognises Local Network Access (Chrome 142+): a page on a public host calling a private
or loopback address gets a permission prompt, and if it is refused, a console error that reads
like CORS although no request left the browser. :func:`local_network_access` says when that
applies; the local ``check`` uses it too when it is given a URL instead of a path.

The report is a JSON-able dict shaped like :func:`wsgi_cors.testing.simulate`'s.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import socket
import sys
from typing import Any, Optional, Sequence, TextIO
from urllib.parse import unquote, urlsplit

from . import _cli
from ._escaping import MAX_DISPLAY_LENGTH, printable
from .testing import (
    _console_error,
    check_preflight,
    check_response,
    cors_unsafe_request_header_names,
    needs_preflight,
    preflight_headers,
    simulate,
)

__all__ = [
    "DEFAULT_TIMEOUT",
    "LiveCheckError",
    "address_space",
    "check_url",
    "local_network_access",
    "run_check",
]

# Long enough for a slow server, short enough that a black-holed address fails fast (browsers wait minutes).
DEFAULT_TIMEOUT = 10.0

# Response headers shown besides Access-Control-*: Vary, where a redirect goes, and what names a cache or a proxy.
_SHOWN_HEADERS = frozenset({"vary", "location", "via", "age", "x-cache", "cf-cache-status"})


# Address spaces, as Chromium classifies an IP address for Local Network Access (ip_address_space_util.cc, after the
# Private Network Access spec §2.1): loopback is this machine, local a private network, everything else public.
_LOOPBACK_NETWORKS = tuple(ipaddress.ip_network(net) for net in ("127.0.0.0/8", "0.0.0.0/8", "::1/128", "::/128"))
_LOCAL_NETWORKS = tuple(
    ipaddress.ip_network(net)
    for net in (
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",  # RFC 1918
        "100.64.0.0/10",  # RFC 6598 carrier-grade NAT
        "169.254.0.0/16",  # link-local
        "198.18.0.0/15",  # RFC 2544 benchmarking
    )
)
# IPv6 is the other way round (Chrome's LNA announcement): local is anything outside global unicast and multicast.
_PUBLIC_IPV6_NETWORKS = tuple(ipaddress.ip_network(net) for net in ("2000::/3", "ff00::/8"))

_LNA_ERROR = "Permission was denied for this request to access the `{space}` address space."


class LiveCheckError(Exception):
    """The check could not run: a bad URL, a refused connection, a name that does not resolve, a timeout."""


# --- Local Network Access ----------------------------------------------------------------------


def address_space(host: str) -> Optional[str]:
    """``"loopback"``, ``"local"`` or ``"public"`` for an IP address or a name whose space is known without DNS.

    ``localhost`` and ``*.localhost`` are loopback (browsers never ask DNS for them, RFC 6761); ``*.local``
    is a local-network mDNS name. Any other name: ``None`` (its space is that of the address it resolves to).
    """
    name = host.strip("[]").rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return "loopback"
    if name.endswith(".local"):
        return "local"
    try:
        address = ipaddress.ip_address(name.split("%", 1)[0])  # an IPv6 zone ("fe80::1%eth0") says nothing of the space
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:192.168.0.1 is as private as 192.168.0.1
    if any(address in network for network in _LOOPBACK_NETWORKS):
        return "loopback"
    if isinstance(address, ipaddress.IPv6Address):
        return "public" if any(address in network for network in _PUBLIC_IPV6_NETWORKS) else "local"
    return "local" if any(address in network for network in _LOCAL_NETWORKS) else "public"


def local_network_access(origin: str, target_host: str, target_space: Optional[str] = None) -> Optional[dict[str, Any]]:
    """What Local Network Access does to a request from a page on ``origin`` to ``target_host``, or ``None``.

    Applies when the page is on a public host and the target is on a more private one (Chrome 142's first
    milestone: public to local or loopback). ``target_space`` is the resolved address's space, when known; a
    page served from a hostname is taken as public (its address is not looked up: the page is someone else's).
    """
    space = target_space or address_space(target_host)
    origin_host = urlsplit(origin).hostname if "://" in origin else None
    initiator = (address_space(origin_host) or "public") if origin_host else None
    # Chrome 142 gates public-to-local and public-to-loopback; the spec's local-to-loopback step is not enforced yet.
    if space is None or initiator != "public" or space == "public":
        return None
    error = _LNA_ERROR.format(space=space)
    if origin.lower().startswith("https:"):
        happens = (
            "Chrome 142 and later ask the user for permission before the request leaves the browser; if the user "
            "refuses, no request reaches the server and the console shows"
        )
    else:
        happens = (
            "the page is not a secure context (http:// on a public host), so Chrome 142 and later cannot even ask "
            "the user for permission: no request reaches the server and the console shows"
        )
    remedy = (
        "No CORS header can change that: the user must allow it (site settings), or the page and the API must be served "
        "from the same address space. A cross-origin iframe also needs "
        f'allow="{"loopback-network" if space == "loopback" else "local-network"}". wsgi_cors\'s allow_private_network only '
        "answers the legacy Private Network Access preflight (Access-Control-Request-Private-Network: true) that older "
        "browsers may still send; it cannot grant this permission."
    )
    summary = f"the page is on a {initiator} host and {target_host} is a {space} address."
    return {
        "initiator": initiator,
        "target": space,
        "host": target_host,
        "summary": summary,
        "happens": happens,
        "console_error": error,
        "remedy": remedy,
        "explanation": f"{summary} {happens}: {error} {remedy}",
    }


def render_local_network(lna: dict[str, Any], label: str) -> list[str]:
    """The Local Network Access paragraph of ``check``'s text output (values already escaped)."""
    return ["", f"{label} {lna['summary']}", f"  {lna['happens']}", f"    {lna['console_error']}", f"  {lna['remedy']}"]


# --- the live check ----------------------------------------------------------------------------


def check_url(
    url: str,
    *,
    origin: str,
    method: str = "GET",
    headers: Sequence[tuple[str, str]] = (),
    credentials: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
) -> dict[str, Any]:
    """Send the requests a browser sends for ``fetch(url, ...)`` from a page on ``origin``; judge the answers.

    Returns a JSON-able report (``allowed``, ``url``, ``request``, ``preflight``, ``actual``, ``problems``,
    ``local_network``, ``browser_error``, ``fix``). Raises :class:`LiveCheckError` when no answer came.
    The actual request is really sent (with an empty body): a PUT or DELETE does what it does.
    """
    try:
        import httpx
    except ImportError:
        raise LiveCheckError("'wsgi-cors check --url' needs httpx: pip install 'wsgi_cors[check]'") from None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise LiveCheckError(f"--url must be an http:// or https:// URL with a host, not {url!r}")
    target_space = _resolved_space(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))

    pairs = [(name, value) for name, value in headers]
    unsafe = cors_unsafe_request_header_names(pairs)
    request_method = preflight_headers(origin=origin, method=method)["Access-Control-Request-Method"]
    report: dict[str, Any] = {
        "allowed": False,
        "url": url,
        "request": {
            "origin": origin,
            "method": request_method,
            "path": url,
            "headers": [f"{name}: {value}" if value else name for name, value in pairs],
            "credentials": credentials,
        },
        "preflight": {"sent": False},
        "actual": {"sent": False},
        "problems": [],
        "local_network": local_network_access(origin, parts.hostname, target_space),
        "browser_error": None,
        "fix": None,
    }
    simulated = _preflight_reasons(request_method, unsafe)
    client = httpx.Client(
        timeout=timeout, follow_redirects=False, trust_env=False, headers={"User-Agent": "wsgi-cors-check (httpx)"}
    )
    with client:
        if needs_preflight(method, pairs):
            sent = [*preflight_headers(origin=origin, method=method, request_headers=unsafe).items()]
            response = _send(client, httpx, "OPTIONS", url, sent)
            verdict = check_preflight(
                origin=origin,
                method=method,
                request_headers=unsafe,
                credentials=credentials,
                status=response.status_code,
                headers=_header_list(response),
            )
            report["preflight"] = {
                "sent": True,
                "why": simulated,
                **_step(verdict.ok, verdict.reason, "OPTIONS", url, sent, response),
            }
            problems = _diagnose(
                "preflight", origin, credentials, response.status_code, _header_list(response), request_method, verdict.reason
            )
            report["problems"] += problems
            if not verdict.ok:
                report["actual"]["why"] = "the preflight failed, so the browser does not send the request"
                return _blocked(report, url, origin, verdict.reason, problems)
        else:
            report["preflight"]["why"] = "a GET, HEAD or POST with only CORS-safelisted headers needs none"
        sent = [("Origin", origin), *pairs]
        response = _send(client, httpx, request_method, url, sent)
    verdict = check_response(origin=origin, credentials=credentials, status=response.status_code, headers=_header_list(response))
    report["actual"] = {"sent": True, **_step(verdict.ok, verdict.reason, request_method, url, sent, response)}
    problems = _diagnose(
        "actual", origin, credentials, response.status_code, _header_list(response), request_method, verdict.reason
    )
    report["problems"] += problems
    if not verdict.ok:
        return _blocked(report, url, origin, verdict.reason, problems)
    report["allowed"] = True
    return report


def _preflight_reasons(method: str, unsafe: Sequence[str]) -> str:
    """Why a browser sends a preflight, in ``simulate``'s words."""
    reasons = []
    if needs_preflight(method):
        reasons.append(f"{method} is not a CORS-safelisted method")
    if unsafe:
        verb = "is not a CORS-safelisted header" if len(unsafe) == 1 else "are not CORS-safelisted headers"
        reasons.append(f"{', '.join(unsafe)} {verb}")
    return "; ".join(reasons)


def _resolved_space(host: str, port: int) -> Optional[str]:
    """The address space of the address a browser would connect to (the first one the resolver gives)."""
    known = address_space(host)
    if known is not None:
        return known
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise LiveCheckError(f"could not resolve {host!r}: {error}") from None
    return address_space(str(infos[0][4][0])) if infos else None


def _send(client: Any, httpx: Any, method: str, url: str, headers: list[tuple[str, str]]) -> Any:
    try:
        return client.request(method, url, headers=headers)
    except httpx.TimeoutException:
        raise LiveCheckError(f"{method} {url}: no answer within {client.timeout.read:g} s (--timeout)") from None
    except httpx.HTTPError as error:  # connection refused, reset, DNS, TLS, a malformed response
        raise LiveCheckError(f"{method} {url}: {error or type(error).__name__}") from None


def _header_list(response: Any) -> list[tuple[str, str]]:
    """The response's header lines as sent (names in their own case, duplicates kept), decoded as HTTP does: latin-1."""
    return [(name.decode("latin-1"), value.decode("latin-1")) for name, value in response.headers.raw]


def _step(ok: bool, browser: str, method: str, url: str, sent: list[tuple[str, str]], response: Any) -> dict[str, Any]:
    shown = [
        [name, _cut(value)]
        for name, value in _header_list(response)
        if name.lower().startswith("access-control-") or name.lower() in _SHOWN_HEADERS
    ]
    return {
        "verdict": "allowed" if ok else "blocked",
        "browser": browser,
        "request_line": f"{method} {url}",
        "request_headers": [list(pair) for pair in sent],
        "status": response.status_code,
        "status_line": f"{response.status_code} {response.reason_phrase}".rstrip(),
        "response_headers": shown,
    }


def _blocked(report: dict[str, Any], url: str, origin: str, reason: str, problems: list[dict[str, Any]]) -> dict[str, Any]:
    report["browser_error"] = _console_error(url, origin, reason)
    report["fix"] = next((problem["fix"] for problem in problems if problem["blocks"]), None)
    return report


def _cut(value: str) -> str:
    return value if len(value) <= MAX_DISPLAY_LENGTH else value[:MAX_DISPLAY_LENGTH] + f"... ({len(value)} characters)"


def _values(headers: list[tuple[str, str]], name: str) -> list[str]:
    return [value.strip(" \t") for key, value in headers if key.lower() == name]


def _tokens(headers: list[tuple[str, str]], name: str) -> list[str]:
    return [item.strip(" \t") for value in _values(headers, name) for item in value.split(",") if item.strip(" \t")]


def _problem(code: str, step: str, blocks: bool, explanation: str, fix: str) -> dict[str, Any]:
    return {"code": code, "step": step, "blocks": blocks, "explanation": explanation, "fix": fix}


def _diagnose(
    step: str, origin: str, credentials: bool, status: int, headers: list[tuple[str, str]], method: str, browser: str
) -> list[dict[str, Any]]:
    """The causes behind a response's verdict, in plain words, each with its fix. ``blocks``: the browser refuses it."""
    problems = []
    if step == "preflight" and 300 <= status < 400:
        location = _cut(", ".join(_values(headers, "location")) or "(no Location)")
        problems.append(
            _problem(
                "preflight-redirected",
                step,
                True,
                f"the preflight was answered with a {status} redirect to {location}: browsers refuse a redirected preflight",
                "make the page call the final URL (an http-to-https redirect or a missing trailing slash are the usual "
                "causes), or have the server answer OPTIONS at this URL itself",
            )
        )
        return problems
    if step == "preflight" and not 200 <= status <= 299:
        problems.append(_problem("preflight-not-ok", step, True, _not_ok_explanation(status, headers), _not_ok_fix(status)))

    allow_origin = _values(headers, "access-control-allow-origin")
    values = [item.strip(" \t") for value in allow_origin for item in value.split(",")]
    if len(values) > 1:
        shown = " and ".join(repr(_cut(value)) for value in values)
        layers = "two layers each set it" if len(allow_origin) > 1 else "it lists several origins"
        problems.append(
            _problem(
                "duplicate-allow-origin",
                step,
                True,
                f"the response carries {len(values)} Access-Control-Allow-Origin values, {shown}: {layers} "
                "(typically a gateway, CDN or proxy in front and the application behind), and a browser accepts exactly one",
                "let one layer answer CORS: remove the header in the gateway/CDN/proxy configuration and keep wsgi_cors "
                "(which also sends Vary: Origin), or turn wsgi_cors off for these paths",
            )
        )
    elif not values:
        if not problems:  # a refused preflight already says why there are no headers
            problems.append(
                _problem(
                    "no-allow-origin",
                    step,
                    True,
                    f"the response has no Access-Control-Allow-Origin: the server does not allow {origin} here"
                    + (" (or not this method or these headers)" if step == "preflight" else "")
                    + ", or no CORS layer covers this URL",
                    f"run 'wsgi-cors check' with the server's configuration, --origin {origin} and this URL's path: "
                    "it names the option that refuses it",
                )
            )
    elif values[0] == "*":
        if credentials:
            problems.append(
                _problem(
                    "wildcard-with-credentials",
                    step,
                    True,
                    "the response answers 'Access-Control-Allow-Origin: *' to a request with credentials, which browsers refuse",
                    "list the trusted origins instead of '*' and set supports_credentials = true, "
                    "or make the request without credentials",
                )
            )
    else:
        vary = {token.lower() for token in _tokens(headers, "vary")}
        cached = "origin" not in vary and "*" not in vary
        if values[0] != origin:
            problems.append(
                _problem(
                    "allow-origin-mismatch",
                    step,
                    True,
                    f"the response allows the origin {_cut(values[0])!r}, not {origin!r}"
                    + (
                        ": without Vary: Origin a cache probably replayed an answer made for a page on that origin"
                        if cached
                        else ": the server (or a layer in front of it) answers with a fixed origin"
                    ),
                    f"add {json.dumps(origin)} to origins, and make every cache in between keep Vary: Origin"
                    if cached
                    else f"add {json.dumps(origin)} to origins; if a gateway sets this header, let wsgi_cors answer",
                )
            )
        elif cached:
            problems.append(
                _problem(
                    "missing-vary-origin",
                    step,
                    False,
                    f"Access-Control-Allow-Origin names {origin} but Vary does not list Origin: a shared cache (CDN, proxy) "
                    "may replay this response to a page on another origin, which its browser then blocks; "
                    "intermittent failures that depend on who asked first",
                    "wsgi_cors sends Vary: Origin (vary_header = true): if the response lacks it, a layer in between strips "
                    "it; make that cache keep Vary, or key it on Origin",
                )
            )
        if values[0] == origin and credentials:
            allow_credentials = _values(headers, "access-control-allow-credentials")
            if allow_credentials != ["true"]:
                got = f"'{_cut(', '.join(allow_credentials))}'" if allow_credentials else "absent"
                problems.append(
                    _problem(
                        "credentials-not-allowed",
                        step,
                        True,
                        f"the request carries credentials and Access-Control-Allow-Credentials is {got}: a browser needs "
                        "exactly 'true'",
                        "set supports_credentials = true for this path (with the origins listed, not '*'), "
                        "or make the request without credentials",
                    )
                )
    if step == "preflight" and 200 <= status <= 299 and len(values) == 1 and not any(p["blocks"] for p in problems):
        problems += _preflight_lists(headers, method, browser)
    return problems


def _preflight_lists(headers: list[tuple[str, str]], method: str, browser: str) -> list[dict[str, Any]]:
    """A method or a request header the preflight's answer does not allow (``browser``: the oracle's reason)."""
    if browser.startswith("Method "):
        methods = ", ".join(_tokens(headers, "access-control-allow-methods")) or "none"
        return [
            _problem(
                "method-not-allowed",
                "preflight",
                True,
                f"the preflight's answer allows the methods {_cut(methods)}, not {method}",
                f"add {json.dumps(method)} to methods",
            )
        ]
    if browser.startswith("Request header field "):
        name = browser[len("Request header field ") :].split(" is not allowed", 1)[0]
        allowed = ", ".join(_tokens(headers, "access-control-allow-headers")) or "none"
        return [
            _problem(
                "header-not-allowed",
                "preflight",
                True,
                f"the preflight's answer allows the request headers {_cut(allowed)}, not {name}"
                + (" ('*' never covers Authorization)" if name == "authorization" else ""),
                f"add {json.dumps(name)} to allow_headers",
            )
        ]
    if browser.startswith("Cannot parse "):
        return [
            _problem(
                "malformed-allow-list",
                "preflight",
                True,
                "the preflight's Access-Control-Allow-Methods or -Headers is not a comma-separated list of tokens",
                "send the lists as wsgi_cors does: names separated by ', '",
            )
        ]
    return []


def _not_ok_explanation(status: int, headers: list[tuple[str, str]]) -> str:
    said = f"the preflight was answered with {status}, and a browser needs a 2xx status"
    if status in (401, 407):
        return (
            f"{said}: an authentication layer asked for credentials, but a browser never sends cookies or "
            "Authorization with a preflight"
        )
    if status == 403:
        vary = {token.lower() for token in _tokens(headers, "vary")}
        if "access-control-request-method" in vary and not _values(headers, "access-control-allow-origin"):
            return f"{said}: the CORS layer refused the preflight (its origin, method or headers)"
        return f"{said}: an access layer (a WAF, a login wall, or the CORS layer itself) refused the OPTIONS request"
    if status in (404, 405, 501):
        return f"{said}: the server does not handle OPTIONS at this URL, so no CORS layer answers preflights there"
    return f"{said}: the server failed on the OPTIONS request" if status >= 500 else said


def _not_ok_fix(status: int) -> str:
    if status in (401, 407, 403):
        return (
            "let OPTIONS through without authentication: put the CORS middleware in front of the authentication "
            "layer (wsgi_cors answers preflights before the application when it wraps it); if wsgi_cors refused it, "
            "'wsgi-cors check' with the same request names the option"
        )
    if status in (404, 405, 501):
        return "wrap the application with wsgi_cors for this path (automatic_options = true answers preflights)"
    return "look at the server's log for the OPTIONS request"


# --- the command line --------------------------------------------------------------------------


def run_check(args: argparse.Namespace, out: TextIO) -> int:
    """``wsgi-cors check`` with ``--url``, or with a URL where the path goes (the local policy, for that URL's path)."""
    if args.url is None and args.path is None:
        print("error: give the request's PATH (or a URL), or --url URL to ask a live server", file=sys.stderr)
        return _cli.EXIT_USAGE
    if args.url is not None:
        if args.path is not None:
            print("error: give either PATH or --url, not both (--url already names the path)", file=sys.stderr)
            return _cli.EXIT_USAGE
        return _run_live(args, out)
    return _run_local_url(args, out)


def _run_live(args: argparse.Namespace, out: TextIO) -> int:
    if not args.timeout > 0:
        print(f"error: --timeout must be a positive number of seconds, not {args.timeout:g}", file=sys.stderr)
        return _cli.EXIT_USAGE
    if args.config is not None or _cli._overrides(args):
        print("note: --url judges what the live server answers; the policy options given are not used", file=sys.stderr)
    headers = [_cli._parse_header(text) for text in args.headers]
    try:
        report = check_url(
            args.url, origin=args.origin, method=args.method, headers=headers, credentials=args.credentials, timeout=args.timeout
        )
    except LiveCheckError as error:
        print(f"error: could not check {printable(args.url)}: {printable(str(error))}", file=sys.stderr)
        return _cli.EXIT_USAGE
    if args.json:
        json.dump(report, out, indent=2)
        out.write("\n")
    else:
        _render_live(_cli._escaped(report), _cli._Style.for_stream(out), out)
    return _cli.EXIT_OK if report["allowed"] else _cli.EXIT_BLOCKED


def _run_local_url(args: argparse.Namespace, out: TextIO) -> int:
    """A URL pasted where the path goes: check its path against the local policy, and say so."""
    loaded = _cli._load(args)
    if loaded is None:
        return _cli.EXIT_USAGE
    parts = urlsplit(args.path)
    path = unquote(parts.path) or "/"
    note = (
        f"{args.path} is a URL: checking its path {path} against the policy "
        f"(add --url to ask the server at {parts.scheme}://{parts.netloc} itself)"
    )
    headers = [_cli._parse_header(text) for text in args.headers]
    report = simulate(
        loaded.policy, origin=args.origin, method=args.method, path=path, headers=headers, credentials=args.credentials
    )
    lna = local_network_access(args.origin, parts.hostname or "")
    report = {"allowed": report.pop("allowed"), "policy": list(loaded.sources), "note": note, **report, "local_network": lna}
    if args.json:
        json.dump(report, out, indent=2)
        out.write("\n")
    else:
        style = _cli._Style.for_stream(out)
        out.write(f"{style.label('Note:')}    {printable(note)}\n")
        _cli._render(_cli._escaped(report), _cli._describe_sources(loaded.sources), style, out)
        if lna is not None:
            lines = render_local_network(_cli._escaped(lna), style.label("Local Network Access:"))
            out.write("\n".join(lines) + "\n")
    return _cli.EXIT_OK if report["allowed"] else _cli.EXIT_BLOCKED


def _render_live(report: dict[str, Any], style: Any, out: TextIO) -> None:
    """The live report in the layout of ``check``'s (the values are escaped already)."""
    lines = [
        f"{style.label('Server:')}  {report['url']} (live: the responses below are the server's own)",
        _cli._request_line(report, report["url"], style),
        "",
    ]
    for key, title in (("preflight", "Preflight:"), ("actual", "Actual request:")):
        step = report[key]
        if not step["sent"]:
            shown = "none" if key == "preflight" else "not sent"
            lines += [f"{style.label(title)} {style.dim(shown)} ({step['why']})", ""]
            continue
        lines.append(f"{style.label(title)} {style.verdict(step['verdict'])}")
        if key == "preflight":
            lines.append(f"  sent because  {step['why']}")
        lines.append(f"  request       {step['request_line']}")
        lines += [f"                {name}: {value}" for name, value in step["request_headers"]]
        lines.append(f"  browser       {step['browser']}")
        lines.append(f"  response      {step['status_line']}")
        if step["response_headers"]:
            lines += [f"                {name}: {value}" for name, value in step["response_headers"]]
        else:
            lines.append(f"                {style.dim('(no CORS headers)')}")
        for problem in report["problems"]:
            if problem["step"] == key:
                lines.append(f"  {'problem ' if problem['blocks'] else 'warning '}      {problem['explanation']}")
                lines.append(f"  fix           {problem['fix']}")
        lines.append("")
    lines += _cli._result_lines(report, style)
    if report["local_network"] is not None:
        lines += render_local_network(report["local_network"], style.label("Local Network Access:"))
    out.write("\n".join(lines) + "\n")
