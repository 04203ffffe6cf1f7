"""Reading PDF statements (donations/importers/pdf.py): pages a second and peak memory.

    .venv/bin/python bench/bench_pdf.py [--full] [PDF ...]

Each file is read in a fresh process (read_pdf: open, positioned words of every page, rows,
the frame every statement goes through; not the database writes, which are the CSV path's),
which prints its pages, lines, seconds and peak resident memory (ru_maxrss: MuPDF's C
allocations included). Speed is counted in the process's CPU time (one core), and by the
clock. The figures are extrapolated to 12,000 pages (the Vietcombank
statement of 1–10/9/2024 has 12,028): time in proportion to pages, memory as the fixed part
(the process with the file open) plus the measured growth per page. `--full` also builds a
12,000-page PDF (the 100 Vietcombank pages 120 times, in /tmp) and reads it for real.
Targets (issue #23): 12,000 pages in ≤ 3 minutes on one core, ≤ 500 MB. Default files: the
shared 100 Vietcombank pages and the 335 BIDV pages (../shared/data/saoke/pdf/).
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("SAOKE_PDF", "/work/shared/data/saoke/pdf"))
DEFAULT = [
    SHARED / "vcb_0011001932418_2024-09-01_2024-09-10_pages1-100.pdf",
    SHARED / "bidv_1261122666_2024-09-01_2024-09-12.pdf",
]
TARGET_PAGES = 12_000


def child(path: str) -> None:
    """In the fresh process: read one file, print one JSON line."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nhandao.settings")
    os.environ.setdefault("NHANDAO_DEV", "1")
    import django

    django.setup()
    from nhandao.donations.importers import pdf

    data = Path(path).read_bytes()
    doc = pdf.open_pdf(data)
    pages = doc.page_count
    del doc
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started, cpu = time.perf_counter(), time.process_time()
    parsed = pdf.read_pdf(data, Path(path).name)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "file": Path(path).name,
                "template": parsed.layout.name,
                "pages": pages,
                "lines": parsed.frame.height,
                "seconds": round(seconds, 2),
                "cpu_seconds": round(cpu, 2),
                "pages_per_second": round(pages / seconds, 1),
                "pages_per_cpu_second": round(pages / cpu, 1),
                "base_mb": round(base),
                "peak_mb": round(peak),
            }
        )
    )


def measure(path: Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def build_full(source: Path, target: Path, times: int) -> Path:
    import pymupdf

    if target.exists():
        return target
    src = pymupdf.open(source)
    doc = pymupdf.open()
    for _ in range(times):
        doc.insert_pdf(src)
    doc.save(target, garbage=1, deflate=True)
    return target


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="*")
    parser.add_argument("--child")
    parser.add_argument("--full", action="store_true")
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    files = [Path(f) for f in args.files] or DEFAULT
    results = []
    for path in files:
        r = measure(path)
        # one core's time (the machine is shared: the wall clock waits for other processes)
        r["extrapolated_12000_pages_seconds"] = round(TARGET_PAGES / r["pages_per_cpu_second"])
        growth = (r["peak_mb"] - r["base_mb"]) / r["pages"]
        r["extrapolated_12000_pages_mb"] = round(r["base_mb"] + growth * TARGET_PAGES)
        results.append(r)
        print(json.dumps(r, ensure_ascii=False))
    if args.full:
        big = build_full(DEFAULT[0], Path("/tmp/bench_pdf_vcb_12000.pdf"), TARGET_PAGES // 100)
        r = measure(big)
        results.append(r)
        print(json.dumps(r, ensure_ascii=False))
    print(
        "target: 12,000 pages ≤ 180 s and ≤ 500 MB; "
        + "; ".join(
            f"{r['file']}: {r['pages_per_cpu_second']} pages per CPU second "
            f"({r['pages_per_second']} by the clock), peak {r['peak_mb']} MB"
            + (
                f" → 12,000 pages ≈ {r['extrapolated_12000_pages_seconds']} s, "
                f"≈ {r['extrapolated_12000_pages_mb']} MB"
                if "extrapolated_12000_pages_seconds" in r
                else ""
            )
            for r in results
        )
    )


if __name__ == "__main__":
    main()
