"""``python -m wsgi_cors``: the ``wsgi-cors`` command, for environments without the console script."""

from __future__ import annotations

from ._cli import main

if __name__ == "__main__":
    raise SystemExit(main())
