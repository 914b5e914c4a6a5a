"""Make request-derived text safe to show in logs, messages and terminals.

Request headers are attacker-controlled: CR/LF in a logged value forges log
lines (Flask-CORS CVE-2024-1681) and a 1 MiB header makes a 1 MiB log line.
Everything taken from a request goes through :func:`display` before it is put
into a sentence.
"""

from __future__ import annotations

__all__ = ["display", "printable", "MAX_DISPLAY_LENGTH"]

# Long enough for any real origin (scheme + 253-byte host + port) or header name.
MAX_DISPLAY_LENGTH = 300


def display(value: str, limit: int = MAX_DISPLAY_LENGTH) -> str:
    """Return ``value`` quoted, with control and non-ASCII characters escaped, cut to ``limit`` characters.

    The result is printable ASCII, so it cannot break a log line, a terminal or a header.
    """
    cut = value[:limit]
    shown = ascii(cut)  # escapes \r \n \x00 and any non-ASCII character, adds quotes
    if len(value) > limit:
        shown += f"... ({len(value)} characters)"
    return shown


def printable(text: str) -> str:
    """Return ``text`` with every character a terminal could act on escaped, the rest as it is.

    For values shown in the command line's output (path patterns, origins, variable names), where
    quoting every value as :func:`display` does would hurt reading: letters of any script stay, but
    control characters (ESC, CSI, CR, BEL, ...), format characters (bidi overrides), line and
    paragraph separators and unassigned code points become ``\\xNN``, ``\\uNNNN`` or ``\\UNNNNNNNN``.
    """
    if text.isprintable():
        return text
    return "".join(character if character.isprintable() else _escape(character) for character in text)


def _escape(character: str) -> str:
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
