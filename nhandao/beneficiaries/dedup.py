"""The full duplicate run over the registry: read persons from the database, link them
(linkage.py), write candidate pairs with their cluster, score and reasons; export clusters.

Decided pairs (different people, merged) are never proposed again; pending pairs of an
earlier run are replaced by this run's.
"""

import time

import polars as pl
from django.db import connection, transaction
from django.utils import timezone

from nhandao.beneficiaries import linkage, review
from nhandao.beneficiaries.models import (
    DedupRun,
    MatchCandidate,
    MatchStatus,
    MergeRecord,
    Person,
    PersonStatus,
)
from nhandao.lib.exports import csv_chunks
from nhandao.orgs.models import AdminUnit

# the database columns giving linkage.COLUMNS, in order (given_raw is made from full_name)
SQL_COLUMNS = ["p.id", "p.family_name", "p.middle_name", "p.given_name", "p.birth_date",
               "p.birth_year", "p.commune_id", "p.village_key", "p.phone", "p.id_number",
               "p.household_id", "p.sex", "u.province_id", "p.full_name"]  # fmt: skip


def read_frame(person_ids=None) -> pl.DataFrame:
    """Active persons as a linkage frame, read with one plain query (fast at a million rows)."""
    table, units = Person._meta.db_table, AdminUnit._meta.db_table
    sql = (f"SELECT {', '.join(SQL_COLUMNS)} FROM {table} p "  # noqa: S608
           f"LEFT JOIN {units} u ON u.id = p.commune_id WHERE p.status = %s")  # fmt: skip
    params: list = [PersonStatus.ACTIVE]
    if person_ids is not None:
        sql += f" AND p.id IN ({', '.join(['%s'] * len(person_ids))})"
        params += list(person_ids)
    names = [*list(linkage.COLUMNS)[:-1], "full_name"]
    schema = {n: linkage.COLUMNS.get(n, pl.Utf8) for n in names}
    if connection.vendor == "postgresql" and person_ids is None:
        frame = _copy_out(sql, params, names, schema)
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        columns = list(zip(*rows, strict=True)) if rows else [[] for _ in names]
        data = {n: list(c) for n, c in zip(names, columns, strict=True)}
        # dates come back as text (SQLite) or as dates (other drivers): text for both
        data["birth_date"] = [d.isoformat() if d is not None and not isinstance(d, str) else d
                              for d in data["birth_date"]]  # fmt: skip
        text = {n: (pl.Utf8 if n == "birth_date" else t) for n, t in schema.items()}
        frame = pl.DataFrame(data, schema=text)
    if frame.schema["birth_date"] == pl.Utf8:  # SQLite returns text
        frame = frame.with_columns(pl.col("birth_date").str.to_date(strict=False))
    return with_given_raw(frame)


def _copy_out(sql, params, names, schema) -> pl.DataFrame:
    """PostgreSQL: COPY (query) TO STDOUT as CSV, parsed by polars (a million rows in ~1 s)."""
    import io

    buffer = io.BytesIO()
    with connection.cursor() as cursor:
        query = cursor.mogrify(sql, params)
        with cursor.cursor.copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)") as copy:
            for block in copy:
                buffer.write(block)
    buffer.seek(0)
    text = {n: (pl.Utf8 if n == "birth_date" else t) for n, t in schema.items()}
    return pl.read_csv(buffer, has_header=False, new_columns=names, schema=text)


def with_given_raw(frame: pl.DataFrame) -> pl.DataFrame:
    """given_raw: the given name as typed (lower case, tones kept), for the tone comparison."""
    words = pl.col("full_name").cast(pl.Utf8).str.to_lowercase().str.split(" ")
    return frame.with_columns(words.list.last().alias("given_raw")).drop("full_name")


