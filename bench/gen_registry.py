"""Synthetic Vietnamese beneficiary registries of any size, with planted duplicates and the truth.

    .venv/bin/python bench/gen_registry.py --size 100000 --out var/bench/registry_100k.parquet

Names come from ../shared/data/names (surnames weighted by region, middle names by sex and
region, given names), places from the real 2025 map and the old → new conversion table.
People live in households (head, spouse, children, grandchildren: same surname, commune,
village, often one phone), which are NOT duplicates of each other. About `--dup-rate` of the
people are registered again (by another organisation) with 1–3 of these corruptions: no
diacritics, capitals, dropped middle name, a typo, birth year only, day and month swapped, a
CCCD typo, the old (pre-2025) commune code, phone or CCCD missing. Column `entity_id` is the
truth (one id per real person).
"""

import argparse
import csv
import random
import time
import unicodedata
from collections import defaultdict
from pathlib import Path

import polars as pl

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
if not DATA.exists():
    DATA = Path("/work/shared/data")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", "".join(c for c in text if unicodedata.category(c) != "Mn"))


def region_of(province_code: int) -> str:
    return "north" if province_code <= 37 else "central" if province_code <= 68 else "south"


class Sources:
    def __init__(self, data: Path = DATA):
        self.surnames = defaultdict(lambda: ([], []))
        with (data / "names" / "surname_weights_by_region.csv").open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                names, weights = self.surnames[row["region"]]
                names.append(row["surname"])
                weights.append(float(row["weight_pct"]))
        self.middles = defaultdict(list)
        with (data / "names" / "middle_names.csv").open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                self.middles[(row["sex"], row["region"])].append(row["middle_name"])
        self.given = {
            sex: [
                line.strip()
                for line in (data / "names" / f"given_names_{sex}.txt")
                .read_text(encoding="utf-8")
                .splitlines()
                if line.strip()
            ]
            for sex in ("male", "female")
        }
        admin = data / "admin_units"
        wards = pl.read_csv(admin / "vn_2025_wards_3321.csv", infer_schema_length=0)
        self.communes = [
            (r[0], int(r[1])) for r in wards.select("ward_code", "province_code").iter_rows()
        ]
        conversion = pl.read_csv(
            admin / "vn_2025_ward_conversion_old_to_new.csv", infer_schema_length=0
        )
        self.old_codes = defaultdict(list)  # new commune → old codes that became (part of) it
        for old, new in conversion.select("old_ward_code", "new_ward_code").iter_rows():
            self.old_codes[new].append(old)
        old_of_new_province = pl.read_csv(
            admin / "vn_2025_province_conversion_old_to_new.csv", infer_schema_length=0
        )
        self.old_provinces = defaultdict(list)
        cols = old_of_new_province.columns
        old_col = next(c for c in cols if c.startswith("old") and c.endswith("code"))
        new_col = next(c for c in cols if c.startswith("new") and c.endswith("code"))
        for old, new in old_of_new_province.select(old_col, new_col).iter_rows():
            self.old_provinces[int(new)].append(int(old))


def person_name(rng, src, sex, region, surname=None):
    names, weights = src.surnames[region]
    surname = surname or rng.choices(names, weights)[0]
    given = rng.choice(src.given[sex])  # one or two words ("Phương Chi")
    if len(given.split()) == 1 or rng.random() < 0.6:
        middle = rng.choice(src.middles[(sex, region)] or ["Văn" if sex == "male" else "Thị"])
        return f"{surname} {middle} {given}", surname
    return f"{surname} {given}", surname


