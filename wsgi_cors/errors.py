"""Configuration errors and warnings.

A bad configuration is refused when the policy is built, never at request time,
and the refusal lists *every* problem at once, each with the fix: a user who
mistyped three options should not need three restarts to find out.
Errors are data (:class:`ConfigProblem`) so tools such as the ``wsgi-cors lint``
command can print or serialise them; the message of :class:`ConfigError` is the
same list, readable.
"""

from __future__ import annotations

from typing import Any, NamedTuple, Sequence

__all__ = [
    "ConfigError",
    "ConfigProblem",
    "CORSConfigWarning",
    "ShadowedRuleWarning",
    "InsecureConfigWarning",
    "MissingVaryWarning",
    "IgnoredSettingsWarning",
]


class ConfigProblem(NamedTuple):
    """One thing wrong with a configuration.

    ``where`` names the option as the user wrote it (``origins[2]``,
    ``resources['/api/*'].max_age``); ``value`` is the offending value;
    ``problem`` says what is wrong and ``fix`` what to write instead.
    """

    where: str
    value: Any
    problem: str
    fix: str

    def __str__(self) -> str:
        return f"{self.where}={self.value!r}: {self.problem}. Fix: {self.fix}"


class ConfigError(ValueError):
    """A configuration that cannot be built into a policy.

    ``problems`` lists every problem found; the message lists them one a line.
    It is a :class:`ValueError` so code written for Flask-CORS, which raises
    ``ValueError`` for bad options, keeps working.
    """

    def __init__(self, problems: Sequence[ConfigProblem]) -> None:
        self.problems: tuple[ConfigProblem, ...] = tuple(problems)
        count = len(self.problems)
        lines = [f"invalid CORS configuration ({count} problem{'s' if count != 1 else ''}):"]
        lines.extend(f"  - {problem}" for problem in self.problems)
        super().__init__("\n".join(lines))


class CORSConfigWarning(UserWarning):
    """A configuration that works but is probably not what was meant."""


class ShadowedRuleWarning(CORSConfigWarning):
    """A path rule that can never match because a rule that wins over it covers all its paths."""


class InsecureConfigWarning(CORSConfigWarning):
    """A configuration that works but weakens security (e.g. plain-http origins with credentials)."""


class MissingVaryWarning(InsecureConfigWarning):
    """``vary_header=False``: responses whose CORS headers depend on the Origin do not say so, so a cache may replay them."""


class IgnoredSettingsWarning(CORSConfigWarning):
    """Settings meant for CORS that this constructor does not read (a Flask app's ``CORS_*`` keys, ``WSGI_CORS_*`` variables).

    Left unread they change nothing, and the policy in force is the one in code (by default, any origin),
    which is exactly what their author did not mean.
    """
