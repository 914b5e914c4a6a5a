"""The CORS policy engine: pure, sans-IO, built once and evaluated per request.

Given the few request facts that CORS depends on (method, path, ``Origin``,
``Access-Control-Request-Method``, ``-Headers``, ``-Private-Network``), :meth:`CORSPolicy.evaluate`
returns a :class:`Decision`: what kind of request this is, whether it is allowed, why not, which
path rule applied, and the exact headers to send. It knows nothing of WSGI, so it can be tested
exhaustively, used from a CLI or a test, and put behind any server interface.

Everything that does not depend on the request is computed when the policy is built: header
values are joined, origin sets and patterns compiled, path rules ordered, and the constant parts
of every response's header list prepared, so a request costs a few set and dict look-ups.
"""

from __future__ import annotations

import copy
import enum
import re
from http import HTTPStatus
from typing import Any, Mapping, NamedTuple, Optional

from ._config import RuleSettings, Settings, build_settings
from ._escaping import display
from ._headers import (
    MAX_METHOD_LENGTH,
    MAX_REQUEST_HEADER_NAMES,
    MAX_REQUEST_HEADERS_LENGTH,
    TOKEN,
    is_token,
    parse_request_header_names,
)
from ._origins import MAX_ORIGIN_LENGTH

__all__ = ["CORSPolicy", "Decision", "Reason", "RequestKind", "Verdict", "Headers", "is_plain_path", "router_readings"]

Headers = tuple[tuple[str, str], ...]

ACAO = "Access-Control-Allow-Origin"
ACAC = "Access-Control-Allow-Credentials"
ACAM = "Access-Control-Allow-Methods"
ACAH = "Access-Control-Allow-Headers"
ACEH = "Access-Control-Expose-Headers"
ACMA = "Access-Control-Max-Age"
ACAPN = "Access-Control-Allow-Private-Network"
# Fetch "CORS-preflight fetch": a refusal is best signalled by a non-ok status and no CORS headers.
REJECTED_PREFLIGHT_STATUS = 403
# Decisions a policy remembers per request kind, shared out among its rules (at least 64 each): every origin of a
# busy site fits (a few MiB at most), and an attacker rotating request values only ever makes it miss.
MAX_REMEMBERED_DECISIONS = 4096
MIN_REMEMBERED_PER_RULE = 64
# Only requests with values of a browser's size are remembered, so that memory stays bounded.
MAX_REMEMBERED_HEADERS_LENGTH = 512


class RequestKind(str, enum.Enum):
    """What the browser is doing, in the Fetch standard's terms."""

    NOT_CORS = "not-cors"  # no Origin header: same-origin navigation, curl, a server-side client
    PREFLIGHT = "preflight"  # OPTIONS + Origin + Access-Control-Request-Method
    ACTUAL = "actual"  # any other request with an Origin header

    def __str__(self) -> str:
        return self.value


class Reason(str, enum.Enum):
    """Why a request got no CORS grant: stable codes, shared by log lines, the CLI's fixes and the docs."""

    PATH_NOT_COVERED = "path-not-covered"
    PATH_AMBIGUOUS = "path-ambiguous"
    ORIGIN_MALFORMED = "origin-malformed"
    ORIGIN_NOT_ALLOWED = "origin-not-allowed"
    METHOD_NOT_ALLOWED = "method-not-allowed"
    HEADER_NOT_ALLOWED = "header-not-allowed"
    REQUEST_HEADERS_MALFORMED = "request-headers-malformed"
    PRIVATE_NETWORK_NOT_ALLOWED = "private-network-not-allowed"

    def __str__(self) -> str:
        return self.value


class Verdict(str, enum.Enum):
    """What the policy says about a request: a grant, a refusal, or nothing because no rule covers the path."""

    ALLOWED = "allowed"  # a rule covers the path and grants the request (or it is not a CORS request)
    REFUSED = "refused"  # a rule covers the path and refuses: no grant, the reason says why
    NOT_COVERED = "not-covered"  # no rule covers the path: CORS does not apply, the request passes through untouched

    def __str__(self) -> str:
        return self.value


