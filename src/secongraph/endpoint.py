"""Any SPARQL 1.1 endpoint: queries through SPARQLWrapper, pushes through the Graph Store Protocol.

The endpoint must query the union of its named graphs as the default graph, as the embedded
store does (``oxigraph serve --union-default-graph``; Fuseki ``tdb2:unionDefaultGraph true``;
GraphDB and Virtuoso do so by default).

SPARQLWrapper writes the query request; secongraph sends it (and each push) itself, so that every
request has limits an endpoint cannot stretch:

- a **deadline** for the whole request (connect, headers and body): a watchdog closes the
  connection when it passes, however slowly the server trickles its answer;
- a **size cap** on the answer (:data:`DEFAULT_MAX_BYTES`), checked while it is read, so a huge
  answer stops at the cap instead of filling the memory;
- **no redirects**: a ``3xx`` answer is refused with its ``Location``, since following it would send
  the query to another host or port, and turn a POST into a GET.

An unreachable or failing endpoint, a body that is cut short (some servers answer 200 with a
truncated body on a timeout), an answer over the cap or past the deadline, and an answer that is
not SPARQL JSON results raise a :class:`~secongraph.errors.StoreError` that names the URL.

A secured store is reached with **credentials** that are never part of a command line or a URL:
``SECONGRAPH_USER`` and ``SECONGRAPH_PASSWORD`` if set, else the ``machine`` entry of the
endpoint's host in ``~/.netrc`` (or the file ``NETRC`` names), as curl and requests read it. They
are sent only when the server asks (a ``401`` with ``WWW-Authenticate``), answered once, with HTTP
digest authentication if offered, else basic.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import json
import logging
import netrc
import os
import socket
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib.term import Identifier

from .choices import DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT
from .errors import QueryError, StoreError, one_line
from .namespaces import sparql_prologue
from .results import QueryResult, from_json
from .sandbox import bind_values, check_query, columns, strip_comments
from .store import Store

__all__ = [
    "CREDENTIAL_VARIABLES",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_TIMEOUT",
    "Credentials",
    "Endpoint",
    "credentials_for",
    "push",
]

logger = logging.getLogger(__name__)


_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Endpoint:
    """A remote SPARQL 1.1 query endpoint, such as ``http://127.0.0.1:7878/query``.

    Examples
    --------
    >>> Endpoint("http://127.0.0.1:7878/query", timeout=5).url
    'http://127.0.0.1:7878/query'
    """

    url: str
    timeout: float = DEFAULT_TIMEOUT
    """Seconds the whole request may take (a deadline, not a wait per read)."""
    max_bytes: int = DEFAULT_MAX_BYTES
    """The largest answer accepted, in bytes."""

    def __post_init__(self) -> None:
        _check_url(self.url, "an endpoint")

    def select(
        self,
        sparql: str,
        *,
        bindings: Mapping[str, Identifier] | None = None,
        allow_remote: bool = True,
        origin: str = "query",
        timeout: float | None = None,
    ) -> QueryResult:
        """Send a SELECT query with ``bindings`` written as checked N-Triples terms.

        Parameters
        ----------
        sparql
            The query; the secongraph prefixes are predeclared.
        bindings
            Variable name → RDF term, bound by ``BIND`` clauses (see
            :func:`sandbox.bind_values`).
        allow_remote
            Unused: the endpoint applies its own policy to ``FROM`` and ``SERVICE``.
        origin
            Names the query in messages.
        timeout
            Seconds this request may take; default :attr:`timeout`.

        Raises
        ------
        QueryError
            If the query is an update or not a SELECT (refused before anything is sent).
        StoreError
            If the endpoint is unreachable, answers with an HTTP error or a redirect, does not
            answer completely before the deadline, sends more than :attr:`max_bytes`, or sends
            a result that is cut short or not a SPARQL JSON result.
        """
        parsed = check_query(sparql, allow_remote=True, origin=origin)
        wait = self.timeout if timeout is None else timeout
        if self.url not in _UNION_CHECKED:
            self._check_default_graph(wait)
        data = self._ask_json(bind_values(sparql, bindings or {}), origin, wait)
        result = from_json(data, origin=self.url)
        return result.in_order(columns(sparql, parsed))

    def _check_default_graph(self, timeout: float) -> None:
        """Refuse, before any answer is given, an endpoint whose default graph is not the union
        of its named graphs (oxigraph without ``--union-default-graph``, Fuseki's default): each
        question reads the default graph and would answer nothing there.

        One triple of a named graph is sampled and looked for in the default graph: two small
        SELECT queries (not ASK: Virtuoso answers an ASK in JSON as a result set), once per
        endpoint and process.
        """
        sample = self._ask_json(
            "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } FILTER(isIRI(?s) && !isBlank(?o)) } "
            "LIMIT 1", "the union check", timeout,
        )  # fmt: skip
        rows = from_json(sample, origin=self.url).rows
        triple = {n: term for n in "spo" if rows and (term := rows[0].get(n)) is not None}
        if len(triple) == 3:
            found = self._ask_json(
                bind_values("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1", triple), "the union check",
                timeout,
            )  # fmt: skip
            if not from_json(found, origin=self.url).rows:
                raise StoreError(
                    f"{self.url}: the default graph is not the union of the named graphs, so "
                    "every question would answer nothing",
                    hint="Start the store with its union default graph (oxigraph serve "
                    "--union-default-graph; Fuseki: tdb2:unionDefaultGraph true; GraphDB and "
                    "Virtuoso query all graphs by default).",
                )
        _UNION_CHECKED.add(self.url)

    def _ask_json(self, sparql: str, origin: str, timeout: float) -> dict[str, Any]:
        """Send the SELECT query ``sparql`` and return its SPARQL JSON answer."""
        from SPARQLWrapper import JSON, POST, SELECT, URLENCODED, SPARQLWrapper

        client = SPARQLWrapper(self.url)
        client.setQuery(sparql_prologue() + strip_comments(sparql))
        if client.queryType != SELECT or client.isSparqlUpdateRequest():
            raise QueryError(f"{origin}: only SELECT queries are sent to an endpoint")
        client.setMethod(POST)
        client.setRequestMethod(URLENCODED)
        client.setReturnFormat(JSON)
        request = client._createRequest()  # the SPARQL protocol request, as SPARQLWrapper writes it
        assert isinstance(request.data, bytes)  # a URL-encoded form
        answer = _send(
            request.get_method(), request.full_url, request.data, dict(request.header_items()),
            timeout=timeout, max_bytes=self.max_bytes,
        )  # fmt: skip
        content_type = answer.content_type
        if "json" not in content_type:
            raise StoreError(
                f"{self.url}: the answer is {content_type or 'of no stated type'}, "
                "not SPARQL JSON results"
            )
        try:
            data = json.loads(answer.body)
        except ValueError as error:
            raise StoreError(
                f"{self.url}: the result is cut short or not JSON ({error.__class__.__name__}: "
                f"{error}); the server may have timed out"
            ) from None
        if not isinstance(data, dict):
            raise StoreError(f"{self.url}: the answer is not a SPARQL JSON result")
        return data


_UNION_CHECKED: set[str] = set()
"""Endpoints whose default graph was found to be the union of their named graphs."""


CREDENTIAL_VARIABLES = ("SECONGRAPH_USER", "SECONGRAPH_PASSWORD")
"""The environment variables that hold the user and password for every endpoint."""


@dataclass(frozen=True)
class Credentials:
    """A user and password for an endpoint, and where they were read (for messages)."""

    user: str
    password: str = field(repr=False)
    source: str = ""


def credentials_for(url: str) -> Credentials | None:
    """The credentials for ``url``: from :data:`CREDENTIAL_VARIABLES` if set, else the
    ``machine`` entry of its host (or ``default``) in ``~/.netrc`` or the file ``NETRC`` names.

    Raises
    ------
    StoreError
        If only one of the variables is set, or the .netrc file cannot be read (its message
        never shows a password).
    """
    user, password = (os.environ.get(name, "") for name in CREDENTIAL_VARIABLES)
    if user or password:
        if not (user and password):
            raise StoreError(f"set both {' and '.join(CREDENTIAL_VARIABLES)}, or neither")
        return Credentials(user, password, CREDENTIAL_VARIABLES[0])
    named = os.environ.get("NETRC")
    path = Path(named) if named else Path("~/.netrc").expanduser()
    if not path.is_file():
        return None
    try:
        entry = netrc.netrc(named or None).authenticators(urllib.parse.urlsplit(url).hostname or "")
    except netrc.NetrcParseError as error:  # the permission checks start with "~/.netrc"
        reason = error.msg if error.msg.startswith("~/.netrc") else "not a valid .netrc file"
        raise StoreError(f"{path}, line {error.lineno}: {reason}") from None
    except OSError as error:
        raise StoreError(f"{path}: cannot be read ({error.strerror})") from None
    if entry is None or not entry[0] or not entry[2]:
        return None
    return Credentials(entry[0], entry[2], str(path))


def _check_url(url: str, what: str) -> None:
    """Refuse a URL that is not http(s) or that carries credentials (shown without them)."""
    parts = urllib.parse.urlsplit(url)
    if "@" in parts.netloc:
        host = parts.netloc.rpartition("@")[2]
        shown = urllib.parse.urlunsplit((parts.scheme, host, parts.path, parts.query, ""))
        raise StoreError(
            f"{shown}: credentials in the URL are refused; put them in ~/.netrc (machine "
            f"{parts.hostname}) or in {' and '.join(CREDENTIAL_VARIABLES)}"
        )
    if parts.scheme not in ("http", "https"):
        raise StoreError(f"{url}: {what} must be an http:// or https:// URL")


@dataclass(frozen=True)
class _Answer:
    status: int
    content_type: str
    body: bytes
    challenges: tuple[str, ...] = ()
    """The ``WWW-Authenticate`` headers of a ``401`` answer."""


def _send(
    method: str,
    url: str,
    data: bytes | None,
    headers: Mapping[str, str],
    *,
    timeout: float,
    max_bytes: int,
    what: str = "",
) -> _Answer:
    """Send one HTTP request and read its whole answer before ``timeout`` seconds pass.

    A ``401`` answer is answered once with the credentials of :func:`credentials_for`, within
    the same deadline (see :func:`_exchange` for the limits of each exchange). A request with a
    body, when there are credentials, is signed from the challenge of a ``HEAD`` sent first, so
    its body is sent once.

    Raises
    ------
    StoreError
        For every failure; ``what`` (such as `` for graph <…>``) is added to the message.
    """
    deadline = time.monotonic() + timeout
    base = _base(url)

    def exchange(how: str, body: bytes | None, sent: Mapping[str, str]) -> _Answer:
        left = deadline - time.monotonic()
        if left <= 0:
            raise StoreError(_late(base, timeout, what))
        return _exchange(how, url, body, sent, timeout=left, max_bytes=max_bytes, what=what)

    credentials = credentials_for(url)
    signed = False
    if credentials is not None and data:
        # A body-less HEAD fetches the challenge first: a server that refuses a large body sent
        # unsigned may reset the connection before its 401 can be read (Virtuoso does).
        with contextlib.suppress(StoreError):  # no HEAD: the request itself meets the 401
            probe = exchange("HEAD", None, {})
            if probe.status == 401:
                authorization = _authorization(method, url, credentials, probe, base)
                headers, signed = {**headers, "Authorization": authorization}, True
    answer = exchange(method, data, headers)
    if answer.status == 401 and not signed:
        if credentials is None:
            raise StoreError(
                f"{base}: 401 Unauthorized{what}: the server asks for credentials",
                hint=f"Put them in ~/.netrc (machine {urllib.parse.urlsplit(url).hostname} "
                f"login … password …) or in {' and '.join(CREDENTIAL_VARIABLES)}.",
            )
        authorization = _authorization(method, url, credentials, answer, base)
        answer = exchange(method, data, {**headers, "Authorization": authorization})
    if answer.status == 401:
        assert credentials is not None  # a 401 without credentials is refused above
        raise StoreError(
            f"{base}: 401 Unauthorized{what}: the server refused user {credentials.user!r} "
            f"(from {credentials.source})"
        )
    return answer


def _authorization(
    method: str, url: str, credentials: Credentials, answer: _Answer, base: str
) -> str:
    """The ``Authorization`` header that answers the challenges of a ``401``: digest if the
    server offers it (computed by the standard library's digest handler), else basic."""
    offered = {c.partition(" ")[0].lower(): c.partition(" ")[2] for c in answer.challenges}
    if "digest" in offered:
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, url, credentials.user, credentials.password)
        items = urllib.request.parse_http_list(offered["digest"])
        challenge = urllib.request.parse_keqv_list([item for item in items if "=" in item])
        try:
            value = urllib.request.HTTPDigestAuthHandler(passwords).get_authorization(
                urllib.request.Request(url, method=method), challenge
            )
        except (ValueError, urllib.error.URLError) as error:  # an algorithm or qop not supported
            raise StoreError(f"{base}: cannot answer the digest challenge ({error})") from None
        if value is None:
            raise StoreError(f"{base}: the digest challenge has no realm or nonce")
        return f"Digest {value}"
    if "basic" in offered:
        pair = f"{credentials.user}:{credentials.password}".encode()
        return f"Basic {base64.b64encode(pair).decode('ascii')}"
    schemes = ", ".join(offered) or "no scheme"
    raise StoreError(
        f"{base}: 401 Unauthorized: the server asks for {schemes}; secongraph answers basic "
        "and digest authentication only"
    )


def _base(url: str) -> str:
    """``url`` without its query: how messages name an endpoint."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def _exchange(
    method: str,
    url: str,
    data: bytes | None,
    headers: Mapping[str, str],
    *,
    timeout: float,
    max_bytes: int,
    what: str,
) -> _Answer:
    """One request and its whole answer, read before ``timeout`` seconds pass.

    A watchdog shuts the connection down at the deadline, which ends any read that waits on
    it; reads also time out on their own after the time that is left. Redirects are refused,
    and the body is read in chunks up to ``max_bytes``. A ``401`` is returned with its
    challenges; every other status of 400 or more raises a :class:`StoreError`.
    """
    parts = urllib.parse.urlsplit(url)
    path = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    base = _base(url)
    try:
        connection = kind(parts.hostname or "", parts.port, timeout=timeout)
    except ValueError as error:  # a port that is not a number
        raise StoreError(f"{base}: not a valid URL ({error})") from None
    expired = threading.Event()
    opened: list[socket.socket] = []

    def expire() -> None:
        expired.set()
        for sock in opened:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    deadline = time.monotonic() + timeout
    watchdog = threading.Timer(timeout, expire)
    watchdog.daemon = True
    watchdog.start()
    try:
        connection.connect()
        if connection.sock is not None:  # kept here: the response may outlive connection.sock
            opened.append(connection.sock)
        if expired.is_set():
            raise TimeoutError
        connection.request(method, path, body=data, headers=dict(headers))
        response = connection.getresponse()
        if 300 <= response.status < 400:
            location = response.getheader("Location") or "nowhere"
            raise StoreError(
                f"{base}: HTTP {response.status} redirects to {location}{what}; secongraph does "
                "not follow redirects (the request would go elsewhere, or a POST become a GET)",
                hint="Pass the URL it redirects to, if you trust it.",
            )
        body = (
            b""
            if method == "HEAD"
            else _read_body(response, opened, base, max_bytes, deadline, what)
        )
        if response.status == 401:
            challenges = tuple(response.headers.get_all("WWW-Authenticate") or ())
            return _Answer(401, response.getheader("Content-Type") or "", body, challenges)
        if response.status >= 400:
            detail = body[:300].decode("utf-8", "replace").strip()
            raise StoreError(
                f"{base}: HTTP {response.status} {response.reason}{what}"
                + (f" ({detail})" if detail else "")
            )
        return _Answer(response.status, response.getheader("Content-Type") or "", body)
    except StoreError:
        if expired.is_set():
            raise StoreError(_late(base, timeout, what)) from None
        raise
    except TimeoutError:
        raise StoreError(_late(base, timeout, what)) from None
    except (http.client.HTTPException, OSError, ssl.SSLError) as error:
        if expired.is_set():
            raise StoreError(_late(base, timeout, what)) from None
        if isinstance(error, ConnectionRefusedError | socket.gaierror):
            raise StoreError(f"{base}: unreachable ({error})") from None
        raise StoreError(f"{base}: the connection failed{what} ({error})") from None
    finally:
        watchdog.cancel()
        connection.close()


def _late(base: str, timeout: float, what: str) -> str:
    return f"{base}: no complete answer within {round(timeout, 1):g} s{what}"


def _read_body(
    response: http.client.HTTPResponse,
    sockets: list[socket.socket],
    base: str,
    max_bytes: int,
    deadline: float,
    what: str,
) -> bytes:
    """The whole body, at most ``max_bytes``; a body shorter than its ``Content-Length`` is an
    error."""
    expected = response.getheader("Content-Length")
    announced = expected is not None and expected.isascii() and expected.isdigit()
    length = int(expected) if announced and expected is not None else None
    too_big = StoreError(
        f"{base}: the answer{what} is larger than {_size(max_bytes)}",
        hint="Ask for fewer rows (LIMIT), or raise --max-size.",
    )
    if length is not None and length > max_bytes:
        raise too_big
    chunks: list[bytes] = []
    size = 0
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        if response.isclosed():  # the whole body is read
            break
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.settimeout(remaining)  # no single read waits past the deadline either
        try:
            chunk = response.read(_CHUNK)
        except http.client.IncompleteRead as error:
            size += len(error.partial)
            raise StoreError(
                f"{base}: HTTP {response.status}, but the result{what} is cut short "
                f"({size} bytes, {error.expected} more expected)"
            ) from None
        if not chunk:
            break
        size += len(chunk)
        if size > max_bytes:
            raise too_big
        chunks.append(chunk)
    body = b"".join(chunks)
    if length is not None and length != len(body):
        raise StoreError(
            f"{base}: HTTP {response.status}, but the result{what} is cut short "
            f"({len(body)} of {length} bytes)"
        )
    return body


def _size(count: int) -> str:
    return f"{count / 2**20:g} MiB" if count >= 2**20 else f"{count:,} bytes"


def push(
    store: Store,
    url: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> list[tuple[str, int]]:
    """Put every named graph of ``store`` into a Graph Store Protocol endpoint, each whole.

    Each graph is serialised completely first, then sent with one HTTP ``PUT``, which replaces
    that graph on the server in one step: a failed push leaves every graph either as it was or
    fully replaced, never half written. Graphs of the server that the store does not hold are
    left alone.

    Parameters
    ----------
    store
        The built graph.
    url
        The Graph Store Protocol endpoint, such as ``http://127.0.0.1:7878/store``.
    timeout
        Seconds each ``PUT`` may take, from connecting to the end of the server's answer.
    max_bytes
        The largest answer read from the server for one ``PUT``.

    Returns
    -------
    list of (graph IRI, triples)
        What was pushed, in order.

    Raises
    ------
    StoreError
        If the URL is not http(s), or the server is unreachable, redirects, does not answer
        in time, or refuses a graph (the message names the graph and the HTTP status).
    """
    _check_url(url, "a Graph Store endpoint")
    payloads = []
    for loaded in store.files:
        triples = [q.triple for q in store.quads(graphs=[loaded.graph])]
        data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        payloads.append((loaded.graph, len(set(triples)), data))
    pushed = []
    for graph, count, data in payloads:
        target = f"{url}{'&' if '?' in url else '?'}graph={urllib.parse.quote(graph, safe='')}"
        _send(
            "PUT", target, data, {"Content-Type": "application/n-triples"},
            timeout=timeout, max_bytes=max_bytes, what=f" for graph <{graph}>",
        )  # fmt: skip
        logger.info("pushed <%s> (%d triples) to %s", graph, count, one_line(url))
        pushed.append((graph, count))
    return pushed
