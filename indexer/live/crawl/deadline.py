"""A deadline on a whole HTTP request: connecting, TLS, the headers and the body together.

httpx's timeouts are per operation (connect, each read, each write), so a server that sends
one byte every few seconds keeps a request alive for ever (encode/httpx#1450, open). The
crawler's client talks to the network through ``DeadlineBackend``, a wrapper round httpcore's
own network backend that gives every socket operation at most the time left until the
request's deadline: the request then ends with httpx's own ``TimeoutException`` once its time
is up, whatever phase it is in. (Name resolution is not covered: ``getaddrinfo`` takes no
timeout.)
"""

from __future__ import annotations

import ssl
import time
import typing
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import httpcore
import httpx

SocketOption = typing.Any  # httpcore's SOCKET_OPTION, a tuple passed to setsockopt


class Deadline:
    """When the request under way must be over (``time.monotonic``), or None between
    requests. One request at a time: the fetcher is not shared between threads."""

    def __init__(self) -> None:
        self.at: float | None = None
        self.reached = False  # a socket operation was cut short by the deadline

    @contextmanager
    def of(self, seconds: float) -> Iterator[None]:
        """Within this block, the request must be over ``seconds`` from now."""
        self.at, self.reached = time.monotonic() + seconds, False
        try:
            yield
        finally:
            self.at = None

    def left(self, timeout: float | None) -> float | None:
        """``timeout`` for one socket operation, shortened to the time left."""
        if self.at is None:
            return timeout
        left = self.at - time.monotonic()
        if timeout is None or left < timeout:
            self.reached = True
            # A zero timeout would make the socket non-blocking, not fail at once.
            return max(left, 0.001)
        return timeout


class DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream, deadline: Deadline) -> None:
        self._inner = inner
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._deadline.left(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._deadline.left(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(ssl_context, server_hostname, self._deadline.left(timeout))
        return DeadlineStream(inner, self._deadline)

    def get_extra_info(self, info: str) -> typing.Any:
        return self._inner.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self, inner: httpcore.NetworkBackend, deadline: Deadline) -> None:
        self._inner = inner
        self._deadline = deadline

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_tcp(
            host, port, self._deadline.left(timeout), local_address, socket_options
        )
        return DeadlineStream(stream, self._deadline)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_unix_socket(path, self._deadline.left(timeout), socket_options)
        return DeadlineStream(stream, self._deadline)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def install(client: httpx.Client, deadline: Deadline) -> int:
    """Put ``deadline`` under every connection pool of ``client`` (its own transport and
    those of proxies taken from the environment); the number of pools it went under.

    httpx has no public way to give its transport a network backend, so this reaches into
    ``HTTPTransport._pool`` and httpcore's ``_network_backend``; ``Fetcher`` refuses to start
    when that finds nothing, rather than crawl without the deadline.
    """
    transports = [client._transport, *client._mounts.values()]
    installed = 0
    for transport in transports:
        pool = (
            getattr(transport, "_pool", None)
            if isinstance(transport, httpx.HTTPTransport)
            else None
        )
        backend = getattr(pool, "_network_backend", None)
        if isinstance(backend, DeadlineBackend):
            installed += 1
        elif isinstance(backend, httpcore.NetworkBackend):
            pool._network_backend = DeadlineBackend(backend, deadline)  # type: ignore[union-attr]
            installed += 1
    return installed
