"""Probabilistic record linkage of persons: exact keys (CCCD) plus Splink 4 on DuckDB.

Pure: a frame of persons in, scored pairs out; no Django. dedup.py reads the frame from the
database and writes the candidates; bench/bench_dedup.py runs the same code on generated data.

The model is a Fellegi–Sunter model whose m and u probabilities are set from what we know of
Vietnamese registries (documented below per level) rather than trained per run: results are
deterministic, small areas are scored as well as big ones, and a run over a million records
stays within its time budget. Comparisons:

- family, middle and given names (folded, no diacritics): exact / close (Jaro-Winkler ≥ 0.88,
  one edit) / different; a missing middle name is neutral (dropped middle names);
- birth: same date / day and month swapped / same year when one side has only the year /
  same year / one year apart / different;
- given name as typed: both with tones that differ ("Hương" / "Hường") is no evidence of a match;
- contact: same phone / same commune (old codes already mapped to the new map) and village /
  same commune / different — one comparison, as a household shares all of them;
- identity number: same / one typo / different;
- sex: same / different (a different sex weighs 1/16).

Relatives in one household share family name, commune, village and often the phone, but have
another given name and birth date: a different given name weighs 1/190 and a different birth
1/90, which outweighs what a shared address and phone bring (see tests).
"""

import math
import os
import tempfile
import time
from dataclasses import dataclass, field

import duckdb
import polars as pl

COLUMNS = {
    "unique_id": pl.Int64,
    "family": pl.Utf8,
    "middle": pl.Utf8,
    "given": pl.Utf8,
    "birth_date": pl.Date,
    "birth_year": pl.Int32,
    "commune": pl.Int64,
    "village": pl.Utf8,
    "phone": pl.Utf8,
    "id_number": pl.Utf8,
    "household": pl.Int64,
    "sex": pl.Utf8,
    "province": pl.Int64,
    "given_raw": pl.Utf8,
}

THRESHOLD = 0.9  # match probability from which a pair goes to the review queue


def prepare(frame: pl.DataFrame) -> pl.DataFrame:
    """Types fixed, empty strings as nulls, day and month split out for the swap level."""
    frame = frame.select([pl.col(c).cast(t) for c, t in COLUMNS.items()])
    text = [c for c, t in COLUMNS.items() if t == pl.Utf8]
    frame = frame.with_columns(
        [
            pl.when(pl.col(c).str.len_chars() > 0).then(pl.col(c)).otherwise(None).alias(c)
            for c in text
        ]
    )
    return frame.with_columns(
        pl.col("birth_date").dt.day().cast(pl.Int32).alias("birth_day"),
        pl.col("birth_date").dt.month().cast(pl.Int32).alias("birth_month"),
    )


