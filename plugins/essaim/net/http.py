"""The one HTTP client of Essaim: every file fetched from a server we do not control (a peer,
later a registry or a calendar) goes through it.

What a hostile server cannot do through it: hold a request up (a time-out per read, and a
deadline per file that shuts the connection down, headers included), send more than a size cap,
redirect more than five times, or lead it to a loopback, private or link-local address (decided
on the resolved address, before connecting, for the first request, every redirect and every
retry; `allow_private` lifts this for tests and intranets). Retries with back-off on connection
errors and 5xx; conditional requests; a User-Agent naming the project. Every failure is a
`FetchError` whose message is French and names the URL.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
import socket
import sys
import threading
import weakref
from dataclasses import dataclass
from importlib import metadata
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3 import HTTPConnectionPool, PoolManager
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError, ReadTimeoutError
from urllib3.util.connection import create_connection
from urllib3.util.retry import Retry


def _version() -> str:
    try:
        return metadata.version("essaim")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a checkout
        return "0"


USER_AGENT = f"Essaim/{_version()} (annuaire fédéré de l'ESS)"


class FetchError(Exception):
    """A file could not be fetched (the message names the URL and says why, in French). For an
    HTTP error, `status` is its code, `retry_after` the seconds its Retry-After header asks for
    (a number of seconds; None otherwise) and `detail` the start of its body (4 KB at most)."""

    def __init__(
        self, message: str, status: int | None = None, retry_after: float | None = None, detail: bytes = b""
    ) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after
        self.detail = detail


ERROR_DETAIL_BYTES = 4096
ASCII_NUMBER = re.compile(r"[0-9]+")  # str.isdigit() also takes "²", which int() refuses


def _seconds(header: str | None) -> float | None:
    """A Retry-After header given in seconds (an HTTP date is not trusted: clocks differ)."""
    text = (header or "").strip()
    return float(text) if ASCII_NUMBER.fullmatch(text) and len(text) <= 6 else None


class _Refused(Exception):
    """An address the client may not connect to (raised before connecting; never retried)."""


class _Expired(Exception):
    """The file's deadline has passed: no new connection (never retried)."""


def is_private(address: str) -> bool:
    """Whether an IP address is off the public Internet: loopback, private, link-local (cloud
    metadata), shared, reserved, multicast... A neighbouring directory's server never is."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


class _Guard:
    """What every connection of one Client obeys: the addresses it may reach (decided on the
    resolved address, before connecting, for every request and redirect), and the deadline of
    the file being fetched (then its connections are shut down, and no new one is opened)."""

    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private
        # Sockets, not connections: a response read to its end keeps the socket its connection
        # has let go of (HTTP/1.0, "Connection: close").
        self.sockets: weakref.WeakSet[socket.socket] = weakref.WeakSet()
        self.expired = threading.Event()

    def open(self, conn: HTTPConnection) -> socket.socket:
        """A socket to `conn`'s host, connected to an address resolved and checked here (the
        one checked is the one connected to: no second lookup an attacker could answer)."""
        if self.expired.is_set():
            raise _Expired()
        try:
            found = socket.getaddrinfo(conn.host, conn.port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError, ValueError) as error:  # "a..b": an empty label
            raise NameResolutionError(conn.host, conn, error) from error
        addresses = list(dict.fromkeys(str(info[4][0]) for info in found))
        refused = [a for a in addresses if is_private(a)]
        if refused and not self.allow_private:
            named = "" if conn.host == refused[0] else f" ({conn.host})"
            raise _Refused(f"adresse locale ou privée {refused[0]}{named}")
        last: Exception = NewConnectionError(conn, f"no address for {conn.host}")
        for address in addresses:  # like socket.create_connection: each address in turn
            try:
                sock = create_connection(
                    (address, conn.port),
                    conn.timeout,
                    source_address=conn.source_address,
                    socket_options=conn.socket_options,
                )
            except TimeoutError as error:
                last = ConnectTimeoutError(conn, f"Connection to {conn.host} timed out")
                last.__cause__ = error
            except OSError as error:
                last = NewConnectionError(conn, f"Failed to establish a new connection: {error}")
                last.__cause__ = error
            else:
                sys.audit("http.client.connect", conn, conn.host, conn.port)
                return sock
        raise last

    def connected(self, conn: HTTPConnection) -> None:
        """Note a connection's socket (TLS included) to shut down at the deadline."""
        self.sockets.add(conn.sock)
        if self.expired.is_set():  # the deadline passed while it was connecting
            conn.close()
            raise _Expired()

    def expire(self) -> None:
        """Shut every socket down: a read blocked on one returns at once."""
        self.expired.set()
        for sock in list(self.sockets):
            with contextlib.suppress(OSError):
                socket.socket.shutdown(sock, socket.SHUT_RDWR)  # the TCP socket, under any TLS


class _GuardedConnection:
    """Mixed into urllib3's connections: connect through the guard."""

    def __init__(self, *args: Any, guard: _Guard, **kwargs: Any) -> None:
        self.guard = guard
        super().__init__(*args, **kwargs)

    def _new_conn(self) -> socket.socket:
        return self.guard.open(self)  # type: ignore[arg-type]

    def connect(self) -> None:
        super().connect()  # type: ignore[misc]
        self.guard.connected(self)  # type: ignore[arg-type]


class _GuardedHTTPConnection(_GuardedConnection, HTTPConnection):
    pass


class _GuardedHTTPSConnection(_GuardedConnection, HTTPSConnection):
    pass


