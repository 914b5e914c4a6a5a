"""wsgi_cors as of an earlier commit, importable beside the current one as ``wsgi_cors_baseline``.

The benchmark compares the code under test with a past version of itself in the same run, interleaved
like every other implementation, since times from two runs on a shared machine are not comparable.
``git archive REF wsgi_cors`` is unpacked into a temporary directory, the package directory renamed,
and the few places that name the package absolutely rewritten, so nothing of the baseline resolves to
the current ``wsgi_cors`` (which is checked after the import).
"""

from __future__ import annotations

import atexit
import importlib
import io
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from typing import Any, Dict, Optional

PACKAGE = "wsgi_cors"
NAME = "wsgi_cors_baseline"
# The commit before the issue 9/10 work: the "today" that issue 10's performance targets compare with.
DEFAULT_REF = "f31fc34"

REPOSITORY = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# `import wsgi_cors...` / `from wsgi_cors... import` statements (also inside docstrings: harmless there), and
# comparisons of a module name with the package's (the stacklevel helper of config.py).
_IMPORT = re.compile(r"^(\s*(?:from|import)\s+)wsgi_cors\b", re.MULTILINE)
_NAME_COMPARISON = re.compile(r"""(==\s*)(["'])wsgi_cors\2""")

_loaded: Dict[str, Dict[str, Any]] = {}
_failed: Dict[str, str] = {}


class BaselineUnavailable(RuntimeError):
    pass


def _git(*args: str) -> bytes:
    result = subprocess.run(["git", "-C", REPOSITORY, *args], capture_output=True, timeout=60)
    if result.returncode != 0:
        raise BaselineUnavailable(f"git {' '.join(args)}: {result.stderr.decode(errors='replace').strip() or 'failed'}")
    return result.stdout


def _extract(ref: str) -> Dict[str, Any]:
    commit = _git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").decode().strip()
    archive = _git("archive", "--format=tar", commit, PACKAGE)
    directory = tempfile.mkdtemp(prefix="wsgi_cors_baseline-")
    atexit.register(shutil.rmtree, directory, True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        members = [member for member in tar.getmembers() if member.isfile() or member.isdir()]
        # Our own repository's tree; the "data" filter where Python has it (3.12+, and security releases).
        extra = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
        tar.extractall(directory, members=members, **extra)
    package_dir = os.path.join(directory, NAME)
    os.rename(os.path.join(directory, PACKAGE), package_dir)
    rewrites = 0
    for root, _, files in os.walk(package_dir):
        for name in files:
            if not name.endswith(".py"):
                continue
            path = os.path.join(root, name)
            with open(path, encoding="utf-8") as handle:
                source = handle.read()
            source, imports = _IMPORT.subn(rf"\g<1>{NAME}", source)
            source, comparisons = _NAME_COMPARISON.subn(rf"\g<1>\g<2>{NAME}\g<2>", source)
            if imports or comparisons:
                rewrites += imports + comparisons
                with open(path, "w", encoding="utf-8") as handle:
                    handle.write(source)
    return {"ref": ref, "commit": commit, "directory": directory, "rewrites": rewrites}


def load(ref: str = DEFAULT_REF) -> Any:
    """The baseline package (``wsgi_cors_baseline``) for ``ref``; BaselineUnavailable if it cannot be had.

    One baseline per process: the package name is fixed, so a second ref is refused rather than mixed in.
    """
    if ref in _failed:
        raise BaselineUnavailable(_failed[ref])
    if _loaded and ref not in _loaded:
        raise BaselineUnavailable(f"a baseline for {next(iter(_loaded))!r} is already loaded in this process")
    if ref not in _loaded:
        try:
            info = _extract(ref)
            sys.path.insert(0, info["directory"])
            try:
                module = importlib.import_module(NAME)
            finally:
                sys.path.remove(info["directory"])  # imported modules stay; nothing else resolves there
        except (BaselineUnavailable, OSError, subprocess.SubprocessError, tarfile.TarError, ImportError) as error:
            _failed[ref] = f"{type(error).__name__}: {error}"
            raise BaselineUnavailable(_failed[ref]) from error
        # Nothing of the baseline may refer to the current package (a missed absolute import would).
        leaked = sorted(
            f"{name}.{attribute}"
            for name, baseline_module in list(sys.modules.items())
            if name == NAME or name.startswith(NAME + ".")
            for attribute, value in vars(baseline_module).items()
            if getattr(value, "__module__", None) is not None
            and str(getattr(value, "__module__", "")).split(".")[0] == PACKAGE
            or (type(value) is type(sys) and value.__name__.split(".")[0] == PACKAGE)
        )
        if leaked:
            raise BaselineUnavailable(f"the baseline refers to the current {PACKAGE}: {', '.join(leaked[:5])}")
        info["module"] = module
        _loaded[ref] = info
    return _loaded[ref]["module"]


def info(ref: str = DEFAULT_REF) -> Optional[Dict[str, Any]]:
    """Where the loaded baseline came from (ref, commit, rewrites), without the module; None if not loaded."""
    entry = _loaded.get(ref)
    return None if entry is None else {key: value for key, value in entry.items() if key not in ("module", "directory")}


def problem(ref: str = DEFAULT_REF) -> Optional[str]:
    """None if the baseline for ``ref`` loads, else why not."""
    try:
        load(ref)
    except BaselineUnavailable as error:
        return str(error)
    return None
