"""URLs as the crawler compares them: one spelling per page, and an article id per URL."""

from __future__ import annotations

import hashlib
from urllib.parse import urljoin, urlsplit, urlunsplit

SCHEMES = ("http", "https")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def normalize_url(url: str, base: str | None = None) -> str | None:
    """``url`` (resolved against ``base``) in the one spelling the crawler keeps, or None when
    it is not an http(s) address: lower-case scheme and host, no default port, no fragment,
    ``/`` for an empty path.

    >>> normalize_url("HTTPS://Báo.VN:443/a/../b#top")
    'https://xn--bo-mia.vn/b'
    """
    try:
        joined = urljoin(base, url.strip()) if base else url.strip()
        parts = urlsplit(joined)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES or not parts.hostname:
        return None
    try:
        host = parts.hostname.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = _resolve_dots(parts.path) or "/"
    return urlunsplit((scheme, netloc, path, parts.query, ""))


def _resolve_dots(path: str) -> str:
    out: list[str] = []
    segments = path.split("/")
    for i, segment in enumerate(segments):
        if segment == ".":
            if i == len(segments) - 1:
                out.append("")
            continue
        if segment == "..":
            if len(out) > 1:
                out.pop()
            if i == len(segments) - 1:
                out.append("")
            continue
        out.append(segment)
    return "/".join(out)


def host_of(url: str) -> str:
    """The host name of an address (no port): what "the same site" means to the crawler."""
    return (urlsplit(url).hostname or "").lower()


def article_id(url: str) -> str:
    """The id of the article at ``url``: stable for the same address, short, URL-safe.

    >>> article_id("https://baobackan.vn/tin/1.html")
    'web-2ee9eee61b24b70c'
    """
    return "web-" + hashlib.blake2b(url.encode("utf-8"), digest_size=8).hexdigest()