_SENTENCES = {
    Reason.PATH_NOT_COVERED: "no path rule covers {path}, so CORS is not applied",
    Reason.ORIGIN_MALFORMED: "the Origin header {detail} is not a serialized origin a browser would send",
    Reason.ORIGIN_NOT_ALLOWED: "origin {detail} is not allowed by rule {rule}",
    Reason.METHOD_NOT_ALLOWED: "method {detail} is not allowed by rule {rule} (Access-Control-Request-Method)",
    Reason.HEADER_NOT_ALLOWED: "request header {detail} is not allowed by rule {rule} (Access-Control-Request-Headers)",
    Reason.REQUEST_HEADERS_MALFORMED: "Access-Control-Request-Headers {detail} is not a bounded list of header names",
    Reason.PRIVATE_NETWORK_NOT_ALLOWED: "private network access was requested but rule {rule} does not allow it",
    Reason.PATH_AMBIGUOUS: "routers may read the path {detail} as different paths (an empty or dot segment, bytes that are not UTF-8), not all under rule {rule}",
}


class Decision(NamedTuple):
    """The outcome of evaluating one request against a policy: immutable, built by keyword.

    ``verdict`` says whether the request was allowed, refused, or not covered by any rule (then the
    request passes through untouched: CORS does not apply); ``reason`` is a stable :class:`Reason`
    (``None`` when allowed); ``offending_value`` the raw request value that caused a refusal (use
    :attr:`detail` to print it); ``rule`` the path pattern that applied; ``headers`` the exact
    ``(name, value)`` pairs to send; ``status`` is set when the shell answers the request itself (a
    preflight), ``None`` when the app does; ``path`` the request path, kept for the message.

    The commonest decisions (no Origin, a listed origin) are built once per rule and reused.
    """

    kind: RequestKind
    verdict: Verdict
    reason: Optional[Reason] = None
    offending_value: Optional[str] = None
    rule: Optional[str] = None
    headers: Headers = ()
    status: Optional[int] = None
    path: Optional[str] = None

    @property
    def allowed(self) -> bool:
        """A rule covers the path and grants the request."""
        return self.verdict is Verdict.ALLOWED

    @property
    def refused(self) -> bool:
        """A rule covers the path and refuses the request (see :attr:`reason`)."""
        return self.verdict is Verdict.REFUSED

    @property
    def covered(self) -> bool:
        """A path rule applies; when False the request passes through untouched."""
        return self.verdict is not Verdict.NOT_COVERED

    @property
    def detail(self) -> Optional[str]:
        """The offending request value, quoted and escaped (bounded length), or None."""
        raw = self.offending_value
        return None if raw is None else display(raw)

    @property
    def message(self) -> str:
        """A sentence saying what was decided and why."""
        if self.reason is None:
            if self.kind is RequestKind.NOT_CORS:
                return f"not a CORS request (no Origin header); rule {self.rule!r} applies"
            return f"{self.kind.value} request allowed by rule {self.rule!r}"
        return _SENTENCES[self.reason].format(detail=self.detail, rule=repr(self.rule), path=display(self.path or ""))

    def __repr__(self) -> str:
        return (
            f"Decision(kind={self.kind.value!r}, verdict={self.verdict.value!r}, reason={self.reason and self.reason.value!r}, "
            f"detail={self.detail}, rule={self.rule!r}, status={self.status}, headers={self.headers!r})"
        )


ACTUAL, PREFLIGHT = RequestKind.ACTUAL, RequestKind.PREFLIGHT
ALLOWED, REFUSED = Verdict.ALLOWED, Verdict.REFUSED
# The origin matcher (origins.py, which knows nothing of decisions) names its refusals by their code.
_REASONS = {reason.value: reason for reason in Reason}


