"""What a door does with a refusal or a report-only difference: count it, log it without flooding, call the hook.

Protocol-neutral, so every door (WSGI, ASGI, the framework doors built on them) reports the same way:

* **Counters** per (rule, reason, kind), readable in-process (:meth:`Reporter.rejections`) and exported by
  :mod:`wsgi_cors.prometheus`. Opt-in (``counters=True``): they cost a lock and a dict update per refusal,
  which is more than the rest of a refused request costs the door.
* **Log lines** on the ``wsgi_cors`` logger, at most ``log_limit`` a minute (an attacker sending a million
  bad origins must not write a million lines); lines over the limit are dropped and counted, and the next
  line logged says how many were dropped.
* **Report-only policy**: a second policy evaluated beside the enforced one, whose would-be decisions are
  reported where they differ from the enforced decision, without changing any response: the way to see what a
  stricter policy would refuse before it does (Envoy's CORS filter calls it shadow mode).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, Callable, Mapping, Optional, Union

from ._engine import CORSPolicy, Decision
from ._escaping import display

__all__ = ["Reporter", "DoorState", "DEFAULT_LOG_LIMIT", "DOOR_SETTINGS", "as_policy"]

LOG = logging.getLogger("wsgi_cors")
# Rejection log lines per minute, per door: enough to debug a misconfiguration by reading the log, far too few
# to flood it. 0 turns rejection logging off; the counters still count.
DEFAULT_LOG_LIMIT = 60
_WINDOW_SECONDS = 60.0

CountKey = tuple[Optional[str], str, str]  # (rule, reason, kind)
# Keyword settings of a door itself (not of its policy), which the doors' from_config() pass on.
DOOR_SETTINGS = frozenset({"intercept_exceptions", "report_only", "on_report", "report_log_level", "log_limit", "counters"})


def as_policy(value: Union[CORSPolicy, Mapping[str, Any], None], name: str) -> Optional[CORSPolicy]:
    """A policy given as a CORSPolicy or as a dict of options (as configuration files give it)."""
    if value is None or isinstance(value, CORSPolicy):
        return value
    if isinstance(value, Mapping):
        return CORSPolicy(**value)
    raise TypeError(f"{name} must be a CORSPolicy or a dict of options, not {type(value).__name__}")


class _RateLimitedLog:
    """Log at most ``limit`` lines per window; count what is dropped and say so with the next line logged."""

    def __init__(self, limit: int, clock: Callable[[], float]) -> None:
        self.limit = limit
        self.clock = clock
        self.lock = threading.Lock()
        self.window_start = clock()
        self.logged = 0
        self.dropped = 0
        self.dropped_total = 0

    def allow(self) -> tuple[bool, int]:
        """Whether one more line may be logged now, and how many lines were dropped since the last one logged."""
        with self.lock:
            now = self.clock()
            if now - self.window_start >= _WINDOW_SECONDS:
                self.window_start, self.logged = now, 0
            if self.logged >= self.limit:
                self.dropped += 1
                self.dropped_total += 1
                return False, 0
            self.logged += 1
            dropped, self.dropped = self.dropped, 0
            return True, dropped


class Reporter:
    """Counts refusals and report-only differences, logs them under a rate limit, and calls the hooks.

    ``on_reject(decision, request)`` and ``on_report(enforced, would_be, request)`` get the door's own request
    object (a WSGI environ, an ASGI scope); a hook that raises is logged and the request goes on.
    """

    def __init__(
        self,
        *,
        on_reject: Optional[Callable[[Decision, Any], Any]] = None,
        on_report: Optional[Callable[[Decision, Decision, Any], Any]] = None,
        log_limit: int = DEFAULT_LOG_LIMIT,
        report_log_level: int = logging.WARNING,
        counters: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if on_reject is not None and not callable(on_reject):
            raise TypeError("on_reject must be a callable taking (decision, request)")
        if on_report is not None and not callable(on_report):
            raise TypeError("on_report must be a callable taking (enforced, would_be, request)")
        if isinstance(log_limit, bool) or not isinstance(log_limit, int) or log_limit < 0:
            raise TypeError(f"log_limit must be a number of log lines per minute (0 or more), not {log_limit!r}")
        if isinstance(report_log_level, bool) or not isinstance(report_log_level, int):
            raise TypeError(f"report_log_level must be a logging level such as logging.WARNING, not {report_log_level!r}")
        if not isinstance(counters, bool):
            raise TypeError(f"counters must be True or False, not {counters!r}")
        self.on_reject = on_reject
        self.on_report = on_report
        self.counters = counters
        # Somebody listens for refusals whatever the log level: the door must call refused() for each.
        self.listening = counters or on_reject is not None
        self.report_log_level = report_log_level
        self._log = _RateLimitedLog(log_limit, clock)
        self._lock = threading.Lock()
        self._rejections: dict[CountKey, int] = {}
        self._report_only: dict[CountKey, int] = {}

    def rejections(self) -> dict[CountKey, int]:
        """Refusals so far, by (rule, reason code, request kind): a copy, safe to keep (empty unless ``counters``)."""
        with self._lock:
            return dict(self._rejections)

    def report_only_refusals(self) -> dict[CountKey, int]:
        """Requests the report-only policy would have refused and the enforced one did not, by (rule, reason, kind)."""
        with self._lock:
            return dict(self._report_only)

    @property
    def dropped_log_lines(self) -> int:
        """Rejection and report-only log lines dropped by the rate limit since start."""
        return self._log.dropped_total

    def refused(
        self, decision: Decision, request: Any, origin: Optional[str], method: str, path: str, what: Optional[str] = None
    ) -> Any:
        """Count, log and hand on one refusal of the enforced policy; returns what the hook returned (a door that
        accepts coroutine hooks awaits it). ``what`` names the request in the log line (default: its kind)."""
        if self.counters:
            key = (decision.rule, str(decision.reason), decision.kind.value)
            with self._lock:
                self._rejections[key] = self._rejections.get(key, 0) + 1
        if LOG.isEnabledFor(logging.INFO):
            allowed, dropped = self._log.allow()
            if allowed:
                LOG.info(
                    "CORS %s request rejected [%s]: %s (origin=%s method=%s path=%s)%s",
                    what or decision.kind.value,
                    decision.reason,
                    decision.message,
                    display(origin or ""),
                    display(method),
                    display(path),
                    _dropped_note(dropped),
                )
        hook = self.on_reject
        if hook is not None:
            try:
                return hook(decision, request)
            except Exception:  # a metrics hook must not turn a CORS rejection into a server error
                LOG.exception("the on_reject hook raised; the request goes on")
        return None

    def compare(self, enforced: Decision, would_be: Decision, request: Any, origin: Optional[str], method: str, path: str) -> Any:
        """Report where the report-only decision differs from the enforced one; nothing else changes. Returns what
        the hook returned."""
        if would_be.verdict is enforced.verdict and would_be.headers == enforced.headers:
            return None
        if self.counters and would_be.refused and not enforced.refused:
            key = (would_be.rule, str(would_be.reason), would_be.kind.value)
            with self._lock:
                self._report_only[key] = self._report_only.get(key, 0) + 1
        if LOG.isEnabledFor(self.report_log_level):
            allowed, dropped = self._log.allow()
            if allowed:
                if would_be.verdict is enforced.verdict:
                    difference = f"would send other CORS headers: {display(repr(would_be.headers))}"
                else:
                    difference = f"would be {would_be.verdict.value} [{would_be.reason or '-'}]: {would_be.message}"
                LOG.log(
                    self.report_log_level,
                    "CORS report-only policy differs (%s request): enforced %s, report-only %s (origin=%s method=%s path=%s)%s",
                    enforced.kind.value,
                    enforced.verdict.value,
                    difference,
                    display(origin or ""),
                    display(method),
                    display(path),
                    _dropped_note(dropped),
                )
        hook = self.on_report
        if hook is not None:
            try:
                return hook(enforced, would_be, request)
            except Exception:
                LOG.exception("the on_report hook raised; the request goes on")
        return None


def _dropped_note(dropped: int) -> str:
    return f" [{dropped} similar log lines dropped by the rate limit]" if dropped else ""


class DoorState:
    """What every door keeps beside the app: the policy in force, the report-only policy and the :class:`Reporter`.

    The WSGI and ASGI doors inherit it, so reading their counters, swapping their policy and reporting work alike.
    """

    _policy: CORSPolicy
    _report_only: Optional[CORSPolicy]
    _reporter: Reporter
    intercept_exceptions: bool

    def _set_up(
        self,
        policy: Optional[CORSPolicy],
        options: Mapping[str, Any],
        *,
        on_reject: Optional[Callable[[Decision, Any], Any]],
        intercept_exceptions: Optional[bool],
        report_only: Union[CORSPolicy, Mapping[str, Any], None],
        on_report: Optional[Callable[[Decision, Decision, Any], Any]],
        report_log_level: int,
        log_limit: int,
        counters: bool,
    ) -> None:
        """Check and keep the settings every door takes; a bad one fails here, at construction."""
        if policy is not None and options:
            raise TypeError("pass either policy=CORSPolicy(...) or keyword options, not both")
        if policy is not None and not isinstance(policy, CORSPolicy):
            raise TypeError(f"policy must be a CORSPolicy, not {type(policy).__name__}")
        if intercept_exceptions is not None and not isinstance(intercept_exceptions, bool):
            raise TypeError(f"intercept_exceptions must be True or False, not {intercept_exceptions!r}")
        self._policy = policy if policy is not None else CORSPolicy(**options)
        self._report_only = as_policy(report_only, "report_only")
        self._reporter = Reporter(
            on_reject=on_reject, on_report=on_report, log_limit=log_limit, report_log_level=report_log_level, counters=counters
        )
        # A setting of the door (what to do when the app raises); a policy built from a configuration file may
        # carry it too, for compatibility, and an explicit argument wins.
        self.intercept_exceptions = (
            intercept_exceptions if intercept_exceptions is not None else self._policy.intercept_exceptions
        )

    @property
    def policy(self) -> CORSPolicy:
        """The policy in force."""
        return self._policy

    @property
    def report_only(self) -> Optional[CORSPolicy]:
        """The report-only policy, evaluated beside the enforced one without changing any response (None: none)."""
        return self._report_only

    @property
    def counters(self) -> bool:
        """Whether refusals are counted (``counters=True``)."""
        return self._reporter.counters

    @property
    def dropped_log_lines(self) -> int:
        """Rejection log lines dropped by the ``log_limit`` rate limit since start."""
        return self._reporter.dropped_log_lines

    def rejections(self) -> dict[CountKey, int]:
        """Requests refused so far, by (rule, reason code, request kind) (empty unless ``counters``)."""
        return self._reporter.rejections()

    def report_only_refusals(self) -> dict[CountKey, int]:
        """Requests the report-only policy would have refused that the policy in force did not, by (rule, reason, kind)."""
        return self._reporter.report_only_refusals()

    def reconfigure(self, policy: Optional[CORSPolicy] = None, **options: Any) -> CORSPolicy:
        """Swap in a new policy; requests in flight finish with the one they started with.

        The new policy is built (and validated) before the swap, so a bad configuration raises
        and leaves the old policy in force. The swap is a single reference assignment, which is
        atomic under CPython's threads and between an event loop's tasks.
        """
        if policy is not None and options:
            raise TypeError("pass either policy=CORSPolicy(...) or keyword options, not both")
        new_policy = policy if policy is not None else CORSPolicy(**options)
        self._policy = new_policy
        return new_policy
