"""Families of donors ("gia đình hiến máu") and the bands of a province: the actions behind
the family page and the page where a province keeps its own milestones (dated rows; an area
of the province — its mountain communes, say — may have bands of its own)."""

from datetime import date, timedelta

from django.db import transaction

from nhandao.audit.actions import record
from nhandao.blood import honours
from nhandao.blood.models import Donor, DonorFamily, HonourArea, HonourThreshold
from nhandao.lib.errors import Refused
from nhandao.orgs import access

# ---- families ------------------------------------------------------------------------------


def province_of(organisation):
    """The new-map province whose family bands apply to a family kept by `organisation`
    (None for a central body: it keeps no families)."""
    area = access.area_units(organisation)
    if not area:
        return None
    unit = area[0]
    return unit if unit.level == "province" else unit.province


def _check_member(actor, donor: Donor) -> None:
    if donor.merged_into_id:
        raise Refused("Hồ sơ này đã được gộp vào hồ sơ khác.", field="donor")
    if actor is not None and not access.can(actor, "edit", donor.organisation):
        raise Refused("Người hiến này nằm ngoài phạm vi bạn được sửa.", field="donor")


@transaction.atomic
def create_family(actor, donor: Donor, name: str = "") -> DonorFamily:
    """A new family around `donor`, kept by the donor's organisation (its province's family
    bands apply); the name defaults to "Gia đình <the donor's name>"."""
    donor = (
        Donor.objects.select_for_update()
        .select_related("individual", "organisation")
        .get(pk=donor.pk)
    )
    _check_member(actor, donor)
    if donor.family_id:
        raise Refused(f"{donor.individual.full_name} đã thuộc “{donor.family}”.", field="donor")
    province = province_of(donor.organisation)
    if province is None:
        raise Refused("Gia đình hiến máu do hội cấp tỉnh hoặc cấp xã quản lý.", field="donor")
    name = " ".join((name or "").split()) or f"Gia đình {donor.individual.full_name}"
    if len(name) > 200:
        raise Refused("Tên gia đình dài quá 200 ký tự.", field="name")
    family = DonorFamily.objects.create(
        name=name, organisation=donor.organisation, province=province
    )
    donor.family = family
    donor.save(update_fields=["family"])
    record(actor, "blood.family_create", family, after={"name": name, "member": donor.pk},
           organisation=family.organisation)  # fmt: skip
    return family


@transaction.atomic
def add_member(actor, family: DonorFamily, donor: Donor) -> Donor:
    donor = (
        Donor.objects.select_for_update()
        .select_related("individual", "organisation")
        .get(pk=donor.pk)
    )
    _check_member(actor, donor)
    if donor.family_id == family.pk:
        raise Refused(f"{donor.individual.full_name} đã ở trong gia đình này.", field="donor")
    if donor.family_id:
        raise Refused(f"{donor.individual.full_name} đã thuộc “{donor.family}”: hãy cho rời "
                      "gia đình đó trước.", field="donor")  # fmt: skip
    if donor.province_id and donor.province_id != family.province_id:
        raise Refused(f"{donor.individual.full_name} sống ở tỉnh/thành khác với gia đình.",
                      field="donor")  # fmt: skip
    donor.family = family
    donor.save(update_fields=["family"])
    record(actor, "blood.family_join", family, after={"member": donor.pk},
           organisation=family.organisation)  # fmt: skip
    return donor


@transaction.atomic
def remove_member(actor, family: DonorFamily, donor: Donor) -> Donor:
    """The donor leaves the family (their donations stop counting for it from now; honours
    it was given stay)."""
    donor = Donor.objects.select_for_update().get(pk=donor.pk)
    if donor.family_id != family.pk:
        raise Refused("Người này không ở trong gia đình.", field="donor")
    donor.family = None
    donor.save(update_fields=["family"])
    record(actor, "blood.family_leave", family, after={"member": donor.pk},
           organisation=family.organisation)  # fmt: skip
    return donor


def next_band(family: DonorFamily, total: int, on: date):
    """The first family band in force on `on` for the family's province above `total`
    donations (None: every band is passed)."""
    bands = honours.thresholds(family.province_id, on, for_family=True)
    return next((b for b in bands if b.donations > total), None)


