"""Duplicate detection: pairwise precision / recall / F1, time and peak memory, against the
exact-CCCD baseline, on a synthetic registry with the truth (bench/gen_registry.py).

    .venv/bin/python bench/bench_dedup.py --size 100000            # linkage on the frame
    .venv/bin/python bench/bench_dedup.py --size 100000 --db       # end to end: read the
        persons from a scratch database, link, write candidate pairs (what `nhandao dedup` does)

The measured part runs in a child process, so that its peak memory (ru_maxrss) is the
linkage's, not the generator's. Figures go to docs/benchmarks.md.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def registry_path(size: int, seed: int) -> Path:
    path = ROOT / "var" / "bench" / f"registry_{size}_{seed}.parquet"
    if not path.exists():
        from gen_registry import generate

        path.parent.mkdir(parents=True, exist_ok=True)
        pl.DataFrame(generate(size, seed=seed), infer_schema_length=None).write_parquet(path)
    return path


def first_successor() -> dict[str, str]:
    """Old commune code → new commune code, the first by code (as places.converter() does)."""
    from gen_registry import DATA

    conv = pl.read_csv(
        DATA / "admin_units" / "vn_2025_ward_conversion_old_to_new.csv", infer_schema_length=0
    )
    conv = conv.sort("old_ward_code", "new_ward_code")
    return dict(
        conv.group_by("old_ward_code", maintain_order=True)
        .agg(pl.col("new_ward_code").first())
        .iter_rows()
    )


def normalised(records: pl.DataFrame) -> pl.DataFrame:
    """The stored, normalised form of each record (what entry and import write)."""
    from nhandao.beneficiaries.identity import parse_birth, split_name
    from nhandao.lib.text import search_key

    convert = first_successor()
    from gen_registry import DATA

    wards = pl.read_csv(DATA / "admin_units" / "vn_2025_wards_3321.csv", infer_schema_length=0)
    province_of = dict(wards.select("ward_code", "province_code").iter_rows())
    rows = []
    for r in records.iter_rows(named=True):
        parts = split_name(r["full_name"])
        born, year = parse_birth(r["birth"])
        code = (
            r["commune_code"] if r["commune_map"] == "2025-07" else convert.get(r["commune_code"])
        )
        rows.append(
            {
                "unique_id": r["record_id"],
                "family": parts.family,
                "middle": parts.middle,
                "given": parts.given,
                "birth_date": born,
                "birth_year": year,
                "commune": int(code) if code else None,
                "village": search_key(r["village"]),
                "phone": r["phone"],
                "id_number": r["cccd"],
                "household": r["household_id"],
                "sex": r["sex"],
                "province": int(province_of[code]) if code in province_of else None,
                "given_raw": r["full_name"].lower().split()[-1],
            }
        )
    return pl.DataFrame(rows, schema_overrides={"birth_date": pl.Date}, infer_schema_length=None)


def pair_metrics(pairs: pl.DataFrame, truth: pl.DataFrame) -> dict:
    """Pairwise precision, recall, F1 of (id_l, id_r) pairs against record → entity."""
    entity = truth.select(pl.col("record_id"), pl.col("entity_id"))
    sizes = truth.group_by("entity_id").len()
    true_pairs = int((sizes["len"] * (sizes["len"] - 1) // 2).sum())
    joined = (
        pairs.select("id_l", "id_r")
        .unique()
        .join(entity.rename({"record_id": "id_l", "entity_id": "e_l"}), on="id_l")
        .join(entity.rename({"record_id": "id_r", "entity_id": "e_r"}), on="id_r")
    )
    found = joined.height
    tp = int((joined["e_l"] == joined["e_r"]).sum())
    precision = tp / found if found else 1.0
    recall = tp / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "pairs": found,
        "true_pairs": true_pairs,
        "tp": tp,
        "precision": precision,
        "recall": recall,
        "f1": f1,
    }


def measure_frame(path: Path, threads: int | None) -> dict:
    from nhandao.beneficiaries import linkage

    records = pl.read_parquet(path)
    t0 = time.perf_counter()
    frame = normalised(records)
    normalise_s = time.perf_counter() - t0
    result = linkage.link(frame, threads=threads)
    return {
        "mode": "frame",
        "records": records.height,
        "normalise_s": normalise_s,
        "link_s": result.seconds["total"],
        "predict_s": result.seconds["predict"],
        "splink": pair_metrics(result.pairs, records),
        "cccd_baseline": pair_metrics(result.exact_pairs, records),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def measure_db(path: Path, threads: int | None) -> dict:
    """Load the registry into a scratch database (not timed), then time `run_dedup()`."""
    db = ROOT / "var" / "bench" / f"dedup_{path.stem}.sqlite3"
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{db}")
    os.environ["DJANGO_SETTINGS_MODULE"] = "nhandao.settings"
    os.environ.setdefault("NHANDAO_DEV", "1")  # benchmarks run on development settings
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from nhandao.beneficiaries import dedup
    from nhandao.beneficiaries.models import MatchCandidate, Person
    from nhandao.orgs.mapdata import load_admin_units, map_is_loaded
    from nhandao.orgs.models import AdminUnit, Organisation

    records = pl.read_parquet(path)
    call_command("migrate", verbosity=0)
    if not map_is_loaded():
        load_admin_units()
    if Person.objects.count() != records.height:
        t0 = time.perf_counter()
        MatchCandidate.objects.all().delete()
        Person.objects.all().delete()
        org, _ = Organisation.objects.get_or_create(
            code="BENCH",
            defaults={"name": "Bench", "kind": "red_cross", "level": "central", "path": "/0/"},
        )
        unit_id = dict(
            AdminUnit.objects.filter(map="2025-07", level="commune").values_list("code", "pk")
        )
        frame = normalised(records)
        cols = [
            "id",
            "organisation_id",
            "full_name",
            "name_key",
            "family_name",
            "middle_name",
            "given_name",
            "sex",
            "birth_date",
            "birth_year",
            "id_number",
            "phone",
            "commune_id",
            "village",
            "village_key",
            "address",
            "vulnerabilities",
            "consent_by",
            "consent_purpose",
            "external_id",
            "import_key",
            "status",
            "relationship",
            "created_at",
        ]
        rows = []
        for rec, norm in zip(
            records.iter_rows(named=True), frame.iter_rows(named=True), strict=True
        ):
            key = " ".join(p for p in (norm["family"], norm["middle"], norm["given"]) if p)
            rows.append(
                (
                    rec["record_id"],
                    org.pk,
                    rec["full_name"],
                    key,
                    norm["family"],
                    norm["middle"],
                    norm["given"],
                    rec["sex"],
                    norm["birth_date"],
                    norm["birth_year"],
                    rec["cccd"],
                    rec["phone"],
                    unit_id.get(str(norm["commune"])),
                    rec["village"],
                    norm["village"],
                    "",
                    "[]",
                    "",
                    "",
                    str(rec["record_id"]),
                    "",
                    "active",
                    "",
                    "2026-01-01T00:00:00Z",
                )
            )
        table = Person._meta.db_table
        sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join(['%s'] * len(cols))})"
        with connection.cursor() as cursor:
            for start in range(0, len(rows), 20000):
                cursor.executemany(sql, rows[start : start + 20000])
        print(f"loaded {len(rows)} persons in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
        return {"loaded": True}
    t0 = time.perf_counter()
    run = dedup.run_dedup(threads=threads)
    elapsed = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before scoring
    pairs = pl.DataFrame(
        list(MatchCandidate.objects.values_list("person_a_id", "person_b_id")),
        schema=["id_l", "id_r"],
        orient="row",
    )
    # the exact-CCCD baseline on the same records (not timed): equal non-empty numbers
    table = Person._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT a.id, b.id FROM {table} a JOIN {table} b ON a.id_number = b.id_number "
            "AND a.id < b.id WHERE a.id_number <> '' AND a.status = 'active' "
            "AND b.status = 'active'"
        )
        exact = pl.DataFrame(cursor.fetchall(), schema=["id_l", "id_r"], orient="row")
    return {
        "mode": "db",
        "database": connection.vendor,
        "records": records.height,
        "end_to_end_s": elapsed,
        "persons": run.persons,
        "pairs_written": run.pairs,
        "splink": pair_metrics(pairs, records),
        "cccd_baseline": pair_metrics(exact, records),
        "peak_mb": peak_mb,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--db", action="store_true", help="end to end through a database")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        measure = measure_db if args.db else measure_frame
        print(json.dumps(measure(Path(args.child), args.threads)))
        return
    path = registry_path(args.size, args.seed)
    command = [sys.executable, __file__, "--child", str(path)] + (["--db"] if args.db else [])
    if args.threads:
        command += ["--threads", str(args.threads)]
    if args.db:  # first child loads the database, the second one is measured
        subprocess.run(command, check=True, capture_output=True, text=True)
    out = subprocess.run(command, check=True, capture_output=True, text=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    print(json.dumps(result, indent=2))
    s = result["splink"]
    print(
        f"\n{result['records']} records — Splink+CCCD: precision {s['precision']:.4f}, "
        f"recall {s['recall']:.4f}, F1 {s['f1']:.4f}; "
        f"time {result.get('end_to_end_s') or result['link_s']:.1f} s; "
        f"peak {result['peak_mb']:.0f} MB"
    )
    if "cccd_baseline" in result:
        b = result["cccd_baseline"]
        print(
            f"exact-CCCD baseline: precision {b['precision']:.4f}, recall {b['recall']:.4f}, "
            f"F1 {b['f1']:.4f}"
        )


if __name__ == "__main__":
    main()
