"""The documentation site (docs/, mkdocs.yml) and the README landing page: short, linked, and building.

The code blocks of every page are run by tests/test_readme_blocks.py; here: the README stays a landing page,
every relative link (and every link into this repository on GitHub) points at a file and heading that exist,
the differences table is the same in the README and in docs/migrating.md, and ``mkdocs build --strict`` passes.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
PAGES = sorted((ROOT / "docs").rglob("*.md"))
REPOSITORY = "https://github.com/wsgi-cors/wsgi_cors/"  # mkdocs.yml's repo_url: links to files outside docs/

_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,}).*?$.*?^ {0,3}\1\s*$", re.MULTILINE | re.DOTALL)
_CODE_SPAN_RE = re.compile(r"(`+).+?\1")
_LINK_RE = re.compile(r"\[(?:[^\[\]]|\[[^\]]*\])*\]\(([^)\s]+)\)")
_HEADING_RE = re.compile(r"^#{1,6} (.+?)\s*#*$", re.MULTILINE)


def prose(document: Path) -> str:
    """The Markdown of ``document`` without its fenced blocks and code spans (links in code are not links)."""
    return _CODE_SPAN_RE.sub("", _FENCE_RE.sub("", document.read_text(encoding="utf-8")))


def anchors(document: Path) -> set[str]:
    """The heading ids of ``document``, as Python-Markdown's toc (MkDocs) and GitHub make them for our headings."""
    found = set()
    for heading in _HEADING_RE.findall(_FENCE_RE.sub("", document.read_text(encoding="utf-8"))):
        text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).replace("`", "")
        found.add(re.sub(r"[-\s]+", "-", re.sub(r"[^\w\s-]", "", text).strip().lower()))
    return found


def links(document: Path) -> list[str]:
    return _LINK_RE.findall(prose(document))


@pytest.mark.parametrize("document", [README, *PAGES], ids=lambda path: path.relative_to(ROOT).as_posix())
def test_every_link_into_the_repository_points_at_an_existing_file_and_heading(document: Path) -> None:
    broken = []
    for target in links(document):
        if target.startswith(REPOSITORY):
            kind, _, rest = target[len(REPOSITORY) :].partition("/")
            branch, _, path = rest.partition("/")
            if kind not in ("blob", "tree") or branch != "main" or not (ROOT / path.split("#")[0]).exists():
                broken.append(target)
            continue
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # https:, mailto: ... outside this repository
            continue
        path, _, anchor = target.partition("#")
        resolved = (document.parent / path).resolve() if path else document
        if not resolved.exists() or ROOT not in resolved.parents:
            broken.append(target)
        elif anchor and (resolved.suffix != ".md" or anchor not in anchors(resolved)):
            broken.append(target)
    assert broken == [], f"{document.relative_to(ROOT)}: links to nothing: {broken}"


def test_the_link_check_sees_a_broken_link_and_a_missing_heading(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("# The `wsgi-cors` command\n\n[a](#the-wsgi-cors-command) [b](#nowhere) `[c](#in-code)`\n")
    assert links(page) == ["#the-wsgi-cors-command", "#nowhere"]
    assert "the-wsgi-cors-command" in anchors(page) and "nowhere" not in anchors(page)


def test_the_readme_is_a_landing_page() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) < 220, f"README.md has {len(lines)} lines: move the detail to a page under docs/"
    # The two commands for a fresh machine stay on the first screen, verbatim.
    first_screen = "\n".join(lines[:30])
    assert (
        "python3 -m venv .venv && .venv/bin/pip install -q -e '.[examples]' && .venv/bin/python examples/flask_app.py"
        in first_screen
    )
    assert (
        "python3 -m venv .venv && .venv/bin/pip install -q -e '.[test,browser,fuzz]' && .venv/bin/python -m pytest"
        in first_screen
    )
    linked = {target.split("#")[0] for target in links(README) if target.startswith("docs/")}
    assert linked >= {page.relative_to(ROOT).as_posix() for page in PAGES}, "the README links to every docs page"


def differences_table(document: Path) -> list[str]:
    lines = document.read_text(encoding="utf-8").splitlines()
    start = lines.index("| # | Flask-CORS | wsgi_cors |")
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append(line.replace("](docs/", "]("))  # the README's links are relative to the top, the page's to docs/
    return rows


def test_the_differences_table_is_the_same_in_the_readme_and_the_migration_page() -> None:
    assert differences_table(README) == differences_table(ROOT / "docs" / "migrating.md")


@pytest.mark.skipif(shutil.which("mkdocs", path=str(Path(sys.executable).parent)) is None, reason="mkdocs not installed")
def test_the_site_builds_with_strict_checks(tmp_path: Path) -> None:
    """mkdocs --strict: every page in the nav, every docs-internal link and anchor resolving (as .ci/run builds it)."""
    mkdocs = shutil.which("mkdocs", path=str(Path(sys.executable).parent))
    result = subprocess.run(
        [str(mkdocs), "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": ""},
    )
    assert result.returncode == 0, result.stdout + result.stderr
