"""Ð (U+00D0) and Ɖ, look-alikes of Đ, fold to d; the data migrations recompute the keys
stored before, so that data written by the old code ends as the new code writes it."""

import importlib

import pytest
from django.apps import apps

from nhandao.beneficiaries import importers as registry
from nhandao.beneficiaries.models import Person
from nhandao.donations import actions
from nhandao.donations.importers.checking import stored_natural_keys
from nhandao.donations.models import Donor, StatementLine
from nhandao.lib.refold import search_key_before
from nhandao.orgs.models import Organisation
from tests.saoke import FIXTURES, create_vcb, create_yagi


def migrate(app, name):
    importlib.import_module(f"nhandao.{app}.migrations.{name}").refold_keys(apps, None)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_an_organisation_key_stored_with_the_old_fold_is_recomputed(cast):
    org, name = cast.ba_dinh, "Hội Chữ thập đỏ Phường Ðống Ða"
    Organisation.objects.filter(pk=org.pk).update(name=name, name_key=search_key_before(name))
    assert not Organisation.objects.search("dong da").exists()
    migrate("orgs", "0002_refold_d_letters")
    assert list(Organisation.objects.search("Đống Đa")) == [org]


# Two lines alike but for Ð/Đ: two keys under the old fold, one key numbered 0 and 1 now.
EXTRA = (
    "1,Vietcombank,0011001932418,MTTQ VN - Ban Cuu tro TW,2024-09-01..2024-09-10,2024-09-05,"
    "70000,ÐINH VAN AN ung ho\n"
    "2,Vietcombank,0011001932418,MTTQ VN - Ban Cuu tro TW,2024-09-01..2024-09-10,2024-09-05,"
    "70000,ĐINH VAN AN ung ho\n"
)


def test_statement_lines_and_donors_keyed_by_the_old_fold_end_as_a_new_import_keys_them(cast):
    vcb = create_vcb(cast, create_yagi(cast))
    data = (FIXTURES / "yagi_sample10k_vcb_slice.csv").read_bytes() + EXTRA.encode()
    first = actions.import_statement(cast.root, vcb, filename="a.csv", data=data)
    assert first.status == "done", first.errors[:3]
    now = dict(StatementLine.objects.values_list("pk", "line_key"))
    assert StatementLine.objects.filter(description_key="dinh van an ung ho").count() == 2
    # What the old fold stored: messages keyed with "ð", natural keys hashing them.
    lines = list(StatementLine.objects.order_by("pk"))
    for line in lines:
        line.description_key = search_key_before(line.description)
    for line, key in zip(lines, stored_natural_keys(lines, vcb.number), strict=True):
        line.line_key = key
    StatementLine.objects.bulk_update(lines, ["description_key", "line_key"])
    assert dict(StatementLine.objects.values_list("pk", "line_key")) != now
    # Donors: one keyed with "ð", and a pair that the new fold makes one identity.
    ð = Donor.objects.create(organisation=cast.hanoi, name="Ðinh Văn Bình", account_no="123")
    pair = [
        Donor.objects.create(organisation=cast.hanoi, name=name, account_no="9")
        for name in ("Đinh Thị Hà", "Ðinh Thị Hà")
    ]
    for donor in (ð, *pair):
        donor.name_key = search_key_before(donor.name)
        donor.identity_key = f"{donor.name_key}|a:{donor.account_no}"
        donor.save()

    migrate("donations", "0004_refold_d_letters")

    assert dict(StatementLine.objects.values_list("pk", "line_key")) == now
    assert not StatementLine.objects.filter(description_key__contains="ð").exists()
    again = actions.import_statement(cast.root, vcb, filename="b.csv", data=data + b"\n")
    assert (again.rows_accepted, again.rows_duplicate) == (0, first.rows_read)
    ð.refresh_from_db()
    assert (ð.name_key, ð.identity_key) == ("dinh van binh", "dinh van binh|a:123")
    pair[1].refresh_from_db()
    assert pair[1].name_key == "dinh thi ha"
    assert pair[1].identity_key == "ðinh thi ha|a:9"  # taken by pair[0]: kept, not merged


GOOD = (
    "Họ và tên,Giới tính,Ngày sinh,Thôn/xóm/tổ dân phố,Mã xã/phường\n"
    "Ðinh Văn Ðạt,Nam,1950,Tổ Ðông,4\n"
    "Ðỗ Thị Hoa,Nữ,1961,Tổ 2,4\n"
)


def test_people_keyed_by_the_old_fold_are_found_and_not_imported_twice(cast):
    batch = registry.start(cast.ba_dinh_officer, cast.ba_dinh, "a.csv", GOOD.encode())
    registry.commit(cast.ba_dinh_officer, registry.preview(batch))
    dat, hoa = Person.objects.order_by("pk")
    keys = {p.pk: (p.name_key, p.village_key, p.import_key) for p in (dat, hoa)}
    assert keys[dat.pk][:2] == ("dinh van dat", "to dong")
    for person in (dat, hoa):
        words = search_key_before(person.full_name).split()  # family name first here
        person.family_name, person.middle_name, person.given_name = (
            words[0],
            " ".join(words[1:-1]),
            words[-1],
        )
        person.name_key = " ".join(words)
        person.village_key = search_key_before(person.village)
        row = {"full_name": person.full_name, "birth_year": person.birth_year,
               "commune_id": person.commune_id, "id_number": person.id_number}  # fmt: skip
        person.import_key = registry.natural_key(cast.ba_dinh.pk, row, search_key_before)
    hoa.birth_year = 1962  # edited after the import: its import key is the file's, kept
    Person.objects.bulk_update(
        [dat, hoa],
        ["family_name", "middle_name", "given_name", "name_key", "village_key", "import_key",
         "birth_year"],
    )  # fmt: skip
    hoa_key = Person.objects.get(pk=hoa.pk).import_key
    assert not Person.objects.filter(name_key__contains="dinh").exists()

    migrate("beneficiaries", "0004_refold_d_letters")

    dat.refresh_from_db()
    hoa.refresh_from_db()
    assert (dat.name_key, dat.village_key, dat.import_key) == keys[dat.pk]
    assert (dat.family_name, dat.given_name) == ("dinh", "dat")
    assert hoa.name_key == "do thi hoa" and hoa.import_key == hoa_key
    resaved = GOOD.replace("\n", "\r\n").encode()  # another checksum: read row by row
    again = registry.start(cast.ba_dinh_officer, cast.ba_dinh, "b.csv", resaved)
    # Ðinh Văn Ðạt is known again; Hoa, edited since, cannot be: she is a new row (which the
    # duplicate check then flags against the registry)
    assert registry.preview(again).rows_accepted == 1
