"""Configuration errors and warnings.

A bad configuration is refused when the policy is built, never at request time,
and the refusal lists *every* problem at once, each with the fix: a user who
mistyped three options should not need three restarts to find out.
Problems are data (:class:`ConfigProblem`): a stable ``code`` (``wsgi_cors.E001``
for errors, ``wsgi_cors.W001`` for warnings, listed in docs/errors.md), a structured
:class:`Location`, the offending value and the fix, so tools and tests work with
codes and locations rather than wording. A warning carries its problem too
(``warning.problem``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional, Sequence, Union

__all__ = [
    "ConfigError",
    "ConfigProblem",
    "Location",
    "CORSConfigWarning",
    "ShadowedRuleWarning",
    "InsecureConfigWarning",
    "MissingVaryWarning",
    "IgnoredSettingsWarning",
]


@dataclass(frozen=True)
class Location:
    """Where a problem is: an option, in a path rule or at the top level, maybe an item of a list.

    ``rule`` is the rule's path pattern as written (or, for a ``[[resources]]`` table of a file
    that has no path, its position among the tables); ``index`` the item of a list option;
    ``source`` where the value was written when not in code (``cors.toml, line 4``,
    ``environment variable WSGI_CORS_ORIGINS``). ``str()`` gives the familiar form:
    ``origins[2]``, ``resources['/api/*'].max_age``.
    """

    option: Optional[str] = None
    rule: Union[str, int, None] = None
    index: Optional[int] = None
    source: Optional[str] = None

    def __str__(self) -> str:
        text = f"resources[{self.rule!r}]" if self.rule is not None else ""
        if self.option is not None:
            text += f".{self.option}" if text else self.option
        if self.index is not None:
            text += f"[{self.index}]"
        if self.source:
            return f"{self.source}: {text}" if text else self.source
        return text


@dataclass(frozen=True)
class ConfigProblem:
    """One thing wrong with a configuration.

    ``code`` is stable (``wsgi_cors.E014``: one code per kind of problem, never reused);
    ``location`` says where; ``value`` is the offending value; ``problem`` says what is wrong
    and ``fix`` what to write instead.
    """

    code: str
    location: Location
    value: Any
    problem: str
    fix: str

    @property
    def where(self) -> str:
        """The location as text: ``origins[2]``, ``cors.toml, line 4: resources['/api/*'].max_age``."""
        return str(self.location)

    @property
    def is_warning(self) -> bool:
        return ".W" in self.code

    def __str__(self) -> str:
        return f"{self.where}={self.value!r}: {self.problem}. Fix: {self.fix} [{self.code}]"


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
    """A configuration that works but is probably not what was meant.

    ``problem`` is the :class:`ConfigProblem` (code, location, value, fix); ``None`` only for a
    warning built from a bare message by other code.
    """

    def __init__(self, problem: Union[ConfigProblem, str]) -> None:
        self.problem: Optional[ConfigProblem] = problem if isinstance(problem, ConfigProblem) else None
        super().__init__(str(problem))


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
