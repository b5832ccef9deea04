"""Tests for secongraph.sources: safe, strict reading of RDF files (real parsers, no mocks)."""

from __future__ import annotations

import json
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from secongraph.errors import SourceError
from secongraph.namespaces import GRAPH, ID, PREFIXES
from secongraph.paths import package_folder
from secongraph.sources import (
    PROJECT_CONTEXT,
    load_graph,
    rdf_format,
    read_quads,
    to_rdflib,
)

DATA = Path(__file__).parent / "data" / "sources"
HASKOVO = ID["organisation/municipality-of-haskovo"]
LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
XSD = "http://www.w3.org/2001/XMLSchema#"
CONTEXT_HINT = f'Put the context inline, or use "{PROJECT_CONTEXT}".'


def message_of(path: Path) -> SourceError:
    """The SourceError that reading ``path`` raises."""
    with pytest.raises(SourceError) as caught:
        read_quads(path)
    return caught.value


# --- formats -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.ttl", ox.RdfFormat.TURTLE),
        ("a.TTL", ox.RdfFormat.TURTLE),
        ("a.trig", ox.RdfFormat.TRIG),
        ("a.nt", ox.RdfFormat.N_TRIPLES),
        ("a.nq", ox.RdfFormat.N_QUADS),
        ("a.rdf", ox.RdfFormat.RDF_XML),
        ("a.owl", ox.RdfFormat.RDF_XML),
        ("a.xml", ox.RdfFormat.RDF_XML),
        ("a.jsonld", ox.RdfFormat.JSON_LD),
    ],
)
def test_rdf_format_by_extension(name: str, expected: ox.RdfFormat) -> None:
    assert rdf_format(Path(name)) == expected


@pytest.mark.parametrize("name", ["notes.md", "data.json", "rules.n3", "README"])
def test_unknown_extension_is_refused(name: str) -> None:
    with pytest.raises(SourceError) as caught:
        rdf_format(Path(name))
    assert caught.value.message == (
        f"{name}: unknown RDF format (expected .ttl, .trig, .nt, .nq, .rdf, .owl, .xml, .jsonld)"
    )


def test_missing_file_cannot_be_read(tmp_path: Path) -> None:
    path = tmp_path / "missing.ttl"
    assert message_of(path).message == f"{path}: cannot read: No such file or directory"


def test_folder_cannot_be_read(tmp_path: Path) -> None:
    path = tmp_path / "folder.ttl"
    path.mkdir()
    assert message_of(path).message == f"{path}: cannot read: Is a directory"


# --- the same graph in every format --------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "organisations.nt",
        "organisations.rdf",
        "organisations.jsonld",
        "organisations-inline-context.jsonld",
    ],
)
def test_variants_give_the_same_graph(name: str) -> None:
    assert isomorphic(load_graph(DATA / name), load_graph(DATA / "organisations.ttl"))


def test_turtle_converts_to_what_rdflib_parses(monkeypatch: pytest.MonkeyPatch) -> None:
    # rdflib would rewrite "0120"^^xsd:integer as "120"; the conversion keeps the lexical form,
    # as Oxigraph does, so compare with rdflib's parse without that normalisation.
    monkeypatch.setattr(rdflib, "NORMALIZE_LITERALS", False)
    path = DATA / "organisations.ttl"
    assert isomorphic(load_graph(path), Graph().parse(path, format="turtle"))


def test_literals_keep_their_kind() -> None:
    graph = load_graph(DATA / "organisations.ttl")
    labels = set(graph.objects(URIRef(HASKOVO), LABEL))
    assert labels == {
        Literal("Municipality of Haskovo", lang="en"),
        Literal("Община Хасково", lang="bg"),
    }
    (alt,) = graph.objects(URIRef(HASKOVO), URIRef("http://www.w3.org/2004/02/skos/core#altLabel"))
    assert alt.datatype is None  # a plain literal stays plain (not ^^xsd:string)
    (employees,) = graph.objects(URIRef(HASKOVO), URIRef("https://schema.org/numberOfEmployees"))
    # The lexical form is kept, as in Oxigraph (rdflib's parsers would make it "120").
    assert (str(employees), employees.datatype) == ("0120", URIRef(f"{XSD}integer"))


def test_prefixes_are_bound() -> None:
    graph = load_graph(DATA / "organisations.ttl")
    assert dict(graph.namespaces())["sgid"] == URIRef(str(ID))


def test_json_ld_with_project_context_loads() -> None:
    graph = load_graph(DATA / "organisations.jsonld")
    assert (URIRef(HASKOVO), LABEL, Literal("Municipality of Haskovo", lang="en")) in graph


