"""The shared file reader (lib/reader.py): time and peak memory to refuse a zip bomb and a
cell at XFD1048576, and to read the full Vietcombank statement (200,361 lines).

    .venv/bin/python bench/bench_reader.py [--file PATH]

Each case runs in a child process of its own, so that its peak RSS is its own: the figure
printed is the peak resident memory of the child minus what it held before the case (the
interpreter, Django, polars and the file's bytes), and Python's own peak (tracemalloc is
left off: it slows the reading several times). One JSON line per case.
"""

import argparse
import gzip
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = next(
    (p for p in (ROOT.parent / "shared", ROOT.parent.parent / "shared") if p.exists()), ROOT
)
DEFAULT_FILE = SHARED / "data/saoke/vcb_0011001932418_2024-09-01_2024-09-10.csv.gz"
CASES = ["bomb", "bomb_lying", "xfd", "xfd_undeclared", "vcb_table", "vcb_statement"]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_case(case: str, path: Path) -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nhandao.settings")
    import django

    django.setup()
    from nhandao.donations.importers import read_statement
    from nhandao.lib import reader
    from tests.bad_files import xlsx_bomb, xlsx_far_cell

    if case.startswith("vcb"):
        data, name = path.read_bytes(), "x.csv"
        data = gzip.decompress(data) if path.suffix == ".gz" else data
    elif case == "bomb":
        data, name = xlsx_bomb(), "x.xlsx"
    elif case == "bomb_lying":
        data, name = xlsx_bomb(lying=True), "x.xlsx"
    else:
        data, name = xlsx_far_cell(declare=case == "xfd"), "x.xlsx"
    before = rss_mb()
    started = time.perf_counter()
    outcome = ""
    try:
        if case == "vcb_statement":  # the statement importer's read: the layout, its columns
            parsed = read_statement(data, path.name.removesuffix(".gz"))
            outcome = f"{parsed.frame.height} lines, {parsed.encoding}"
        else:
            table = reader.read_table(data, name)
            outcome = f"{len(table.rows)} rows, {table.encoding}"
    except reader.FileRefused as exc:
        outcome = "refused: " + exc.message.splitlines()[0]
    seconds = time.perf_counter() - started
    return {
        "case": case,
        "file_bytes": len(data),
        "seconds": round(seconds, 3),
        "peak_rss_added_mb": round(rss_mb() - before, 1),
        "peak_rss_mb": round(rss_mb(), 1),
        "outcome": outcome[:140],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--case", choices=CASES)
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case, args.file), ensure_ascii=False))
        return
    for case in CASES:
        result = subprocess.run(
            [sys.executable, __file__, "--case", case, "--file", str(args.file)],
            capture_output=True,
            text=True,
            check=False,
        )
        print(result.stdout.strip() or result.stderr.strip()[-500:], flush=True)


if __name__ == "__main__":
    main()
