"""Demo network: the central committees, 34 provincial Red Cross chapters and Front
committees on the new map, and for Hà Nội and Tuyên Quang every commune chapter with its
pre-2025 history (district chapters dissolved and old commune chapters merged on
1 July 2025, Hà Giang's provincial chapter merged into Tuyên Quang's).

Everything goes through orgs/actions.py, so the demo has the same audit trail as real use.
"""

from collections import defaultdict
from datetime import date

from django.contrib.auth import get_user_model
from django.utils import timezone

from nhandao.orgs import actions
from nhandao.orgs.models import (
    MERGER_DAY,
    AdminLevel,
    AdminMap,
    AdminUnit,
    Organisation,
    OrgKind,
    OrgLevel,
    PartnerType,
    RoleKind,
    UnitConversion,
)

DEMO_PASSWORD = "nhandao@2026"
HISTORY_PROVINCES = ["1", "8"]  # Thành phố Hà Nội, Tỉnh Tuyên Quang (new codes)
LONG_AGO = date(2000, 1, 1)

RC, FRONT = OrgKind.RED_CROSS, OrgKind.FRONT


def _short(unit_name: str) -> str:
    for prefix in ("Thành phố ", "Tỉnh "):
        if unit_name.startswith(prefix):
            return unit_name[len(prefix) :]
    return unit_name


def _org(actor, parent, code, name, kind, level, unit=None, valid_from=LONG_AGO, **extra):
    return actions.create_organisation(
        actor,
        parent=parent,
        code=code,
        name=name,
        kind=kind,
        level=level,
        admin_unit=unit,
        valid_from=valid_from,
        partner_type=extra.get("partner_type", ""),
    )


def _units(admin_map, level, **filters):
    return AdminUnit.objects.filter(map=admin_map, level=level, **filters).order_by("code")


def seed(actor) -> dict:
    """Build the network; returns the organisations the other demos and logins refer to."""
    new_provinces = list(_units(AdminMap.NEW, AdminLevel.PROVINCE))
    rc_central = _org(
        actor, None, "CTD-TW", "Trung ương Hội Chữ thập đỏ Việt Nam", RC, OrgLevel.CENTRAL
    )
    front_central = _org(
        actor,
        None,
        "MTTQ-TW",
        "Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam",
        FRONT,
        OrgLevel.CENTRAL,
    )
    relief_central = _org(
        actor,
        front_central,
        "BCT-TW",
        "Ban Cứu trợ Trung ương",
        OrgKind.RELIEF_BOARD,
        OrgLevel.CENTRAL,
    )
    rc_province, front_province = {}, {}
    for unit in new_provinces:
        name = _short(unit.name)
        rc_province[unit.code] = _org(
            actor,
            rc_central,
            f"CTD-{unit.code}",
            f"Hội Chữ thập đỏ {name}",
            RC,
            OrgLevel.PROVINCE,
            unit,
        )
        front_province[unit.code] = _org(
            actor,
            front_central,
            f"MTTQ-{unit.code}",
            f"Ủy ban MTTQ Việt Nam {unit.name}",
            FRONT,
            OrgLevel.PROVINCE,
            unit,
        )

    hanoi_front = front_province["1"]
    _org(
        actor,
        hanoi_front,
        "BVDCT-1",
        "Ban Vận động cứu trợ Thành phố Hà Nội",
        OrgKind.RELIEF_BOARD,
        OrgLevel.PROVINCE,
        hanoi_front.admin_unit,
    )
    _org(
        actor,
        hanoi_front,
        "HLHPN-1",
        "Hội Liên hiệp Phụ nữ Thành phố Hà Nội",
        OrgKind.MASS_ORG,
        OrgLevel.PROVINCE,
        hanoi_front.admin_unit,
    )
    _org(
        actor,
        rc_province["1"],
        "DT-1-VIETTEL",
        "Tổng Công ty Viễn thông Viettel (đối tác)",
        OrgKind.PARTNER,
        OrgLevel.BRANCH,
        partner_type=PartnerType.BUSINESS,
    )
    _org(
        actor,
        rc_province["1"],
        "DT-1-THPT-CVA",
        "Trường THPT Chu Văn An (đối tác)",
        OrgKind.PARTNER,
        OrgLevel.BRANCH,
        partner_type=PartnerType.SCHOOL,
    )

    communes = {}
    for code in HISTORY_PROVINCES:
        communes.update(_seed_history(actor, rc_province[code]))

    _seed_clusters(actor, rc_central, rc_province)
    return {
        "rc_central": rc_central,
        "front_central": front_central,
        "relief_central": relief_central,
        "rc_province": rc_province,
        "front_province": front_province,
        "communes": communes,
    }


