"""Benchmark ``import table`` on SYNTHETIC organisation sheets of growing size, in one run.

Writes sheets of 1,000, 10,000 and 100,000 rows of invented organisations ("Synthetic association
N", marked as such in the sheet's source title), each in a child process that builds the SECON
graph and drafts the sheet with ``secongraph.ingest.table.draft_table``, and reports the time,
rows per second and the child's peak memory. The baseline is the same child doing the least any
importer must: reading the sheet with the csv module and writing one N-Triples line per cell.
Peak memory that stays nearly flat from 10,000 to 100,000 rows shows the import streams.
Not part of the test suite.

Usage: ``python benchmarks/import_table.py [--rows 1000 10000 100000]``
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TYPES = ("ngo", "social-enterprise", "business", "cooperative", "public-agency", "municipality")
COUNTRIES = ("BG", "GR", "DE", "BE", "RO", "PL", "PT", "LV", "ES")

CHILD = r"""
import csv, json, resource, sys, time
from pathlib import Path
sheet, mode, drafts = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
start = time.perf_counter()
if mode == "import":
    from secongraph.ingest.table import draft_table
    from secongraph.store import build_store
    store = build_store(Path(sys.argv[4]))
    loaded = time.perf_counter()
    summary = draft_table(sheet, kind="organisations", store=store, drafts=drafts,
                          title="Synthetic sheet (benchmark)")
    facts = summary.facts
else:
    loaded = start
    facts = 0
    with sheet.open(encoding="utf-8", newline="") as handle, (drafts / "raw.nt").open("w") as out:
        reader = csv.reader(handle)
        header = next(reader)
        for number, row in enumerate(reader, start=2):
            for name, cell in zip(header, row):
                out.write(f'<urn:row:{number}> <urn:col:{name}> "{cell}" .\n')
                facts += 1
end = time.perf_counter()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": end - loaded, "setup": loaded - start, "facts": facts, "peak_mb": peak}))
"""


def write_sheet(path: Path, rows: int) -> None:
    """A synthetic organisations sheet: invented names, every type and partner country."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("name,language,english_name,type,country\n")
        for i in range(rows):
            handle.write(f"Synthetic association {i},en,,{TYPES[i % len(TYPES)]},"
                         f"{COUNTRIES[i % len(COUNTRIES)]}\n")  # fmt: skip


def run(sheet: Path, mode: str, folder: Path) -> dict[str, float]:
    drafts = folder / f"drafts-{mode}"
    drafts.mkdir(exist_ok=True)
    output = subprocess.run(
        [sys.executable, "-c", CHILD, str(sheet), mode, str(drafts), str(ROOT / "data")],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return dict(json.loads(output.splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="secongraph-bench-import-"))
    print(f"# import table, synthetic organisations; {platform.machine()}, Python "
          f"{platform.python_version()}")  # fmt: skip
    print("| rows | import (s) | rows/s | facts | peak memory (MB) | baseline csv → N-Triples (s) "
          "| import / baseline |")  # fmt: skip
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for rows in args.rows:
        sheet = folder / f"synthetic-{rows}.csv"
        write_sheet(sheet, rows)
        imported, raw = run(sheet, "import", folder), run(sheet, "raw", folder)
        print(
            f"| {rows:,} | {imported['seconds']:.1f} | {rows / imported['seconds']:,.0f} "
            f"| {imported['facts']:,.0f} | {imported['peak_mb']:,.0f} | {raw['seconds']:.2f} "
            f"| {imported['seconds'] / raw['seconds']:,.0f} x |"
        )


if __name__ == "__main__":
    main()
