"""The query library: named, parameterised SPARQL questions in ``queries/*.rq``.

Each file is one question, in the grlc / BASIL conventions, so the folder also works with grlc:

.. code-block:: sparql

    #+ summary: Partners of a project, by country
    #+ description: Each partner with its role and country.
    #+ tags:
    #+   - partners
    #+ defaults:
    #+   - country: GR
    #+ enumerate:
    #+   - country:
    #+     - GR
    #+     - BG
    SELECT ?partner ?partner_label WHERE { ... ?country sg:isoCode ?__country ... }

Parameters are variables: ``?_name`` (a literal), ``?_name_iri`` (an IRI), ``?_name_xsd_date``
(a literal typed ``xsd:date``; any ``xsd_<type>`` of :data:`XSD_TYPES`), and ``?__name`` (the
same, optional: left unbound when no value is given, or bound to its ``#+ defaults`` value). Values
are checked against their type and ``enumerate`` and then bound as RDF terms, never spliced into
the query text. grlc splices them, and leaves a parameter without value unbound even when it has a
default, so a library question writes its parameters to stay SPARQL either way (see
``docs/queries.md``): ``BIND(COALESCE(?__name, default) AS ?name)`` and
``FILTER(COALESCE(?__name, "") = "" || …)``.

A projected variable ``?x_label`` next to a projected ``?x`` holding an IRI is filled with the
label of ``?x`` in the first of the requested languages that has one (see :func:`run_query`).
"""

from __future__ import annotations

import difflib
import logging
import re
import time
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Protocol

import yaml
from rdflib import XSD, Literal, URIRef
from rdflib.term import Identifier

from ._sg import SG
from .errors import ParameterError, QueryError
from .namespaces import GRAPH, PREFIXES
from .paths import package_folder
from .results import QueryResult
from .sandbox import (
    QUERY_FORMS,
    check_query,
    code_segments,
    columns,
    query_form,
    sparql_term,
    strip_comments,
)

__all__ = [
    "XSD_TYPES",
    "NamedQuery",
    "Parameter",
    "Target",
    "check",
    "get_query",
    "load_queries",
    "parse_params",
    "parse_query",
    "parse_query_file",
    "relabel",
    "resolve_query",
    "run_query",
]

logger = logging.getLogger(__name__)

_PARAMETER = re.compile(r"[?$](__?[A-Za-z]\w*)")
_PARAMETER_NAME = re.compile(
    r"^(?P<optional>__?)(?P<name>[A-Za-z]\w*?)(?:_(?P<kind>iri|xsd_[A-Za-z]+))?$"
)
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^<>\"{}|^`\\\x00-\x20]*$")
_CURIE = re.compile(r"^([A-Za-z][\w.-]*)?:([^\s<>\"{}|^`\\]*)$")
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text) is not None


def _is_datetime(text: str) -> bool:
    if not re.fullmatch(
        r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})?",
        text,
    ):
        return False
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


XSD_TYPES: dict[str, tuple[str, Callable[[str], object]]] = {
    "string": ("any text", lambda t: True),
    "date": ("a date such as 2023-11-13", _is_date),
    "dateTime": ("a date and time such as 2023-11-13T09:30:00", _is_datetime),
    "gYear": ("a year such as 2023", re.compile(r"-?[0-9]{4,}").fullmatch),
    "integer": ("a whole number", re.compile(r"[+-]?[0-9]+").fullmatch),
    "nonNegativeInteger": ("a whole number, 0 or more", re.compile(r"\+?[0-9]+").fullmatch),
    "decimal": ("a decimal number", re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)").fullmatch),
    "boolean": ("true or false", re.compile(r"true|false|1|0").fullmatch),
}
"""The ``xsd_<type>`` suffixes a parameter may have: type → (what a value looks like, check).

Only the XSD lexical forms are accepted, so digits are ASCII: ``١٢٣`` or ``１２`` is refused (the
engines would read it differently).
"""


