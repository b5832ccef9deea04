"""SPARQL SELECT results: one type for every engine, written in the W3C result formats.

Every engine (Oxigraph, rdflib, a remote endpoint) gives a :class:`QueryResult` whose values
are rdflib terms, so the same query gives equal rows whatever answered it. A literal typed
``xsd:string`` becomes a plain rdflib ``Literal`` (as rdflib's own engine gives it), and lexical
forms are kept as the engine returned them.

Formats: ``json`` (SPARQL 1.1 Query Results JSON), ``xml`` (SPARQL Query Results XML), ``csv``
and ``tsv`` (SPARQL 1.1 Query Results CSV and TSV), ``table`` (aligned text) and ``md`` (a
Markdown table). The answer of an ASK is written by :func:`boolean`, the triples of a CONSTRUCT
or DESCRIBE by :func:`write_triples`. In a notebook a result shows as an HTML table
(``_repr_html_``), and :meth:`QueryResult.to_dataframe` gives a pandas DataFrame (with the
optional extra ``secongraph[notebook]``).

CSV and TSV are opened in spreadsheets, which run a cell that starts with ``=``, ``+``, ``-`` or
``@`` as a formula. A value that starts so gets an apostrophe in front (:func:`cells.neutralise`),
except a number of a numeric XSD datatype (``-3`` stays ``-3``). JSON keeps every value exactly.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier

from .cells import neutralise
from .choices import RESULT_FORMATS
from .errors import StoreError
from .namespaces import PREFIX_IRIS, PREFIXES
from .notebook import require
from .tables import render_table

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "FORMATS",
    "SPARQL_FORMATS",
    "QueryResult",
    "Row",
    "boolean",
    "compact",
    "from_json",
    "from_oxigraph",
    "from_triples",
    "normalise",
    "ntriples",
    "write_triples",
]

FORMATS = RESULT_FORMATS
SPARQL_FORMATS = ("json", "xml", "csv", "tsv")
"""The W3C formats of the answer to a SELECT or an ASK (what a SPARQL endpoint answers in)."""
SPARQL_RESULTS = "http://www.w3.org/2005/sparql-results#"
_XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
HTML_ROWS = 50
"""Rows a result shows as an HTML table in a notebook; a note counts the rest."""

Row = dict[str, Identifier | None]
"""One solution: every variable of the result, ``None`` where it is unbound."""


@dataclass(frozen=True)
class QueryResult:
    """The answer to a SELECT query: its variables, in order, and its rows.

    Examples
    --------
    >>> result = QueryResult(["n"], [{"n": Literal(3)}])
    >>> result.serialize("csv")
    'n\\r\\n3\\r\\n'
    >>> result.records()
    [{'n': 3}]
    """

    variables: list[str]
    rows: list[Row] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.rows)

    def in_order(self, variables: Sequence[str]) -> QueryResult:
        """The same result with its columns in the order of ``variables`` (when they match).

        ``SELECT *`` leaves the column order to each engine; the query library puts them in
        the order rdflib's parser lists them, so every engine gives the same columns.

        Examples
        --------
        >>> QueryResult(["b", "a"], [{"b": Literal(2), "a": Literal(1)}]).in_order(["a", "b"]).variables
        ['a', 'b']
        """
        if list(variables) == self.variables or set(variables) != set(self.variables):
            return self
        names = list(variables)
        return QueryResult(names, [{name: row[name] for name in names} for row in self.rows])

    def records(self) -> list[dict[str, Any]]:
        """The rows as plain Python values: IRIs and strings as ``str``, numbers and dates typed."""
        return [
            {name: None if term is None else _python(term) for name, term in row.items()}
            for row in self.rows
        ]

    def serialize(self, fmt: str = "table") -> str:
        """Write the result as ``table``, ``csv``, ``tsv``, ``json``, ``xml`` or ``md``.

        Raises
        ------
        ValueError
            If ``fmt`` is not one of :data:`FORMATS` or :data:`SPARQL_FORMATS`.
        """
        writers = {
            "table": _table, "csv": _csv, "tsv": _tsv, "json": _json, "md": _markdown, "xml": _xml,
        }  # fmt: skip
        if fmt not in writers:
            expected = ", ".join(dict.fromkeys([*FORMATS, *SPARQL_FORMATS]))
            raise ValueError(f"unknown result format {fmt!r} (expected {expected})")
        return writers[fmt](self)

    def to_dataframe(self) -> pd.DataFrame:
        """The rows as a pandas DataFrame, one column per variable (``secongraph[notebook]``).

        Values are those of :meth:`records`: IRIs and strings as ``str``, dates as
        ``datetime.date``. A column of integers is ``Int64`` (nullable), one of other numbers
        ``float64`` (``xsd:decimal`` too, so it can be plotted), one of booleans ``boolean``;
        an unbound value is missing (``None``, ``NaN`` or ``<NA>``).

        Raises
        ------
        MissingExtraError
            pandas is not installed.
        """
        pd = require("pandas", purpose="QueryResult.to_dataframe()")
        records = self.records()
        return pd.DataFrame(
            {name: _column(pd, [r[name] for r in records]) for name in self.variables},
            columns=self.variables,
        )

    def _repr_html_(self) -> str:
        """The result as an HTML table (Jupyter shows it): at most :data:`HTML_ROWS` rows, IRIs
        shortened with :func:`compact` (the full IRI in the cell's tooltip), everything escaped.
        """
        head = "".join(f"<th>{html.escape(name)}</th>" for name in self.variables)
        body = "".join(
            "<tr>" + "".join(_html_cell(row[name]) for name in self.variables) + "</tr>"
            for row in self.rows[:HTML_ROWS]
        )
        more = len(self.rows) - HTML_ROWS
        note = f"<p>… {more} more row{'s' if more > 1 else ''}</p>" if more > 0 else ""
        return (
            f'<table class="dataframe"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>{note}"
        )


def from_oxigraph(solutions: ox.QuerySolutions) -> QueryResult:
    """Convert pyoxigraph solutions into a :class:`QueryResult` of rdflib terms."""
    variables = [v.value for v in solutions.variables]
    converted: dict[Any, Identifier | None] = {None: None}  # each distinct term converted once
    rows = []
    for solution in solutions:
        row: Row = {}
        for index, name in enumerate(variables):
            term = solution[index]
            if term not in converted:
                converted[term] = from_ox_term(term)
            row[name] = converted[term]
        rows.append(row)
    return QueryResult(variables, rows)


def from_triples(triples: list[ox.Triple]) -> QueryResult:
    """The triples of a CONSTRUCT or DESCRIBE as a result of three columns, in rdflib terms."""
    names = ["subject", "predicate", "object"]
    return QueryResult(
        names, [{name: from_ox_term(getattr(triple, name)) for name in names} for triple in triples]
    )


def from_ox_term(term: Any) -> Identifier | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language, normalize=False)
        if term.datatype.value == XSD_STRING:
            return Literal(term.value, normalize=False)
        return Literal(term.value, datatype=URIRef(term.datatype.value), normalize=False)
    raise StoreError(f"unsupported RDF term in a result: {term!r}")


def to_ox_term(term: object) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as pyoxigraph's: the inverse of :func:`from_ox_term`."""
    if isinstance(term, URIRef):
        return ox.NamedNode(term)
    if isinstance(term, BNode):
        return ox.BlankNode(term)
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is None:
            return ox.Literal(str(term))
        return ox.Literal(str(term), datatype=ox.NamedNode(term.datatype))
    raise StoreError(f"unsupported RDF term: {term!r}")


def normalise(term: Identifier | None) -> Identifier | None:
    """Return ``term`` with an ``xsd:string`` datatype dropped (rdflib's plain literal)."""
    if isinstance(term, Literal) and term.datatype is not None and str(term.datatype) == XSD_STRING:
        return Literal(str(term), normalize=False)
    return term


def from_json(data: Any, *, origin: str) -> QueryResult:
    """Read a SPARQL 1.1 JSON result document (already decoded) into a :class:`QueryResult`.

    Raises
    ------
    StoreError
        If the document is not a SELECT result (``head.vars`` and ``results.bindings``).
    """
    try:
        variables = [str(v) for v in data["head"]["vars"]]
        bindings = data["results"]["bindings"]
        rows = [
            {name: _from_json_term(b[name]) if name in b else None for name in variables}
            for b in bindings
        ]
    except (KeyError, TypeError, ValueError) as error:
        raise StoreError(f"{origin}: not a SPARQL JSON SELECT result ({error})") from None
    return QueryResult(variables, rows)


def _from_json_term(term: Mapping[str, str]) -> Identifier:
    kind, value = term["type"], term["value"]
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if kind in ("literal", "typed-literal"):
        if "xml:lang" in term:
            return Literal(value, lang=term["xml:lang"], normalize=False)
        datatype = term.get("datatype")
        if datatype and datatype != XSD_STRING:
            return Literal(value, datatype=URIRef(datatype), normalize=False)
        return Literal(value, normalize=False)
    raise ValueError(f"unknown term type {kind!r}")


def ntriples(term: Identifier) -> str:
    """Write ``term`` in N-Triples syntax (also valid SPARQL): ``<iri>``, ``"text"@en``, …

    Examples
    --------
    >>> ntriples(Literal('say "hi"\\n', lang="en"))
    '"say \\\\"hi\\\\"\\\\n"@en'
    """
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        text = _escape(str(term))
        if term.language:
            return f'"{text}"@{term.language}'
        if term.datatype is not None and str(term.datatype) != XSD_STRING:
            return f'"{text}"^^<{term.datatype}>'
        return f'"{text}"'
    raise TypeError(f"not an RDF term: {term!r}")


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(text: str) -> str:
    return "".join(_ESCAPES.get(c, c) for c in text)


def _python(term: Identifier) -> Any:
    if isinstance(term, Literal):
        value = term.toPython()
        return str(term) if isinstance(value, Literal) else value
    return str(term)


_INT64 = range(-(2**63), 2**63)


def _column(pd: Any, values: list[Any]) -> Any:
    """A DataFrame column of ``values``: typed when all present values are numbers or booleans."""
    kinds = {_dtype(v) for v in values if v is not None}
    if kinds == {"Int64"} or kinds == {"boolean"}:
        return pd.array(values, dtype=kinds.pop())
    if kinds and kinds <= {"Int64", "float64"}:
        return pd.array([float("nan") if v is None else float(v) for v in values], dtype="float64")
    return pd.array(values, dtype=object)


def _dtype(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "Int64" if value in _INT64 else "object"
    return "float64" if isinstance(value, float | Decimal) else "object"


def _html_cell(term: Identifier | None) -> str:
    text = html.escape(compact(term))
    if isinstance(term, URIRef) and text != html.escape(str(term)):
        return f'<td title="{html.escape(str(term))}">{text}</td>'
    return f"<td>{text}</td>"


def compact(term: Identifier | None) -> str:
    """``term`` as text, an IRI in a secongraph namespace written with its prefix (``sgid:x``)."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        for prefix, namespace in PREFIXES.items():
            if term.startswith(str(namespace)) and len(term) > len(namespace):
                return f"{prefix}:{term[len(namespace) :]}"
        return str(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _table(result: QueryResult) -> str:
    rows = [[compact(row[v]) for v in result.variables] for row in result.rows]
    return render_table(result.variables, rows) + "\n"


def _markdown(result: QueryResult) -> str:
    def cell(text: str) -> str:
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(result.variables) + " |"]
    lines.append("|" + "|".join("---" for _ in result.variables) + "|")
    for row in result.rows:
        lines.append("| " + " | ".join(cell(compact(row[v])) for v in result.variables) + " |")
    return "\n".join(lines) + "\n"


def _csv(result: QueryResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([_csv_value(row[v]) for v in result.variables])
    return buffer.getvalue()


def _csv_value(term: Identifier | None) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return _cell(term)


_XSD = "http://www.w3.org/2001/XMLSchema#"
_NUMERIC_TYPES = frozenset(
    f"{_XSD}{name}"
    for name in [
        "integer",
        "decimal",
        "double",
        "float",
        "long",
        "int",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    ]
)
_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?|[+-]?INF|NaN")


def _cell(term: Identifier) -> str:
    """The text of ``term`` for a spreadsheet cell: a would-be formula neutralised, numbers kept."""
    text = str(term)
    if (
        isinstance(term, Literal)
        and str(term.datatype) in _NUMERIC_TYPES
        and _NUMBER.fullmatch(text)
    ):
        return text
    return neutralise(text)


def _tsv(result: QueryResult) -> str:
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    for row in result.rows:
        lines.append("\t".join(_tsv_value(row[v]) for v in result.variables))
    return "\n".join(lines) + "\n"


def _tsv_value(term: Identifier | None) -> str:
    if term is None:
        return ""
    written = ntriples(term)
    if isinstance(term, Literal) and _cell(term) != str(term):
        return f"\"'{written[1:]}"  # the apostrophe goes inside the quotes, before the value
    return written


def _json(result: QueryResult) -> str:
    bindings = [
        {name: _json_term(term) for name, term in row.items() if term is not None}
        for row in result.rows
    ]
    document = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _json_term(term: Identifier) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)
    encoded = {"type": "literal", "value": str(term)}
    if term.language:
        encoded["xml:lang"] = term.language
    elif term.datatype is not None and str(term.datatype) != XSD_STRING:
        encoded["datatype"] = str(term.datatype)
    return encoded


def _xml(result: QueryResult) -> str:
    root = ET.Element("sparql", xmlns=SPARQL_RESULTS)
    head = ET.SubElement(root, "head")
    for name in result.variables:
        ET.SubElement(head, "variable", name=name)
    results = ET.SubElement(root, "results")
    for row in result.rows:
        solution = ET.SubElement(results, "result")
        for name, term in row.items():
            if term is not None:
                _xml_term(ET.SubElement(solution, "binding", name=name), term)
    return _XML_DECLARATION + ET.tostring(root, encoding="unicode") + "\n"


def _xml_term(binding: ET.Element, term: Identifier) -> None:
    encoded = _json_term(term)
    kind = encoded.pop("type")
    element = ET.SubElement(binding, {"uri": "uri", "bnode": "bnode"}.get(kind, "literal"))
    element.text = encoded.pop("value")
    if "xml:lang" in encoded:
        element.set("xml:lang", encoded["xml:lang"])
    if "datatype" in encoded:
        element.set("datatype", encoded["datatype"])


def boolean(value: bool, fmt: str) -> str:
    """Write the answer of an ASK query in one of :data:`SPARQL_FORMATS` (CSV and TSV: the word).

    Examples
    --------
    >>> boolean(True, "json")
    '{"head": {}, "boolean": true}\\n'
    >>> boolean(False, "csv")
    'false\\n'

    Raises
    ------
    ValueError
        If ``fmt`` is not one of :data:`SPARQL_FORMATS`.
    """
    word = "true" if value else "false"
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}) + "\n"
    if fmt == "xml":
        root = ET.Element("sparql", xmlns=SPARQL_RESULTS)
        ET.SubElement(root, "head")
        ET.SubElement(root, "boolean").text = word
        return _XML_DECLARATION + ET.tostring(root, encoding="unicode") + "\n"
    if fmt in ("csv", "tsv"):
        return word + "\n"
    raise ValueError(f"unknown result format {fmt!r} (expected {', '.join(SPARQL_FORMATS)})")


def write_triples(triples: list[ox.Triple], fmt: ox.RdfFormat) -> bytes:
    """Write ``triples`` in ``fmt`` (Turtle, N-Triples, JSON-LD, RDF/XML …), sorted, with the
    secongraph prefixes (the same bytes for the same triples).

    Examples
    --------
    >>> x = ox.NamedNode(f"{PREFIXES['sgid']}x")
    >>> label = ox.Triple(x, ox.NamedNode(f"{PREFIXES['rdfs']}label"), ox.Literal("x"))
    >>> print(write_triples([label], ox.RdfFormat.N_TRIPLES).decode(), end="")
    <https://w3id.org/secongraph/id/x> <http://www.w3.org/2000/01/rdf-schema#label> "x" .
    """
    written = ox.serialize(sorted(set(triples), key=str), format=fmt, prefixes=PREFIX_IRIS)
    assert written is not None  # no output file given: the bytes are returned
    return written
