"""The built store on disk: ``build`` writes it once, every other command opens it read-only.

``secongraph build`` keeps an Oxigraph store on disk under the output folder (``out/store/``),
with a manifest (``manifest.json``) of every file it was built from, the file's SHA-256 and the
versions that built it. As git and make do, a file whose size and modification time are those the
manifest recorded is not read again to tell whether it changed (a time is recorded only once the
file has settled, two seconds after it was last written). A rebuild reloads only the named graphs
whose files changed (and the metrics, when anything did). The other commands open the store
read-only when it is current: the data folder is the one it was built from and no file has
changed since. A stale store is reported in one line and the data is loaded in memory instead, as
it is when there is no built store.

A first build works on a copy in memory (the metrics, the dumps and the counts read the whole
graph, which Oxigraph's store on disk gives string by string) and writes the store on disk from it
in one bulk load.

While ``build`` updates a store its manifest is removed first, so a build that is cut short leaves
a store that no command trusts, and the next build starts afresh.

This module is Oxigraph's by nature (bulk load, flush, graph replacement on disk), so it alone uses
``Store.oxigraph`` directly; every other module reads through the store's engine-neutral methods.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any, NamedTuple

import pyoxigraph as ox

from . import __version__
from .choices import STORE_FOLDER
from .errors import SourceError, StoreError, printable
from .files import output_error, read_json_object, write_atomically
from .paths import ontology_files, package_folder
from .store import (
    METRICS_GRAPH,
    Engine,
    LoadedFile,
    Store,
    data_files_by_key,
    graph_name,
    parse_file,
)

__all__ = [
    "MANIFEST",
    "STORE_FOLDER",
    "Build",
    "NoStoreError",
    "StaleStoreError",
    "build_on_disk",
    "built_at",
    "file_digest",
    "inputs_of",
    "open_built",
    "read_manifest",
    "stale_files",
    "versions",
    "write_dumps",
]

logger = logging.getLogger(__name__)

MANIFEST = "manifest.json"
_FORMAT = 1
DUMPS = (("secon.ttl", ox.RdfFormat.TURTLE), ("secon.trig", ox.RdfFormat.TRIG))
"""The dumps ``build`` writes into its output folder: every triple, and the named graphs."""
_DUMPED = "dumps.json"
"""The SHA-256 of each dump as it was written from the store, kept in the store's folder."""

Progress = Callable[[Path], None]

_SETTLED_NS = 2_000_000_000
"""How long ago (in nanoseconds) a file must have last changed for its size and modification time
to be recorded: a file written again within the same tick of the file system's clock, with the
same size, would otherwise look unchanged."""


class NoStoreError(StoreError):
    """No store was built there from this data folder by these versions."""


class StaleStoreError(StoreError):
    """A store was built there, but files changed since (``changed`` names them)."""

    changed: tuple[str, ...] = ()


@dataclass(frozen=True)
class Build:
    """What :func:`build_on_disk` did: the store, and the files it (re)loaded and dropped."""

    store: Store
    loaded: tuple[Path, ...]
    removed: tuple[str, ...]
    metrics_changed: bool

    @property
    def unchanged(self) -> bool:
        """Nothing had changed since the last build: the store was only opened."""
        return not (self.loaded or self.removed or self.metrics_changed)


def write_dumps(built: Build, out_dir: Path) -> list[tuple[Path, bool]]:
    """Write the :data:`DUMPS` of the store ``built`` into ``out_dir``; each path, and whether it
    was written.

    A dump is left as it is when the store has not changed since it was written from it: the
    build changed nothing and the file still has the SHA-256 recorded when it was written. The
    record is dropped before a changed store is dumped, so a dump cut short is written again.

    Raises
    ------
    OutputError
        If a dump cannot be written (see :meth:`Store.dump`).
    """
    record_path = out_dir / STORE_FOLDER / _DUMPED
    record = read_json_object(record_path) if built.unchanged else None
    record_path.unlink(missing_ok=True)
    recorded = record or {}
    found = {
        name: file_digest(out_dir / name)
        for name, _ in DUMPS
        if name in recorded and (out_dir / name).is_file()
    }
    stale = {
        out_dir / name: fmt
        for name, fmt in DUMPS
        if name not in found or found[name] != recorded[name]
    }
    if stale:
        built.store.dumps(stale)  # together: one pass over the store
    digests = {
        name: file_digest(out_dir / name) if out_dir / name in stale else found[name]
        for name, _ in DUMPS
    }
    write_atomically(record_path, json.dumps(digests, indent=1).encode())
    return [(out_dir / name, out_dir / name in stale) for name, _ in DUMPS]


