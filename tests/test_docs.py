"""Every command is documented: help text with an example, and a section in the CLI reference."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from secongraph.cli import cli

ROOT = Path(__file__).resolve().parents[1]


def _commands(group: click.Command, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    if isinstance(group, click.Group):
        for name, command in sorted(group.commands.items()):
            yield (*path, name)
            yield from _commands(command, (*path, name))


COMMANDS = list(_commands(cli))


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_an_example(path: tuple[str, ...]) -> None:
    command: click.Command = cli
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    if isinstance(command, click.Group):
        assert command.help
    else:
        assert command.help and "Example:" in command.help


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_command_is_in_the_cli_reference(path: tuple[str, ...]) -> None:
    reference = (ROOT / "docs" / "cli-reference.md").read_text(encoding="utf-8")
    assert f"\n## secongraph {' '.join(path)}\n" in reference


def test_the_command_line_starts_without_the_heavy_libraries() -> None:
    """``secongraph --help`` loads no RDF engine, SHACL, SPARQL client or network library: each
    command imports what it uses, so start-up stays short (issue 9)."""
    import subprocess
    import sys

    heavy = ["rdflib", "pyoxigraph", "pyshacl", "SPARQLWrapper", "networkx", "igraph", "pyvis"]
    code = (
        "import sys\nfrom click.testing import CliRunner\nfrom secongraph.cli import cli\n"
        "assert CliRunner().invoke(cli, ['--help']).exit_code == 0\n"
        f"print(sorted(set({heavy!r}) & set(sys.modules)))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert loaded.stdout.strip() == "[]"


def test_the_choices_are_what_the_library_offers() -> None:
    from secongraph.choices import EXPORT_EXTENSIONS, RESULT_FORMATS
    from secongraph.export import ExportFormat
    from secongraph.store import Store

    assert tuple(f.extension for f in ExportFormat) == EXPORT_EXTENSIONS
    result = Store().select("SELECT (1 AS ?one) WHERE {}")
    assert all(result.serialize(fmt) for fmt in RESULT_FORMATS)
