"""Hostile inputs (issue 8): each ends in one line ``Error: …`` naming the file and exit 3, or in a
validation finding, never in a traceback, and never changes a previous ``out/``.

The corpus is ``tests/data/hostile/`` (its README says where each file comes from); the cases that
cannot live in git (a 50 MB literal, odd file names, links) are made here in a temporary folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from secongraph.cli import cli
from secongraph.errors import printable
from secongraph.sources import MAX_DEPTH

HOSTILE = Path(__file__).parent / "data" / "hostile"
PREVIOUS = {"secon.ttl": b"previous build\n", "secon.trig": b"previous build, too\n"}
ONE_TRIPLE = '<https://example.org/a> <http://www.w3.org/2000/01/rdf-schema#label> "a" .\n'


def previous_out(folder: Path) -> Path:
    """An output folder that holds a previous build."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in PREVIOUS.items():
        (folder / name).write_bytes(content)
    return folder


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a traceback: the test fails with it
    return result.exit_code, result.stdout, result.stderr


def assert_one_line_error(stderr: str, *fragments: str) -> str:
    assert "Traceback" not in stderr
    errors = [line for line in stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, stderr
    assert stderr.splitlines()[-1] == errors[0], stderr  # nothing after it: one line
    for fragment in fragments:
        assert fragment in errors[0]
    return errors[0]


def refused_build(tmp_path: Path, data: Path, *fragments: str) -> str:
    """Build ``data``: exit 3, one error line, the previous ``out/`` unchanged."""
    out = previous_out(tmp_path / "out")
    code, _, stderr = run("build", "--data", str(data), "--out", str(out))
    assert code == 3, stderr
    line = assert_one_line_error(stderr, *fragments)
    assert snapshot(out) == PREVIOUS
    return line


def data_with(tmp_path: Path, name: str, content: bytes) -> tuple[Path, Path]:
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    path = data / os.fsdecode(name.encode("utf-8", "surrogateescape"))
    path.write_bytes(content)
    return data, path


# --- the corpus ----------------------------------------------------------------------------------

REFUSED = {
    # defect 1: a DOCTYPE hidden from a text scan behind a processing instruction
    "pi-comment-doctype.rdf": ("3:1", "DOCTYPE or ENTITY declaration is refused"),
    "pi-cdata-doctype.rdf": ("3:1", "DOCTYPE or ENTITY declaration is refused"),
    # defect 13: nesting
    "deep-nesting.rdf": (f"{MAX_DEPTH + 2}:", f"nested more than {MAX_DEPTH} deep"),
    "deep-nesting.jsonld": ("", f"nested more than {MAX_DEPTH} deep"),
    # defect 4: a JSON-LD number of 5,000 digits
    "long-number.jsonld": ("3:", "a JSON number of 5,000 digits is refused"),
    # defect 5: reserved graphs, by file name or named in the file
    "ontology-graph.trig": ("4:", "/graph/ontology> is reserved for the ontology"),
    "names-vocabulary-graph.trig": ("3:", "/graph/vocab-topics> is reserved for the vocabularies"),
    "metrics-graph.nq": ("1:", "/graph/network-metrics> is reserved for the network metrics"),
    "ontology.nt": ("", "/graph/ontology> is reserved for the ontology"),
    "network-metrics.nt": ("", "/graph/network-metrics> is reserved for the network metrics"),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_hostile_file_is_refused_in_one_line(tmp_path: Path, name: str) -> None:
    data, path = data_with(tmp_path, name, (HOSTILE / name).read_bytes())
    position, message = REFUSED[name]
    line = refused_build(tmp_path, data, message)
    assert line.startswith(f"Error: {path}:{position}")


@pytest.mark.parametrize("name", ["ill-typed-date.ttl", "impossible-date.ttl"])
def test_ill_typed_literal_is_a_finding_with_file_and_line(name: str) -> None:
    """Defect 10: it loads, but validation reports it (no rdflib traceback) and fails."""
    path = HOSTILE / name
    code, stdout, stderr = run("validate", str(path), "--data", str(HOSTILE / "no-such-folder"))
    assert code == 1
    lexical = "abc" if name.startswith("ill") else "2023-02-30"
    assert stdout.splitlines() == [
        f"{path}:5: <https://example.org/secongraph-test/organisation/a>: schema:foundingDate: "
        f'"{lexical}" is not a valid xsd:date (an ill-typed literal)'
    ]
    assert "Traceback" not in stderr and "Failed to convert" not in stderr


def test_ill_typed_literal_under_a_shape_is_reported_once(tmp_path: Path) -> None:
    path = tmp_path / "event.ttl"
    path.write_text(
        "@prefix sg: <https://w3id.org/secongraph/ontology#> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "<https://example.org/secongraph-test/event/e> a sg:Workshop ;\n"
        '    sg:startDate "2023-02-30"^^xsd:date .\n',
        encoding="utf-8",
    )
    code, stdout, _ = run("validate", str(path), "--data", str(tmp_path / "none"))
    assert code == 1
    dates = [line for line in stdout.splitlines() if "sg:startDate" in line]
    assert dates == [
        f"{path}:4: <https://example.org/secongraph-test/event/e>: sg:startDate: "
        '"2023-02-30" is not a valid xsd:date (an ill-typed literal)'
    ]


def test_every_corpus_file_is_tested() -> None:
    tested = set(REFUSED) | {"ill-typed-date.ttl", "impossible-date.ttl", "README.md"}
    assert {p.name for p in HOSTILE.iterdir()} == tested


# --- made here: too big or too odd for git -------------------------------------------------------


@pytest.mark.parametrize("extension", ["ttl", "jsonld"])
def test_a_50_mb_literal_is_refused_in_one_line(tmp_path: Path, extension: str) -> None:
    """Defect 4: pyoxigraph's token buffer (16 MiB) raised a MemoryError."""
    big = "x" * 50_000_000
    if extension == "ttl":
        content = f'<https://example.org/a> <https://example.org/p> "{big}" .\n'
    else:
        content = f'{{"@id": "https://example.org/a", "https://example.org/p": "{big}"}}'
    data, path = data_with(tmp_path, f"big.{extension}", content.encode())
    refused_build(tmp_path, data, f"Error: {path}: ", "longer than pyoxigraph's limit of 16 MiB")


@pytest.mark.parametrize(
    "name",
    ["a b.ttl", "a\nb.ttl", "a<b.ttl", "a\udcffb.ttl"],
    ids=["space", "newline", "lt", "utf8"],
)
def test_a_file_name_that_cannot_name_a_graph_is_refused(tmp_path: Path, name: str) -> None:
    """Defect 4: a graph name is made from the file name; these made invalid IRIs (tracebacks)."""
    data, path = data_with(tmp_path, name, ONE_TRIPLE.encode())
    refused_build(tmp_path, data, f"Error: {printable(path)}: ", "letters, digits and - _ . ~")


def test_companion_graphs_are_not_reserved(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for name in ("haskovo.ttl", "haskovo--modelling.ttl", "haskovo--translation.ttl"):
        (data / name).write_text(ONE_TRIPLE, encoding="utf-8")
    code, _, stderr = run("build", "--data", str(data), "--out", str(tmp_path / "out"))
    assert code == 0, stderr


def test_a_link_out_of_the_data_folder_is_refused_unread(tmp_path: Path) -> None:
    """Defect 13: a link to /etc/passwd was loaded, and its error quoted "root:"."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "passwd.ttl").symlink_to("/etc/passwd")
    line = refused_build(tmp_path, data, f"{data / 'passwd.ttl'}: ", "outside the data folder")
    assert "root:" not in line


def test_a_link_inside_the_data_folder_loads(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "sub").mkdir(parents=True)
    (data / "sub" / "real.ttl").write_text(ONE_TRIPLE, encoding="utf-8")
    (data / "alias.ttl").symlink_to(data / "sub" / "real.ttl")
    code, _, stderr = run("build", "--data", str(data), "--out", str(tmp_path / "out"))
    assert code == 0, stderr


def test_rdf_xml_nested_50000_deep_is_refused(tmp_path: Path) -> None:
    """Defect 13: pyoxigraph took 54 s; expat stops at the cap."""
    depth = 50_000
    xml = (
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:ex="https://example.org/"><rdf:Description rdf:about="https://example.org/a">'
        + '<ex:p rdf:parseType="Resource">' * depth
        + "</ex:p>" * depth
        + "</rdf:Description></rdf:RDF>"
    )
    data, path = data_with(tmp_path, "deep.rdf", xml.encode())
    refused_build(tmp_path, data, f"Error: {path}:1:", f"nested more than {MAX_DEPTH} deep")


# --- outputs that cannot be written ---------------------------------------------------------------


def test_an_output_folder_under_a_file_is_one_line(tmp_path: Path, data_dir: Path) -> None:
    """Defect 4: the output folder cannot be made (a file is in the way): one line, exit 3."""
    blocker = tmp_path / "file"
    blocker.write_text("a file, not a folder\n", encoding="utf-8")
    code, _, stderr = run("build", "--data", str(data_dir), "--out", str(blocker / "out"))
    assert code == 3
    assert_one_line_error(stderr, f"Error: {blocker / 'out' / 'store'}: cannot write")
    assert blocker.read_text(encoding="utf-8") == "a file, not a folder\n"


def test_an_output_under_proc_is_one_line(data_dir: Path) -> None:
    code, _, stderr = run("build", "--data", str(data_dir), "--out", "/proc/secongraph-out")
    assert code == 3
    assert_one_line_error(stderr, "Error: /proc/secongraph-out/store: cannot write")


def _build_in_subprocess(
    data: Path, out: Path, *, preexec: object = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "secongraph", "build", "--data", str(data), "--out", str(out)],
        capture_output=True, text=True, check=False, preexec_fn=preexec,  # type: ignore[arg-type]
    )  # fmt: skip


def test_a_file_size_limit_is_one_line(tmp_path: Path, data_dir: Path) -> None:
    """A write that the system refuses midway (RLIMIT_FSIZE: EFBIG, as a full disk gives
    ENOSPC): one line, exit 3, the previous outputs unchanged, no temporary file left."""
    import resource
    import signal

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))

    out = previous_out(tmp_path / "out")
    result = _build_in_subprocess(data_dir, out, preexec=limit)
    assert result.returncode == 3, result.stderr
    assert_one_line_error(result.stderr, f"Error: {out / 'store'}: cannot write (File too large)")
    assert snapshot(out) == PREVIOUS


def _unshare() -> str:
    unshare = shutil.which("unshare")
    if unshare is None or os.geteuid() != 0:
        pytest.skip("needs root and unshare to mount a private tmpfs")
    probe = subprocess.run([unshare, "--mount", "true"], capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip("mount namespaces are not allowed here")
    return unshare


@pytest.mark.parametrize("kind", ["read-only", "full"])
def test_a_read_only_or_full_file_system_is_one_line(
    tmp_path: Path, data_dir: Path, kind: str
) -> None:
    """A real tmpfs, mounted read-only or filled up, in a private mount namespace."""
    unshare = _unshare()
    out = tmp_path / "out"
    out.mkdir()
    prepare = "mount -o remount,ro {out}" if kind == "read-only" else "cat /dev/zero > {out}/filler"
    script = (
        "set -u; mount -t tmpfs -o size=1m tmpfs {out} || exit 99; "
        "printf 'previous build\\n' > {out}/secon.ttl; " + prepare + " 2>/dev/null; "
        "{python} -m secongraph build --data {data} --out {out}; code=$?; "
        "echo; echo '--- after'; ls -A {out}; cat {out}/secon.ttl; exit $code"
    ).format(out=out, data=data_dir, python=sys.executable)
    result = subprocess.run(
        [unshare, "--mount", "--propagation", "private", "sh", "-c", script],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if result.returncode == 99:
        pytest.skip("tmpfs cannot be mounted here")
    assert result.returncode == 3, result.stderr
    reason = "Read-only file system" if kind == "read-only" else "No space left on device"
    assert_one_line_error(result.stderr, f"Error: {out / 'store'}: cannot write ({reason})")
    after = result.stdout.split("--- after\n", 1)[1].splitlines()
    expected_files = ["secon.ttl"] if kind == "read-only" else ["filler", "secon.ttl"]
    assert after == [*expected_files, "previous build"]


def test_the_store_checks_names_for_library_users_too(tmp_path: Path) -> None:
    from secongraph.errors import SourceError
    from secongraph.store import Store

    for name in ("a b.ttl", "..ttl", "_.ttl", "a\ufdd0.ttl", "ontology.ttl", "vocab-x.ttl"):
        path = tmp_path / name
        path.write_text(ONE_TRIPLE, encoding="utf-8")
        with pytest.raises(SourceError, match="graph name"):
            Store().load(path)


def test_a_finding_about_a_label_with_a_newline_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "label.ttl"
    path.write_text(
        "@prefix sg: <https://w3id.org/secongraph/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "<https://example.org/secongraph-test/event/e> a sg:Workshop ;\n"
        '    rdfs:label "two\\nlines"@en .\n',
        encoding="utf-8",
    )
    code, stdout, _ = run("validate", str(path), "--data", str(tmp_path / "none"))
    assert code == 1
    assert stdout.splitlines()
    assert all(line.startswith(f"{path}:3: ") for line in stdout.splitlines())
    assert "(two\\nlines)" in stdout
