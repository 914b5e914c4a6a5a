"""Per-view policies: ``@cors(...)`` on a function view, a class-based view, or one method of it.

The middleware finds the view with Django's own URL resolver (``resolve(request.path_info)``, the
urlconf a request uses), so the view whose policy applies is the view Django runs: no spelling of a
path can make the policy and the router disagree. A per-view policy replaces the settings' policy
for that view (``CORS_URLS_REGEX`` included): its options are the settings' options with the
decorator's on top, and it covers the whole view. For a preflight the method is the one the browser
asks for (``Access-Control-Request-Method``), so ``@cors`` on ``post`` of a class-based view
answers the preflight of a POST.

django-cors-headers has no per-view policy (its maintainers refused one); Flask-CORS's
``@cross_origin`` is the model.
"""

from __future__ import annotations

import dataclasses
import threading
from typing import Any, Callable, Optional, TypeVar

from .._config import RULE_OPTIONS
from .._engine import CORSPolicy
from ..errors import ConfigError

__all__ = ["cors", "ViewPolicy", "ATTRIBUTE", "registered"]

ATTRIBUTE = "wsgi_cors_policy"
F = TypeVar("F", bound=Callable[..., Any])
_registered = 0  # how many views carry a policy: the middleware resolves the view only when some do


def registered() -> bool:
    """Whether any view in this process carries a per-view policy."""
    return _registered > 0


class ViewPolicy:
    """The options given to ``@cors``, built into a policy on top of the settings' options, again when they change."""

    __slots__ = ("options", "_policy", "_generation", "_lock", "where")

    def __init__(self, options: dict[str, Any], where: str) -> None:
        unknown = sorted(set(options) - RULE_OPTIONS)
        if unknown:
            # resources and intercept_exceptions are about paths and the whole app: a view is one path already.
            raise TypeError(
                f"@cors() got option(s) {', '.join(unknown)} that a per-view policy cannot take; "
                f"it takes {', '.join(sorted(RULE_OPTIONS))}"
            )
        self.options = options
        self.where = where
        self._policy: Optional[CORSPolicy] = None
        self._generation = -1
        self._lock = threading.Lock()

    def policy(self) -> CORSPolicy:
        """The policy for the settings in force (rebuilt after ``setting_changed``); ConfigError names the view."""
        from . import conf

        generation = conf.generation()
        policy = self._policy
        if policy is None or self._generation != generation:
            with self._lock:
                base = {name: value for name, value in conf.current().options.items() if name in RULE_OPTIONS}
                if "origins" in self.options:
                    base.pop("send_wildcard", None)  # it came with CORS_ALLOW_ALL_ORIGINS, which the view replaces
                try:
                    policy = CORSPolicy(**{**base, **self.options})
                except ConfigError as error:
                    raise ConfigError(
                        [
                            dataclasses.replace(
                                problem, location=dataclasses.replace(problem.location, source=f"@cors on {self.where}")
                            )
                            for problem in error.problems
                        ]
                    ) from None
                self._policy, self._generation = policy, generation
        return policy


def cors(**options: Any) -> Callable[[F], F]:
    """Give a view its own CORS policy: ``@cors(origins=["https://partner.example"], supports_credentials=True)``.

    Works on function views (above or below other decorators such as ``csrf_exempt``), on a class-based view
    (the class), and on one handler method of a class-based view (``def post(...)``), which wins over the class's.
    """

    def decorate(view: F) -> F:
        global _registered
        where = f"{getattr(view, '__module__', '?')}.{getattr(view, '__qualname__', repr(view))}"
        setattr(view, ATTRIBUTE, ViewPolicy(dict(options), where))
        _registered += 1
        return view

    return decorate


def policy_for(func: Any, method: str) -> Optional[ViewPolicy]:
    """The per-view policy of a resolved view for ``method``: the handler method's, else the class's or function's."""
    view_class = getattr(func, "view_class", None)
    if view_class is not None:
        handler = getattr(view_class, method.lower(), None)
        found = getattr(handler, ATTRIBUTE, None) or getattr(view_class, ATTRIBUTE, None) or getattr(func, ATTRIBUTE, None)
    else:
        found = getattr(func, ATTRIBUTE, None)
    return found if isinstance(found, ViewPolicy) else None
