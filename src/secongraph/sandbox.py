"""Run untrusted SPARQL safely: read-only queries, no remote access, parameters as RDF terms.

Three guards, each enough on its own for the case it covers:

1. :func:`check_query` parses the query with rdflib and refuses SPARQL Update, any form other
   than those asked for (SELECT by default), and (unless remote access is allowed) ``FROM``,
   ``FROM NAMED`` and ``SERVICE`` found in the query algebra. A scan of the query text outside strings, IRIs and comments also
   refuses those keywords and ``\\u`` escapes, so a parser difference between rdflib and the
   engine that runs the query cannot smuggle them past the algebra check.
2. :func:`bind_values` binds parameters with ``BIND`` clauses of validated terms, written in
   N-Triples syntax and parsed back to check that the round trip gives exactly the value.
3. :func:`no_io` is a Python audit hook, active only while a query is evaluated in Python
   (rdflib), that refuses any socket, subprocess or file open other than reading Python code.

And one limit: :func:`with_deadline` runs a query in a worker process that is killed when its
time is up, since neither engine can be stopped from another thread (pyoxigraph evaluates in
Rust without the GIL; rdflib would need to check a flag it does not know of).
"""

from __future__ import annotations

import contextlib
import contextvars
import copyreg
import io
import logging
import os
import pickle
import re
import select
import signal
import sys
import threading
import time
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox
from pyparsing import ParseBaseException
from rdflib import BNode, Literal, URIRef
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Identifier

from .choices import QUERY_FORMS
from .errors import ParameterError, QueryError
from .namespaces import PREFIX_IRIS
from .results import ntriples

__all__ = [
    "QUERY_FORMS",
    "DeadlinePassed",
    "SandboxViolation",
    "bind_values",
    "check_query",
    "code_segments",
    "columns",
    "no_io",
    "sparql_term",
    "strip_comments",
    "with_deadline",
]

logger = logging.getLogger(__name__)
T = TypeVar("T")

_TOKENS = re.compile(
    r"""(?P<comment>\#[^\n\r]*)
      | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
                  |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
      | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
      | (?P<code>[^#"'<]+|.)""",
    re.VERBOSE | re.DOTALL,
)
_REMOTE_KEYWORDS = re.compile(r"(?<![\w:?$-])(SERVICE|LOAD|FROM)(?![\w:-])", re.IGNORECASE)
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_ACTIVE: contextvars.ContextVar[bool] = contextvars.ContextVar("secongraph_no_io", default=False)
_BLOCKED_EVENTS = (
    "socket.",
    "urllib.Request",
    "subprocess.Popen",
    "os.system",
    "os.exec",
    "os.posix_spawn",
    "os.spawn",
    "os.fork",
    "ctypes.dlopen",
    "http.client.connect",
)
_CODE_SUFFIXES = (".py", ".pyc", ".so", ".pyd")


class DeadlinePassed(QueryError):
    """A query was stopped at its deadline (see :func:`with_deadline`)."""


class SandboxViolation(PermissionError):
    """Raised inside query evaluation when it tries to reach a socket, a process or a file."""


def code_segments(text: str) -> Iterator[tuple[int, str]]:
    """Yield ``(offset, text)`` of the parts of a query outside strings, IRIs and comments."""
    for match in _TOKENS.finditer(text):
        if match.lastgroup == "code":
            yield match.start(), match.group()


def strip_comments(text: str) -> str:
    """Return ``text`` without its ``#`` comments (strings and IRIs are kept as they are).

    SPARQLWrapper guesses the query form from the first keyword it finds, comments included
    (``# … to remove`` reads as ``MOVE``, an update), so queries are sent without comments.

    Examples
    --------
    >>> strip_comments('SELECT * WHERE { ?s ?p "#1" } # to remove')
    'SELECT * WHERE { ?s ?p "#1" } '
    """
    return "".join(m.group() for m in _TOKENS.finditer(text) if m.lastgroup != "comment")


