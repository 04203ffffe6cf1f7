"""The demo registry: households, planted duplicates found by the full run."""

from nhandao.beneficiaries.models import HumanitarianAddress, MatchCandidate, Person
from nhandao.demo import beneficiaries as demo


def test_the_demo_plants_duplicates_that_the_full_run_finds(cast):
    network = {
        "communes": {"4": cast.ba_dinh, "8": cast.ngoc_ha},
        "front_province": {"1": cast.front},
        "rc_province": {"1": cast.hanoi},
    }
    result = demo.seed(cast.root, network)
    assert result["persons"] == Person.objects.count() > 50
    twins = Person.objects.filter(organisation=cast.front)
    assert twins.count() == min(25, 2 * demo.HOUSEHOLDS_PER_COMMUNE)
    found = {c.person_a_id for c in MatchCandidate.objects.all()} | {
        c.person_b_id for c in MatchCandidate.objects.all()
    }
    assert sum(1 for t in twins if t.pk in found) >= 0.9 * twins.count()
    assert HumanitarianAddress.objects.exists() or not any(
        "lonely_elderly" in p.vulnerabilities for p in Person.objects.all()
    )


def test_the_demo_addresses_have_commitments_paid_through_the_ledger_and_one_in_arrears(
    cast, client
):
    from django.utils import timezone

    from nhandao.beneficiaries import commitments
    from nhandao.beneficiaries.models import Sponsorship

    network = {
        "communes": {"4": cast.ba_dinh, "8": cast.ngoc_ha},
        "front_province": {"1": cast.front},
        "rc_province": {"1": cast.hanoi},
    }
    demo.seed(cast.root, network)
    sponsorships = list(Sponsorship.objects.all())
    assert sponsorships and all(s.payments.exists() for s in sponsorships)
    assert all(p.entry_in_id for s in sponsorships for p in s.payments.all())
    standing = commitments.standings(sponsorships, timezone.localdate())
    in_arrears = [s for s in sponsorships if standing[s.pk].arrears]
    assert len(in_arrears) == 1 and standing[in_arrears[0].pk].arrears == 1_000_000
    public = HumanitarianAddress.objects.filter(public_consent=True).first()
    html = client.get("/cong-khai/dia-chi-nhan-dao/").content.decode()
    assert public is not None and public.public_summary in html
    assert str(public.person.full_name) not in html
