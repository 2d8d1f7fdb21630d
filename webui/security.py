"""Security headers on every response: a Content-Security-Policy, nosniff, a referrer policy.

The policy allows scripts, styles, images and requests from this server only, and no inline
script or style at all: the templates keep their scripts and styles in ``static/``. A page
that cannot be framed is the rule (``frame-ancestors 'none'``); the ``/embed`` page, made to
be framed, relaxes that for the sites allowed to use the search (``allow_framing``).

A view may widen one directive for its own response (``allow``), never the rest.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask, Response, g

# The policy of every response, directive by directive.
POLICY: dict[str, tuple[str, ...]] = {
    "default-src": ("'self'",),
    "script-src": ("'self'",),
    "style-src": ("'self'",),
    "img-src": ("'self'", "data:"),
    "connect-src": ("'self'",),
    "object-src": ("'none'",),
    "base-uri": ("'none'",),
    "form-action": ("'self'",),
    "frame-ancestors": ("'none'",),
}

HEADERS: dict[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}

_EXTRA = "timkiem_csp_extra"
_FRAMING = "timkiem_csp_framing"
_ANY = "*"


def allow(directive: str, *sources: str) -> None:
    """Add ``sources`` to one directive of this request's policy (``form-action``, …)."""
    extra: dict[str, list[str]] = g.setdefault(_EXTRA, {})
    extra.setdefault(directive, []).extend(sources)


def allow_framing(origins: Iterable[str] | None) -> None:
    """Let the sites ``origins`` (None: any site) put this response in a frame."""
    setattr(g, _FRAMING, _ANY if origins is None else tuple(sorted(origins)))


def policy() -> str:
    """This request's Content-Security-Policy header value."""
    directives = {name: list(sources) for name, sources in POLICY.items()}
    for name, sources in g.get(_EXTRA, {}).items():
        directives.setdefault(name, []).extend(s for s in sources if s not in directives[name])
    framing = g.get(_FRAMING)
    if framing == _ANY:
        del directives["frame-ancestors"]  # any site may frame it, as without the directive
    elif framing is not None:
        directives["frame-ancestors"] = ["'self'", *framing]
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def add_security_headers(response: Response) -> Response:
    """``after_request`` hook: the policy and the other headers, unless a view set its own
    (the admin pages send ``Referrer-Policy: no-referrer``)."""
    response.headers.setdefault("Content-Security-Policy", policy())
    if g.get(_FRAMING) is None:
        response.headers.setdefault("X-Frame-Options", "DENY")
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)
