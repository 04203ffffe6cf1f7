"""Loading the administrative map shipped in orgs/data/admin_units/ (see SOURCE.md there).

Idempotent: units are upserted on (map, level, code) and conversion rows are inserted only
when missing, so running it again changes nothing.
"""

import csv
import gzip
from datetime import date, timedelta
from pathlib import Path

from django.db import transaction
from django.db.models import F

from nhandao.lib.text import nfc, search_key
from nhandao.orgs.models import MERGER_DAY, AdminLevel, AdminMap, AdminUnit, UnitConversion

DATA_DIR = Path(__file__).resolve().parent / "data" / "admin_units"
OLD_MAP_END: date = MERGER_DAY - timedelta(days=1)


def _rows(name: str):
    with gzip.open(DATA_DIR / f"{name}.csv.gz", "rt", encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh)


def _ids(admin_map, level) -> dict[str, int]:
    return dict(AdminUnit.objects.filter(map=admin_map, level=level).values_list("code", "pk"))


def _load_level(admin_map, level, file, code_col, parent=None) -> int:
    """Upsert the units of one level; parents are loaded first, so their ids are known."""
    is_old = admin_map == AdminMap.OLD
    provinces = _ids(admin_map, AdminLevel.PROVINCE)
    parent_level, parent_col = parent or (None, None)
    parents = _ids(admin_map, parent_level) if parent_level else {}
    units = []
    for row in _rows(file):
        units.append(
            AdminUnit(
                map=admin_map,
                level=level,
                code=str(int(row[code_col])),
                name=nfc(row["name"]),
                name_key=search_key(row["name"]),
                division_type=row["division_type"],
                parent_id=parents[str(int(row[parent_col]))] if parent_col else None,
                province_id=provinces.get(str(int(row["province_code"]))),
                valid_from=None if is_old else MERGER_DAY,
                valid_to=OLD_MAP_END if is_old else None,
            )
        )
    AdminUnit.objects.bulk_create(
        units,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["map", "level", "code"],
        update_fields=[
            "name",
            "name_key",
            "division_type",
            "parent",
            "province",
            "valid_from",
            "valid_to",
        ],
    )
    if level == AdminLevel.PROVINCE:  # a province is its own province (simple filters)
        AdminUnit.objects.filter(map=admin_map, level=level).update(province=F("pk"))
    return len(units)


def _load_conversion(file, level, old_col, new_col, split_col=None) -> tuple[int, int]:
    """Insert the missing conversion links; returns (links, rows naming an unknown old unit).

    11 rows of the official table name old communes that are not on the January 2025 list
    (they had changed before it, and their old name is empty): they are counted and skipped.
    """
    old, new = _ids(AdminMap.OLD, level), _ids(AdminMap.NEW, level)
    links, unknown = {}, 0
    for row in _rows(file):
        old_id = old.get(str(int(row[old_col])))
        if old_id is None:
            unknown += 1
            continue
        links[(old_id, new[str(int(row[new_col]))])] = bool(split_col and row[split_col] == "True")
    UnitConversion.objects.bulk_create(
        [UnitConversion(old_unit_id=o, new_unit_id=n, split=s) for (o, n), s in links.items()],
        batch_size=2000,
        ignore_conflicts=True,
    )
    return len(links), unknown


@transaction.atomic
def load_admin_units() -> dict[str, int]:
    """Load both maps and the conversion tables; returns the number of rows of each file."""
    P, D, C = AdminLevel.PROVINCE, AdminLevel.DISTRICT, AdminLevel.COMMUNE
    counts = {
        "new_provinces": _load_level(AdminMap.NEW, P, "vn_2025_provinces_34", "province_code"),
        "new_communes": _load_level(
            AdminMap.NEW, C, "vn_2025_wards_3321", "ward_code", (P, "province_code")
        ),
        "old_provinces": _load_level(
            AdminMap.OLD, P, "vn_legacy_pre2025_provinces_63", "province_code"
        ),
        "old_districts": _load_level(
            AdminMap.OLD,
            D,
            "vn_legacy_pre2025_districts_696",
            "district_code",
            (P, "province_code"),
        ),
        "old_communes": _load_level(
            AdminMap.OLD,
            C,
            "vn_legacy_pre2025_wards_10051",
            "ward_code",
            (D, "district_code"),
        ),
    }
    counts["province_conversions"], _ = _load_conversion(
        "vn_2025_province_conversion_old_to_new", P, "old_province_code", "new_province_code"
    )
    counts["commune_conversions"], counts["conversion_rows_skipped"] = _load_conversion(
        "vn_2025_ward_conversion_old_to_new",
        C,
        "old_ward_code",
        "new_ward_code",
        "old_ward_split",
    )
    return counts


def map_is_loaded() -> bool:
    return AdminUnit.objects.filter(map=AdminMap.NEW, level=AdminLevel.PROVINCE).exists()