def test_project_context_has_every_prefix() -> None:
    context = json.loads((package_folder("ontology") / "context.jsonld").read_text())["@context"]
    assert {k: v for k, v in context.items() if not k.startswith("@")} == {
        prefix: str(namespace) for prefix, namespace in PREFIXES.items()
    }


# --- graphs ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["graphs.trig", "graphs.nq"])
def test_dataset_formats_keep_graph_names(name: str) -> None:
    quads = read_quads(DATA / name, graph=ox.NamedNode(GRAPH["catalogue"]))
    names = sorted(str(q.graph_name) for q in quads)
    assert names == [
        f"<{GRAPH['catalogue']}>",  # the file's default graph goes where the caller says
        f"<{GRAPH['press-release-2023']}>",
        f"<{GRAPH['workshop-agenda']}>",
        f"<{GRAPH['workshop-agenda']}>",
    ]


def test_triples_go_into_the_given_graph() -> None:
    graph = ox.NamedNode(GRAPH["haskovo"])
    quads = read_quads(DATA / "organisations.ttl", graph=graph)
    assert {q.graph_name for q in quads} == {graph}
    assert {q.graph_name for q in read_quads(DATA / "organisations.ttl")} == {ox.DefaultGraph()}


def test_trig_round_trips_through_rdflib() -> None:
    path = DATA / "graphs.trig"
    ours = to_rdflib(read_quads(path))
    theirs = Dataset().parse(path, format="trig")
    for name in (GRAPH["press-release-2023"], GRAPH["workshop-agenda"]):
        assert isomorphic(ours.graph(URIRef(name)), theirs.graph(URIRef(name)))
        assert len(ours.graph(URIRef(name))) > 0
    assert isomorphic(ours.default_graph, theirs.default_graph)


# --- conversion --------------------------------------------------------------------------------


def test_blank_nodes_are_stable_within_one_call() -> None:
    a, p = ox.BlankNode("a"), ox.NamedNode("https://example.org/p")
    quads = [ox.Quad(a, p, ox.Literal("1")), ox.Quad(a, p, ox.Literal("2"))]
    first, second = to_rdflib(quads), to_rdflib(quads)
    subjects = set(first.subjects())
    assert len(subjects) == 1
    assert isinstance(next(iter(subjects)), BNode)
    assert subjects.isdisjoint(second.subjects())


def test_triples_and_typed_literals_convert() -> None:
    s, p = ox.NamedNode("https://example.org/s"), ox.NamedNode("https://example.org/p")
    triples = [
        ox.Triple(s, p, ox.Literal("x")),
        ox.Triple(s, p, ox.Literal("x", datatype=ox.NamedNode(f"{XSD}string"))),
        ox.Triple(s, p, ox.Literal("x", language="en")),
        ox.Triple(s, p, ox.Literal("2024-01-01", datatype=ox.NamedNode(f"{XSD}date"))),
    ]
    objects = set(to_rdflib(triples).default_graph.objects())
    assert objects == {
        Literal("x"),
        Literal("x", lang="en"),
        Literal("2024-01-01", datatype=URIRef(f"{XSD}date")),
    }


# --- errors with file, line and column ---------------------------------------------------------


def test_malformed_turtle_names_file_line_and_column() -> None:
    path = DATA / "malformed.ttl"
    error = message_of(path)
    assert error.message.startswith(f"{path}:5:1: ")
    assert "dot is expected" in error.message


def test_iri_with_space_is_refused_at_load() -> None:
    path = DATA / "iri-with-space.ttl"
    assert message_of(path).message == f"{path}:3:1: Invalid IRI code point ' '"


def test_rdflib_would_accept_the_iri_with_space() -> None:
    """Why pyoxigraph parses: rdflib loads this file and only fails at export."""
    assert len(Graph().parse(DATA / "iri-with-space.ttl", format="turtle")) == 1


def test_relative_iri_is_refused_with_a_hint() -> None:
    path = DATA / "relative-iri.ttl"
    error = message_of(path)
    assert error.message == f"{path}:3:1: No scheme found in an absolute IRI"
    assert error.hint is not None and "@base" in error.hint


def test_relative_iri_resolves_against_an_explicit_base() -> None:
    (quad,) = read_quads(DATA / "relative-iri.ttl", base_iri=str(ID))
    assert quad.subject == ox.NamedNode(HASKOVO)


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.ttl"
    path.write_bytes(b"\xef\xbb\xbf" + (DATA / "organisations.ttl").read_bytes())
    assert isomorphic(load_graph(path), load_graph(DATA / "organisations.ttl"))


def test_rdf_xml_error_is_located(tmp_path: Path) -> None:
    path = tmp_path / "bad.rdf"
    path.write_text((DATA / "organisations.rdf").read_text().replace("-haskovo", "-has kovo"))
    assert message_of(path).message == (
        f"{path}:7:30: error while parsing IRI '{ID}organisation/municipality-of-has kovo': "
        "Invalid IRI code point ' '"
    )


