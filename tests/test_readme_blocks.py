"""Every code block of the README and of the documentation site (docs/) runs, so the documentation cannot rot.

How each fenced block is exercised, by its language:

* ``python``: executed on its own, in a fresh namespace, in a temporary working directory (which
  holds the document's ``file:`` blocks, see below), with the repository importable
  (``from examples.flask_app import app``). If the very next block (blank lines only in between)
  is a ``text`` block, it is the expected standard output, compared exactly.
* ``toml``: loaded with :func:`wsgi_cors._configfile.load_config` and validated, with no
  environment; a configuration warning fails the test.
* ``console``: lines starting with ``$ `` are commands, the lines after one are its output,
  compared exactly (trailing spaces ignored). A command is ``wsgi-cors ...`` or
  ``python -m wsgi_cors ...``, optionally preceded by ``NAME=value`` environment assignments; it is
  run in-process through ``wsgi_cors._cli.main`` with stdout and stderr together, as a terminal shows
  them. A command shown without output must exit with status 0.
* ``sh``, ``shell``, ``bash``: commands without output, each run as above and required to exit 0.

Markers, an HTML comment on the line right before a block (blank lines allowed in between):

* ``<!-- no-test: REASON -->``: the block is not exercised, for blocks that cannot run in a test (a
  fresh-machine install, a server that runs until Ctrl-C). The reason is required.
* ``<!-- file: NAME -->``: the block is also saved as ``NAME`` in the working directory of every
  block of every document, so a command can use the configuration shown above it, or on another page
  (``cors.toml`` of docs/getting-started.md is the one the command and troubleshooting pages check).
  Two documents may not show different files under one name.
  ``<!-- file: NAME, invalid -->`` marks a TOML file shown for its errors: it must fail validation.
  A file block in a language with no runner of its own (an ``ini`` file) is exercised by the blocks
  that use it.

Any other block fails the test until it is made runnable or marked. The documents are ``README.md``
and every ``docs/**/*.md`` page, or the files listed in ``$DOC_BLOCKS_FILES`` (separated by
``os.pathsep``), to try a draft section before it is merged.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import re
import shlex
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

import pytest

from wsgi_cors import ConfigError
from wsgi_cors._cli import main
from wsgi_cors._configfile import ENV_PREFIX, load_config

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [Path(path) for path in os.environ.get("DOC_BLOCKS_FILES", "").split(os.pathsep) if path] or [
    ROOT / "README.md",
    *sorted((ROOT / "docs").rglob("*.md")),
]

SHELL_LANGUAGES = frozenset({"sh", "shell", "bash"})
# argparse wraps help text to the terminal width; a fixed width keeps shown --help output stable.
TERMINAL_COLUMNS = "100"

_FENCE_RE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`]*)$")
_MARKER_RE = re.compile(r"^\s*<!--\s*(?P<kind>no-test|file)\s*:\s*(?P<value>.*?)\s*-->\s*$")
_ASSIGNMENT_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


@dataclass
class Block:
    document: Path
    line: int  # 1-based line of the opening fence
    language: str
    code: str
    no_test: Optional[str] = None
    file_name: Optional[str] = None
    invalid: bool = False
    output: Optional["Block"] = None  # the text block showing a python block's output
    is_output: bool = False

    @property
    def id(self) -> str:
        try:
            name = self.document.resolve().relative_to(ROOT).as_posix()
        except ValueError:
            name = self.document.name
        return f"{name}:{self.line}:{self.language or 'plain'}"


def parse_blocks(document: Path) -> list[Block]:
    """The fenced blocks of a Markdown document, with their markers and output blocks attached."""
    lines = document.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    pending: Optional[re.Match[str]] = None
    previous_block: Optional[Block] = None  # reset by any non-blank line that is not a block
    index = 0
    while index < len(lines):
        line = lines[index]
        opening = _FENCE_RE.match(line)
        if opening is None:
            marker = _MARKER_RE.match(line)
            if marker:
                if pending is not None:
                    raise AssertionError(f"{document.name}:{index + 1}: a marker after a marker; one marker per block")
                pending = marker
            elif line.strip():
                if pending is not None:
                    raise AssertionError(
                        f"{document.name}:{index}: the marker {pending.group(0).strip()} is not followed by a block"
                    )
                previous_block = None
            index += 1
            continue
        fence = opening["fence"]
        end = index + 1
        while end < len(lines) and not lines[end].strip().startswith(fence[0] * len(fence)):
            end += 1
        block = Block(
            document,
            index + 1,
            opening["info"].split()[0] if opening["info"].strip() else "",
            "\n".join(lines[index + 1 : end]) + "\n",
        )
        if pending is not None:
            if pending["kind"] == "no-test":
                if not pending["value"]:
                    raise AssertionError(f"{block.id}: <!-- no-test: --> needs the reason the block cannot run")
                block.no_test = pending["value"]
            else:
                name, _, flag = pending["value"].partition(",")
                block.file_name, block.invalid = name.strip(), flag.strip() == "invalid"
            pending = None
        if (
            block.language == "text"
            and previous_block is not None
            and previous_block.language == "python"
            and previous_block.no_test is None
            and block.no_test is None
        ):
            previous_block.output, block.is_output = block, True
        blocks.append(block)
        previous_block = block
        index = end + 1
    return blocks


def shown_files(documents: list[Path]) -> dict[str, Block]:
    """The ``file:`` blocks of all the documents, by name; one name shows one file everywhere."""
    files: dict[str, Block] = {}
    for document in documents:
        for block in parse_blocks(document):
            if block.file_name:
                first = files.setdefault(block.file_name, block)
                if first.code != block.code:
                    raise AssertionError(f"{block.id} shows another {block.file_name} than {first.id}; rename one")
    return files


@functools.lru_cache(maxsize=None)
def _documents_files() -> dict[str, Block]:
    return shown_files(DOCUMENTS)


def exercised_blocks() -> list[object]:
    return [
        pytest.param(block, id=block.id)
        for document in DOCUMENTS
        for block in parse_blocks(document)
        if block.no_test is None and not block.is_output
    ]


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A working directory with the documents' files, the repository importable and no WSGI_CORS_* settings."""
    for name, shown in _documents_files().items():
        (tmp_path / name).write_text(shown.code, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(ROOT))
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in [name for name in os.environ if name.startswith(ENV_PREFIX)]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("COLUMNS", TERMINAL_COLUMNS)
    before = set(sys.modules)
    yield tmp_path
    for name in set(sys.modules) - before:  # modules the block imported from its own directory must not leak
        if str(getattr(sys.modules[name], "__file__", "") or "").startswith(str(tmp_path)):
            del sys.modules[name]