class _GuardedPoolManager(PoolManager):
    def __init__(self, *args: Any, guard: _Guard, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.guard = guard

    def _new_pool(self, scheme: str, host: str, port: int, request_context: Any = None) -> HTTPConnectionPool:
        pool = super()._new_pool(scheme, host, port, request_context)
        pool.ConnectionCls = _GuardedHTTPSConnection if scheme == "https" else _GuardedHTTPConnection
        pool.conn_kw["guard"] = self.guard
        return pool


class _GuardedAdapter(HTTPAdapter):
    def __init__(self, guard: _Guard, **kwargs: Any) -> None:
        self.guard = guard
        super().__init__(**kwargs)

    def init_poolmanager(self, connections: int, maxsize: int, block: bool = False, **kwargs: Any) -> None:
        self._pool_connections, self._pool_maxsize, self._pool_block = connections, maxsize, block
        self.poolmanager = _GuardedPoolManager(
            num_pools=connections, maxsize=maxsize, block=block, guard=self.guard, **kwargs
        )


@dataclass
class Fetched:
    """A response body, or None when the server said 304 Not Modified."""

    body: bytes | None
    etag: str | None = None
    last_modified: str | None = None


class Client:
    """HTTP GET with time-outs (per read, and `deadline` for a whole file), retries with
    back-off (connection errors, 5xx), a size cap, conditional requests, at most 5 redirects, a
    User-Agent naming the project, and no loopback, private or link-local address (SSRF) unless
    `allow_private`. One request at a time."""

    def __init__(
        self,
        max_bytes: int = 20_000_000,
        timeout: float = 20.0,
        retries: int = 3,
        backoff: float = 0.5,
        deadline: float = 120.0,
        allow_private: bool = False,
        private_hint: str = "pour un annuaire de l'intranet ou un essai, relancez avec "
        "« essaim federation pull --allow-private »",
    ):
        self.max_bytes = max_bytes
        self.private_hint = private_hint
        self.timeout = (min(5.0, timeout), timeout)
        self.deadline = deadline
        self.guard = _Guard(allow_private)
        self.session = requests.Session()
        self.session.trust_env = False  # a proxy from the environment would connect past the guard
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.max_redirects = 5
        retry = Retry(
            total=retries,
            backoff_factor=backoff,
            status_forcelist=(500, 502, 503, 504),
            allowed_methods=("GET",),
            raise_on_status=False,
            respect_retry_after_header=False,
        )
        adapter = _GuardedAdapter(self.guard, max_retries=retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def get(
        self, url: str, etag: str | None = None, last_modified: str | None = None, read_body: bool = True
    ) -> Fetched:
        """The body of `url` (None if unchanged since `etag`/`last_modified`; empty when not
        `read_body`: the answer is 200, its body left unread); FetchError otherwise."""
        self.guard.expired.clear()
        timer = threading.Timer(self.deadline, self.guard.expire)
        timer.daemon = True
        timer.start()
        late = f"{url} : délai dépassé (plus de {self.deadline:g} s pour ce fichier)"
        try:
            fetched = self._get(url, etag, last_modified, read_body)
        except (requests.exceptions.RequestException, FetchError, _Expired) as error:
            if self.guard.expired.is_set():
                raise FetchError(late) from error
            raise
        finally:
            timer.cancel()
            timer.join()  # it never fires later, during the next file
        if self.guard.expired.is_set():  # a body cut short by the deadline, without Content-Length
            raise FetchError(late)
        return fetched

    def _get(self, url: str, etag: str | None, last_modified: str | None, read_body: bool) -> Fetched:
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            with self.session.get(url, headers=headers, timeout=self.timeout, stream=True) as response:
                if response.status_code == 304:
                    return Fetched(None, etag, last_modified)
                if response.status_code != 200:
                    detail = b""
                    with contextlib.suppress(requests.exceptions.RequestException):
                        detail = next(response.iter_content(ERROR_DETAIL_BYTES), b"")[:ERROR_DETAIL_BYTES]
                    raise FetchError(
                        f"{url} : réponse HTTP {response.status_code}",
                        response.status_code,
                        _seconds(response.headers.get("Retry-After")),
                        detail,
                    )
                if not read_body:
                    return Fetched(b"")
                declared = response.headers.get("Content-Length", "")
                if ASCII_NUMBER.fullmatch(declared) and int(declared) > self.max_bytes:
                    raise FetchError(f"{url} : {declared} octets, au-delà de la limite de {self.max_bytes}")
                body = bytearray()
                for chunk in response.iter_content(65536):
                    body += chunk
                    if len(body) > self.max_bytes:
                        raise FetchError(
                            f"{url} : plus de {self.max_bytes} octets, téléchargement interrompu"
                        )
                return Fetched(
                    bytes(body), response.headers.get("ETag"), response.headers.get("Last-Modified")
                )
        except _Refused as error:
            raise FetchError(f"{url} : {error}, connexion refusée ; {self.private_hint}") from error
        except requests.exceptions.TooManyRedirects as error:
            raise FetchError(f"{url} : trop de redirections") from error
        except requests.exceptions.ContentDecodingError as error:
            raise FetchError(f"{url} : réponse compressée illisible") from error
        except requests.exceptions.ChunkedEncodingError as error:
            raise FetchError(f"{url} : réponse interrompue avant la fin") from error
        except requests.exceptions.Timeout as error:
            raise FetchError(f"{url} : délai dépassé") from error
        except requests.exceptions.ConnectionError as error:
            # After the retries, a read time-out arrives wrapped in a connection error.
            reason = getattr(error.args[0] if error.args else None, "reason", None)
            if isinstance(reason, ReadTimeoutError):
                raise FetchError(f"{url} : délai dépassé") from error
            raise FetchError(f"{url} : serveur injoignable") from error
        except requests.exceptions.RequestException as error:
            raise FetchError(f"{url} : {error}") from error