def _seed_history(actor, new_chapter: Organisation) -> dict[str, Organisation]:
    """Pre-2025 province, district and commune chapters, then the 1 July 2025 reform."""
    new_unit = new_chapter.admin_unit
    old_provinces = AdminUnit.objects.filter(
        map=AdminMap.OLD, level=AdminLevel.PROVINCE, successor_links__new_unit=new_unit
    ).order_by("code")
    old_province_chapter = {}
    for old in old_provinces:
        if old.name == new_unit.name:  # the same province went on: its chapter is the new one
            old_province_chapter[old.pk] = new_chapter
        else:
            old_province_chapter[old.pk] = _org(
                actor,
                new_chapter.parent,
                f"CTD-{old.code}-2024",
                f"Hội Chữ thập đỏ {_short(old.name)}",
                RC,
                OrgLevel.PROVINCE,
                old,
            )
    district_chapter, commune_chapter = {}, {}
    for district in _units(AdminMap.OLD, AdminLevel.DISTRICT, province__in=old_provinces):
        district_chapter[district.pk] = _org(
            actor,
            old_province_chapter[district.province_id],
            f"CTD-H{district.code}",
            f"Hội Chữ thập đỏ {district.name}",
            RC,
            OrgLevel.DISTRICT,
            district,
        )
    old_communes = _units(AdminMap.OLD, AdminLevel.COMMUNE, province__in=old_provinces)
    for commune in old_communes:
        commune_chapter[commune.pk] = _org(
            actor,
            district_chapter[commune.parent_id],
            f"CTD-X{commune.code}-2024",
            f"Hội Chữ thập đỏ {commune.name}",
            RC,
            OrgLevel.COMMUNE,
            commune,
        )

    new_chapters = {}
    for unit in _units(AdminMap.NEW, AdminLevel.COMMUNE, province=new_unit):
        new_chapters[unit.pk] = _org(
            actor,
            new_chapter,
            f"CTD-X{unit.code}",
            f"Hội Chữ thập đỏ {unit.name}",
            RC,
            OrgLevel.COMMUNE,
            unit,
            valid_from=MERGER_DAY,
        )

    # An old commune split over several new ones merges into the first of them.
    merged_into = defaultdict(list)
    links = UnitConversion.objects.filter(old_unit__in=old_communes).order_by("new_unit__code")
    for link in links:
        chapter = commune_chapter.pop(link.old_unit_id, None)
        if chapter is not None:
            merged_into[link.new_unit_id].append(chapter)
    for new_unit_id, sources in merged_into.items():
        actions.merge_organisations(actor, sources, new_chapters[new_unit_id], MERGER_DAY)
    for chapter in district_chapter.values():
        actions.dissolve_organisation(actor, chapter, new_chapter, MERGER_DAY)
    for old_chapter in old_province_chapter.values():
        if old_chapter.pk != new_chapter.pk:
            actions.merge_organisations(actor, [old_chapter], new_chapter, MERGER_DAY)
    return {chapter.admin_unit.code: chapter for chapter in new_chapters.values()}


def _seed_clusters(actor, owner, rc_province):
    year = timezone.localdate().year
    north = ["8", "4", "11", "12", "14", "15", "19", "20", "25"]
    cities = ["1", "31", "48", "79", "92", "46"]
    for number, name, codes in [
        (1, "Cụm thi đua số 1 – các tỉnh trung du và miền núi phía Bắc", north),
        (2, "Cụm thi đua số 2 – các thành phố trực thuộc Trung ương", cities),
    ]:
        members = [rc_province[c] for c in codes if c in rc_province]
        actions.create_cluster(
            actor, owner=owner, year=year, number=number, name=name, members=members
        )


def demo_users(actor, network) -> list[tuple[str, str, str]]:
    """One login per role and level; returns (username, role, organisation) rows."""
    User = get_user_model()
    hanoi = network["rc_province"]["1"]
    commune = network["communes"].get("4") or next(iter(network["communes"].values()))
    sibling = next(c for code, c in sorted(network["communes"].items()) if c.pk != commune.pk)
    rows = [
        ("tw.quantri", "Quản trị Trung ương Hội", RoleKind.ORG_ADMIN, network["rc_central"]),
        ("tw.lanhdao", "Lãnh đạo Trung ương Hội", RoleKind.MANAGER, network["rc_central"]),
        ("mttq.ketoan", "Kế toán Ban Cứu trợ TW", RoleKind.ACCOUNTANT, network["relief_central"]),
        ("mttq.lanhdao", "Lãnh đạo Ủy ban TƯ MTTQ", RoleKind.MANAGER, network["front_central"]),
        ("hn.quantri", "Quản trị Hội CTĐ Hà Nội", RoleKind.ORG_ADMIN, hanoi),
        ("hn.lanhdao", "Lãnh đạo Hội CTĐ Hà Nội", RoleKind.MANAGER, hanoi),
        ("hn.ketoan", "Kế toán Hội CTĐ Hà Nội", RoleKind.ACCOUNTANT, hanoi),
        ("hn.canbo", "Cán bộ Hội CTĐ Hà Nội", RoleKind.OFFICER, hanoi),
        ("hn.xem", "Người xem Hội CTĐ Hà Nội", RoleKind.VIEWER, hanoi),
        (
            "hn.mttq.ketoan",
            "Kế toán MTTQ Hà Nội",
            RoleKind.ACCOUNTANT,
            network["front_province"]["1"],
        ),
        ("xa.canbo", "Cán bộ Hội CTĐ cấp xã", RoleKind.OFFICER, commune),
        ("xa.ketoan", "Kế toán Hội CTĐ cấp xã", RoleKind.ACCOUNTANT, commune),
        ("xa2.canbo", "Cán bộ Hội CTĐ xã bên cạnh", RoleKind.OFFICER, sibling),
        (
            "tq.quantri",
            "Quản trị Hội CTĐ Tuyên Quang",
            RoleKind.ORG_ADMIN,
            network["rc_province"]["8"],
        ),
    ]
    result = []
    for username, full_name, role, org in rows:
        user = User.objects.create_user(
            username=username, password=DEMO_PASSWORD, full_name=full_name
        )
        actions.grant_role(actor, user, org, role)
        result.append((username, RoleKind(role).label, org.name))
    return result