# ---- a province's own bands ----------------------------------------------------------------


@transaction.atomic
def add_area(actor, province, name: str, communes) -> HonourArea:
    """A part of `province` with bands of its own: its name and communes (of that province,
    new map)."""
    name = " ".join((name or "").split())
    communes = list(communes)
    if not name:
        raise Refused("Hãy đặt tên vùng (VD: Các xã miền núi).", field="name")
    if HonourArea.objects.filter(province=province, name__iexact=name).exists():
        raise Refused(f"Tỉnh/thành đã có vùng “{name}”.", field="name")
    if not communes:
        raise Refused("Hãy chọn ít nhất một xã/phường của vùng.", field="communes")
    outside = [c.name for c in communes if c.province_id != province.pk]
    if outside:
        raise Refused(f"Không thuộc {province.name}: {', '.join(outside[:3])}.", field="communes")
    area = HonourArea.objects.create(province=province, name=name)
    area.communes.set(communes)
    record(actor, "blood.honour_area", area, after={"name": name, "communes": len(communes)})
    return area


@transaction.atomic
def add_band(actor, province, *, donations: int, award: str, awarded_by: str, valid_from: date,
             for_family: bool = False, area: HonourArea | None = None,
             skip_years: int = 0) -> HonourThreshold:  # fmt: skip
    """A band of the province from `valid_from` on. The province's rows replace the
    defaults (for persons, or for families) as a whole: its first row should come with the
    others it keeps. A band of the same count and scope still in force ends the day before."""
    award, awarded_by = (award or "").strip(), (awarded_by or "").strip()
    if not 1 <= donations <= 500:
        raise Refused("Số lần hiến của mốc phải từ 1 đến 500.", field="donations")
    if not award:
        raise Refused("Hãy ghi hình thức khen thưởng (VD: Giấy khen).", field="award")
    if not awarded_by:
        raise Refused("Hãy ghi cấp khen (VD: Ủy ban nhân dân tỉnh).", field="awarded_by")
    if not 0 <= skip_years <= 20:
        raise Refused("Số năm bỏ qua phải từ 0 đến 20.", field="skip_years")
    if area is not None and (area.province_id != province.pk or for_family):
        raise Refused("Mốc riêng của một vùng chỉ dành cho cá nhân trong tỉnh.", field="area")
    same = HonourThreshold.objects.select_for_update().filter(
        province=province, area=area, for_family=for_family, donations=donations
    )
    if same.filter(valid_from__gte=valid_from).exists():
        raise Refused(f"Đã có mốc {donations} lần áp dụng từ ngày này hoặc sau đó.",
                      field="valid_from")  # fmt: skip
    same.filter(valid_to__isnull=True).update(valid_to=valid_from - timedelta(days=1))
    band = HonourThreshold.objects.create(
        province=province, area=area, for_family=for_family, donations=donations, award=award,
        awarded_by=awarded_by, valid_from=valid_from, skip_if_honoured_within_years=skip_years,
    )  # fmt: skip
    record(actor, "blood.honour_band", band,
           after={"donations": donations, "award": award, "awarded_by": awarded_by,
                  "valid_from": valid_from.isoformat(), "for_family": for_family,
                  "area": area.pk if area else None})  # fmt: skip
    return band


@transaction.atomic
def end_band(actor, band: HonourThreshold, last_day: date) -> HonourThreshold:
    """The band applies no more after `last_day` (kept: the lists of earlier years used it)."""
    band = HonourThreshold.objects.select_for_update().get(pk=band.pk)
    if band.province_id is None:
        raise Refused("Mốc mặc định không sửa ở đây: hãy thêm mốc riêng của tỉnh.", field="band")
    if last_day < band.valid_from:
        raise Refused(f"Ngày kết thúc trước ngày áp dụng {band.valid_from:%d/%m/%Y}.",
                      field="valid_to")  # fmt: skip
    if band.valid_to is not None and band.valid_to <= last_day:
        raise Refused(f"Mốc đã hết áp dụng từ {band.valid_to:%d/%m/%Y}.", field="valid_to")
    band.valid_to = last_day
    band.save(update_fields=["valid_to"])
    record(actor, "blood.honour_band_end", band, after={"valid_to": last_day.isoformat()})
    return band
