"""What waits in emulation for a user, for the home page (lib/cockpit.py collects it): marks
due (self-assessments of the user's organisations, cross-marking for their cluster-mates,
reviews for the cluster's owner), marks to reply to, award proposals to decide."""

from django.urls import reverse

from nhandao.emulation.models import AwardProposal, AwardStatus, CardStatus, Scorecard
from nhandao.lib.cockpit import SOON, URGENT, Waiting, counted
from nhandao.orgs import access
from nhandao.orgs.models import Organisation


def waiting(user) -> list[Waiting]:
    out = []
    listing = reverse("emulation_home")
    if access.can_anywhere(user, "edit"):
        own = Scorecard.objects.filter(access.reach_q(user, "edit", via="organisation"))
        count, url = counted(own.filter(status=CardStatus.SELF), "emulation_scorecard", listing)
        out.append(Waiting("Bảng điểm thi đua cần tự chấm", count, url, SOON))
        count, url = counted(own.filter(status=CardStatus.CROSSED), "emulation_scorecard", listing)
        out.append(Waiting("Điểm chấm chéo có thể phản hồi", count, url, SOON))
        # cross-marking: the other members' sent scorecards in the clusters of the user's own
        mine = Organisation.objects.filter(roles__user=user).values("pk")
        cross = Scorecard.objects.filter(
            status=CardStatus.SENT, round__cluster__members__in=mine
        ).exclude(organisation__in=mine)
        count, url = counted(cross.distinct(), "emulation_scorecard", listing)
        out.append(Waiting("Bảng điểm của đơn vị bạn cần chấm chéo", count, url, SOON))
    if access.can_anywhere(user, "approve"):
        review = Scorecard.objects.filter(
            access.reach_q(user, "approve", via="round__cluster__owner"),
            status__in=[CardStatus.CROSSED, CardStatus.REPLIED],
        )
        count, url = counted(review, "emulation_scorecard", listing)
        out.append(Waiting("Bảng điểm chờ thẩm định", count, url, SOON))
        proposals = AwardProposal.objects.filter(
            access.reach_q(user, "approve", via="grantor"), status=AwardStatus.PROPOSED
        ).exclude(proposed_by=user)
        count, url = counted(proposals, "emulation_award", reverse("emulation_awards"))
        out.append(Waiting("Đề nghị khen thưởng chờ quyết định", count, url, URGENT))
    return out