@pytest.mark.parametrize("block", exercised_blocks())
def test_block(block: Block, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if block.language == "python":
        run_python(block)
    elif block.language == "toml":
        run_toml(block, workdir)
    elif block.language == "console":
        run_console(block, monkeypatch)
    elif block.language in SHELL_LANGUAGES:
        for command in _joined_lines(block.code.splitlines()):
            if command.strip() and not command.lstrip().startswith("#"):
                _expect_success(block, command, monkeypatch)
    elif block.file_name:
        pass  # only saved: the blocks that read the file exercise it
    else:
        pytest.fail(
            f"{block.id}: a {block.language or 'plain'!r} block cannot be exercised; "
            "make it python/toml/console/sh, or mark it <!-- no-test: REASON -->"
        )


def run_python(block: Block) -> None:
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        exec(compile(block.code, block.id, "exec"), {"__name__": "__readme__"})
    if block.output is not None:
        assert _normalised(stdout.getvalue()) == _normalised(block.output.code), f"output shown at {block.output.id}"


def run_toml(block: Block, workdir: Path) -> None:
    path = workdir / (block.file_name or "block.toml")
    path.write_text(block.code, encoding="utf-8")
    if block.invalid:
        with pytest.raises(ConfigError):
            load_config(path, environ={})
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            load_config(path, environ={})


def run_console(block: Block, monkeypatch: pytest.MonkeyPatch) -> None:
    commands: list[tuple[str, list[str]]] = []
    for line in _joined_lines(block.code.splitlines()):
        if line.startswith("$ "):
            commands.append((line[2:], []))
        elif commands:
            commands[-1][1].append(line)
        elif line.strip():
            pytest.fail(f"{block.id}: output before the first '$ ' command: {line!r}")
    assert commands, f"{block.id}: a console block needs '$ ' commands"
    for command, shown in commands:
        if not "".join(shown).strip():
            _expect_success(block, command, monkeypatch)
            continue
        _, output = run_command(block, command, monkeypatch)
        assert _normalised(output) == _normalised("\n".join(shown)), f"{block.id}: output of $ {command}"


def run_command(block: Block, command: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    """Run one wsgi-cors command line in-process; return its status and its stdout and stderr, interleaved."""
    words = shlex.split(command)
    with monkeypatch.context() as scoped:
        while words and _ASSIGNMENT_RE.match(words[0]):
            name, _, value = words.pop(0).partition("=")
            scoped.setenv(name, value)
        if words[:1] == ["wsgi-cors"]:
            argv = words[1:]
        elif words[:3] in (["python", "-m", "wsgi_cors"], ["python3", "-m", "wsgi_cors"]):
            argv = words[3:]
        else:
            pytest.fail(
                f"{block.id}: cannot run {command!r} in a test: only wsgi-cors commands run; "
                "mark the block <!-- no-test: REASON --> if it must show another command"
            )
        output = io.StringIO()
        with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
            try:
                status = main(argv)
            except SystemExit as exit_:  # argparse: --help, or a usage error
                status = exit_.code if isinstance(exit_.code, int) else 1
    return status, output.getvalue()


def _expect_success(block: Block, command: str, monkeypatch: pytest.MonkeyPatch) -> None:
    status, output = run_command(block, command, monkeypatch)
    assert status == 0, f"{block.id}: $ {command} exited with {status}:\n{output}"


def _joined_lines(lines: list[str]) -> list[str]:
    """Lines with shell continuations (a trailing backslash) joined."""
    joined: list[str] = []
    carry = ""
    for line in lines:
        if line.endswith("\\"):
            carry += line[:-1]
            continue
        joined.append(carry + line)
        carry = ""
    if carry:
        joined.append(carry)
    return joined


def _normalised(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


# --- the convention itself -------------------------------------------------------------------


def test_the_documents_have_blocks_to_exercise() -> None:
    assert exercised_blocks(), f"no runnable block in {', '.join(map(str, DOCUMENTS))}"


def test_every_docs_page_is_exercised() -> None:
    """A page added under docs/ is picked up by the glob, not by a list someone must remember to extend."""
    if os.environ.get("DOC_BLOCKS_FILES"):
        pytest.skip("DOC_BLOCKS_FILES names the documents")
    pages = {path.relative_to(ROOT).as_posix() for path in (ROOT / "docs").rglob("*.md")}
    assert pages and pages <= {path.relative_to(ROOT).as_posix() for path in DOCUMENTS}


def test_one_file_name_shows_one_file_across_documents(tmp_path: Path) -> None:
    first, second = tmp_path / "a.md", tmp_path / "b.md"
    first.write_text("<!-- file: cors.toml -->\n```toml\nmax_age = 1\n```\n")
    second.write_text("<!-- file: cors.toml -->\n```toml\nmax_age = 2\n```\n")
    assert shown_files([first, first])["cors.toml"].code == "max_age = 1\n"
    with pytest.raises(AssertionError, match="shows another cors.toml"):
        shown_files([first, second])


def test_a_block_with_an_unknown_language_must_be_marked(tmp_path: Path) -> None:
    document = tmp_path / "doc.md"
    document.write_text("Some text.\n\n<!-- no-test: an illustration -->\n```http\nGET / HTTP/1.1\n```\n\n```ini\n[x]\n```\n")
    blocks = parse_blocks(document)
    assert [(block.language, block.no_test) for block in blocks] == [("http", "an illustration"), ("ini", None)]


def test_a_text_block_right_after_a_python_block_is_its_output(tmp_path: Path) -> None:
    document = tmp_path / "doc.md"
    document.write_text("```python\nprint(1)\n```\n\n```text\n1\n```\n\nProse.\n\n```text\nnot output\n```\n")
    first, output, other = parse_blocks(document)
    assert (first.output, output.is_output, other.is_output) == (output, True, False)


def test_a_file_marker_names_the_block_and_may_mark_it_invalid(tmp_path: Path) -> None:
    document = tmp_path / "doc.md"
    document.write_text(
        "<!-- file: cors.toml -->\n```toml\nmax_age = 1\n```\n\n<!-- file: bad.toml, invalid -->\n\n```toml\nmax_age = -1\n```\n"
    )
    assert [(block.file_name, block.invalid) for block in parse_blocks(document)] == [("cors.toml", False), ("bad.toml", True)]


@pytest.mark.parametrize("text", ["<!-- no-test: -->\n```sh\nx\n```\n", "<!-- no-test: why -->\nProse.\n```sh\nx\n```\n"])
def test_a_marker_needs_a_reason_and_a_block_right_after_it(tmp_path: Path, text: str) -> None:
    document = tmp_path / "doc.md"
    document.write_text(text)
    with pytest.raises(AssertionError):
        parse_blocks(document)
