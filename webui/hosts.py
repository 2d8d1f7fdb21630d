"""Which host the app believes it is, and which client it believes it talks to.

Absolute URLs (the OpenSearch description, the widget snippets) are built from
``PUBLIC_URL`` when it is set. Without it they come from the request's ``Host`` header,
which anyone can forge: such a response is marked ``Cache-Control: private``, so a shared
cache never hands one visitor's forged host to the others.

Behind a reverse proxy the client's address, scheme, host and path prefix arrive in
``X-Forwarded-For``, ``-Proto``, ``-Host`` and ``-Prefix``. They are believed only on
requests that come from an address in ``TRUSTED_PROXIES`` (werkzeug's ``ProxyFix`` then
applies them); from anyone else they are ignored, so a client cannot choose its own address
for the rate limits. With ``PUBLIC_URL`` set, it wins everywhere: ``-Host`` and ``-Prefix``
are not believed even from a proxy (a proxy that passed a client's own would let it rewrite
every link of a page), and the path prefix is the one ``PUBLIC_URL`` ends with.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from flask import Flask, Response, current_app, g, request, url_for
from werkzeug.middleware.proxy_fix import ProxyFix

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

_HOST_DEPENDENT = "timkiem_host_dependent"


def public_url(app: Flask | None = None) -> str:
    """``PUBLIC_URL`` without a trailing slash ("" when unset)."""
    return str((app or current_app).config.get("PUBLIC_URL") or "").strip().rstrip("/")


def absolute_url_for(endpoint: str, **values: Any) -> str:
    """``url_for(endpoint, **values)`` as an absolute URL: under ``PUBLIC_URL`` when it is
    set, else from the request's host (and then the response is kept out of shared caches).

    >>> absolute_url_for("widget.script")  # doctest: +SKIP
    'https://tim.example.gov.vn/widget.js'
    """
    base = public_url()
    if not base:
        g.setdefault(_HOST_DEPENDENT, True)
        return url_for(endpoint, _external=True, **values)
    path = url_for(endpoint, **values)
    prefix = request.script_root
    if prefix and path.startswith(prefix):
        path = path[len(prefix) :]  # PUBLIC_URL already holds the prefix, if any
    return base + path


def base_url() -> str:
    """This server's address without a trailing slash, for text such as "add it to your
    Content-Security-Policy"."""
    return absolute_url_for("views.search_page").rstrip("/")


def keep_private_if_host_dependent(response: Response) -> Response:
    """``after_request`` hook: a response built from the request's Host is never stored by
    a shared cache."""
    if g.get(_HOST_DEPENDENT) and not response.cache_control.no_store:
        response.cache_control.public = False
        response.cache_control.s_maxage = None
        response.cache_control.private = True
    return response


def parse_networks(setting: str | Iterable[str] | None) -> tuple[Network, ...]:
    """The proxies ``TRUSTED_PROXIES`` names: addresses or networks, comma-separated.

    >>> parse_networks("127.0.0.1, 10.0.0.0/8")
    (IPv4Network('127.0.0.1/32'), IPv4Network('10.0.0.0/8'))

    Raises ValueError naming a value that is neither.
    """
    items = setting.split(",") if isinstance(setting, str) else list(setting or ())
    networks = []
    for item in (i.strip() for i in items):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(
                f"TRUSTED_PROXIES: {item!r} is not an IP address or network "
                "(such as 127.0.0.1 or 10.0.0.0/8)"
            ) from None
    return tuple(networks)


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "203.0.113.7:5123"
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


class TrustedProxies:
    """WSGI middleware: ``X-Forwarded-*`` believed only from the trusted proxies.

    The client is the right-most ``X-Forwarded-For`` address that is not a trusted proxy
    itself (each proxy appends the address it received the request from), so a client
    cannot pass for another by sending an ``X-Forwarded-For`` of its own.
    """

    def __init__(self, app: Any, networks: Iterable[Network], *, host: bool = True) -> None:
        self.app = app
        self.networks = tuple(networks)
        self.host = int(host)  # believe -Host and -Prefix (not when PUBLIC_URL is set)
        self._fixers: dict[int, ProxyFix] = {}

    def trusted(self, value: str | None) -> bool:
        address = _address(value or "")
        return address is not None and any(address in net for net in self.networks)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if not self.trusted(environ.get("REMOTE_ADDR")):
            return self.app(environ, start_response)
        chain = [v.strip() for v in environ.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        chain = [v for v in chain if v]
        hops = 1
        while hops < len(chain) and self.trusted(chain[-hops]):
            hops += 1
        fixer = self._fixers.get(hops)
        if fixer is None:
            fixer = ProxyFix(
                self.app,
                x_for=hops,
                x_proto=1,
                x_host=self.host,
                x_port=self.host,
                x_prefix=self.host,
            )
            self._fixers[hops] = fixer
        return fixer(environ, start_response)


class PublicPrefix:
    """WSGI middleware: the path prefix of ``PUBLIC_URL`` as the app's ``SCRIPT_NAME``
    (taken off the path too, for a proxy that passes it on)."""

    def __init__(self, app: Any, prefix: str) -> None:
        self.app = app
        self.prefix = prefix

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        if path == self.prefix or path.startswith(self.prefix + "/"):
            environ["PATH_INFO"] = path[len(self.prefix) :] or "/"
        environ["SCRIPT_NAME"] = self.prefix
        return self.app(environ, start_response)


def init_app(app: Flask) -> None:
    """Believe the trusted proxies' headers, and keep host-built answers out of caches."""
    networks = parse_networks(app.config.get("TRUSTED_PROXIES"))
    base = public_url(app)
    prefix = urlsplit(base).path.rstrip("/")
    if prefix:
        app.wsgi_app = PublicPrefix(app.wsgi_app, prefix)  # type: ignore[method-assign]
    if networks:
        proxies = TrustedProxies(app.wsgi_app, networks, host=not base)
        app.wsgi_app = proxies  # type: ignore[method-assign]
    app.after_request(keep_private_if_host_dependent)
    app.after_request(relative_location)


def relative_location(response: Response) -> Response:
    """A redirect to this host says only the path: Werkzeug's router builds an absolute
    Location from the request's Host (``/article//ID`` → ``http://HOST/article/ID``), and a
    client chooses the Host it sends."""
    location = response.headers.get("Location")
    if location:
        parts = urlsplit(location)
        if parts.netloc and parts.netloc == request.host:
            path = "/" + parts.path.lstrip("/")  # never "//…", which names another host
            response.headers["Location"] = urlunsplit(("", "", path, parts.query, ""))
    return response