def write_candidates(result: linkage.Result, run: DedupRun | None) -> tuple[int, int]:
    """Replace pending pairs by `result`'s, keep decisions; returns (pairs, new pairs).

    Set-based: reasons are computed for all pairs at once and rows go in with executemany
    (a million-record run writes ~100k pairs)."""
    decided = set(
        MatchCandidate.objects.exclude(status=MatchStatus.PENDING).values_list(
            "person_a_id", "person_b_id"
        )
    )
    previous = set(
        MatchCandidate.objects.filter(status=MatchStatus.PENDING).values_list(
            "person_a_id", "person_b_id"
        )
    )
    pairs = result.pairs
    if decided:
        decided_frame = pl.DataFrame(list(decided), schema=["id_l", "id_r"], orient="row")
        pairs = pairs.join(decided_frame, on=["id_l", "id_r"], how="anti")
    ids_l, ids_r = pairs["id_l"].to_list(), pairs["id_r"].to_list()
    cluster_of = linkage.clusters(set(ids_l) | set(ids_r), list(zip(ids_l, ids_r, strict=True)))
    reasons = linkage.reasons_json(pairs).to_list() if pairs.height else []
    now = timezone.now()
    rows = [
        (a, b, score, method, why, cluster_of[a], MatchStatus.PENDING, run.pk if run else None, now)
        for a, b, score, method, why in zip(
            ids_l, ids_r, pairs["score"].to_list(), pairs["method"].to_list(), reasons, strict=True
        )
    ]
    table = MatchCandidate._meta.db_table
    json_param = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    sql = (
        f"INSERT INTO {table} (person_a_id, person_b_id, score, method, reasons, cluster, "  # noqa: S608
        f"status, run_id, created_at) VALUES (%s, %s, %s, %s, {json_param}, %s, %s, %s, %s)"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        # pending pairs are replaced wholesale: a plain DELETE, not the ORM's collector (which
        # would load every row); undone merges pointing to one keep their persons
        pending = MatchCandidate.objects.filter(status=MatchStatus.PENDING)
        MergeRecord.objects.filter(candidate__in=pending).update(candidate=None)
        pending._raw_delete(pending.db)
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])
    new = sum(1 for a, b in zip(ids_l, ids_r, strict=True) if (a, b) not in previous)
    review.queue_changed()  # written in bulk, past the signals
    return len(rows), new


def run_dedup(actor=None, threads: int | None = None) -> DedupRun:
    started = time.perf_counter()
    run = DedupRun.objects.create(started_by=actor)
    frame = read_frame()
    result = linkage.link(frame, threads=threads)
    pairs, new = write_candidates(result, run)
    run.persons, run.pairs, run.new_pairs = frame.height, pairs, new
    run.finished_at, run.seconds = timezone.now(), time.perf_counter() - started
    run.save()
    return run


def export_clusters(path) -> int:
    """One row per active person: id, external_id, cluster_id (persons linked by a pending or
    merged pair share a cluster; merged records belong to their survivor's cluster)."""
    pairs = MatchCandidate.objects.exclude(status=MatchStatus.DISTINCT).values_list(
        "person_a_id", "person_b_id"
    )
    persons = list(Person.objects.values_list("pk", "external_id", "merged_into_id"))
    links = list(pairs) + [(pk, into) for pk, _, into in persons if into]
    cluster_of = linkage.clusters([pk for pk, _, _ in persons], links)
    rows = ([pk, external_id, cluster_of[pk]] for pk, external_id, _ in sorted(persons))
    with open(path, "w", newline="", encoding="utf-8") as handle:
        for chunk in csv_chunks(["person_id", "external_id", "cluster_id"], rows, bom=False):
            handle.write(chunk)
    return len(persons)


def link_rows(rows: list[dict]) -> linkage.Result:
    """Linkage of rows not yet in the database (an import) against the registry: rows get
    negative ids so that pairs among them and with existing persons can be told apart."""
    frame = read_frame()
    extra = pl.DataFrame(rows, schema=linkage.COLUMNS) if rows else None
    if extra is not None:
        frame = pl.concat([frame.cast(linkage.COLUMNS), extra.cast(linkage.COLUMNS)])
    return linkage.link(frame)