class _CompiledRule:
    """One path rule with every constant part of its responses prepared.

    Caches: every response of a covered path carries ``Vary: Origin`` (preflights: ``Origin`` and the three
    ``Access-Control-Request-*`` headers), ``send_wildcard`` included, unless ``vary_header=False``, which
    warns at build time. No rule answers every request alike (``null``, malformed origins and ambiguous
    paths are refused even under ``origins="*"``), so no response may claim to be constant: a shared
    cache would replay one origin's answer, grant or refusal, to every other.
    """

    __slots__ = (
        "settings",
        "path",
        "exact",
        "match_beyond_exact",
        "methods",
        "allow_all_headers",
        "allow_header_names",
        "allow_header_regex",
        "allow_private_network",
        "wildcard",
        "vary_actual",
        "vary_preflight",
        "actual_tail",
        "wildcard_actual",
        "preflight_head",
        "preflight_max_age",
        "preflight_tail",
        "preflight_status",
        "rejected_preflight_status",
        "not_cors",
        "not_cors_on_ambiguous_path",
        "any_browser_header_list",
        "allowed_names_superset",
        "cacheable",
        "exact_decisions",
        "actual_decisions",
        "preflight_decisions",
        "remember_limit",
    )

    def __init__(self, settings: RuleSettings) -> None:
        self.settings = s = settings
        self.path = s.path
        self.exact = s.origins.exact
        self.match_beyond_exact = s.origins.match_beyond_exact
        self.methods = s.methods
        self.allow_all_headers = s.allow_all_headers
        self.allow_header_names = s.allow_header_names
        self.allow_header_regex = s.allow_header_regex
        self.allow_private_network = s.allow_private_network
        # The ACAO is "*" with origins="*" and send_wildcard (credentials are refused with "*"); it is not
        # constant for the resource, though: null, malformed origins and ambiguous paths get no ACAO, and
        # without always_send neither do requests without Origin. So every response says Vary: Origin, or a
        # shared cache replays one of those refusals to every site (or the "*" to a refused one); Fetch "CORS
        # protocol and HTTP caches" drops Vary only when the response is the same for every request.
        self.wildcard = s.origins.allow_all and s.send_wildcard
        self.vary_actual: Headers = (("Vary", "Origin"),) if s.vary_header else ()
        # A preflight's answer depends on each request header it reads, -Private-Network included: when private
        # network access is off, "true" is refused with 403 where its absence gets 200, and the cache must tell them apart.
        self.vary_preflight: Headers = (
            (
                (
                    "Vary",
                    "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, "
                    "Access-Control-Request-Private-Network",
                ),
            )
            if s.vary_header
            else ()
        )

        credentials: Headers = ((ACAC, "true"),) if s.supports_credentials else ()
        expose: Headers = ((ACEH, s.expose_headers),) if s.expose_headers else ()
        # Header order follows Flask-CORS: ACAO, ACEH, ACAC, ACAPN, ACAH, ACMA, ACAM, Vary.
        self.actual_tail: Headers = expose + credentials + self.vary_actual
        self.wildcard_actual: Headers = ((ACAO, "*"),) + self.actual_tail
        self.preflight_head: Headers = expose + credentials
        self.preflight_max_age: Headers = ((ACMA, s.max_age),) if s.max_age is not None else ()
        self.preflight_tail: Headers = (
            self.preflight_max_age + (((ACAM, s.methods_value),) if s.methods is not None else ()) + self.vary_preflight
        )
        self.preflight_status = s.preflight_status if s.automatic_options else None
        self.rejected_preflight_status = REJECTED_PREFLIGHT_STATUS if s.automatic_options else None

        # A request without Origin: always_send gives it the CORS headers a static policy would have
        # (Fetch "CORS protocol and HTTP caches"); only an ACAO that is the same for everyone can be sent,
        # and with Vary: Origin, so that a cache never hands this copy to a request that has an Origin.
        static_origin = "*" if (s.origins.allow_all and not s.supports_credentials) else s.origins.single_static_origin
        if s.always_send and static_origin is not None:
            not_cors_headers: Headers = ((ACAO, static_origin),) + self.actual_tail
        else:
            not_cors_headers = self.vary_actual
        self.not_cors = Decision(kind=RequestKind.NOT_CORS, verdict=ALLOWED, rule=self.path, headers=not_cors_headers)
        # On a path routers may read under another rule, not the static always_send ACAO: it may belong to another view.
        self.not_cors_on_ambiguous_path = Decision(
            kind=RequestKind.NOT_CORS, verdict=ALLOWED, rule=self.path, headers=self.vary_actual
        )
        # A decision depends only on this rule and the request's CORS headers, unless an origin predicate
        # (user code, which may consult a database) takes part: then nothing is remembered.
        self.cacheable = not s.origins.predicates
        # Exact origins' decisions, built on first use (as many as the configuration lists), and a bounded
        # memory of the others (wildcards, regexes, refusals), which rotating request values can only make miss.
        self.exact_decisions: dict[str, Decision] = {}
        self.actual_decisions: dict[str, Decision] = {}
        self.preflight_decisions: dict[tuple[str, str, Optional[str], Optional[str]], Decision] = {}
        self.remember_limit = MAX_REMEMBERED_DECISIONS  # the policy shares the budget out among its rules
        # A browser's Access-Control-Request-Headers (lower-case names, comma-separated, no white space)
        # is checked in C-level passes: a character-class regex when any name is allowed, a subset test
        # against the allowed names otherwise. Anything else takes the general, bounded parser.
        self.any_browser_header_list = _BROWSER_HEADER_LIST_RE.fullmatch if s.allow_all_headers else None
        self.allowed_names_superset = (
            s.allow_header_names.issuperset if not s.allow_all_headers and s.allow_header_regex is None else None
        )

    def actual(self, origin: str) -> Decision:
        """Decide an actual request (any request with an Origin that is not a preflight).

        Built positionally (kind, verdict, reason, offending_value, rule, headers): this runs for every
        origin not yet remembered, so it is the cost a rotating attacker can impose.
        """
        if len(origin) <= MAX_ORIGIN_LENGTH and origin in self.exact:  # a longer one is never listed: not hashed
            decision = Decision(ACTUAL, ALLOWED, None, None, self.path, ((ACAO, origin), *self.actual_tail))
            self.exact_decisions[origin] = decision  # bounded by the configuration, not by requests
            return decision
        reason = self.match_beyond_exact(origin)
        if reason is None:
            headers = self.wildcard_actual if self.wildcard else ((ACAO, origin), *self.actual_tail)
            return Decision(ACTUAL, ALLOWED, None, None, self.path, headers)
        return Decision(ACTUAL, REFUSED, _REASONS[reason], origin, self.path, self.vary_actual)

    def refuse_ambiguous_path(self, preflight: bool, path: str) -> Decision:
        if preflight:
            return self._reject_preflight(Reason.PATH_AMBIGUOUS, path)
        return Decision(
            kind=ACTUAL,
            verdict=REFUSED,
            reason=Reason.PATH_AMBIGUOUS,
            offending_value=path,
            rule=self.path,
            headers=self.vary_actual,
            path=path,
        )

    def _reject_preflight(self, reason: Reason, detail: Optional[str], path: Optional[str] = None) -> Decision:
        return Decision(
            kind=PREFLIGHT,
            verdict=REFUSED,
            reason=reason,
            offending_value=detail,
            rule=self.path,
            headers=self.vary_preflight,
            status=self.rejected_preflight_status,
            path=path,
        )

    def preflight(self, origin: str, method: str, request_headers: Optional[str], private_network: Optional[str]) -> Decision:
        # Checked in the order of the Fetch "CORS-preflight fetch": origin, method, headers.
        if len(origin) > MAX_ORIGIN_LENGTH or origin not in self.exact:  # a longer one is never listed: not hashed
            reason = self.match_beyond_exact(origin)
            if reason is not None:
                return self._reject_preflight(_REASONS[reason], origin)
        if self.methods is None:
            if len(method) > MAX_METHOD_LENGTH or not is_token(method):  # it is echoed: bound it
                return self._reject_preflight(Reason.METHOD_NOT_ALLOWED, method)
            allow_methods: Headers = ((ACAM, method),)
        elif len(method) > MAX_METHOD_LENGTH or method not in self.methods:  # a longer one is never listed: not hashed
            return self._reject_preflight(Reason.METHOD_NOT_ALLOWED, method)
        else:
            allow_methods = ()
        allow_headers: Headers = ()
        if not request_headers:
            pass
        elif (
            len(request_headers) <= MAX_REQUEST_HEADERS_LENGTH
            and request_headers.count(",") < MAX_REQUEST_HEADER_NAMES
            and (
                # Both bounds of parse_request_header_names hold here too (length, then at most 100 names: one C-level
                # count), so the fast path accepts nothing the parser refuses. Repeated names count toward the 100 and
                # are echoed as sent, on either path (browsers send them unique).
                (self.allowed_names_superset is not None and self.allowed_names_superset(request_headers.split(",")))
                or (self.any_browser_header_list is not None and self.any_browser_header_list(request_headers) is not None)
            )
        ):
            allow_headers = ((ACAH, request_headers.replace(",", ", ")),)
        else:
            names = parse_request_header_names(request_headers)
            if names is None:
                return self._reject_preflight(Reason.REQUEST_HEADERS_MALFORMED, request_headers)
            if not self.allow_all_headers:
                allowed_names, regex = self.allow_header_names, self.allow_header_regex
                for name in names:
                    if name not in allowed_names and (regex is None or regex.fullmatch(name) is None):
                        return self._reject_preflight(Reason.HEADER_NOT_ALLOWED, name)
            if names:
                # Browsers send the names lower-cased, sorted and unique (Fetch), so echoing keeps Flask-CORS's output.
                allow_headers = ((ACAH, ", ".join(names)),)
        private: Headers = ()
        if private_network == "true":
            if not self.allow_private_network:
                return self._reject_preflight(Reason.PRIVATE_NETWORK_NOT_ALLOWED, None)
            private = ((ACAPN, "true"),)
        allow_origin = "*" if self.wildcard else origin
        if allow_methods:
            headers = (
                (ACAO, allow_origin),
                *self.preflight_head,
                *private,
                *allow_headers,
                *self.preflight_max_age,
                *allow_methods,
                *self.vary_preflight,
            )
        else:
            headers = ((ACAO, allow_origin), *self.preflight_head, *private, *allow_headers, *self.preflight_tail)
        return Decision(kind=PREFLIGHT, verdict=ALLOWED, rule=self.path, headers=headers, status=self.preflight_status)


