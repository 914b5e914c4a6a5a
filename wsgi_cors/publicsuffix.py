"""Public suffixes: domains under which anyone can register a name of their own.

``https://*.github.io`` admits every GitHub Pages site and ``https://*.co.uk`` every British
company: with ``supports_credentials=True`` such a pattern lets any stranger's page read
responses made with the user's cookies. jub0bs/cors refuses these patterns for that reason;
the configuration validator does the same unless ``allow_public_suffix_wildcards=True``.

The list is Mozilla's Public Suffix List (ICANN and private sections) as shipped inside the
``publicsuffixlist`` package: nothing is downloaded at run time, and the list is parsed only
when a configuration first needs it (about 0.1 s, once per process).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from publicsuffixlist import PublicSuffixList

    from .origins import OriginMatcher

__all__ = ["is_public_suffix", "public_suffix_wildcards"]


@functools.lru_cache(maxsize=1)
def _suffix_list() -> "PublicSuffixList":
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList()


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


def public_suffix_wildcards(origins: "OriginMatcher") -> list[str]:
    """The subdomain patterns of a compiled ``origins`` option whose parent domain is a public suffix, as written.

    ``https://*.github.io:*`` is reported as written; ``https://*.example.com`` is not reported.
    """
    found = []
    for (scheme, domain), ports in sorted(origins.subdomains.items()):
        if is_public_suffix(domain):
            for port in sorted(ports):
                found.append(f"{scheme}://*.{domain}" + (f":{port}" if port else ""))
    return found