def check_query(
    text: str,
    *,
    allow_remote: bool = False,
    origin: str = "query",
    forms: Collection[str] = ("SELECT",),
) -> Query:
    """Parse ``text`` and refuse what a read-only, local query must not contain.

    Parameters
    ----------
    text
        The SPARQL query. The secongraph prefixes are predeclared.
    allow_remote
        Allow ``FROM``, ``FROM NAMED`` and ``SERVICE`` (``LOAD`` is an update: always refused).
    origin
        Names the query in messages (a file name or a query name).
    forms
        The query forms let through (see :data:`QUERY_FORMS`); SELECT only by default.

    Returns
    -------
    rdflib.plugins.sparql.sparql.Query
        The parsed and translated query.

    Raises
    ------
    QueryError
        For a syntax error, an update, a query of another form, or a remote-access keyword.
    """
    code = " ".join(segment for _, segment in code_segments(text))
    if "\\u" in code.lower():
        raise QueryError(f"{origin}: \\u escapes outside strings and IRIs are refused")
    query = _parse(text, origin)
    kind = query_form(query)
    if kind not in forms:
        raise QueryError(f"{origin}: only {' and '.join(forms)} queries can be run, not {kind}")
    if not allow_remote:
        found = _REMOTE_KEYWORDS.search(code)
        if query.algebra.get("datasetClause") or _has_service(query.algebra) or found:
            keyword = found.group(1).upper() if found else "FROM/SERVICE"
            raise QueryError(
                f"{origin}: {keyword} reads other graphs or endpoints and is refused",
                hint="Pass --allow-remote if you trust this query.",
            )
    return query


def query_form(query: Query) -> str:
    """The form of a parsed query: ``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``."""
    return str(query.algebra.name).removesuffix("Query").upper()


_SELECT_ALL = re.compile(r"\bSELECT\s+(?:(?:DISTINCT|REDUCED)\s+)?\*", re.IGNORECASE)


def columns(text: str, query: Query) -> list[str]:
    """The result columns of a checked query, in an order every engine can be given.

    An explicit projection keeps its order. ``SELECT *`` leaves the order to each engine (rdflib
    even varies it between runs), so its columns are ordered by their first place in the text.

    Examples
    --------
    >>> text = "SELECT * WHERE { ?b ?p ?a }"
    >>> columns(text, check_query(text))
    ['b', 'p', 'a']
    """
    # Not .get("PV", []): CompValue.get takes no default (its second argument is ``variables``).
    names = [str(v) for v in query.algebra.PV or []]
    code = " ".join(segment for _, segment in code_segments(text))
    if not _SELECT_ALL.search(code):
        return names
    return sorted(names, key=lambda name: _first(code, name))


def _first(code: str, name: str) -> int:
    match = re.search(rf"[?$]{re.escape(name)}(?!\w)", code)
    return match.start() if match else len(code)