@dataclass(frozen=True)
class Parameter:
    """One parameter of a query, from a variable ``?_name…`` or ``?__name…``.

    Examples
    --------
    >>> p = Parameter.from_variable("_from_xsd_date")
    >>> p.name, p.kind, p.required
    ('from', 'xsd:date', True)
    """

    name: str
    variable: str
    kind: str
    """``literal``, ``iri`` or ``xsd:<type>``."""
    required: bool
    """The query always gets a value: a ``?_name`` variable, or a ``?__name`` with a default (which
    grlc leaves unbound when not given, so the query falls back to the default itself)."""
    default: str | None = None
    allowed: tuple[str, ...] = ()

    @classmethod
    def from_variable(cls, variable: str) -> Parameter:
        """Read name, type and optionality from a parameter variable name (without ``?``).

        Raises
        ------
        QueryError
            If the ``xsd_`` type is not one of :data:`XSD_TYPES`.
        """
        match = _PARAMETER_NAME.match(variable)
        if match is None:
            raise QueryError(f"?{variable} is not a parameter name")
        kind = match["kind"] or "literal"
        if kind.startswith("xsd_"):
            xsd_type = kind.removeprefix("xsd_")
            if xsd_type not in XSD_TYPES:
                known = ", ".join(f"xsd_{t}" for t in XSD_TYPES)
                raise QueryError(f"?{variable}: unknown parameter type xsd_{xsd_type} ({known})")
            kind = f"xsd:{xsd_type}"
        return cls(match["name"], variable, kind, required=match["optional"] == "_")

    def describe(self) -> str:
        """One line for ``query list``: name, type, required or default, allowed values.

        Examples
        --------
        >>> Parameter("country", "__country", "literal", False, allowed=("BE", "BG")).describe()
        'country (literal, optional; one of: BE, BG)'
        """
        facts = [self.kind]
        if self.default is not None:
            facts.append(f"default {self._short(self.default)}")
        elif self.required:
            facts.append("required")
        else:
            facts.append("optional")
        text = f"{self.name} ({', '.join(facts)}"
        if self.allowed:
            text += f"; one of: {', '.join(self._short(v) for v in self.allowed)}"
        return text + ")"

    def _short(self, value: str) -> str:
        """An IRI value as a prefixed name where a secongraph prefix fits (input accepts both)."""
        if self.kind != "iri":
            return value
        for prefix, namespace in PREFIXES.items():
            local = value.removeprefix(str(namespace))
            if local != value and _CURIE.match(f"{prefix}:{local}"):
                return f"{prefix}:{local}"
        return value

    def term(self, value: str) -> Identifier:
        """Check ``value`` against this parameter's type and ``enumerate`` list; return its term.

        Raises
        ------
        ParameterError
            If the value is not allowed or not of the parameter's type.
        """
        if self.kind == "iri":
            iri = _expand_iri(self.name, value)
            if self.allowed and iri not in {_expand_iri(self.name, v) for v in self.allowed}:
                raise self._not_allowed(value)
            return URIRef(iri)
        if self.allowed and value not in self.allowed:
            raise self._not_allowed(value)
        if self.kind == "literal":
            return Literal(value)
        xsd_type = self.kind.removeprefix("xsd:")
        description, check = XSD_TYPES[xsd_type]
        if not check(value):
            raise ParameterError(
                f'parameter "{self.name}": "{value}" is not {description} ({self.kind})'
            )
        if xsd_type == "string":
            return Literal(value)
        return Literal(value, datatype=XSD[xsd_type], normalize=False)

    def _not_allowed(self, value: str) -> ParameterError:
        choices = ", ".join(self._short(v) for v in self.allowed)
        return ParameterError(
            f'parameter "{self.name}": "{value}" is not allowed (choose one of: {choices})'
        )


def _expand_iri(name: str, value: str) -> str:
    text = value.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    curie = _CURIE.match(text)
    if curie and (curie[1] or "") in PREFIXES and not text.startswith(("http:", "https:", "urn:")):
        text = str(PREFIXES[curie[1] or ""]) + curie[2]
    if not _IRI.match(text):
        raise ParameterError(
            f'parameter "{name}": "{value}" is not an IRI',
            hint="Give a full IRI such as https://w3id.org/secongraph/id/organisation/kmop "
            "or a prefixed name such as sgid:organisation/kmop.",
        )
    return text