def versions() -> dict[str, str | int]:
    """The versions a store depends on: its format, secongraph's and pyoxigraph's."""
    return {"format": _FORMAT, "secongraph": __version__, "pyoxigraph": version("pyoxigraph")}


def file_digest(path: Path) -> str:
    """The SHA-256 of the file ``path``, in hex."""
    hashed = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                hashed.update(block)
    except OSError as error:
        raise SourceError(f"{printable(path)}: cannot read: {error.strerror or error}") from error
    return hashed.hexdigest()


def _status(path: Path) -> os.stat_result:
    try:
        return path.stat()
    except OSError as error:
        raise SourceError(f"{printable(path)}: cannot read: {error.strerror or error}") from error


class Digests(NamedTuple):
    """Each input's SHA-256, and the size and modification time of those that settled."""

    sha256: dict[str, str]
    stamps: dict[str, list[int]]


def _digests(inputs: dict[str, tuple[Path, bool]], manifest: dict[str, Any] | None) -> Digests:
    """The SHA-256 of every input, and the size and modification time of those that settled.

    As git and make do, a file whose size and modification time (in nanoseconds) are those the
    ``manifest`` recorded is taken to have the digest it recorded, without reading it: opening a
    programme's store checks thousands of files.
    """
    recorded = manifest.get("files", {}) if manifest else {}
    stamps_then = manifest.get("stamps", {}) if manifest else {}
    settled = time.time_ns() - _SETTLED_NS
    digests, stamps = {}, {}
    for key, (path, _) in inputs.items():
        status = _status(path)
        stamp = [status.st_size, status.st_mtime_ns]
        if stamp == stamps_then.get(key) and key in recorded:
            digests[key] = recorded[key]
        else:
            digests[key] = file_digest(path)
        if status.st_mtime_ns < settled:  # stated before it was read: a later change shows
            stamps[key] = stamp
    return Digests(digests, stamps)


