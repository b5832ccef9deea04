"""Collaboration networks: projections of the SECON graph into networkx, their metrics, and the
metrics written back as RDF.

Each projection asks the store one SPARQL question for the bipartite pairs it needs
(organisation-event from ``sg:Participation``, organisation-project from ``sg:Partnership``), reads
the context of the nodes (labels, types, places, dates) in a few plain look-ups, and aggregates in
Python (DESIGN.md, "Networks").

How ties are counted
--------------------
Sub-events count as part of their top event. A participation in an event counts as a
participation in its *top event*: the event reached by following ``sg:superEvent`` up as far as it
goes (a workshop's days and visits count as the workshop). Two organisations share an event when
each took part in the top event or in any event below it, and the tie counts that top event once,
however many days or visits both attended. Two organisations share a project when both are
partners in it (``sg:Partnership``). A tie's ``weight`` is the number of shared top events plus
the number of shared projects.

Filters
-------
Every projection takes one :class:`Filters` (``co_participation(store, Filters(country="BG",
since="2023-01-01"))``; None, the default, keeps everything). Its fields, and what each keeps, are
described in :mod:`secongraph.network.filters`; the values are checked against the graph, and a
value it does not know raises :class:`~secongraph.errors.ParameterError` naming the field.

Node attributes
---------------
Node ids are IRI strings; nodes and edges are added in sorted order, so the same data gives the
same graph. Every organisation node (and, where they apply, group and event nodes) carries:
``label`` (English, else any), ``labels`` (language → label; "" for an untagged one), ``kind``
(``"organisation"``, ``"group"`` or ``"event"``), ``type`` (English label of its most specific
class) and ``type_iri``, ``country`` (English name), ``country_iri``, ``country_code`` (ISO
alpha-2), ``region`` (the first NUTS code of ``regions``, its NUTS regions sorted by code),
``region_label``, ``nuts2`` (the NUTS 2 regions containing them; coarser regions as they are),
``lat``/``lon`` (the mean label point of its NUTS regions, else its country's NUTS level-0
point, else None), ``sources`` (IRIs of the documents that state its participations and
partnerships, and of the documents of every named graph that states something about it),
``added`` (what the project added to those documents rather than read in them: method
(``"modelling"`` or ``"translation"``) → sorted IRIs of the documents whose companion graph adds
a fact about it, a role of its participations or partnerships, or a partnership the project reads
into a document), ``partner`` and ``lead_partner`` (a partner, or the lead partner, of a project
in the graph). Any of them is None (or empty) when the graph does not say. Edges list
``sources`` and ``added`` in the same way, for the participations and partnerships behind them.

Stated or added
---------------
A fact is added when every named graph that holds it has the method ``modelling`` or
``translation`` (a companion graph, DESIGN.md "Stated or added"). A participation's or
partnership's ``sg:source`` counts as stated when a graph that states it cites the document, and
its role is added when only companion graphs hold the role.
"""

from .files import NetworkFormat, export_network, unit_periods, write_tables
from .filters import Filters
from .metrics import METRICS, Broker, compute_metrics, compute_tie_metrics, top_brokers
from .projections import (
    Projection,
    Ties,
    build_projection,
    co_participation,
    co_participation_ties,
    organisation_event,
    partnership_network,
    region_network,
)
from .rdf import (
    METRICS_GRAPH,
    add_collaboration_metrics,
    add_metrics,
    metric_triples,
    metrics_graph,
)

__all__ = [
    "METRICS",
    "METRICS_GRAPH",
    "Broker",
    "Filters",
    "NetworkFormat",
    "Projection",
    "Ties",
    "add_collaboration_metrics",
    "add_metrics",
    "build_projection",
    "co_participation",
    "co_participation_ties",
    "compute_metrics",
    "compute_tie_metrics",
    "export_network",
    "metric_triples",
    "metrics_graph",
    "organisation_event",
    "partnership_network",
    "region_network",
    "top_brokers",
    "unit_periods",
    "write_tables",
]
