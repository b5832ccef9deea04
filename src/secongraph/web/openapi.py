"""The OpenAPI 3 document of the questions' API (``/api/openapi.json``): one path per question."""

from __future__ import annotations

from typing import Any

from .. import __version__
from ..queries import XSD_TYPES, NamedQuery, Parameter
from .site import Site

FORMATS = {
    "json": "application/sparql-results+json",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
}
"""The result formats of ``/api/{name}`` (``format=`` or ``Accept``) and their media types."""

_STRING_FORMATS = {"xsd:date": "date", "xsd:dateTime": "date-time"}
_ERROR = {"$ref": "#/components/responses/Error"}


def openapi_document(site: Site) -> dict[str, Any]:
    """The OpenAPI 3.1 description of ``/api/{name}`` for every question of ``site``."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{site.title}: questions",
            "version": __version__,
            "description": (
                "The named questions of the graph, each answered as SPARQL 1.1 results JSON "
                "(default), CSV or TSV (`format=` or the Accept header). Labels follow the "
                "Accept-Language header. A question stopped at its deadline, or an answer "
                "over the size limit, is an error, never a cut result."
            ),
        },
        "paths": {
            f"/api/{name}": {"get": _operation(named)}
            for name, named in sorted(site.queries.items())
        },
        "components": _components(),
    }


def _operation(named: NamedQuery) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": named.name,
        "summary": named.summary or named.name,
        "parameters": [
            *(_parameter(p) for p in named.parameters),
            {"$ref": "#/components/parameters/format"},
        ],
        "responses": {
            "200": {"$ref": "#/components/responses/Rows"},
            "400": _ERROR,
            "422": _ERROR,
            "500": _ERROR,
            "503": _ERROR,
        },
    }
    if named.description:
        operation["description"] = named.description
    if named.tags:
        operation["tags"] = list(named.tags)
    return operation


def _parameter(parameter: Parameter) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    if parameter.kind in _STRING_FORMATS:
        schema["format"] = _STRING_FORMATS[parameter.kind]
    if parameter.allowed:
        schema["enum"] = list(parameter.allowed)
    if parameter.default is not None:
        schema["default"] = parameter.default
    return {
        "name": parameter.name,
        "in": "query",
        "required": needed(parameter),
        "description": f"{parameter.describe()}: {expects(parameter)}.",
        "schema": schema,
    }


def needed(parameter: Parameter) -> bool:
    """Whether a caller must give ``parameter`` (it is required and has no default)."""
    return parameter.required and parameter.default is None


def expects(parameter: Parameter) -> str:
    """What a value of ``parameter`` looks like, in plain words.

    Examples
    --------
    >>> expects(Parameter.from_variable("_from_xsd_date"))
    'a date such as 2023-11-13'
    """
    if parameter.kind == "iri":
        return "an IRI, or a prefixed name such as sgid:organisation/kmop"
    if parameter.kind.startswith("xsd:"):
        return XSD_TYPES[parameter.kind.removeprefix("xsd:")][0]
    return "text"


def _components() -> dict[str, Any]:
    sparql_results = {
        "type": "object",
        "required": ["head", "results"],
        "properties": {
            "head": {"type": "object", "properties": {"vars": {"type": "array", "items": {"type": "string"}}}},
            "results": {"type": "object", "properties": {"bindings": {"type": "array", "items": {"type": "object"}}}},
        },
    }  # fmt: skip
    text = {"schema": {"type": "string"}}
    return {
        "parameters": {
            "format": {
                "name": "format",
                "in": "query",
                "required": False,
                "description": "The result format (else chosen by the Accept header).",
                "schema": {"type": "string", "enum": list(FORMATS), "default": "json"},
            }
        },
        "responses": {
            "Rows": {
                "description": "The rows, complete.",
                "content": {
                    FORMATS["json"]: {"schema": sparql_results},
                    "text/csv": text,
                    "text/tab-separated-values": text,
                },
            },
            "Error": {
                "description": "A bad parameter (400), an answer too large (422), a failed query "
                "(500) or a query stopped at its deadline (503), as one line.",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["error"],
                            "properties": {"error": {"type": "string"}},
                        }
                    }
                },
            },
        },
    }
