"""Emulation records as a user may reach them: the scoped getters (pages and API share them).

Clusters come from orgs.lookups.clusters (owner or a member within reach); a scorecard is
seen by everyone who reaches its cluster (members cross-mark each other), changed as the
actions decide (its own officers, another member's, the owner's leaders)."""

from django.http import Http404

from nhandao.emulation.models import (
    AwardProposal,
    CriteriaVersion,
    DonorHonourRule,
    Nomination,
    Round,
    Scorecard,
)
from nhandao.orgs import access
from nhandao.orgs.lookups import clusters


def get_cluster(user, pk, perm: str = "view"):
    cluster = access.get_within(
        clusters(user).distinct().select_related("owner"), pk, "Không tìm thấy cụm thi đua."
    )
    if perm != "view":
        access.require(user, perm, cluster.owner)
    return cluster


def versions(user):
    """Criteria versions set by an organisation within reach or above it (members read the
    criteria they are marked by)."""
    return CriteriaVersion.objects.filter(
        access.reach_q(user, "view", via="owner") | access.above_q(user, "view", via="owner")
    )


def get_version(user, pk, perm: str = "view") -> CriteriaVersion:
    version = access.get_within(
        versions(user).select_related("owner"), pk, "Không tìm thấy bộ tiêu chí."
    )
    if perm != "view":
        access.require(user, perm, version.owner)
    return version


def get_round(user, pk) -> Round:
    rounds = Round.objects.filter(cluster__in=clusters(user).values("pk"))
    return access.get_within(
        rounds.select_related("cluster__owner", "version"), pk, "Không tìm thấy đợt chấm điểm."
    )


def get_scorecard(user, pk, perm: str = "view") -> Scorecard:
    cards = Scorecard.objects.for_user(user).select_related(
        "round__cluster__owner", "round__version", "organisation"
    )
    card = access.get_within(cards, pk, "Không tìm thấy bảng điểm.")
    if perm != "view":
        access.require(user, perm, card.organisation)
    return card


def get_award(user, pk) -> AwardProposal:
    proposals = AwardProposal.objects.for_user(user).select_related(
        "proposer", "grantor", "recipient_org", "recipient_person"
    )
    return access.get_within(proposals, pk, "Không tìm thấy đề nghị khen thưởng.")


def get_nomination(user, pk) -> Nomination:
    return access.get_within(
        Nomination.objects.for_user(user).select_related("nominator"), pk, "Không tìm thấy đề cử."
    )


def public_nomination(pk) -> Nomination:
    """The portal's: honoured and consented, else 404 for everyone."""
    try:
        return Nomination.objects.public().get(pk=pk)
    except (Nomination.DoesNotExist, ValueError, TypeError):
        raise Http404("Không tìm thấy.") from None


def donor_rules(user):
    """Donor honour thresholds of the organisations within reach."""
    return DonorHonourRule.objects.filter(access.reach_q(user, "view", via="owner")).select_related(
        "owner"
    )