class ForkSafeLock:
    """A lock that a forked query worker (:func:`with_deadline`) gets anew.

    ``fork`` copies a lock as it is: held, if another thread of ``serve`` held it at that
    moment, and then the worker would wait for it forever and every query it runs pass its
    deadline.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        os.register_at_fork(after_in_child=self._renew)

    def _renew(self) -> None:
        self._lock = threading.Lock()

    def __enter__(self) -> ForkSafeLock:
        self._lock.acquire()
        return self

    def __exit__(self, *_: object) -> None:
        self._lock.release()


_PARSING = ForkSafeLock()
"""rdflib's SPARQL grammar (pyparsing) is not thread-safe: parses in two threads at once can
break it for good (every later parse fails with "Param.postParse2() missing 1 required
positional argument"), and ``serve`` checks queries in many threads."""


@lru_cache(maxsize=256)
def _parse(text: str, origin: str) -> Query:
    """Parse and translate a query once (rdflib takes tens of milliseconds per query)."""
    with _PARSING:
        return _parse_now(text, origin)


def _parse_now(text: str, origin: str) -> Query:
    try:
        parsed = parseQuery(text)
    except ParseBaseException as error:
        if _is_update(text):
            raise QueryError(
                f"{origin}: SPARQL Update is refused; queries only read the graph"
            ) from None
        raise QueryError(
            f"{origin}: SPARQL syntax error at line {error.lineno}, column {error.col}: {error.msg}"
        ) from None
    except Exception as error:  # rdflib's parse actions raise TypeError, ValueError, … (-.0)
        raise QueryError(f"{origin}: SPARQL syntax error: {error}") from None
    try:
        return translateQuery(parsed, initNs=PREFIX_IRIS)
    except Exception as error:  # rdflib raises bare Exceptions for unknown prefixes and the like
        raise QueryError(f"{origin}: {error}") from None


def _is_update(text: str) -> bool:
    try:
        parseUpdate(text)
    except ParseBaseException:
        return False
    return True


def _has_service(node: Any) -> bool:
    if isinstance(node, CompValue):
        if node.name == "ServiceGraphPattern":
            return True
        return any(_has_service(value) for value in node.values())
    if isinstance(node, list | tuple):
        return any(_has_service(item) for item in node)
    return False


def sparql_term(term: Identifier) -> str:
    """Write ``term`` for SPARQL text and check that parsing it back gives exactly ``term``.

    Raises
    ------
    ParameterError
        If the term cannot be written safely (an invalid IRI, language tag or datatype).

    Examples
    --------
    >>> sparql_term(Literal('x" } UNION { ?s ?p ?o } #'))
    '"x\\\\" } UNION { ?s ?p ?o } #"'
    """
    if isinstance(term, BNode):
        raise ParameterError("a blank node cannot be a parameter value")
    text = ntriples(term)
    try:
        [parsed] = ox.parse(f"<urn:x:s> <urn:x:p> {text} .", ox.RdfFormat.N_TRIPLES)
    except (SyntaxError, ValueError) as error:
        raise ParameterError(f"{text}: not a valid RDF term ({error})") from None
    if _identity(parsed.object) != _identity(term):
        raise ParameterError(f"{text}: does not read back as the same RDF term")
    return text


def _identity(term: Any) -> tuple[str, str, str]:
    """(kind, value, datatype or language) of a pyoxigraph or rdflib term; tags are case-blind."""
    if isinstance(term, ox.NamedNode | URIRef):
        return ("iri", str(term.value if isinstance(term, ox.NamedNode) else term), "")
    if isinstance(term, ox.Literal):
        if term.language:
            return ("literal", term.value, "@" + term.language.lower())
        return ("literal", term.value, term.datatype.value)
    if isinstance(term, Literal):
        if term.language:
            return ("literal", str(term), "@" + term.language.lower())
        return ("literal", str(term), str(term.datatype or _XSD_STRING))
    raise ParameterError(f"not an RDF term: {term!r}")


def bind_values(text: str, bindings: Mapping[str, Identifier]) -> str:
    """Return ``text`` with a ``BIND`` clause for each of ``bindings`` at the start of its WHERE
    clause.

    A variable bound at the start of the outer group is bound for every pattern, ``FILTER`` and
    ``BIND`` of that group, as rdflib's ``initBindings`` binds it. ``BIND`` rather than a one-row
    ``VALUES`` block, which means the same: Virtuoso 7.2.5 loses rows of some questions when a
    ``VALUES`` block opens the group (stakeholder-group-members with a group given).

    Raises
    ------
    QueryError
        If the query has no ``{`` that opens its WHERE clause.
    ParameterError
        If a value cannot be written as a term (see :func:`sparql_term`).

    Examples
    --------
    >>> bind_values("SELECT ?s WHERE { ?s ?p ?_o }", {"_o": Literal("x")})
    'SELECT ?s WHERE { BIND("x" AS ?_o) ?s ?p ?_o }'
    """
    if not bindings:
        return text
    block = "".join(f" BIND({sparql_term(term)} AS ?{name})" for name, term in bindings.items())
    depth = 0
    for offset, segment in code_segments(text):
        for index, char in enumerate(segment):
            if char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
            elif char == "{" and depth == 0:
                at = offset + index + 1
                return text[:at] + block + text[at:]
    raise QueryError("the query has no WHERE clause to bind parameters in")


@cache
def _install_hook() -> None:
    sys.addaudithook(_audit)


def _code_folders() -> tuple[str, ...]:
    return tuple(str(Path(p).resolve()) for p in sys.path if p)


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if not _ACTIVE.get():
        return
    if event.startswith(_BLOCKED_EVENTS):
        raise SandboxViolation(f"{event} during query evaluation")
    if event == "open":
        path = args[0]
        is_code = isinstance(path, str) and path.endswith(_CODE_SUFFIXES)
        if is_code and str(Path(path).resolve()).startswith(_code_folders()):
            return
        raise SandboxViolation(f"opening {path!r} during query evaluation")


@contextmanager
def no_io() -> Iterator[None]:
    """Refuse sockets, processes and file opens (other than Python code) in this block.

    The audit hook is installed on first use and stays (Python cannot remove one); it does
    nothing outside this block.

    Raises
    ------
    SandboxViolation
        From inside the block, where the code tries one of them.
    """
    _install_hook()
    token = _ACTIVE.set(True)
    try:
        yield
    finally:
        _ACTIVE.reset(token)


CAN_STOP = hasattr(os, "fork")
"""Whether :func:`with_deadline` can stop a query here (it needs ``fork``: Linux, macOS, BSD)."""


def with_deadline(function: Callable[[], T], *, timeout: float, origin: str = "query") -> T:
    """Return ``function()``, computed in a worker process that is killed after ``timeout`` s.

    The worker is a ``fork`` of this process, so it holds the store as it is, without copying
    or rebuilding it (the pages are shared until written). It sends its result (or its error)
    back pickled through a pipe and exits; at the deadline, or on Ctrl-C, it is killed. Forking
    costs a few milliseconds, not a reload of the graph. Where ``fork`` is missing (Windows),
    ``function`` runs here, without a deadline, and a warning is logged.

    Raises
    ------
    DeadlinePassed
        If the deadline passes (the worker is stopped).
    QueryError
        If the worker dies without an answer.
    SecongraphError
        Whatever ``function`` raised, as it raised it.
    """
    if not CAN_STOP:
        logger.warning(
            "%s: no deadline on this platform (no fork); the query runs to its end", origin
        )
        return function()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker: compute, answer, exit without running any cleanup of the parent
        os.close(read_end)
        try:
            _answer(write_end, function)
        finally:
            os._exit(0)
    os.close(write_end)
    try:
        payload = _receive(
            read_end, deadline=time.monotonic() + timeout, timeout=timeout, origin=origin
        )
    finally:
        os.close(read_end)
        _stop(pid)
    if not payload:
        raise QueryError(f"{origin}: the query's worker ended without an answer")
    ok, value = pickle.loads(payload)
    if ok:
        return value  # type: ignore[no-any-return,unused-ignore]
    raise value


def _answer(pipe: int, function: Callable[[], Any]) -> None:
    try:
        payload = _dumps((True, function()))
    except BaseException as error:  # sent back and raised there, whatever it is
        try:
            payload = _dumps((False, error))
        except Exception:
            payload = pickle.dumps((False, QueryError(f"{type(error).__name__}: {error}")))
    with contextlib.suppress(OSError), os.fdopen(pipe, "wb") as out:
        out.write(payload)


def _dumps(value: Any) -> bytes:
    """``value`` pickled, its literals with their lexical forms as they are.

    rdflib pickles a literal without its ``normalize=False``, so ``"0"^^xsd:double`` would come
    back from the worker as ``"0.0"``: the value the engine gave must come back unchanged.
    """
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = {**copyreg.dispatch_table, Literal: _reduce_literal}
    pickler.dump(value)
    return buffer.getvalue()


def _reduce_literal(literal: Literal) -> tuple[Any, ...]:
    return (_literal, (str(literal), literal.language, literal.datatype))


def _literal(lexical: str, language: str | None, datatype: URIRef | None) -> Literal:
    return Literal(lexical, lang=language, datatype=datatype, normalize=False)


def _receive(pipe: int, *, deadline: float, timeout: float, origin: str) -> bytes:
    chunks: list[bytes] = []
    poller = select.poll()  # not select.select: it fails on descriptors above 1023
    poller.register(pipe, select.POLLIN)
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise DeadlinePassed(
                f"{origin}: no answer within {round(timeout, 1):g} s; the query was stopped",
                hint="Make it cheaper (a LIMIT, fewer patterns without a shared variable) "
                "or pass a longer --timeout.",
            )
        if not poller.poll(max(1, int(remaining * 1000))):
            continue
        chunk = os.read(pipe, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _stop(pid: int) -> None:
    """Reap the worker, killing it first if it still runs."""
    with contextlib.suppress(ChildProcessError):
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done == 0:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