@dataclass(frozen=True)
class NamedQuery:
    """A question of the library: its name, decorators, parameters and SPARQL text."""

    name: str
    sparql: str
    summary: str = ""
    description: str = ""
    tags: tuple[str, ...] = ()
    parameters: tuple[Parameter, ...] = ()
    path: Path | None = None
    variables: tuple[str, ...] = field(default=())
    """The projected variables, in order."""
    form: str = "SELECT"
    """``SELECT`` for every question of the library; a query of ``--file`` or ``-q`` may be an
    ``ASK``, ``CONSTRUCT`` or ``DESCRIBE`` too."""

    def bind(self, values: Mapping[str, str]) -> dict[str, Identifier]:
        """Check ``values`` (parameter name → text) and return variable name → RDF term.

        Defaults fill what is not given; an optional parameter without value stays unbound.

        Raises
        ------
        ParameterError
            For an unknown parameter, a missing required one, or a value that is not allowed
            or not of the parameter's type.
        """
        known = {p.name: p for p in self.parameters}
        for name in values:
            if name not in known:
                expected = ", ".join(known) or "none"
                raise ParameterError(
                    f'query "{self.name}" has no parameter "{name}" (parameters: {expected})'
                )
        bindings: dict[str, Identifier] = {}
        for parameter in self.parameters:
            value = values.get(parameter.name, parameter.default)
            if value is None:
                if parameter.required:
                    raise ParameterError(
                        f'query "{self.name}" needs parameter "{parameter.name}"',
                        hint=f"Pass -p {parameter.name}=VALUE.",
                    )
                continue
            bindings[parameter.variable] = parameter.term(value)
        return bindings


class Target(Protocol):
    """Anything that answers a SELECT query with bound parameters: a Store or an Endpoint."""

    def select(
        self,
        sparql: str,
        *,
        bindings: Mapping[str, Identifier] | None = None,
        allow_remote: bool = False,
        origin: str = "query",
        timeout: float | None = None,
    ) -> QueryResult:
        """Run ``sparql`` with ``bindings`` and return its rows within ``timeout`` seconds."""


def parse_query(
    text: str, *, name: str, path: Path | None = None, forms: Collection[str] = ("SELECT",)
) -> NamedQuery:
    """Read the ``#+`` decorators and the parameters of one query.

    ``forms`` are the query forms accepted (the library's questions are SELECT queries).

    Raises
    ------
    QueryError
        If the query is not of ``forms`` or has a syntax error, a decorator is malformed, or a
        default or enumerated value names no parameter.

    Examples
    --------
    >>> q = parse_query("#+ summary: Events\\n#+ defaults:\\n#+   - year: 2023\\n"
    ...                 "SELECT ?e WHERE { ?e sg:year ?_year }", name="events")
    >>> q.summary, [(p.name, p.default) for p in q.parameters]
    ('Events', [('year', '2023')])
    """
    decorators = _decorators(text, origin=str(path or name))
    parsed = check_query(text, allow_remote=True, origin=str(path or name), forms=forms)
    variables = []
    for _, segment in code_segments(text):
        variables += [m.group(1) for m in _PARAMETER.finditer(segment)]
    parameters: dict[str, Parameter] = {}
    for variable in dict.fromkeys(variables):
        parameter = Parameter.from_variable(variable)
        if parameter.name in parameters:
            raise QueryError(f"{path or name}: two variables for parameter {parameter.name}")
        parameters[parameter.name] = parameter
    defaults = _pairs(decorators.get("defaults"), "defaults", path or name)
    allowed = _pairs(decorators.get("enumerate"), "enumerate", path or name)
    for key in (*defaults, *allowed):
        if key not in parameters:
            raise QueryError(f"{path or name}: decorator names unknown parameter {key!r}")
    final = tuple(
        Parameter(
            p.name,
            p.variable,
            p.kind,
            p.required or p.name in defaults,
            default=_scalar(defaults.get(p.name)),
            allowed=tuple(str(v) for v in _list(allowed.get(p.name))),
        )
        for p in parameters.values()
    )
    return NamedQuery(
        name=name,
        sparql=text,
        summary=str(decorators.get("summary", "")).strip(),
        description=str(decorators.get("description", "")).strip(),
        tags=tuple(str(t) for t in _list(decorators.get("tags"))),
        parameters=final,
        path=path,
        variables=tuple(columns(text, parsed)),
        form=query_form(parsed),
    )


