"""Read RDF files safely: the one place where secongraph parses an input RDF file.

Loading a file never reaches the network or another file:

- pyoxigraph parses every format. It is strict about IRIs and language tags, so an IRI with a
  space is refused at load, with file and line, instead of failing later at export as in rdflib.
- JSON-LD may use an inline ``@context`` or the project's own context
  (``https://w3id.org/secongraph/context.jsonld``, read from ``ontology/context.jsonld``). Any
  other ``@context`` or ``@import`` (remote, ``file:`` or relative) is refused before parsing.
- RDF/XML is read by expat (the XML parser of Python's standard library) before pyoxigraph
  parses it, and refused if it has a ``DOCTYPE`` or any declaration, is not well-formed XML, or
  nests elements deeper than :data:`MAX_DEPTH`. Entity expansion is a denial of service
  (pyoxigraph 0.5.13 took 18 s here to expand a 900-byte "billion laughs" file, and 48 s for
  one whose DOCTYPE hid behind a processing instruction from a text scan); the check is a real
  tokenizer's view of the document, so comments, CDATA sections and processing instructions
  cannot hide a declaration, and a lower-case ``<!doctype`` or a DOCTYPE inside the root element
  (both honoured by pyoxigraph) are not well-formed XML.
- JSON-LD is nested at most :data:`MAX_DEPTH` deep, and its numbers have at most
  :data:`MAX_NUMBER_DIGITS` digits.
- A token longer than pyoxigraph's buffer (16 MiB: a literal, an IRI) is refused with a message,
  as is a file name that cannot make a graph name (see ``store.data_files``).
- Blank nodes get labels made from the file (its graph, its content and the order in which they
  appear), so two files never share one and the same files always give the same labels.
- No base IRI is set, so a relative IRI is refused unless the file declares its own base
  (``@base``, ``xml:base``, ``"@base"``). The file's own ``file:`` URI is never used as a base.

Errors are :class:`~secongraph.errors.SourceError` with a message that starts with
``path:line:col: `` where the position is known and ``path: `` otherwise.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any, NoReturn, overload
from xml.parsers import expat
from xml.sax.saxutils import quoteattr

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from .errors import SourceError, printable
from .namespaces import bind_prefixes
from .paths import package_folder
from .results import from_ox_term

__all__ = [
    "FORMATS",
    "MAX_DEPTH",
    "MAX_NUMBER_DIGITS",
    "PROJECT_CONTEXT",
    "load_graph",
    "quiet_rdflib_literals",
    "rdf_format",
    "read_quads",
    "to_rdflib",
]

logger = logging.getLogger(__name__)

PROJECT_CONTEXT = "https://w3id.org/secongraph/context.jsonld"
"""The one ``@context`` IRI a JSON-LD file may name; it is read from ``ontology/context.jsonld``."""

FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD,
}

MAX_DEPTH = 256
"""How deep RDF/XML elements and JSON-LD objects and arrays may nest (curated data needs a dozen
levels; pyoxigraph took 54 s for RDF/XML nested 50,000 deep, and crashed on JSON-LD nested
5,000 deep)."""
MAX_NUMBER_DIGITS = 4300
"""The most digits of a JSON number (Python's own limit for converting text to an integer)."""

_BOM = b"\xef\xbb\xbf"
# pyoxigraph puts the position in front of its message; it is moved into the ``path:line:col:``.
_OXIGRAPH_POSITION = re.compile(
    r"^Parser error (?:at line \d+ (?:column \d+|between columns \d+ and \d+)"
    r"|between line \d+ column \d+ and line \d+ column \d+): "
)
# Injected before a JSON-LD document's own context: a term that the context does not define
# would otherwise be dropped without a word; with this ``@vocab`` it shows up and is refused.
_UNDEFINED_TERM = "urn:x-secongraph:undefined-term:"
_UNDEFINED_TERM_VOCAB = {"@vocab": _UNDEFINED_TERM}
_RELATIVE_IRI_HINT = (
    "Write the IRI in full, or declare a base in the file "
    '(@base in Turtle, xml:base in RDF/XML, "@base" in a JSON-LD context).'
)
_CONTEXT_HINT = f'Put the context inline, or use "{PROJECT_CONTEXT}".'


def rdf_format(path: Path) -> ox.RdfFormat:
    """Return the RDF format of ``path``, from its extension.

    Parameters
    ----------
    path
        An RDF file; the extension is matched case-insensitively.

    Returns
    -------
    pyoxigraph.RdfFormat
        Turtle, TriG, N-Triples, N-Quads, RDF/XML or JSON-LD.

    Raises
    ------
    SourceError
        If the extension is not one of ``.ttl .trig .nt .nq .rdf .owl .xml .jsonld``.

    Examples
    --------
    >>> rdf_format(Path("data/haskovo.ttl")).name
    'Turtle'
    """
    try:
        return FORMATS[Path(path).suffix.lower()]
    except KeyError:
        expected = ", ".join(FORMATS)
        raise SourceError(_at(path, None, f"unknown RDF format (expected {expected})")) from None


def read_quads(
    path: Path,
    *,
    graph: ox.NamedNode | None = None,
    base_iri: str | None = None,
    forbidden_graphs: Callable[[str], str | None] | None = None,
) -> list[ox.Quad]:
    """Parse the RDF file ``path`` completely and return its quads.

    The whole file is parsed before anything is returned, so a caller never holds half a file.
    Blank nodes get identifiers made from ``graph`` (or the file name), the file's content and
    their order in it: two files never share a blank node by accident, and reading the same file
    again gives the same identifiers (so outputs are the same bytes from run to run).

    Parameters
    ----------
    path
        An RDF file; :func:`rdf_format` names the format from the extension.
    graph
        The named graph for the triples of the file's default graph. TriG and N-Quads files keep
        the graph names they give. ``None`` leaves the triples in the default graph.
    base_iri
        The base for relative IRIs the file does not resolve itself. The default, ``None``,
        refuses relative IRIs: an identifier that depends on where a file lies is a mistake in
        curated data. Pass ``str(namespaces.ID)`` to resolve them under the project's ``id/``.
    forbidden_graphs
        Says what a graph name the file gives (in TriG or N-Quads) is reserved for, or ``None``
        if the file may fill it; a reserved one is refused (see ``store.reserved_graph``).

    Returns
    -------
    list of pyoxigraph.Quad

    Raises
    ------
    SourceError
        If the file is unreadable, its extension unknown, its content malformed, or it tries to
        reach another document (a JSON-LD context other than the project's, an XML entity). Also
        for RDF 1.2 triple terms and base directions, which rdflib (the other engine) cannot hold,
        for nesting deeper than :data:`MAX_DEPTH`, and for a token longer than 16 MiB.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.ttl").write_text('<https://example.org/a> <https://example.org/p> "x" .')
    >>> [q.object.value for q in read_quads(folder / "a.ttl")]
    ['x']
    """
    rdf = rdf_format(path)
    data = _read(path)
    if rdf == ox.RdfFormat.JSON_LD:
        quads = _parse_json_ld(path, data, base_iri)
    else:
        if rdf == ox.RdfFormat.RDF_XML:
            _check_xml(path, data)
        quads = _parse(path, data, rdf, base_iri=base_iri, original=data)
    _refuse_rdf_1_2(path, data, quads)
    if forbidden_graphs is not None:
        _refuse_graphs(path, data, quads, forbidden_graphs)
    quads = _label_blank_nodes(quads, f"{graph.value if graph else Path(path).name}", data)
    if graph is not None:
        quads = [
            ox.Quad(q.subject, q.predicate, q.object, graph)
            if isinstance(q.graph_name, ox.DefaultGraph)
            else q
            for q in quads
        ]
    logger.debug("read %d quads from %s", len(quads), path)
    return quads


def to_rdflib(quads: Iterable[ox.Quad | ox.Triple]) -> Dataset:
    """Convert pyoxigraph quads or triples into an rdflib ``Dataset``.

    Each pyoxigraph blank node becomes one rdflib ``BNode``, the same for every quad of this
    call (and different from those of any other call). A literal typed ``xsd:string`` becomes a
    plain rdflib literal, as rdflib's own parsers make it; other literals keep their lexical form
    unchanged (no rdflib normalisation). Triples go into the default graph.

    Parameters
    ----------
    quads
        Quads (for example from :func:`read_quads`) or triples.

    Returns
    -------
    rdflib.Dataset
        With the secongraph prefixes bound.

    Raises
    ------
    SourceError
        For an RDF 1.2 triple term or a literal with a base direction (rdflib has neither).

    Examples
    --------
    >>> q = ox.Quad(ox.NamedNode("https://example.org/a"), ox.NamedNode("https://example.org/p"),
    ...             ox.Literal("x"), ox.NamedNode("https://example.org/g"))
    >>> ds = to_rdflib([q])
    >>> [str(g.identifier) for g in ds.graphs() if len(g)]
    ['https://example.org/g']
    """
    dataset = bind_prefixes(Dataset())
    convert = _Converter()
    graphs: dict[ox.NamedNode | ox.BlankNode | ox.DefaultGraph, Graph] = {}
    rows = []
    with quiet_rdflib_literals():
        for quad in quads:
            name = quad.graph_name if isinstance(quad, ox.Quad) else ox.DefaultGraph()
            target = graphs.get(name)
            if target is None:
                if isinstance(name, ox.DefaultGraph):
                    target = dataset.default_graph
                else:
                    target = dataset.graph(convert(name))
                graphs[name] = target
            rows.append(
                (convert(quad.subject), convert(quad.predicate), convert(quad.object), target)
            )
    dataset.addN(rows)
    return dataset


def load_graph(path: Path, *, base_iri: str | None = None) -> Graph:
    """Read the RDF file ``path`` into one rdflib ``Graph``: every triple of every graph.

    For validation and tests, where named graphs do not matter. The secongraph prefixes are
    bound; blank nodes are converted as in :func:`to_rdflib`.

    Parameters
    ----------
    path
        An RDF file, as for :func:`read_quads`.
    base_iri
        As for :func:`read_quads`.

    Returns
    -------
    rdflib.Graph

    Raises
    ------
    SourceError
        As :func:`read_quads` does.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.nq").write_text(
    ...     '<https://example.org/a> <https://example.org/p> "x" <https://example.org/g> .')
    >>> len(load_graph(folder / "a.nq"))
    1
    """
    graph = bind_prefixes(Graph())
    graph.addN((s, p, o, graph) for s, p, o in rdflib_triples(path, base_iri=base_iri))
    return graph


def rdflib_triples(path: Path, *, base_iri: str | None = None) -> Iterator[tuple[Node, Node, Node]]:
    """Read the RDF file ``path`` and yield its triples (every graph's) as rdflib terms.

    The file is parsed completely (and checked as :func:`read_quads` does) before the first
    triple is yielded, so a caller that adds them to a graph of its own never adds half a file.
    For :func:`load_graph` and for validation, which adds every file to one graph directly.

    Raises
    ------
    SourceError
        As :func:`read_quads` does, on the first ``next()``.
    """
    convert = _Converter()
    quads = read_quads(path, base_iri=base_iri)
    with quiet_rdflib_literals():
        for q in quads:
            yield convert(q.subject), convert(q.predicate), convert(q.object)


class _IllTypedLiteralFilter(logging.Filter):
    """Drops rdflib's warning (with a traceback) for each literal it cannot convert to a value."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Failed to convert Literal lexical form")


_ILL_TYPED_FILTER = _IllTypedLiteralFilter()


@contextmanager
def quiet_rdflib_literals() -> Iterator[None]:
    """Silence rdflib's traceback for an ill-typed literal (``"abc"^^xsd:date``) in this block.

    rdflib logs a warning with a traceback for each one it builds; such literals are kept as
    they are (``Literal.ill_typed`` is then true) and validation reports them as findings.
    """
    term_logger = logging.getLogger("rdflib.term")
    term_logger.addFilter(_ILL_TYPED_FILTER)
    try:
        yield
    finally:
        term_logger.removeFilter(_ILL_TYPED_FILTER)


class _Converter:
    """pyoxigraph term -> rdflib term, with one ``BNode`` per blank node id."""

    def __init__(self) -> None:
        self.bnodes: dict[str, BNode] = {}

    @overload
    def __call__(self, term: ox.NamedNode) -> URIRef: ...
    @overload
    def __call__(self, term: ox.BlankNode) -> BNode: ...
    @overload
    def __call__(self, term: ox.Literal) -> Literal: ...
    @overload
    def __call__(self, term: ox.Triple) -> NoReturn: ...
    def __call__(self, term: Any) -> Node:
        if isinstance(term, ox.BlankNode):
            bnode = self.bnodes.get(term.value)
            if bnode is None:
                bnode = self.bnodes[term.value] = BNode()
            return bnode
        if isinstance(term, ox.Triple):
            raise SourceError(f"cannot convert {term} to rdflib, which has no RDF 1.2 triple terms")
        if isinstance(term, ox.Literal) and term.direction is not None:
            raise SourceError(f"cannot convert {term} to rdflib, which has no base directions")
        converted = from_ox_term(term)
        assert converted is not None  # a term, never None
        return converted


def _read(path: Path) -> bytes:
    """The bytes of ``path`` without a UTF-8 byte order mark (pyoxigraph's Turtle refuses one)."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise SourceError(_at(path, None, f"cannot read: {error.strerror or error}")) from error
    return data.removeprefix(_BOM)


def _parse(
    path: Path,
    data: bytes,
    rdf: ox.RdfFormat,
    *,
    base_iri: str | None,
    original: bytes,
    lenient: bool = False,
) -> list[ox.Quad]:
    """Parse ``data`` with pyoxigraph; a syntax error becomes a ``SourceError``.

    ``original`` is the file's content: ``data`` itself, or the document it was rewritten from
    (then pyoxigraph's positions mean nothing to the user and the error is located in it).
    """
    try:
        return list(
            ox.parse(
                input=data,
                format=rdf,
                base_iri=base_iri,
                rename_blank_nodes=True,
                lenient=lenient,
            )
        )
    except MemoryError as error:  # pyoxigraph: "Reached the buffer maximal size of 16777216"
        raise SourceError(
            _at(
                path,
                None,
                "a token (a literal, an IRI or a name) is longer than pyoxigraph's limit of 16 MiB",
            ),
            hint="Split the value, or keep such content in a file of its own and link to it.",
        ) from error
    except SyntaxError as error:
        # The message may quote a character of the file (a newline in an IRI): kept on one line.
        message = printable(_OXIGRAPH_POSITION.sub("", error.msg or str(error), count=1))
        if error.lineno and error.offset and data is original:
            position: tuple[int, int] | None = (error.lineno, error.offset)
        else:
            position = _locate_message(original, rdf, message)
        hint = _RELATIVE_IRI_HINT if "No scheme found" in message else None
        raise SourceError(_at(path, position, message), hint=hint) from error


def _at(path: Path, position: tuple[int, int] | None, message: str) -> str:
    """``path:line:col: message`` on one line (a quoted newline is escaped)."""
    if position is None:
        return f"{printable(path)}: {printable(message)}"
    return f"{printable(path)}:{position[0]}:{position[1]}: {printable(message)}"


def _position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column (in characters) of ``text[index]``."""
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def _locate(text: str, *needles: str) -> tuple[int, int] | None:
    """Position of the first needle found in ``text`` (tried in order), or ``None``."""
    for needle in needles:
        index = text.find(needle)
        if index >= 0:
            return _position(text, index)
    return None


def _locate_message(data: bytes, rdf: ox.RdfFormat, message: str) -> tuple[int, int] | None:
    """Find where an error is that pyoxigraph reports without a position (RDF/XML, JSON-LD).

    A quoted value in the message (an IRI, a language tag) is looked up as an attribute value or
    a JSON string; for RDF/XML, expat (run only on a file already checked for a DOCTYPE) then
    finds an XML error.
    """
    text = data.decode("utf-8", errors="replace")
    quoted = re.search(r"'([^']+)'", message)
    if quoted:
        value = quoted.group(1)
        needles: tuple[str, ...]
        if rdf == ox.RdfFormat.JSON_LD:
            needles = (json.dumps(value, ensure_ascii=False), json.dumps(value))
        else:
            needles = (f'"{value}"', f"'{value}'", quoteattr(value))
        position = _locate(text, *needles)
        if position:
            return position
    if rdf == ox.RdfFormat.RDF_XML:
        parser = expat.ParserCreate()
        try:
            parser.Parse(data, True)
        except expat.ExpatError as error:
            return error.lineno, error.offset + 1
    return None


class _XmlRefusal(Exception):
    """Raised from an expat handler: the document is refused where expat stands."""

    def __init__(self, message: str, hint: str | None = None, *, declaration: bool = False):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.declaration = declaration


def _declaration_refused(*_args: Any) -> NoReturn:
    raise _XmlRefusal(
        "RDF/XML with a DOCTYPE or ENTITY declaration is refused "
        "(entity expansion can take very long)",
        hint="Remove the DOCTYPE and write IRIs and values in full.",
        declaration=True,
    )


def _check_xml(path: Path, data: bytes) -> None:
    """Refuse RDF/XML that has a DOCTYPE or a declaration, is ill-formed, or nests too deeply.

    expat reads the whole document as any XML parser would (comments, CDATA sections and
    processing instructions are what XML says they are, not a text scan's guess), and its
    handlers stop at the first DOCTYPE, before any entity is declared, let alone expanded.
    Ill-formed XML is refused too: a parser more lenient than expat (pyoxigraph honours a
    lower-case ``<!doctype`` and a DOCTYPE inside the root element) must never see a part of the
    document that expat did not check. Only UTF-8 without NUL characters is read, as UTF-8, so
    an ``encoding="UTF-16"`` declaration or UTF-16 bytes cannot show expat other characters than
    pyoxigraph sees (expat detects UTF-16 by itself; pyoxigraph reads such a file otherwise).
    """
    _check_xml_is_utf_8(path, data)
    parser = expat.ParserCreate("UTF-8")  # the bytes pyoxigraph reads, whatever the document says
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    depth = 0

    def start(_name: str, _attributes: Any) -> None:
        nonlocal depth
        depth += 1
        if depth > MAX_DEPTH:
            raise _XmlRefusal(
                f"RDF/XML elements nested more than {MAX_DEPTH} deep are refused "
                "(deep nesting can take very long to parse)",
                hint="Give nested resources their own rdf:Description with an IRI or rdf:nodeID.",
            )

    def end(_name: str) -> None:
        nonlocal depth
        depth -= 1

    parser.StartDoctypeDeclHandler = _declaration_refused
    parser.EntityDeclHandler = _declaration_refused
    parser.UnparsedEntityDeclHandler = _declaration_refused
    parser.NotationDeclHandler = _declaration_refused
    parser.ElementDeclHandler = _declaration_refused
    parser.AttlistDeclHandler = _declaration_refused
    parser.ExternalEntityRefHandler = _declaration_refused
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(data, True)
    except _XmlRefusal as refusal:
        index = parser.CurrentByteIndex
        if refusal.declaration:  # expat stands after the name: point at the "<!"
            index = max(data.rfind(b"<!", 0, index + 1), 0)
        before = data[:index].decode("utf-8", errors="replace")
        position = _position(before, len(before))
        raise SourceError(_at(path, position, refusal.message), hint=refusal.hint) from None
    except expat.ExpatError as error:
        message = f"ill-formed XML: {expat.ErrorString(error.code)}"
        raise SourceError(_at(path, (error.lineno, error.offset + 1), message)) from None


def _refuse_graphs(
    path: Path, data: bytes, quads: list[ox.Quad], forbidden: Callable[[str], str | None]
) -> None:
    """Refuse a graph name the file gives that ``forbidden`` says is reserved."""
    names = {q.graph_name for q in quads if isinstance(q.graph_name, ox.NamedNode)}
    for name in sorted(names, key=str):
        reserved = forbidden(name.value)
        if reserved:
            local = re.split(r"[/#]", name.value)[-1]
            text = data.decode("utf-8", errors="replace")
            position = _locate(text, name.value, f":{local}")
            raise SourceError(
                _at(path, position, f"the graph <{name.value}> is reserved for {reserved}"),
                hint="Put the triples in a graph of their own, or in the file's default graph.",
            )


def _check_xml_is_utf_8(path: Path, data: bytes) -> None:
    index = data.find(b"\0")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        index = error.start if index < 0 else min(index, error.start)
    if index >= 0:
        before = data[:index].decode("utf-8", errors="replace")
        raise SourceError(
            _at(path, _position(before, len(before)), "RDF/XML must be UTF-8 (without NUL)"),
            hint="Save the file as UTF-8.",
        )


def _label_blank_nodes(quads: list[ox.Quad], key: str, data: bytes) -> list[ox.Quad]:
    """``quads`` with each blank node labelled from ``key``, ``data`` and its order of appearance.

    pyoxigraph gives random labels (``rename_blank_nodes=True``), which made every export differ
    from run to run; these are the same for the same file and differ between files.
    """
    digest = hashlib.sha256(key.encode("utf-8", "surrogateescape") + b"\0" + data).hexdigest()
    prefix = f"b{digest[:16]}n"
    labels: dict[str, ox.BlankNode] = {}

    def label(term: Any) -> Any:
        if not isinstance(term, ox.BlankNode):
            return term
        new = labels.get(term.value)
        if new is None:
            new = labels[term.value] = ox.BlankNode(f"{prefix}{len(labels)}")
        return new

    return [
        ox.Quad(label(q.subject), q.predicate, label(q.object), label(q.graph_name))
        if isinstance(q.subject, ox.BlankNode)
        or isinstance(q.object, ox.BlankNode)
        or isinstance(q.graph_name, ox.BlankNode)
        else q
        for q in quads
    ]


def _refuse_rdf_1_2(path: Path, data: bytes, quads: list[ox.Quad]) -> None:
    """Refuse triple terms and base directions: rdflib, the other engine, cannot hold them."""
    for quad in quads:
        term = quad.object
        if isinstance(quad.subject, ox.Triple) or isinstance(term, ox.Triple):
            what = "RDF 1.2 triple terms (<<( )>>, or << >> reifiers) are"
            needles: tuple[str, ...] = ("<<",)
        elif isinstance(term, ox.Literal) and term.direction is not None:
            what = f"RDF 1.2 base directions ({term}) are"
            needles = (f"--{term.direction}",)
        else:
            continue
        position = _locate(data.decode("utf-8", errors="replace"), *needles)
        raise SourceError(
            _at(path, position, f"{what} not supported (secongraph also runs on rdflib)")
        )


# ---------------------------------------------------------------------------------------------
# JSON-LD


class _JsonProblem(Exception):
    """A JSON-LD document problem found before parsing; ``needles`` locate it in the text."""

    def __init__(self, message: str, *needles: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.needles = needles
        self.hint = hint


def _parse_json_ld(path: Path, data: bytes, base_iri: str | None) -> list[ox.Quad]:
    """Parse JSON-LD with only inline contexts and the project's own, and drop nothing silently.

    The document is read with ``json``, its contexts checked and the project context put inline,
    then a ``@vocab`` for undefined terms is put in front, and pyoxigraph parses the result in
    lenient mode. Every term of the result is then checked strictly: JSON-LD drops a statement
    with an invalid IRI or language tag, or with an undefined term, without an error.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start].decode("utf-8")
        position: tuple[int, int] | None = _position(before, len(before))
        raise SourceError(_at(path, position, f"invalid UTF-8: {error.reason}")) from error
    try:
        document = json.loads(
            text,
            object_pairs_hook=_unique_keys,
            parse_constant=_no_constant,
            parse_int=_integer,
            parse_float=_float,
        )
        _check_depth(document)
        document = _with_undefined_term_vocab(_inline_contexts(document))
    except json.JSONDecodeError as error:
        raise SourceError(_at(path, (error.lineno, error.colno), error.msg)) from error
    except _JsonProblem as problem:
        position = _locate(text, *problem.needles)
        raise SourceError(_at(path, position, problem.message), hint=problem.hint) from None
    except RecursionError:
        raise SourceError(
            _at(path, None, f"the JSON is nested more than {MAX_DEPTH} deep, which is refused")
        ) from None
    rewritten = json.dumps(document).encode()
    quads = _parse(
        path, rewritten, ox.RdfFormat.JSON_LD, base_iri=base_iri, original=data, lenient=True
    )
    try:
        _check_terms(quads)
    except _JsonProblem as problem:
        position = _locate(text, *problem.needles)
        raise SourceError(_at(path, position, problem.message), hint=problem.hint) from None
    return quads


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object as a dict; ``json`` would keep only the last of two equal keys."""
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise _JsonProblem(f"duplicate key {json.dumps(key)} in a JSON object")
        obj[key] = value
    return obj


def _no_constant(name: str) -> Any:
    raise _JsonProblem(f"{name} is not a JSON value")


def _integer(text: str) -> int:
    if len(text) > MAX_NUMBER_DIGITS:
        raise _JsonProblem(
            f"a JSON number of {len(text.lstrip('-')):,} digits is refused "
            f"(at most {MAX_NUMBER_DIGITS:,})",
            text,
            hint='Write a long number as a string with its datatype: {"@value": "…", "@type": "xsd:integer"}.',
        )
    return int(text)


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _JsonProblem(
            f"the JSON number {text[:20]}… is out of range for a double",
            text,
            hint='Write it as a string with its datatype: {"@value": "…", "@type": "xsd:decimal"}.',
        )
    return value


def _check_depth(document: Any) -> None:
    """Refuse JSON nested deeper than :data:`MAX_DEPTH` (pyoxigraph's JSON-LD parser crashed on
    5,000 levels); walked without recursion."""
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            if depth > MAX_DEPTH:
                raise RecursionError
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, depth + 1) for child in children)


@cache
def project_context() -> Any:
    """The ``@context`` value of ``ontology/context.jsonld``."""
    context_file = package_folder("ontology") / "context.jsonld"
    return json.loads(context_file.read_text(encoding="utf-8"))["@context"]


def _inline_contexts(node: Any) -> Any:
    """``node`` with every ``@context`` checked and the project context put inline.

    The walk does not tell JSON literals (``"@type": "@json"``) from nodes, so a ``@context`` key
    inside one is checked too: a false refusal, never a missed one.
    """
    if isinstance(node, list):
        return [_inline_contexts(item) for item in node]
    if isinstance(node, dict):
        return {
            key: _context(value) if key == "@context" else _inline_contexts(value)
            for key, value in node.items()
        }
    return node


def _context(value: Any) -> Any:
    """One ``@context`` value: inline dicts pass, the project IRI is replaced, others refused.

    A ``null`` (which clears the active context) is followed by the ``@vocab`` for undefined
    terms again, so that they stay visible below it.
    """
    if value is None:
        return [None, _UNDEFINED_TERM_VOCAB]
    if isinstance(value, list):
        items = [_context(item) for item in value]
        return [part for item in items for part in (item if isinstance(item, list) else [item])]
    if isinstance(value, str):
        if value == PROJECT_CONTEXT:
            return project_context()
        raise _refused("@context", value)
    if isinstance(value, dict):
        value = _inline_contexts(value)  # scoped contexts inside term definitions
        imported = value.pop("@import", None)
        if imported is None:
            return value
        if imported == PROJECT_CONTEXT:
            return {**project_context(), **value}
        raise _refused("@import", imported)
    return value  # pyoxigraph reports it as invalid


def _refused(keyword: str, value: Any) -> _JsonProblem:
    text = str(value)
    if not isinstance(value, str):
        kind = "non-string"
    elif re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", text) is None:
        kind = "relative"
    elif text.lower().startswith("file:"):
        kind = "file:"
    else:
        kind = "remote"
    return _JsonProblem(
        f"{kind} JSON-LD {keyword} {json.dumps(value)} is refused "
        "(loading never fetches a document or reads another file)",
        json.dumps(value),
        hint=_CONTEXT_HINT,
    )


def _with_undefined_term_vocab(document: Any) -> Any:
    """Put a ``@vocab`` for undefined terms in front of the document's own context."""
    first = _UNDEFINED_TERM_VOCAB
    if isinstance(document, list):
        return {"@context": first, "@graph": document}
    if not isinstance(document, dict):
        return document  # pyoxigraph reports it
    own = document.get("@context", [])
    rest = {key: value for key, value in document.items() if key != "@context"}
    return {"@context": [first, *(own if isinstance(own, list) else [own])], **rest}


def _check_terms(quads: list[ox.Quad]) -> None:
    """Raise ``_JsonProblem`` for the first term strict parsing would have refused or dropped."""
    checked: set[str] = set()
    for quad in quads:
        for term in (quad.subject, quad.predicate, quad.object, quad.graph_name):
            if isinstance(term, ox.Literal):
                if term.language is not None and term.language not in checked:
                    _check_language(term.language)
                    checked.add(term.language)
                term = term.datatype
            if isinstance(term, ox.NamedNode) and term.value not in checked:
                _check_iri(term.value)
                checked.add(term.value)


def _check_iri(iri: str) -> None:
    if iri.startswith(_UNDEFINED_TERM):
        term = iri.removeprefix(_UNDEFINED_TERM)
        quoted = json.dumps(term, ensure_ascii=False)
        raise _JsonProblem(
            f"term {quoted} is not defined in the JSON-LD @context (JSON-LD would drop it)",
            f"{quoted}:",
            f"{quoted} :",
            quoted,
            hint="Define the term in the @context, or write the full IRI.",
        )
    try:
        ox.NamedNode(iri)
    except ValueError as error:
        quoted = json.dumps(iri, ensure_ascii=False)
        hint = _RELATIVE_IRI_HINT if "No scheme found" in str(error) else None
        raise _JsonProblem(f"invalid IRI {quoted}: {error}", quoted, hint=hint) from None


def _check_language(language: str) -> None:
    try:
        ox.Literal("", language=language)
    except ValueError as error:
        quoted = json.dumps(language, ensure_ascii=False)
        raise _JsonProblem(f"invalid language tag {quoted}: {error}", quoted) from None
