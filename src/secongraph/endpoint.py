"""Any SPARQL 1.1 endpoint: queries through SPARQLWrapper, pushes through the Graph Store Protocol.

The endpoint must query the union of its named graphs as the default graph, as the embedded
store does (``oxigraph serve --union-default-graph``; Fuseki ``tdb2:unionDefaultGraph true``;
GraphDB and Virtuoso do so by default).

Every request has a timeout. An unreachable or failing endpoint, and a result body that is cut
short (some servers answer 200 with a truncated body on a timeout), raise a
:class:`~secongraph.errors.StoreError` that names the URL and the HTTP status.
"""

from __future__ import annotations

import http.client
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib.term import Identifier

from .errors import QueryError, StoreError
from .namespaces import sparql_prologue
from .results import QueryResult, from_json
from .sandbox import bind_values, check_query, columns, strip_comments
from .store import Store

__all__ = ["DEFAULT_TIMEOUT", "Endpoint", "push"]

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 30.0
"""Seconds to wait for an endpoint's answer (SPARQLWrapper alone would wait forever)."""


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

    def __post_init__(self) -> None:
        if urllib.parse.urlsplit(self.url).scheme not in ("http", "https"):
            raise StoreError(f"{self.url}: an endpoint must be an http:// or https:// URL")

    def select(
        self,
        sparql: str,
        *,
        bindings: Mapping[str, Identifier] | None = None,
        allow_remote: bool = True,
        origin: str = "query",
    ) -> QueryResult:
        """Send a SELECT query with ``bindings`` written as checked N-Triples terms.

        Parameters
        ----------
        sparql
            The query; the secongraph prefixes are predeclared.
        bindings
            Variable name → RDF term, bound in a ``VALUES`` block (see
            :func:`sandbox.bind_values`).
        allow_remote
            Unused: the endpoint applies its own policy to ``FROM`` and ``SERVICE``.
        origin
            Names the query in messages.

        Raises
        ------
        QueryError
            If the query is an update or not a SELECT (refused before anything is sent).
        StoreError
            If the endpoint is unreachable, answers with an HTTP error, times out, or sends a
            result that is cut short or not a SPARQL JSON result.
        """
        from SPARQLWrapper import JSON, POST, SELECT, URLENCODED, SPARQLWrapper

        parsed = check_query(sparql, allow_remote=True, origin=origin)
        text = sparql_prologue() + strip_comments(bind_values(sparql, bindings or {}))
        client = SPARQLWrapper(self.url)
        client.setQuery(text)
        if client.queryType != SELECT or client.isSparqlUpdateRequest():
            raise QueryError(f"{origin}: only SELECT queries are sent to an endpoint")
        client.setMethod(POST)
        client.setRequestMethod(URLENCODED)
        client.setReturnFormat(JSON)
        client.setTimeout(int(max(1, self.timeout)))
        body = self._call(lambda: _read(client.query().response, self.url))
        try:
            data = json.loads(body)
        except ValueError as error:
            raise StoreError(
                f"{self.url}: the result is cut short or not JSON ({error.__class__.__name__}: "
                f"{error}); the server may have timed out"
            ) from None
        result = from_json(data, origin=self.url)
        return result.in_order(columns(sparql, parsed))

    def _call(self, request: Callable[[], bytes]) -> bytes:
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        try:
            return request()
        except urllib.error.HTTPError as error:
            raise StoreError(f"{self.url}: HTTP {error.code} {error.reason}") from None
        except SPARQLWrapperException as error:
            status = _STATUS.get(type(error).__name__, "error")
            detail = str(error).splitlines()[0] if str(error) else ""
            raise StoreError(f"{self.url}: HTTP {status} ({detail})") from None
        except TimeoutError:
            raise StoreError(f"{self.url}: no answer within {self.timeout:g} s") from None
        except urllib.error.URLError as error:
            raise StoreError(f"{self.url}: unreachable ({error.reason})") from None
        except (http.client.HTTPException, OSError) as error:
            raise StoreError(f"{self.url}: the connection failed ({error})") from None


_STATUS = {
    "QueryBadFormed": "400 Bad Request",
    "Unauthorized": "401 Unauthorized",
    "EndPointNotFound": "404 Not Found",
    "URITooLong": "414 URI Too Long",
    "EndPointInternalError": "500 Internal Server Error",
}


def _read(response: http.client.HTTPResponse, url: str) -> bytes:
    """The whole body; a body shorter than its ``Content-Length`` is an error."""
    try:
        body = response.read()
    except http.client.IncompleteRead as error:
        raise StoreError(
            f"{url}: HTTP {response.status}, but the result is cut short "
            f"({len(error.partial)} bytes, {error.expected} more expected)"
        ) from None
    expected = response.getheader("Content-Length")
    if expected is not None and expected.isdigit() and int(expected) != len(body):
        raise StoreError(
            f"{url}: HTTP {response.status}, but the result is cut short "
            f"({len(body)} of {expected} bytes)"
        )
    return body


def push(store: Store, url: str, *, timeout: float = DEFAULT_TIMEOUT) -> list[tuple[str, int]]:
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
        Seconds to wait for each answer.

    Returns
    -------
    list of (graph IRI, triples)
        What was pushed, in order.

    Raises
    ------
    StoreError
        If the URL is not http(s), or the server is unreachable or refuses a graph (the message
        names the graph and the HTTP status).
    """
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise StoreError(f"{url}: a Graph Store endpoint must be an http:// or https:// URL")
    payloads = []
    for loaded in store.files:
        triples = [q.triple for q in store.quads(graphs=[loaded.graph])]
        data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        payloads.append((loaded.graph, len(set(triples)), data))
    pushed = []
    for graph, count, data in payloads:
        target = f"{url}{'&' if '?' in url else '?'}graph={urllib.parse.quote(graph, safe='')}"
        request = urllib.request.Request(
            target, data=data, method="PUT", headers={"Content-Type": "application/n-triples"}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                response.read()
        except urllib.error.HTTPError as error:
            raise StoreError(
                f"{url}: HTTP {error.code} {error.reason} for graph <{graph}>"
            ) from None
        except TimeoutError:
            raise StoreError(f"{url}: no answer within {timeout:g} s for graph <{graph}>") from None
        except urllib.error.URLError as error:
            raise StoreError(f"{url}: unreachable ({error.reason})") from None
        logger.info("pushed <%s> (%d triples) to %s", graph, count, url)
        pushed.append((graph, count))
    return pushed