def parse_query_file(path: Path, *, forms: Collection[str] = ("SELECT",)) -> NamedQuery:
    """Read the query file ``path`` (its name is the file name without ``.rq``), of ``forms``.

    Raises
    ------
    QueryError
        If the file cannot be read or its decorators are malformed.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise QueryError(f"{path}: cannot read the query ({error})") from None
    return parse_query(text, name=Path(path).stem, path=Path(path), forms=forms)


def load_queries(folder: Path | None = None) -> dict[str, NamedQuery]:
    """Read every ``*.rq`` file of ``folder`` (default: the library shipped with secongraph).

    Raises
    ------
    QueryError
        If the folder does not exist or a query file is malformed.

    Examples
    --------
    >>> "partners-by-country" in load_queries()
    True
    """
    folder = Path(folder) if folder is not None else package_folder("queries")
    if not folder.is_dir():
        raise QueryError(f"{folder}: no such query folder", hint="Pass --queries DIR.")
    return {path.stem: parse_query_file(path) for path in sorted(folder.glob("*.rq"))}


def get_query(name: str, folder: Path | None = None) -> NamedQuery:
    """Return the query ``name`` of the library in ``folder``.

    Raises
    ------
    ParameterError
        If there is no query of that name.
    """
    folder = Path(folder) if folder is not None else package_folder("queries")
    path = folder / f"{name}.rq"
    if "/" in name or "\\" in name or name.startswith(".") or not path.is_file():
        known = sorted(p.stem for p in folder.glob("*.rq"))
        close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
        suggestion = f"Did you mean {' or '.join(close)}? " if close else ""
        raise ParameterError(
            f'unknown query "{name}"',
            hint=f'{suggestion}Run "secongraph query list" to see the questions.',
        )
    return parse_query_file(path)


def parse_params(pairs: Iterable[str]) -> dict[str, str]:
    """Read ``key=value`` pairs (the CLI's ``-p`` options) into a dict.

    Raises
    ------
    ParameterError
        If a pair has no ``=`` or an empty name, or a name is given twice.

    Examples
    --------
    >>> parse_params(["country=GR", "from=2023-01-01"])
    {'country': 'GR', 'from': '2023-01-01'}
    """
    params: dict[str, str] = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals or not name.strip():
            raise ParameterError(f'"{pair}" is not a parameter; write -p name=value')
        if name.strip() in params:
            raise ParameterError(f'parameter "{name.strip()}" is given twice')
        params[name.strip()] = value
    return params


def resolve_query(
    name: str | None = None, *, file: Path | None = None, text: str | None = None,
    folder: Path | None = None,
) -> NamedQuery:  # fmt: skip
    """The query to run: a library question by ``name``, the query in ``file``, or ``text``.

    A question of the library is a SELECT; a file or a text may be any read-only form.

    Raises
    ------
    ParameterError
        If not exactly one of them is given, or the name is unknown.
    QueryError
        If the file cannot be read or the query is malformed.
    """
    if sum(given is not None for given in (name, file, text)) != 1:
        raise ParameterError("give a query name, a file or a query text (one of them)")
    if file is not None:
        return parse_query_file(file, forms=QUERY_FORMS)
    if text is not None:
        return parse_query(text, name="query", forms=QUERY_FORMS)
    assert name is not None
    return get_query(name, folder)


_SG_PREFIXED = re.compile(r"(?<![\w:-])sg:([A-Za-z_][\w-]*)")
_SG_IRI = re.compile(r"<" + re.escape(str(PREFIXES["sg"])) + r"([A-Za-z_][\w-]*)>")
_SG_DECLARED = re.compile(r"PREFIX\s+sg:\s*<([^>]*)>", re.IGNORECASE)


def undeclared_terms(text: str) -> list[tuple[str, list[str]]]:
    """The ``sg:`` terms ``text`` uses that the ontology does not declare, each with the nearest
    declared terms: a query that names a missing term answers nothing, silently.

    Examples
    --------
    >>> undeclared_terms("SELECT ?c WHERE { ?o sg:countryCode ?c ; sg:country ?x }")
    [('sg:countryCode', ['sg:country', 'sg:Country', 'sg:nutsCode'])]
    """
    declared = sorted(SG.__annotations__)
    return [
        (f"sg:{term}", [f"sg:{near}" for near in difflib.get_close_matches(term, declared, n=3)])
        for term in _sg_terms(text)
        if term not in SG.__annotations__
    ]


def _sg_terms(text: str) -> list[str]:
    """The local names of the ``sg:`` terms ``text`` uses (prefixed or as full IRIs), once each."""
    own = _SG_DECLARED.search(text)
    used = [] if own and own.group(1) != str(PREFIXES["sg"]) else [
        match.group(1) for _, code in code_segments(text) for match in _SG_PREFIXED.finditer(code)
    ]  # fmt: skip
    used += _SG_IRI.findall(strip_comments(text))
    return list(dict.fromkeys(used))


_METRIC_TERMS = frozenset({"NodeMetrics", "MetricsRun", "metricsOf", "metricsRun", "projection",
                           "parameter", "randomSeed", "degree", "weightedDegree", "betweenness",
                           "eigenvector", "community"})  # fmt: skip
"""The ontology's terms of the metrics records: its two classes and every property of either
(tested against ``ontology/secongraph.ttl``)."""


def uses_metrics(text: str) -> bool:
    """Whether ``text`` asks for the collaboration metrics: it names a term of their records or
    their named graph. Only such a question needs them computed for a store built without them.

    Examples
    --------
    >>> uses_metrics("SELECT ?o ?b WHERE { ?m sg:metricsOf ?o ; sg:betweenness ?b }")
    True
    >>> uses_metrics("SELECT ?o WHERE { ?o a sg:Municipality }")
    False
    """
    return str(GRAPH["network-metrics"]) in text or not _METRIC_TERMS.isdisjoint(_sg_terms(text))


def check(
    named: NamedQuery, params: Mapping[str, str], *, allow_remote: bool = False
) -> dict[str, Identifier]:
    """Check a query and its parameter values before anything is loaded; return the bindings.

    Raises
    ------
    ParameterError
        For an unknown or missing parameter or a bad value.
    QueryError
        If the query is refused (an update, not a SELECT, remote access without
        ``allow_remote``).
    """
    check_query(named.sparql, allow_remote=allow_remote, origin=named.name, forms=(named.form,))
    return named.bind(params)


def run_query(
    target: Target,
    query: NamedQuery | str,
    params: Mapping[str, str] | None = None,
    *,
    lang: Sequence[str] = ("en",),
    allow_remote: bool = False,
    folder: Path | None = None,
    timeout: float | None = None,
) -> QueryResult:
    """Run a library query (by name or as a :class:`NamedQuery`) with parameters on ``target``.

    Parameters
    ----------
    target
        A :class:`~secongraph.store.Store` (either engine) or an
        :class:`~secongraph.endpoint.Endpoint`.
    query
        A query name of the library in ``folder``, or a parsed query.
    params
        Parameter name → value as text; checked and bound as RDF terms.
    lang
        Preferred label languages, best first. Each ``?x_label`` column next to an IRI column
        ``?x`` gets the label (``rdfs:label``, else ``skos:prefLabel``, else ``skos:altLabel``)
        in the first language that has one, then a label without language, then English, then
        any label; when ``?x`` has none, the query's own value stays.
    allow_remote
        Let an embedded engine run ``FROM``, ``FROM NAMED`` and ``SERVICE``.
    folder
        The query folder, for a query given by name (default: the shipped library).
    timeout
        Seconds the query and its label lookup may take together; then it is stopped and
        :class:`QueryError` (embedded) or :class:`StoreError` (endpoint) raised. ``None``: an
        embedded query runs to its end, an endpoint keeps its own timeout.

    Returns
    -------
    QueryResult
        ``.rows`` is a list of dicts of rdflib terms; ``.records()`` gives plain Python values.

    Raises
    ------
    ParameterError
        For an unknown query or parameter, a missing parameter, or a bad value.
    QueryError
        If the query is refused, fails, or passes its deadline.
    StoreError
        If a remote endpoint fails or passes its deadline.

    Examples
    --------
    >>> from secongraph.store import build_store
    >>> store = build_store(Path("data"))
    >>> rows = run_query(store, "lead-partner").records()
    >>> rows[0]["partner_label"]
    'Region of Peloponnese'
    """
    named = get_query(query, folder) if isinstance(query, str) else query
    languages = _languages(lang)
    bindings = named.bind(params or {})
    deadline = None if timeout is None else time.monotonic() + timeout
    result = target.select(
        named.sparql,
        bindings=bindings,
        allow_remote=allow_remote,
        origin=named.name,
        timeout=_left(deadline, timeout, named.name),
    )
    return relabel(target, result, languages, timeout=_left(deadline, timeout, named.name))


def _left(deadline: float | None, timeout: float | None, origin: str) -> float | None:
    """The seconds left before ``deadline`` (None: no deadline)."""
    if deadline is None or timeout is None:
        return None
    left = deadline - time.monotonic()
    if left <= 0:
        raise QueryError(
            f"{origin}: no answer within {round(timeout, 1):g} s; the query was stopped"
        )
    return left


def _languages(lang: Sequence[str]) -> list[str]:
    languages = [code.strip() for code in lang if code.strip()]
    for code in languages:
        if not LANGUAGE_TAG.match(code):
            raise ParameterError(f'"{code}" is not a language tag (such as en, de or pt-BR)')
    return languages


_LABELS = """SELECT ?s ?label ?kind WHERE {
  { ?s rdfs:label ?label BIND(1 AS ?kind) }
  UNION { ?s skos:prefLabel ?label BIND(2 AS ?kind) }
  UNION { ?s skos:altLabel ?label BIND(3 AS ?kind) }
  FILTER(isLiteral(?label))
}"""


def relabel(
    target: Target,
    result: QueryResult,
    languages: Sequence[str],
    *,
    timeout: float | None = None,
) -> QueryResult:
    """Fill each ``?x_label`` column from the labels of ``?x`` in the preferred ``languages``.

    Raises
    ------
    QueryError, StoreError
        If the label query fails on ``target`` or takes more than ``timeout`` seconds.
    """
    pairs = [
        (v.removesuffix("_label"), v)
        for v in result.variables
        if v.endswith("_label") and v.removesuffix("_label") in result.variables
    ]
    subjects = sorted(
        {term for row in result.rows for s, _ in pairs if isinstance(term := row[s], URIRef)}
    )
    if not subjects:
        return result
    labels = _labels(target, subjects, timeout=timeout)
    rows = []
    for row in result.rows:
        new = dict(row)
        for subject, label in pairs:
            term = row[subject]
            best = best_label(labels.get(term, []) if term is not None else [], languages)
            if best is not None:
                new[label] = best
        rows.append(new)
    return QueryResult(result.variables, rows)


def _labels(
    target: Target, subjects: Iterable[Identifier], *, timeout: float | None
) -> dict[Identifier, list[tuple[int, Literal]]]:
    written = []
    for subject in subjects:
        try:
            written.append(sparql_term(subject))
        except ParameterError:
            logger.debug("no label lookup for %r: not a valid IRI", subject)
    values = " ".join(written)
    text = _LABELS.replace("WHERE {", f"WHERE {{ VALUES ?s {{ {values} }}", 1)
    answer = target.select(text, origin="labels", timeout=timeout)
    labels: dict[Identifier, list[tuple[int, Literal]]] = {}
    for row in answer.rows:
        term, label, kind = row["s"], row["label"], row["kind"]
        if term is not None and isinstance(label, Literal) and kind is not None:
            labels.setdefault(term, []).append((int(kind), label))
    return labels


def best_label(candidates: list[tuple[int, Literal]], languages: Sequence[str]) -> Literal | None:
    if not candidates:
        return None
    ordered = sorted(candidates, key=lambda c: (c[0], c[1].language or "", str(c[1])))
    names = [c for c in ordered if c[0] < 3] or ordered
    for code in [*(c.lower() for c in languages), "", "en"]:
        for _, label in names:
            tag = (label.language or "").lower()
            if tag == code or (code and tag.startswith(f"{code}-")):
                return label
    return names[0][1]


# --- the #+ decorators: YAML, as grlc reads them -------------------------------------------

Value = str | list["Value"] | dict[str, "Value"]


def _decorators(text: str, *, origin: str) -> dict[str, Value]:
    """The ``#+`` lines at the top of a query, read as YAML with every scalar kept a string."""
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#+"):
            lines.append(stripped[2:].removeprefix(" "))
        elif stripped and not stripped.startswith("#"):
            break
    try:
        value = yaml.load("\n".join(lines), Loader=yaml.BaseLoader) if lines else {}
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f" (decorator line {mark.line + 1})" if mark else ""
        raise QueryError(f"{origin}: malformed #+ decorators{where}: {error.problem}") from None
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise QueryError(f"{origin}: malformed #+ decorators (expected key: value lines)")
    return value


def _pairs(value: Value | None, key: str, origin: object) -> dict[str, Value]:
    """``defaults`` and ``enumerate``: a list of one-key mappings (grlc) or one mapping."""
    if value is None or value == "":
        return {}
    if isinstance(value, dict):
        return value
    if isinstance(value, list):
        mappings = [v for v in value if isinstance(v, dict)]
        if len(mappings) == len(value):
            merged: dict[str, Value] = {}
            for item in mappings:
                merged.update(item)
            return merged
    raise QueryError(f"{origin}: #+ {key} must list name: value entries")


def _list(value: Value | None) -> list[Value]:
    if value is None or value == "":
        return []
    return value if isinstance(value, list) else [value]


def _scalar(value: Value | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, list | dict):
        raise QueryError(f"a default must be one value, not {value!r}")
    return value
