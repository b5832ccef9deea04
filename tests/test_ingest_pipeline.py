"""From a partner's sheets to the questions and the maps: import, accept, build, ask, draw.

Synthetic organisations (names made up for the test) join a real SECON event through two sheets;
after ``accept`` the library question and the collaboration map show them, names escaped.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner, Result
from rdflib import URIRef

from secongraph.cli import cli
from secongraph.maps import project_map
from secongraph.namespaces import ID
from secongraph.queries import run_query
from secongraph.reference import NUTS_FOLDER
from secongraph.store import build_store

WORKSHOP = "Interregional workshop in Haskovo"
ODD = 'Café <3 & "Friends" Association'  # markup-like text that is no tag, quotes, an ampersand


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_sheets_reach_the_questions_and_the_maps(tmp_path: Path, data_dir: Path) -> None:
    data = Path(shutil.copytree(data_dir, tmp_path / "data"))
    drafts = tmp_path / "drafts"
    source = ["--publisher", "Municipality of Haskovo", "--date", "2024-03-01", "--data", data,
              "--drafts", drafts]  # fmt: skip
    organisations = tmp_path / "organisations.csv"
    organisations.write_text(
        "name,language,type,country\n"
        f'"{ODD.replace(chr(34), chr(34) * 2)}",en,ngo,BG\n'
        "Synthetic Cooperative of Haskovo,en,social-cooperative,BG\n",
        encoding="utf-8",
    )
    result = run("import", "table", organisations, "--kind", "organisations",
                 "--source-title", "Synthetic members", *source)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert run("accept", drafts / "synthetic-members", "--data", data).exit_code == 0
    participation = tmp_path / "participation.csv"
    participation.write_text(
        "event,participant,role\n"
        f'{WORKSHOP},"{ODD.replace(chr(34), chr(34) * 2)}",stakeholder\n'
        f"{WORKSHOP},Synthetic Cooperative of Haskovo,stakeholder\n"
        f"{WORKSHOP},Municipality of Haskovo,host\n",
        encoding="utf-8",
    )
    result = run("import", "table", participation, "--kind", "participation",
                 "--source-title", "Synthetic participants", *source)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert run("accept", drafts / "synthetic-participants", "--data", data).exit_code == 0
    assert run("validate", "--data", data).exit_code == 0

    store = build_store(data)
    event = URIRef(ID["event/2023-11-13-haskovo-interregional-workshop"])
    answer = run_query(store, "event-participants", {"event": str(event)})
    labels = {str(row["participant_label"]) for row in answer.rows}
    assert {ODD, "Synthetic Cooperative of Haskovo"} <= labels

    html = project_map(store, "co-participation", tmp_path / "map.html",
                       reference_dir=data / NUTS_FOLDER).read_text(encoding="utf-8")  # fmt: skip
    start = html.index('id="map-data">') + len('id="map-data">')
    nodes = json.loads(html[start : html.index("</script>", start)])["nodes"]
    assert ODD in nodes["label"]
    assert ODD not in html  # only its escaped form is in the page