def _levels(name, levels):
    """(label, sql, m, u) rows → a Splink CustomComparison with fixed m and u."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    built = [cll.CustomLevel(levels[0][1], levels[0][0]).configure(is_null_level=True)]
    for label, sql, m, u in levels[1:]:
        level = cll.ElseLevel() if sql == "ELSE" else cll.CustomLevel(sql, label)
        built.append(level.configure(m_probability=m, u_probability=u, label_for_charts=label))
    return cl.CustomComparison(built, output_column_name=name)


JW = "jaro_winkler_similarity"
NULL = "{c}_l IS NULL OR {c}_r IS NULL"


def _name(col, m_exact, u_exact, m_close, u_close, m_else, u_else, accents=None):
    c = col
    levels = [("thiếu", NULL.format(c=c))]
    if accents:  # both typed with tones, and the tones differ: Hương ≠ Hường
        levels.append(
            (
                "giống khi bỏ dấu, khác dấu",
                f"{c}_l = {c}_r AND {ACCENTED.format(s='l')}"
                f" AND {ACCENTED.format(s='r')} AND {c}_raw_l <> {c}_raw_r",
                *accents,
            )
        )
    levels += [
        ("giống", f"{c}_l = {c}_r", m_exact, u_exact),
        (
            "gần giống",
            f"{JW}({c}_l, {c}_r) >= 0.88 OR damerau_levenshtein({c}_l, {c}_r) <= 1 "
            f"OR contains({c}_l, {c}_r) OR contains({c}_r, {c}_l)",
            m_close,
            u_close,
        ),
        ("khác", "ELSE", m_else, u_else),
    ]
    return _levels(c, levels)


# the given name as typed carries tones (it folds to the folded given name but differs from it)
ACCENTED = (
    "given_raw_{s} IS NOT NULL AND given_raw_{s} <> given_{s} AND "
    "strip_accents(replace(given_raw_{s}, 'đ', 'd')) = given_{s}"
)


def comparisons():
    birth = _levels(
        "birth",
        [
            ("thiếu", "birth_year_l IS NULL OR birth_year_r IS NULL"),
            ("giống", "birth_date_l = birth_date_r", 0.78, 0.00004),
            (
                "đảo ngày/tháng",
                "birth_year_l = birth_year_r AND birth_day_l = birth_month_r "
                "AND birth_month_l = birth_day_r",
                0.04,
                0.00004,
            ),
            (
                "cùng năm (một bên chỉ có năm)",
                "birth_year_l = birth_year_r AND (birth_date_l IS NULL OR birth_date_r IS NULL)",
                0.12,
                0.016,
            ),
            ("cùng năm, khác ngày", "birth_year_l = birth_year_r", 0.03, 0.016),
            ("lệch một năm", "abs(birth_year_l - birth_year_r) <= 1", 0.02, 0.032),
            ("khác", "ELSE", 0.01, 0.936),
        ],
    )
    # Address and phone are shared by a whole household, so they are one comparison: counted
    # once, they cannot outweigh a different given name and birth date (relatives).
    contact = _levels(
        "contact",
        [
            (
                "thiếu",
                "(commune_l IS NULL OR commune_r IS NULL) AND (phone_l IS NULL OR phone_r IS NULL)",
            ),
            ("cùng điện thoại", "phone_l = phone_r", 0.55, 0.00005),
            (
                "cùng xã, cùng thôn",
                "commune_l = commune_r AND village_l = village_r",
                0.33,
                0.000033,
            ),
            ("cùng xã", "commune_l = commune_r", 0.09, 0.0003),
            ("khác", "ELSE", 0.03, 0.99962),
        ],
    )
    id_number = _levels(
        "id_number",
        [
            ("thiếu", NULL.format(c="id_number")),
            ("giống", "id_number_l = id_number_r", 0.90, 0.000001),
            ("sai một số", "damerau_levenshtein(id_number_l, id_number_r) <= 1", 0.08, 0.00005),
            ("khác", "ELSE", 0.02, 0.99995),
        ],
    )
    sex = _levels(
        "sex",
        [
            ("thiếu", NULL.format(c="sex")),
            ("giống", "sex_l = sex_r", 0.97, 0.5),
            ("khác", "ELSE", 0.03, 0.5),
        ],
    )
    return [
        _name("family", 0.92, 0.10, 0.06, 0.03, 0.02, 0.87),
        _name("middle", 0.80, 0.30, 0.12, 0.08, 0.08, 0.62),
        _name("given", 0.895, 0.012, 0.095, 0.01, 0.005, 0.974, accents=(0.005, 0.004)),
        birth,
        contact,
        id_number,
        sex,
    ]


LABELS = {
    "family": "Họ",
    "middle": "Tên đệm",
    "given": "Tên",
    "birth": "Ngày sinh",
    "contact": "Nơi ở, điện thoại",
    "id_number": "CCCD/CMND",
    "sex": "Giới tính",
}


def _level_labels():
    """comparison → [(Bayes factor m/u, label)]; each level of a comparison has its own factor,
    so the bf_* columns of Splink's output tell which level a pair reached."""
    result = {}
    for comparison in comparisons():
        levels = []
        for level in comparison.create_comparison_levels()[1:]:
            m, u = level.m_probability, level.u_probability
            levels.append((m / u, getattr(level, "label_for_charts", None) or "khác"))
        result[comparison._output_column_name] = levels
    return result


def _label(levels, bf):
    if bf is None or abs(bf - 1.0) < 1e-12:
        return "thiếu"
    return min(levels, key=lambda level: abs(math.log(level[0]) - math.log(bf)))[1]


BLOCKING = [
    ("id_number",),
    ("given", "family", "birth_year", "province"),  # also when the commune differs (a split)
    ("given", "commune", "birth_year"),
    ("family", "commune", "birth_year"),
    ("given", "family", "commune"),
]


DETERMINISTIC = [
    ("id_number",),
    ("family", "given", "birth_date", "commune"),
    ("family", "given", "phone"),
]
DETERMINISTIC_RECALL = 0.6


def estimated_prior(con, n: int) -> float:
    """λ from the data (what Splink's estimate_probability_two_random_records_match does, in
    one query): distinct pairs found by near-certain rules, over their expected recall, over
    all pairs."""
    joins = [
        " AND ".join(f"l.{c} = r.{c}" for c in cols) for cols in DETERMINISTIC
    ]  # fmt: skip
    union = " UNION ".join(
        f"SELECT l.unique_id, r.unique_id FROM persons l JOIN persons r ON {on} "  # noqa: S608
        "AND l.unique_id < r.unique_id"
        for on in joins
    )
    found = con.execute(f"SELECT count(*) FROM ({union})").fetchall()[0][0]  # noqa: S608
    return min(0.5, max(1e-9, found / DETERMINISTIC_RECALL / (n * (n - 1) / 2)))


@dataclass
class Result:
    pairs: pl.DataFrame  # id_l, id_r, score, method, reasons (dict as JSON-able struct)
    exact_pairs: pl.DataFrame  # id_l, id_r: the exact-CCCD baseline
    seconds: dict = field(default_factory=dict)