def test_ill_formed_xml_is_located(tmp_path: Path) -> None:
    path = tmp_path / "bad.rdf"
    path.write_text((DATA / "organisations.rdf").read_text().replace("</rdf:RDF>", "</rdf:XXX>"))
    assert message_of(path).message == f"{path}:18:3: ill-formed XML: mismatched tag"


@pytest.mark.parametrize(
    ("turtle", "expected"),
    [
        ("<< <https://e.org/a> <https://e.org/p> 1 >> <https://e.org/p> 2 .", "triple terms"),
        (
            "<https://e.org/a> <https://e.org/p> <<( <https://e.org/a> <https://e.org/p> 1 )>> .",
            "triple terms",
        ),
        ('<https://e.org/a> <https://e.org/p> "x"@en--ltr .', "base directions"),
    ],
)
def test_rdf_1_2_is_refused(tmp_path: Path, turtle: str, expected: str) -> None:
    path = tmp_path / "star.ttl"
    path.write_text(turtle)
    message = message_of(path).message
    assert message.startswith(f"{path}:1:")
    assert f"RDF 1.2 {expected}" in message


# --- RDF/XML declarations ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "line"),
    [("billion-laughs.rdf", 2), ("external-entity.rdf", 2), ("entity-declaration.rdf", 3)],
)
def test_rdf_xml_doctype_is_refused_before_parsing(name: str, line: int) -> None:
    """Refused by the declaration scan, so no entity is ever expanded (no timing needed)."""
    path = DATA / name
    error = message_of(path)
    assert error.message == (
        f"{path}:{line}:1: RDF/XML with a DOCTYPE or ENTITY declaration is refused "
        "(entity expansion can take very long)"
    )


RDF_OPEN = (
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="https://e.org/">'
)
LITERAL = '<rdf:Description rdf:about="https://e.org/a"><ex:p>{}</ex:p></rdf:Description>'


@pytest.mark.parametrize(
    ("xml", "line"),
    [
        # pyoxigraph expands the entities of both of these: the prologue alone is not enough.
        (f'<!doctype rdf:RDF [<!ENTITY a "x">]>\n{RDF_OPEN}{LITERAL.format("&a;")}</rdf:RDF>', 1),
        (f'{RDF_OPEN}\n<!DOCTYPE rdf:RDF [<!ENTITY a "x">]>{LITERAL.format("&a;")}</rdf:RDF>', 2),
    ],
)
def test_rdf_xml_doctype_anywhere_is_refused(tmp_path: Path, xml: str, line: int) -> None:
    path = tmp_path / "doctype.rdf"
    path.write_text(xml)
    assert message_of(path).message.startswith(f"{path}:{line}:")


def test_doctype_in_cdata_or_comment_is_text(tmp_path: Path) -> None:
    path = tmp_path / "cdata.rdf"
    html = "<!DOCTYPE html><p>Haskovo</p>"
    path.write_text(
        f"<!-- <!DOCTYPE -->{RDF_OPEN}{LITERAL.format(f'<![CDATA[{html}]]>')}</rdf:RDF>"
    )
    (quad,) = read_quads(path)
    assert quad.object == ox.Literal(html)


# --- JSON-LD contexts --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "position", "refused"),
    [
        (
            "context-remote.jsonld",
            "2:15",
            'remote JSON-LD @context "http://127.0.0.1:9/context.jsonld"',
        ),
        ("context-file.jsonld", "2:15", 'file: JSON-LD @context "file:///etc/passwd"'),
        ("context-relative.jsonld", "2:15", 'relative JSON-LD @context "context.jsonld"'),
        (
            "context-import.jsonld",
            "3:16",
            'remote JSON-LD @import "https://example.org/context.jsonld"',
        ),
        ("context-scoped-remote.jsonld", "7:21", 'remote JSON-LD @context "https://schema.org/"'),
    ],
)
def test_json_ld_context_other_than_ours_is_refused(name: str, position: str, refused: str) -> None:
    path = DATA / name
    error = message_of(path)
    assert error.message == (
        f"{path}:{position}: {refused} is refused "
        "(loading never fetches a document or reads another file)"
    )
    assert error.hint == CONTEXT_HINT


def test_json_ld_undefined_term_is_refused() -> None:
    path = DATA / "undefined-term.jsonld"
    assert message_of(path).message == (
        f'{path}:5:3: term "homepage" is not defined in the JSON-LD @context '
        "(JSON-LD would drop it)"
    )


