"""Public suffixes: domains under which anyone can register a name of their own.

``https://*.github.io`` admits every GitHub Pages site and ``https://*.co.uk`` every British
company: with ``supports_credentials=True`` such a pattern lets any stranger's page read
responses made with the user's cookies. jub0bs/cors refuses these patterns for that reason;
the configuration validator does the same unless ``allow_public_suffix_wildcards=True``.

``*.`` stands for one or more labels, so ``https://*.amazonaws.com`` also admits
``https://x.s3.amazonaws.com``, a name anyone can register because ``s3.amazonaws.com`` is on
the list: a wildcard is refused when its domain is a public suffix *or has one under it*.

Both sections of the list count (decided, docs/security.md "Decisions"): the private section is where the
shared hosting domains are (``github.io``, ``s3.amazonaws.com``, ``herokuapp.com``), which are
exactly the names strangers can get, so an ICANN-only reading would miss the common attacks.

The list is Mozilla's Public Suffix List (ICANN and private sections) as shipped inside the
``publicsuffixlist`` package: nothing is downloaded at run time, and the list is parsed only
when a configuration first needs it (about 0.1 s, once per process).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from publicsuffixlist import PublicSuffixList

    from ._origins import OriginMatcher

__all__ = ["is_public_suffix", "public_suffixes_under", "public_suffix_wildcards"]


@functools.lru_cache(maxsize=1)
def _suffix_list() -> "PublicSuffixList":
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList()


@functools.lru_cache(maxsize=1)
def _suffixes_under_index() -> dict[str, tuple[str, ...]]:
    """Every domain that has list entries strictly under it -> those entries (``amazonaws.com`` -> ``s3.amazonaws.com``, ...).

    Built once, lazily, from the rules the package parsed (its ``_publicsuffix`` set holds each rule
    as written and in punycode). A wildcard rule ``*.compute.amazonaws.com`` is kept with its ``*``;
    an exception rule (``!city.kobe.jp``) names a registrable domain, not a suffix, and is skipped.
    """
    rules: frozenset[str] = _suffix_list()._publicsuffix
    index: dict[str, list[str]] = {}
    for rule in rules:
        if rule.startswith("!") or not rule.isascii():
            continue  # the punycode form of a Unicode rule is in the set too; origins are ASCII
        labels = rule.split(".")
        for start in range(1, len(labels)):
            index.setdefault(".".join(labels[start:]), []).append(rule)
    # Shortest first, plain names before wildcard rules: the first one makes the clearest example in a message.
    return {
        domain: tuple(sorted(found, key=lambda rule: (rule.count("."), "*" in rule, rule))) for domain, found in index.items()
    }


def public_suffixes_under(domain: str) -> tuple[str, ...]:
    """The list entries strictly under ``domain``, shortest first (wildcard rules keep their ``*``): ``windows.net`` -> ``blob.core.windows.net``, ..."""
    return _suffixes_under_index().get(domain.lower().rstrip("."), ())


def is_public_suffix(domain: str) -> bool:
    """Whether ``domain`` is a public suffix (``com``, ``co.uk``, ``github.io``), so that anyone can register names under it.

    A name the list does not know is a public suffix when it is a single label (``corp``,
    ``internal``): the list's default rule ``*``, since a new top-level domain is open to anyone.
    ``localhost`` is the exception: its subdomains are loopback names (RFC 6761), no one's to register.
    """
    name = domain.lower().rstrip(".")
    if not name:
        return False
    if name == "localhost" or name.endswith(".localhost"):
        return False
    return _suffix_list().is_public(name)


def public_suffix_wildcards(origins: "OriginMatcher") -> list[tuple[str, Optional[str]]]:
    """The subdomain patterns of a compiled ``origins`` option that admit names anyone can register, as written.

    Each comes with ``None`` when its parent domain is itself a public suffix (``https://*.github.io:*``),
    or with a public suffix that lies under its parent (``https://*.amazonaws.com`` -> ``s3.amazonaws.com``),
    since ``*.`` spans several labels. ``https://*.example.com`` is not reported.
    """
    found: list[tuple[str, Optional[str]]] = []
    for (scheme, domain), ports in sorted(origins.subdomains.items()):
        if is_public_suffix(domain):
            under: Optional[str] = None
        else:
            below = public_suffixes_under(domain)
            if not below:
                continue
            under = below[0]
        for port in sorted(ports):
            found.append((f"{scheme}://*.{domain}" + (f":{port}" if port else ""), under))
    return found