def inputs_of(data_dir: Path) -> dict[str, tuple[Path, bool]]:
    """Every input of a build by its key in the manifest: ontology files by name, data files by
    their path in the data folder."""
    ontology = package_folder("ontology")
    inputs = {f"ontology/{p.relative_to(ontology)}": (p, True) for p in ontology_files()}
    inputs |= {key: (p, False) for key, p in data_files_by_key(data_dir).items()}
    return inputs


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The manifest of the store in ``folder``; ``None`` if it has none (or a broken one)."""
    return read_json_object(folder / MANIFEST)


def build_on_disk(
    data_dir: Path, out_dir: Path, *, metrics: bool = True, progress: Progress | None = None
) -> Build:
    """Build, or bring up to date, the store on disk in ``out_dir/store`` from ``data_dir``.

    A first build (or one after a change of versions) loads every file into a new store beside
    the old one and puts it in its place when it is complete. A rebuild parses the files that
    changed first and only then changes the store. Either way, a file that cannot be loaded
    leaves the previous store as it was.

    Parameters
    ----------
    data_dir
        The data folder.
    out_dir
        The output folder; the store goes into its ``store/`` folder.
    metrics
        Add the collaboration metrics as ``…/graph/network-metrics``.
    progress
        Called with each file's path after it is read.

    Raises
    ------
    SourceError
        If a data file cannot be read or parsed.
    OutputError
        If the store cannot be written (a read-only or full disk): it names the store folder.
    """
    folder = out_dir / STORE_FOLDER
    try:
        return _build(folder, data_dir, metrics=metrics, progress=progress)
    except OSError as error:  # the store could not be written: a full or read-only disk
        raise output_error(folder, error) from error


def _build(folder: Path, data_dir: Path, *, metrics: bool, progress: Progress | None) -> Build:
    manifest = read_manifest(folder)
    if manifest is not None and manifest.get("versions") != versions():
        manifest = None
    inputs = inputs_of(data_dir)
    digests = _digests(inputs, manifest)
    if manifest is None:
        return _build_afresh(folder, data_dir, inputs, digests, metrics=metrics, progress=progress)
    built = manifest.get("files", {})
    assert isinstance(built, dict)
    changed = [key for key in inputs if built.get(key) != digests.sha256[key]]
    removed = [key for key in built if key not in inputs]
    metrics_changed = metrics != bool(manifest.get("metrics")) or (
        metrics and bool(changed or removed)
    )
    parsed = []
    for key in changed:  # all of them, before anything changes
        path, is_ontology = inputs[key]
        parsed.append((path, *parse_file(path, ontology=is_ontology), is_ontology))
        if progress:
            progress(path)
    if not (changed or removed or metrics_changed):
        store = _open(folder, read_only=False)
        store.files = _files_from(manifest, inputs)
        if manifest.get("stamps") != digests.stamps:  # files settled since, or touched
            _write_manifest(folder, data_dir, digests, store, metrics)
        return Build(store, (), (), False)
    (folder / MANIFEST).unlink()  # from here until the new manifest, no command trusts it
    store = _open(folder, read_only=False)
    for key in removed:
        _drop(store, _graph_of(key))
    for path, graph, quads, is_ontology in parsed:
        _drop(store, graph)
        store.add_file(path, graph, quads, ontology=is_ontology)
    _count_files_and_metrics(store, inputs, metrics=metrics, redo=metrics_changed)
    store.oxigraph.flush()
    _write_manifest(folder, data_dir, digests, store, metrics)
    return Build(store, tuple(p for p, *_ in parsed), tuple(removed), metrics_changed)


def _build_afresh(
    folder: Path, data_dir: Path, inputs: dict[str, tuple[Path, bool]], digests: Digests,
    *, metrics: bool, progress: Progress | None,
) -> Build:  # fmt: skip
    """Load every input into memory, add the metrics there, then write the store on disk beside
    ``folder`` in one bulk load and put it in its place.

    Each file is parsed and checked whole (:func:`store.parse_file`), then streamed with the
    others into one bulk load, as the raw engine loads. The store returned is that copy in
    memory: the rest of the build reads the whole graph (the metrics, the instances by class,
    the dumps), and Oxigraph's store on disk looks up every string of every quad it gives (about
    14 µs a quad, against 1 µs in memory).
    """
    working = Store()

    def every_quad() -> Iterator[ox.Quad]:
        for path, is_ontology in inputs.values():
            yield from parse_file(path, ontology=is_ontology)[1]
            if progress:
                progress(path)

    working.oxigraph.bulk_extend(every_quad())
    _count_files_and_metrics(working, inputs, metrics=metrics, redo=True)
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        fresh = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    except OSError as error:
        raise output_error(folder, error) from error
    try:
        disk = _open(fresh, read_only=False, shown=folder)
        disk.oxigraph.bulk_extend(working.oxigraph)
        disk.oxigraph.flush()
        del disk  # closes the store, so it can move
        _write_manifest(fresh, data_dir, digests, working, metrics)
        if folder.exists():
            shutil.rmtree(folder)
        fresh.rename(folder)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    return Build(working, tuple(path for path, _ in inputs.values()), (), True)


def _count_files_and_metrics(
    store: Store, inputs: dict[str, tuple[Path, bool]], *, metrics: bool, redo: bool
) -> None:
    """Count the files, and add or drop the metrics."""
    store.files = _files(store, inputs)
    if redo:
        _drop(store, METRICS_GRAPH)
        store.files = [f for f in store.files if f.graph != METRICS_GRAPH]
        if metrics:
            from .network import add_collaboration_metrics

            add_collaboration_metrics(store)


def _graph_of(key: str) -> str:
    path = Path(key)
    if path.parts[0] == "ontology":
        return graph_name(Path(*path.parts[1:]) if len(path.parts) > 2 else path, ontology=True)
    return graph_name(path)


def _drop(store: Store, graph: str) -> None:
    node = ox.NamedNode(graph)
    if store.oxigraph.contains_named_graph(node):
        store.oxigraph.remove_graph(node)


def _files(store: Store, inputs: dict[str, tuple[Path, bool]]) -> list[LoadedFile]:
    """The loaded files as the store holds them now (counted, not remembered), and the computed
    metrics graph if the store has it."""
    counts = _counts(store)
    files = []
    for path, is_ontology in inputs.values():
        graph = graph_name(path, ontology=is_ontology)
        files.append(LoadedFile(path, graph, counts.get(graph, 0), is_ontology))
    if METRICS_GRAPH in counts:
        files.append(LoadedFile(None, METRICS_GRAPH, counts[METRICS_GRAPH]))
    return files


def _counts(store: Store) -> dict[str, int]:
    """The number of triples of every named graph, counted by the engine in one pass."""
    solutions = store.oxigraph.query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    )
    assert isinstance(solutions, ox.QuerySolutions)
    return {row["g"].value: int(row["n"].value) for row in solutions}


def _write_manifest(
    folder: Path, data_dir: Path, digests: Digests, store: Store, metrics: bool
) -> None:
    manifest = {
        "versions": versions(),
        "data": str(data_dir.resolve()),
        "metrics": metrics,
        "files": dict(sorted(digests.sha256.items())),
        "stamps": dict(sorted(digests.stamps.items())),
        "graphs": {f.graph: f.triples for f in store.files},
    }
    write_atomically(folder / MANIFEST, json.dumps(manifest, indent=1).encode())


def stale_files(
    data_dir: Path, folder: Path, inputs: dict[str, tuple[Path, bool]] | None = None
) -> list[str] | None:
    """The inputs that changed since the store in ``folder`` was built from ``data_dir``.

    ``None`` when there is no usable store there (no manifest, another data folder, other
    versions); an empty list when the store is current. ``inputs`` are those of
    :func:`inputs_of`, when the caller has them already.
    """
    manifest = _usable_manifest(data_dir, folder)
    if manifest is None:
        return None
    return _changed(manifest, inputs_of(data_dir) if inputs is None else inputs)


def _usable_manifest(data_dir: Path, folder: Path) -> dict[str, Any] | None:
    """The manifest of a store built in ``folder`` from ``data_dir`` by these versions."""
    manifest = read_manifest(folder)
    if manifest is None or manifest.get("versions") != versions():
        return None
    return manifest if manifest.get("data") == str(data_dir.resolve()) else None


def _changed(manifest: dict[str, Any], inputs: dict[str, tuple[Path, bool]]) -> list[str]:
    """The inputs whose digest is not the one ``manifest`` recorded, and those gone."""
    built = manifest.get("files")
    assert isinstance(built, dict)
    digests = _digests(inputs, manifest).sha256
    changed = [key for key in inputs if built.get(key) != digests[key]]
    return changed + [key for key in built if key not in inputs]


def built_at(folder: Path) -> datetime | None:
    """When the store in ``folder`` was last built (its manifest written), in UTC; ``None``
    without a manifest."""
    try:
        return datetime.fromtimestamp((folder / MANIFEST).stat().st_mtime, tz=UTC)
    except OSError:
        return None


def open_built(
    data_dir: Path,
    folder: Path,
    *,
    engine: Engine = "oxigraph",
    inputs: dict[str, tuple[Path, bool]] | None = None,
) -> Store:
    """Open the store ``build`` wrote into ``folder``, read-only; ``engine`` answers queries
    (``rdflib`` copies the graph into rdflib's store).

    Raises
    ------
    NoStoreError
        If no store was built there from ``data_dir`` by these versions.
    StaleStoreError
        If files changed since the store was built (the message names them, ``changed`` lists
        them).
    StoreError
        If the store cannot be opened.
    """
    inputs = inputs_of(data_dir) if inputs is None else inputs
    manifest = _usable_manifest(data_dir, folder)
    if manifest is None:
        raise NoStoreError(
            f"{folder}: no store built from {data_dir}", hint="Run secongraph build."
        )
    changed = _changed(manifest, inputs)
    if changed:
        listed = ", ".join(changed[:3]) + (
            f" and {len(changed) - 3} more" if len(changed) > 3 else ""
        )
        stale = StaleStoreError(f"{folder}: out of date ({listed} changed since the build)",
                                hint="Run secongraph build.")  # fmt: skip
        stale.changed = tuple(changed)
        raise stale
    store = _open(folder, read_only=True, engine=engine)
    store.files = _files_from(manifest, inputs)
    return store


def _files_from(
    manifest: dict[str, object], inputs: dict[str, tuple[Path, bool]]
) -> list[LoadedFile]:
    graphs = manifest.get("graphs")
    assert isinstance(graphs, dict)
    by_graph = {graph_name(p, ontology=o): (p, o) for p, o in inputs.values()}
    files = []
    for graph, triples in graphs.items():
        path, is_ontology = by_graph.get(graph, (None, False))
        files.append(LoadedFile(path, graph, int(triples), is_ontology))
    return files


def _open(
    folder: Path, *, read_only: bool, engine: Engine = "oxigraph", shown: Path | None = None
) -> Store:
    """Open the store in ``folder``; errors name ``shown`` (the store a new one will replace)."""
    try:
        oxigraph = ox.Store.read_only(str(folder)) if read_only else ox.Store(str(folder))
    except OSError as error:
        if not read_only:
            raise output_error(shown or folder, error) from error
        raise StoreError(f"{folder}: cannot open the store: {error}") from error
    logger.info("opened %s (%s)", folder, "read-only" if read_only else "to update")
    return Store(oxigraph=oxigraph, engine=engine, on_disk=True)
