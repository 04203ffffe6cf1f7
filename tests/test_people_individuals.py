"""The one person record shared by members, volunteers and blood donors (people.Individual):
numbered once, found without accents, consent dated, likely duplicates found, reach scoped."""

from datetime import date

import pytest
from django.http import Http404

from nhandao.lib.errors import Refused
from nhandao.people import actions, lookups
from nhandao.people.models import Individual

pytestmark = pytest.mark.django_db


def make(cast, **fields):
    data = {"full_name": "NGUYỄN THỊ HOA", "birth_date": date(1990, 5, 1)} | fields
    return actions.create_individual(cast.ba_dinh_officer, organisation=cast.ba_dinh, **data)


def test_a_new_record_gets_a_stable_printable_code_and_a_clean_name(cast):
    first, second = make(cast), make(cast, full_name="Trần Văn An")
    assert first.code == f"CN{first.pk:07d}" and second.code == f"CN{second.pk:07d}"
    assert first.full_name == "Nguyễn Thị Hoa"
    assert (first.family_name, first.given_name) == ("nguyen", "hoa")


def test_search_ignores_accents_and_case(cast):
    hoa = make(cast)
    assert list(Individual.objects.search("nguyen hoa")) == [hoa]
    assert list(Individual.objects.search("HÒA")) == [hoa]  # typed with other accents
    assert list(Individual.objects.search("nguyen lan")) == []
    assert list(Individual.objects.search("Thị")) == [hoa]


def test_consent_changes_keep_their_moment(cast):
    hoa = make(cast, consent_contact=True)
    given = hoa.consent_contact_at
    assert given is not None and hoa.consent_publish_at is not None  # "no" is dated too
    hoa = actions.update_individual(cast.ba_dinh_officer, hoa, consent_contact=False)
    assert hoa.consent_contact is False and hoa.consent_contact_at > given


def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(cast):
    for fields, field in [
        ({"full_name": "  "}, "full_name"),
        ({"phone": "12345"}, "phone"),
        ({"id_number": "0010"}, "id_number"),
    ]:
        with pytest.raises(Refused) as refused:
            make(cast, **fields)
        assert refused.value.field == field
    assert not Individual.objects.exists()


def test_likely_duplicates_by_id_then_phone_and_name_then_name_and_birth(cast):
    hoa = make(cast, phone="0912345678", id_number="001190012345")
    assert list(actions.likely_same(id_number="001 190 012 345")) == [hoa]
    assert list(actions.likely_same(full_name="nguyen thi hoa", phone="0912345678")) == [hoa]
    same_birth = actions.likely_same(full_name="Nguyễn Thị Hoa", birth_date=date(1990, 5, 1))
    assert list(same_birth) == [hoa]
    assert not actions.likely_same(full_name="Nguyễn Thị Hoa", birth_date=date(1991, 5, 1))
    assert not actions.likely_same(full_name="Nguyễn Thị Hoa", id_number="001190012345",
                                   exclude=hoa)  # fmt: skip


def test_a_record_is_reached_only_within_the_keeping_organisations_subtree(cast):
    hoa = make(cast)
    assert lookups.get_individual(cast.hn_viewer, hoa.pk) == hoa
    assert lookups.get_individual(cast.ba_dinh_officer, hoa.pk, "edit") == hoa
    for outsider in (cast.ngoc_ha_officer, cast.tq_officer, cast.outsider):
        with pytest.raises(Http404):
            lookups.get_individual(outsider, hoa.pk)
