"""Make request-derived text safe to show in logs, messages and terminals.

Request headers are attacker-controlled: CR/LF in a logged value forges log
lines (Flask-CORS CVE-2024-1681) and a 1 MiB header makes a 1 MiB log line.
Everything taken from a request goes through :func:`display` before it is put
into a sentence.
"""

from __future__ import annotations

__all__ = ["display", "MAX_DISPLAY_LENGTH"]

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
