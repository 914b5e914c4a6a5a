"""Python's own regex parser, for reading what a pattern can match: the one place that imports it.

``re._parser`` (``sre_parse`` before Python 3.11) is private, and it is needed: a path rule's literal
prefix and whether it covers every path under it (the prefix index, shadowed rules), an origin
regex's fixed dotted ending (the suffix index) and whether it can admit a plain-``http`` origin are
properties of the pattern that only its parse tree states reliably (a hand-written scanner misread
``[](]`` and ``(?>.*)(?<!x)``). It is only ever *read*, never used to match, and every reader
treats a failure or an opcode it does not know as "unknown" and takes the cautious answer (no
prefix, does not cover, may admit), so a future Python can cost precision, never safety. The
differential tests (tests/security/test_*_differential.py) compare every use with plain ``re``.
"""

from __future__ import annotations

try:
    from re import _parser as parser  # type: ignore[attr-defined]  # Python 3.11+
except ImportError:  # pragma: no cover - Python 3.9 and 3.10
    import sre_parse as parser

__all__ = ["parser"]
