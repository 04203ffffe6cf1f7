"""Communes given on either map, stored on the new map (official conversion table)."""

from dataclasses import dataclass

from nhandao.orgs.models import AdminLevel, AdminMap, AdminUnit, UnitConversion


@dataclass
class Place:
    commune: AdminUnit  # on the new map
    old_commune: AdminUnit | None = None
    warning: str = ""


def resolve_commune(code, admin_map: str = "") -> Place:
    """The new-map commune for `code` (new map first, unless `admin_map` says otherwise).

    A code known only on the old map is accepted and converted, with a warning; ValueError
    with a Vietnamese reason when the code is unknown.
    """
    code = str(code or "").strip()
    if code.endswith(".0"):
        code = code[:-2]
    code = code.lstrip("0")
    if not code:
        raise ValueError("Thiếu mã xã/phường.")
    communes = AdminUnit.objects.filter(level=AdminLevel.COMMUNE, code=code).select_related(
        "province"
    )
    if admin_map != AdminMap.OLD:
        new = communes.filter(map=AdminMap.NEW).first()
        if new is not None:
            return Place(new)
        if admin_map == AdminMap.NEW:
            raise ValueError(f"Không có xã/phường mã “{code}” trên bản đồ từ 01/07/2025.")
    old = communes.filter(map=AdminMap.OLD).first()
    if old is None:
        raise ValueError(f"Mã xã/phường “{code}” không có trên bản đồ cũ lẫn bản đồ mới.")
    links = list(
        UnitConversion.objects.filter(old_unit=old)
        .select_related("new_unit__province")
        .order_by("new_unit__code")
    )
    if not links:
        raise ValueError(f"Xã/phường cũ “{old.name}” (mã {code}) không có trong bảng chuyển đổi.")
    new = links[0].new_unit
    warning = (
        f"Mã “{code}” là mã cũ ({old.name}, trước 01/07/2025); đã chuyển sang {new.name}, "
        f"{new.province.name}."
    )
    if len(links) > 1:
        others = ", ".join(link.new_unit.name for link in links[1:])
        warning += f" Xã cũ đã tách: cũng có thể là {others} — hãy kiểm tra."
    return Place(new, old, warning)


def converter() -> dict[str, int]:
    """Old commune code → new commune id (first successor): for fast bulk work."""
    rows = (
        UnitConversion.objects.filter(old_unit__level=AdminLevel.COMMUNE)
        .order_by("old_unit__code", "new_unit__code")
        .values_list("old_unit__code", "new_unit_id")
    )
    result: dict[str, int] = {}
    for code, new_id in rows:
        result.setdefault(code, new_id)
    return result