def test_json_ld_undefined_term_under_a_null_context_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "null.jsonld"
    document = {
        "@context": PROJECT_CONTEXT,
        "@id": "sgid:organisation/a",
        "sg:hasUnit": {"@context": None, "@id": "https://e.org/unit", "name": "Unit"},
    }
    path.write_text(json.dumps(document, indent=1))
    assert message_of(path).message.startswith(f'{path}:7:3: term "name" is not defined')


def test_json_ld_iri_with_space_is_refused() -> None:
    path = DATA / "iri-with-space.jsonld"
    assert message_of(path).message == (
        f'{path}:3:10: invalid IRI "{ID}organisation/municipality of haskovo": '
        "Invalid IRI code point ' '"
    )


def test_json_syntax_error_is_located(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonld"
    path.write_text('{\n  "@id": "https://e.org/a",\n}\n')
    expected = f"{path}:3:1: Expecting property name enclosed in double quotes"
    assert message_of(path).message == expected


def test_json_duplicate_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "dup.jsonld"
    path.write_text('{"@id": "https://e.org/a", "https://e.org/p": 1, "https://e.org/p": 2}')
    assert message_of(path).message == f'{path}: duplicate key "https://e.org/p" in a JSON object'


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A real TCP server on 127.0.0.1 that records whether anyone connected."""
    server = socket.create_server(("127.0.0.1", 0))
    server.setblocking(False)
    yield server
    server.close()


def connected(server: socket.socket) -> bool:
    try:
        conn, _ = server.accept()
    except BlockingIOError:
        return False
    conn.close()
    return True


def test_remote_context_opens_no_connection(tmp_path: Path, listener: socket.socket) -> None:
    """Checked with a real server: pyoxigraph's Rust code would escape a Python audit hook."""
    port = listener.getsockname()[1]
    document = {"@context": f"http://127.0.0.1:{port}/context.jsonld", "@id": "https://e.org/a"}
    path = tmp_path / "remote.jsonld"
    path.write_text(json.dumps(document))
    with pytest.raises(SourceError):
        read_quads(path)
    # Nor does pyoxigraph itself fetch, should the check before it ever be bypassed.
    with pytest.raises(SyntaxError):
        list(ox.parse(path=path, format=ox.RdfFormat.JSON_LD))
    assert not connected(listener)


_AUDIT: list[tuple[str, str]] | None = None
_HOOKED = False


def _audit(event: str, args: tuple[object, ...]) -> None:
    if _AUDIT is not None and event in ("open", "socket.connect"):
        _AUDIT.append((event, str(args[0])))


def test_reading_opens_only_the_file_and_the_project_context(tmp_path: Path) -> None:
    """Python-level opens and connections while reading JSON-LD (audit hooks cannot be removed,
    so the hook is installed once and records only inside this test)."""
    global _AUDIT, _HOOKED
    if not _HOOKED:
        sys.addaudithook(_audit)
        _HOOKED = True
    remote = tmp_path / "remote.jsonld"
    remote.write_text('{"@context": "https://example.org/c", "@id": "https://e.org/a"}')
    _AUDIT = []
    try:
        load_graph(DATA / "organisations.jsonld")
        with pytest.raises(SourceError):
            read_quads(remote)
        events = list(_AUDIT)
    finally:
        _AUDIT = None
    assert not [e for e in events if e[0] == "socket.connect"]
    opened = {Path(name).resolve() for event, name in events if event == "open"}
    assert opened <= {
        (DATA / "organisations.jsonld").resolve(),
        (package_folder("ontology") / "context.jsonld").resolve(),
        remote.resolve(),
    }
    assert (DATA / "organisations.jsonld").resolve() in opened


def test_a_parse_error_quoting_a_newline_stays_on_one_line(tmp_path: Path) -> None:
    path = tmp_path / "newline.ttl"
    path.write_text('<https://e.org/a\nb> <https://e.org/p> "x" .\n')
    assert message_of(path).message == f"{path}:1:1: Invalid IRI code point '\\n'"


def test_rdf_xml_is_checked_as_the_utf_8_that_pyoxigraph_reads(tmp_path: Path) -> None:
    """A declared UTF-16 encoding cannot make expat read other characters than pyoxigraph."""
    hidden = b'<!DOCTYPE r [<!ENTITY a "x">]>'
    hidden += b" " * (len(hidden) % 2)  # whole UTF-16 code units
    disguised = hidden.decode("utf-16-le", errors="surrogatepass")
    text = f'<?xml version="1.0" encoding="UTF-16"?><!--{disguised}-->{RDF_OPEN}</rdf:RDF>'
    path = tmp_path / "utf16.rdf"
    path.write_bytes(text.encode("utf-16-le", errors="surrogatepass"))
    assert message_of(path).message == f"{path}:1:2: RDF/XML must be UTF-8 (without NUL)"