def cccd(rng, province, sex, year):
    century = (year // 100) - 19
    digit = century * 2 + (1 if sex == "female" else 0)
    return f"{province:03d}{digit}{year % 100:02d}{rng.randint(0, 999999):06d}"


def typo(rng, word: str) -> str:
    if len(word) < 3:
        return word
    i = rng.randrange(1, len(word))
    kind = rng.random()
    if kind < 0.4:
        return word[:i] + word[i + 1 :]
    if kind < 0.7 and i < len(word) - 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + rng.choice("aeiounhtgc") + word[i + 1 :]


CORRUPTIONS = [
    "no_diacritics",
    "capitals",
    "drop_middle",
    "typo",
    "year_only",
    "swap_dm",
    "cccd_typo",
    "old_commune",
    "no_phone",
    "no_cccd",
]
WEIGHTS = [3, 2, 2, 2, 3, 1, 1, 2, 2, 2]


def corrupt(rng, src, rec: dict) -> dict:
    dup = dict(rec)
    for kind in set(rng.choices(CORRUPTIONS, WEIGHTS, k=rng.randint(1, 3))):
        words = dup["full_name"].split()
        if kind == "no_diacritics":
            dup["full_name"] = _fold(dup["full_name"])
        elif kind == "capitals":
            dup["full_name"] = dup["full_name"].upper()
        elif kind == "drop_middle" and len(words) > 2:
            dup["full_name"] = f"{words[0]} {words[-1]}"
        elif kind == "typo":
            j = rng.choice([0, len(words) - 1])
            words[j] = typo(rng, words[j])
            dup["full_name"] = " ".join(words)
        elif kind == "year_only" and len(dup["birth"]) == 10:
            dup["birth"] = dup["birth"][-4:]
        elif kind == "swap_dm" and len(dup["birth"]) == 10:
            d, m, y = dup["birth"].split("/")
            if int(d) <= 12 and d != m:
                dup["birth"] = f"{m}/{d}/{y}"
        elif kind == "cccd_typo" and dup["cccd"]:
            i = rng.randrange(6, 12)
            dup["cccd"] = (
                dup["cccd"][:i] + str((int(dup["cccd"][i]) + 1) % 10) + dup["cccd"][i + 1 :]
            )
        elif kind == "old_commune" and src.old_codes.get(dup["commune_code"]):
            dup["commune_code"] = rng.choice(src.old_codes[dup["commune_code"]])
            dup["commune_map"] = "2025-01"
        elif kind == "no_phone":
            dup["phone"] = ""
        elif kind == "no_cccd":
            dup["cccd"] = ""
    return dup


def generate(size: int, dup_rate: float = 0.1, seed: int = 2025, src: Sources | None = None):
    """About `size` records: households of people, then planted duplicates; list of dicts."""
    rng = random.Random(seed)
    src = src or Sources()
    records: list[dict] = []
    entity = household_id = 0
    originals_target = int(size / (1 + dup_rate * 1.2))
    year_now = 2026

    def add(name, sex, year, commune, province, village, phone, household, relationship):
        nonlocal entity
        entity += 1
        full_date = rng.random() < 0.7
        birth = (
            f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{year}" if full_date else str(year)
        )
        adult = year_now - year >= 14
        old_province = rng.choice(src.old_provinces.get(province) or [province])
        records.append(
            {
                "record_id": len(records) + 1,
                "entity_id": entity,
                "household_id": household,
                "relationship": relationship,
                "full_name": name,
                "sex": sex,
                "birth": birth,
                "cccd": cccd(rng, old_province, sex, year) if adult and rng.random() < 0.7 else "",
                "phone": phone if rng.random() < 0.8 else "",
                "commune_code": commune,
                "commune_map": "2025-07",
                "village": village,
            }
        )

    while len(records) < originals_target:
        household_id += 1
        commune, province = rng.choice(src.communes)
        region = region_of(province)
        village = rng.choice(["Thôn", "Tổ", "Xóm", "Ấp"]) + f" {rng.randint(1, 25)}"
        phone = f"09{rng.randint(0, 99999999):08d}" if rng.random() < 0.75 else ""
        head_sex = "male" if rng.random() < 0.7 else "female"
        head_year = rng.randint(1935, 1995)
        name, surname = person_name(rng, src, head_sex, region)
        add(name, head_sex, head_year, commune, province, village, phone, household_id, "head")
        size_here = rng.choices([1, 2, 3, 4, 5, 6], [15, 20, 20, 25, 12, 8])[0]
        if size_here >= 2:
            spouse_sex = "female" if head_sex == "male" else "male"
            spouse_name, _ = person_name(rng, src, spouse_sex, region)
            add(
                spouse_name,
                spouse_sex,
                head_year + rng.randint(-5, 5),
                commune,
                province,
                village,
                phone,
                household_id,
                "spouse",
            )
        family = surname if head_sex == "male" else None
        for i in range(max(0, size_here - 2)):
            sex = rng.choice(["male", "female"])
            child, _ = person_name(rng, src, sex, region, surname=family)
            base = head_year + rng.randint(20, 35) + (25 if i >= 3 else 0)
            add(
                child,
                sex,
                min(base + i, year_now - 1),
                commune,
                province,
                village,
                phone,
                household_id,
                "child" if i < 3 else "grandchild",
            )
    originals = len(records)
    for rec in rng.sample(records[:originals], int(originals * dup_rate)):
        for _ in range(1 if rng.random() < 0.8 else 2):
            dup = corrupt(rng, src, rec)
            dup["record_id"] = len(records) + 1
            dup["household_id"] = None  # another organisation, no household known
            records.append(dup)
    order = list(range(len(records)))
    rng.shuffle(order)
    return [records[i] | {"record_id": n + 1} for n, i in enumerate(order)]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--dup-rate", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--out", default=None, help=".parquet or .csv")
    args = parser.parse_args()
    started = time.perf_counter()
    rows = generate(args.size, args.dup_rate, args.seed)
    frame = pl.DataFrame(rows, infer_schema_length=None)
    out = Path(args.out or f"var/bench/registry_{args.size}.parquet")
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix == ".csv":
        frame.write_csv(out)
    else:
        frame.write_parquet(out)
    people = frame["entity_id"].n_unique()
    print(
        f"{frame.height} records of {people} people ({frame.height - people} planted "
        f"duplicates) → {out} in {time.perf_counter() - started:.1f} s"
    )


if __name__ == "__main__":
    main()