# A request-header list in the browser's own form: lower-case tokens separated by commas, no white space.
_BROWSER_HEADER_LIST_RE = re.compile("{name}(?:,{name})*".format(name=TOKEN.replace("A-Za-z", "a-z")))


class CORSPolicy:
    """A validated, compiled, immutable CORS configuration.

    Build it with Flask-CORS's keyword options (see docs/options.md for each); a bad configuration raises
    :class:`~wsgi_cors.errors.ConfigError` listing every problem with its fix, and a dubious one
    warns with a :class:`~wsgi_cors.errors.CORSConfigWarning`. Then call :meth:`evaluate` per request.
    """

    __slots__ = ("_settings", "_rules", "_match_rule", "_always_rule", "intercept_exceptions", "__weakref__")

    def __init__(self, **options: Any) -> None:
        settings: Settings = build_settings(options)
        self._settings = settings
        matcher = settings.rules.map_targets(_CompiledRule)
        self._rules = tuple(rule.target for rule in matcher.ordered)
        self._match_rule = matcher.match
        self._always_rule = matcher.always  # the rule covering every path, when there is one (the default "/*")
        for rule in self._rules:
            rule.remember_limit = max(MIN_REMEMBERED_PER_RULE, MAX_REMEMBERED_DECISIONS // len(self._rules))
        self.intercept_exceptions = settings.intercept_exceptions

    def evaluate(
        self,
        method: str,
        path: str,
        *,
        origin: Optional[str] = None,
        request_method: Optional[str] = None,
        request_headers: Optional[str] = None,
        request_private_network: Optional[str] = None,
        raw_path: bool = False,
    ) -> Decision:
        """Decide what CORS says about one request. Never raises on request input.

        ``path`` is the request path as text (``/café/menu``) or, with ``raw_path=True``, the
        path's bytes (percent-decoded once, as servers do) carried as latin-1 text, as WSGI's
        ``PATH_INFO`` carries them; the engine then reads those bytes as each surveyed router would
        (:func:`router_readings`). The header arguments are the raw header values, or None when
        the header is absent.

        A preflight (``OPTIONS`` with ``Access-Control-Request-Method``) is decided by
        :meth:`evaluate_preflight`, every other request by :meth:`evaluate_request`: doors that
        already know which kind they hold call those directly.
        """
        if request_method is not None and method == "OPTIONS":
            return self.evaluate_preflight(path, origin, request_method, request_headers, request_private_network, raw_path)
        return self.evaluate_request(path, origin, raw_path)

    def evaluate_request(self, path: str, origin: Optional[str] = None, raw_path: bool = False) -> Decision:
        """Decide a request that is not a preflight: an actual CORS request, or no CORS request at all without ``Origin``.

        Any method but ``OPTIONS`` is such a request, and so is an ``OPTIONS`` without
        ``Access-Control-Request-Method``. Arguments as for :meth:`evaluate`.
        """
        rule = self._always_rule  # one rule for every path: every spelling gets the same answer, nothing to disagree on
        ambiguous = False
        if rule is None:
            rule, ambiguous = self._rule_for_path(path, raw_path)
            if rule is None:
                return _uncovered(path, RequestKind.ACTUAL if origin else RequestKind.NOT_CORS)
        if not origin:
            # On an ambiguous path, not the rule's static always_send ACAO: it may belong to another view.
            return rule.not_cors_on_ambiguous_path if ambiguous else rule.not_cors
        if ambiguous:
            return rule.refuse_ambiguous_path(False, path)
        if len(origin) > MAX_ORIGIN_LENGTH:  # never a browser's: not worth hashing for a look-up
            return rule.actual(origin)
        decision = rule.actual_decisions.get(origin)
        if decision is None:
            decision = rule.exact_decisions.get(origin) or rule.actual(origin)
            if rule.cacheable:
                _remember(rule.actual_decisions, origin, decision, rule.remember_limit)
        return decision

    def evaluate_preflight(
        self,
        path: str,
        origin: Optional[str],
        request_method: str,
        request_headers: Optional[str] = None,
        request_private_network: Optional[str] = None,
        raw_path: bool = False,
    ) -> Decision:
        """Decide a preflight: ``OPTIONS`` with ``Access-Control-Request-Method``. Arguments as for :meth:`evaluate`.

        Without ``Origin`` it is not a CORS request (a browser always sends one with a preflight).
        """
        rule = self._always_rule
        ambiguous = False
        if rule is None:
            rule, ambiguous = self._rule_for_path(path, raw_path)
            if rule is None:
                return _uncovered(path, RequestKind.PREFLIGHT if origin else RequestKind.NOT_CORS)
        if not origin:
            return rule.not_cors_on_ambiguous_path if ambiguous else rule.not_cors
        if ambiguous:
            return rule.refuse_ambiguous_path(True, path)
        if (
            len(origin) > MAX_ORIGIN_LENGTH
            or len(request_method) > MAX_METHOD_LENGTH
            or len(request_headers or "") > MAX_REMEMBERED_HEADERS_LENGTH
            or len(request_private_network or "") > 8
        ):
            # Never a browser's: not worth hashing for a look-up (hostile values are decided, bounded, each time).
            return rule.preflight(origin, request_method, request_headers, request_private_network)
        key = (origin, request_method, request_headers, request_private_network)
        decision = rule.preflight_decisions.get(key)
        if decision is None:
            decision = rule.preflight(origin, request_method, request_headers, request_private_network)
            if rule.cacheable:
                _remember(rule.preflight_decisions, key, decision, rule.remember_limit)
        return decision

    def _rule_for_path(self, path: str, raw_path: bool) -> tuple[Optional[_CompiledRule], bool]:
        """With several rules: the rule for ``path`` (None: no rule covers it) and whether routers may read it under another."""
        # is_plain_path(path), inlined: this runs for every request on a policy with several rules
        if path[:1] == "/" and path.isascii() and path.isprintable() and "//" not in path and "/." not in path:
            return self._match_rule(path), False
        return self._rule_for_readings(path, raw_path)

    def _rule_for_readings(self, path: str, raw_path: bool) -> tuple[Optional[_CompiledRule], bool]:
        """The rule for a path that is not plain, and whether routers may read it under another rule.

        Ambiguous when the readings of :func:`router_readings` fall under different rules (or some
        under none), or when a reading has an empty or dot segment, which routers match against their
        views in ways no reading of the string captures (Werkzeug routes ``/public//x`` past
        ``/public/<path:p>``): then any other rule may apply. The reported rule is the first reading's
        that has one.
        """
        readings, segments_ambiguous = router_readings(path, raw_path)
        match = self._match_rule
        rules = [match(reading) for reading in readings]
        first = next((rule for rule in rules if rule is not None), None)
        if first is None:
            return None, False
        return first, segments_ambiguous or any(rule is not first for rule in rules)

    def describe(self) -> dict[str, Any]:
        """The effective configuration as keyword options: ``CORSPolicy(**policy.describe())`` builds an equivalent policy.

        Every path rule is listed under ``resources`` with all its options, in precedence order. The result is
        a fresh copy that shares no container with the policy, so a caller may change it freely.
        """
        described: dict[str, Any] = _thawed(self._settings.options)
        described["resources"] = {
            rule.text if isinstance(rule.pattern, str) else rule.pattern: _thawed(rule.target.options)
            for rule in self._settings.rules.ordered
        }
        return described

    @property
    def rules(self) -> tuple[str, ...]:
        """The path patterns, in the order they are tried."""
        return tuple(rule.path for rule in self._rules)

    def __repr__(self) -> str:
        return f"CORSPolicy(rules={list(self.rules)!r})"


def _thawed(value: Any) -> Any:
    """A fresh, mutable copy of stored options for describe(): dicts and lists, nothing shared with the policy.

    Compiled patterns and callables (regex origins, origin predicates) are kept as they are: a pattern is
    immutable, and a predicate is the caller's own object, which copying could not even promise to do.
    """
    if isinstance(value, Mapping):
        return {key: _thawed(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_thawed(item) for item in value]
    if value is None or isinstance(value, (str, int, float, re.Pattern)) or callable(value):
        return value
    return copy.deepcopy(value)


def is_plain_path(path: str) -> bool:
    """Whether every surveyed router reads ``path`` as the same path, character for character: the fast check.

    Printable ASCII starting with ``/``, with no empty segment and nothing that may be a dot segment
    (``/.`` also stops ``/.well-known``, which the full check then lets through). What browsers send
    for ordinary URLs passes; anything else takes :func:`router_readings`.
    """
    return path[:1] == "/" and path.isascii() and path.isprintable() and "//" not in path and "/." not in path


def router_readings(path: str, raw_path: bool = True) -> tuple[tuple[str, ...], bool]:
    """The paths the surveyed routers may read ``path`` as, and whether they may disagree about its segments.

    ``raw_path``: ``path`` is the request's bytes as latin-1 text (WSGI ``PATH_INFO``). Survey, by
    experiment (tests/security/router_apps.py, the same site on each router; PATH_INFO as a server
    decodes it; Werkzeug 3.1, Django 5.2, Falcon 4.4, Bottle 0.13, Pyramid 2.1)::

        spelling               Werkzeug/Flask   Django            Falcon           Bottle           Pyramid
        bytes not UTF-8 %FF    U+FFFD           re-encoded "%FF"  U+FFFD           byte dropped     error (no view)
        overlong UTF-8 %C0%AF  U+FFFD U+FFFD    "%C0%AF"          U+FFFD U+FFFD    bytes dropped    error (no view)
        leading //public/x     /public/x        another view      /public/x        another view     another view
        inner /public//x       another view     /public/x view    /public/x view   /public/x view   /public/x view
        dot segments /a/../b   not resolved, but matched against views unlike the rules (/./admin -> catch-all)
        newline /public/%0A    public view      no view           public view      catch-all view   /public/ view
                               (route regexes: "." stops at a newline, "$" matches before a final one)
        no leading /           "/" prepended    no view           "/" prepended    no view          no view
        ; params, %2F, %2E     literal: no router strips ";params" or decodes PATH_INFO a second time
        case, +, NUL, space    literal everywhere (case-sensitive, no + to space)
        trailing slash         literal by default (Werkzeug and Django redirect /x to /x/, a redirect is no view;
                               Falcon's strip_url_path_trailing_slash is off by default)

    So the readings are: the UTF-8 text when the bytes are valid UTF-8, else the U+FFFD, the dropped and the
    re-encoded decodings; each also without one trailing newline, and with its leading slashes made one. The second
    result is True when a reading has an empty or dot segment (a leading ``//`` included) or a newline: routers
    then disagree about the view in ways no reading captures, so any rule may apply.
    """
    if not path:
        return ("/",), False  # PEP 3333: an empty PATH_INFO is the application's root
    texts: tuple[str, ...] = (path,)
    if raw_path and not path.isascii():
        try:
            data = path.encode("latin-1")
        except UnicodeEncodeError:
            pass  # a server that put non-latin-1 text in PATH_INFO already decoded it
        else:
            try:
                texts = (data.decode("utf-8"),)
            except UnicodeDecodeError:
                texts = (
                    data.decode("utf-8", "replace"),
                    data.decode("utf-8", "ignore"),
                    _REPERCENT.sub(_repercent, data.decode("utf-8", "surrogateescape")),
                )
    readings: list[str] = []
    for text in texts:
        for reading in (text, text[:-1] if text.endswith("\n") else None):
            if reading is not None:
                if reading[:2] == "//" or reading[:1] != "/":
                    readings.append("/" + reading.lstrip("/"))  # Werkzeug's and Falcon's reading
                readings.append(reading)
    return tuple(dict.fromkeys(readings)), any(_is_ambiguous(reading) for reading in readings)


def _is_ambiguous(path: str) -> bool:
    """Whether ``path`` has an empty segment (``/a//b``, ``//a``), a dot segment (``/a/../b``, ``/./a``) or a newline.

    Werkzeug and Falcon route ``//public/x`` as ``/public/x`` while Django, Bottle and Pyramid route
    it to another view; Werkzeug routes ``/public//x`` past a ``/public/<path:p>`` rule to the next one;
    Pyramid's traversal resolves ``/public/../admin`` to ``/admin``, while a path rule reads all of them
    as under ``/public/`` (CVE-2020-25032). Browsers resolve dot segments before sending, so only
    crafted URLs (``..%2f``) and buggy URL joins have them. A newline (``%0A``) ends a route regex's ``.``
    and is skipped by its ``$``: Bottle answers ``/public/%0A`` with its catch-all view, Pyramid with
    ``/public/``, Django with none; browsers strip raw newlines from URLs.
    """
    if "//" in path or "\n" in path:
        return True
    if "/." not in path:
        return False
    return any(segment in (".", "..") for segment in path.split("/"))


# Django's repercent_broken_unicode: each byte that is not part of valid UTF-8 becomes %XX (RFC 3987 §3.2).
_REPERCENT = re.compile("[\udc80-\udcff]")


def _repercent(found: "re.Match[str]") -> str:
    return "%{:02X}".format(ord(found.group()) - 0xDC00)


def _uncovered(path: str, kind: RequestKind) -> Decision:
    return Decision(kind=kind, verdict=Verdict.NOT_COVERED, reason=Reason.PATH_NOT_COVERED, path=path)


def _remember(decisions: dict[Any, Decision], key: Any, decision: Decision, limit: int) -> None:
    """Keep a decision for the next identical request; past the bound, start afresh (rotating values only make it miss)."""
    if len(decisions) >= limit:
        decisions.clear()
    decisions[key] = decision


def status_line(status: int) -> str:
    """``204`` -> ``"204 No Content"``."""
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Status"