def link(
    frame: pl.DataFrame,
    threshold: float = THRESHOLD,
    threads: int | None = None,
    prior: float | None = None,
    estimate_prior: bool = True,
) -> Result:
    """Score every plausible pair of `frame` (columns COLUMNS); keep those ≥ threshold."""
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    timings = {}
    started = time.perf_counter()
    frame = prepare(frame)
    n = max(frame.height, 2)
    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    with tempfile.TemporaryDirectory() as tmp:  # polars → parquet → DuckDB (no pyarrow)
        path = os.path.join(tmp, "persons.parquet")
        frame.write_parquet(path)
        con.execute("CREATE TABLE persons AS SELECT * FROM read_parquet(?)", [path])

    exact = _frame(
        con.execute(
            "SELECT l.unique_id AS id_l, r.unique_id AS id_r FROM persons l JOIN persons r "
            "ON l.id_number = r.id_number AND l.unique_id < r.unique_id"
        )
    )
    timings["load"] = time.perf_counter() - started

    # about one record in twenty has a duplicate: λ = P(two random records match); capped so
    # that a small area is held to the standard of proof of a large one
    if prior is None and estimate_prior and frame.height >= 1000:
        prior = estimated_prior(con, n)
    prior = prior or min(1e-4, 0.1 / n)
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        probability_two_random_records_match=prior,
        comparisons=comparisons(),
        blocking_rules_to_generate_predictions=[block_on(*cols) for cols in BLOCKING],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=True,  # the gamma_* columns give the reasons
        additional_columns_to_retain=[],
    )
    linker = Linker("persons", settings, DuckDBAPI(connection=con), set_up_basic_logging=False)
    t0 = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=min(threshold, 0.5))
    table = predictions.physical_name
    gammas = [f"bf_{c._output_column_name}" for c in comparisons()]
    scored = _frame(
        con.execute(
            f"SELECT unique_id_l AS id_l, unique_id_r AS id_r, match_probability AS score, "  # noqa: S608
            f"{', '.join(gammas)} FROM {table} WHERE match_probability >= ?",
            [threshold],
        )
    )
    timings["predict"] = time.perf_counter() - t0

    splink_pairs = scored.with_columns(pl.lit("splink").alias("method"))
    exact_only = exact.join(splink_pairs.select("id_l", "id_r"), on=["id_l", "id_r"], how="anti")
    exact_only = exact_only.with_columns(
        pl.lit(1.0).alias("score"),
        pl.lit("cccd").alias("method"),
        *[pl.lit(None, dtype=pl.Float64).alias(g) for g in gammas],
    )
    pairs = pl.concat(
        [
            splink_pairs.select(exact_only.columns).cast({g: pl.Float64 for g in gammas}),
            exact_only.select(exact_only.columns),
        ],
        how="vertical",
    )
    con.close()
    timings["total"] = time.perf_counter() - started
    return Result(pairs=pairs, exact_pairs=exact, seconds=timings)


def reasons_json(pairs: pl.DataFrame) -> pl.Series:
    """reasons() for every row at once, as JSON text (for set-based writes)."""
    labels = _level_labels()
    fields = []
    for name, label in LABELS.items():
        col = pl.col(f"bf_{name}")
        expr = pl.when(col.is_null() | ((col - 1.0).abs() < 1e-12)).then(pl.lit("thiếu"))
        for bf, text in labels[name]:
            expr = expr.when((col.log() - math.log(bf)).abs() < 1e-6).then(pl.lit(text))
        fields.append(expr.otherwise(pl.lit("?")).alias(label))
    struct = pl.struct(fields).struct.json_encode()
    exact = pl.lit('{"CCCD/CMND": "giống"}')
    return pairs.select(
        pl.when(pl.col("method") == "cccd").then(exact).otherwise(struct).alias("reasons")
    )["reasons"]


def _frame(cursor) -> pl.DataFrame:
    names = [d[0] for d in cursor.description]
    arrays = cursor.fetchnumpy()
    return pl.DataFrame({n: arrays[n] for n in names})


def reasons(row: dict, labels=None) -> dict:
    """{"Họ": "giống", "Tên": "gần giống", ...} for one scored pair (a row of Result.pairs)."""
    labels = labels or _level_labels()
    result = {}
    for name, label in LABELS.items():
        bf = row.get(f"bf_{name}")
        if bf is None or (isinstance(bf, float) and math.isnan(bf)):
            continue
        result[label] = _label(labels[name], bf)
    if row.get("method") == "cccd":
        result["CCCD/CMND"] = "giống"
    return result


def clusters(ids, pairs) -> dict[int, int]:
    """Connected components: person id → cluster id (the smallest id of the component)."""
    parent = {i: i for i in ids}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        if a not in parent or b not in parent:
            continue
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {i: find(i) for i in ids}
