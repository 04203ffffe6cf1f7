"""Individuals as a user may reach them; built only from orgs/access.py."""

from nhandao.orgs import access
from nhandao.people.models import (
    FeePayment,
    Individual,
    MemberImport,
    Membership,
    MembershipTransfer,
    Shift,
    Team,
    Volunteer,
)


def get_individual(user, pk, perm: str = "view") -> Individual:
    records = Individual.objects.select_related("organisation", "commune")
    return access.get_for_user(records, user, pk, perm)


def get_membership(user, pk, perm: str = "view") -> Membership:
    records = Membership.objects.select_related("organisation", "individual")
    return access.get_for_user(records, user, pk, perm)


def get_payment(user, pk, perm: str = "view") -> FeePayment:
    records = FeePayment.objects.select_related("organisation", "individual", "membership")
    return access.get_for_user(records, user, pk, perm)


def get_transfer(user, pk) -> MembershipTransfer:
    """A transfer seen from either side (404 for everyone else); deciding on it is the
    action's check (edit at one of the two organisations)."""
    from nhandao.people.membership import transfers_for

    return access.get_within(transfers_for(user), pk, "Không tìm thấy yêu cầu chuyển.")


def get_volunteer(user, pk, perm: str = "view") -> Volunteer:
    records = Volunteer.objects.select_related("organisation", "individual")
    return access.get_for_user(records, user, pk, perm)


def get_team(user, pk, perm: str = "view") -> Team:
    return access.get_for_user(Team.objects.select_related("organisation"), user, pk, perm)


def get_shift(user, pk, perm: str = "view") -> Shift:
    records = Shift.objects.select_related("organisation", "team")
    return access.get_for_user(records, user, pk, perm)


def teams(user):
    return Team.objects.filter(access.reach_q(user, "view", via="organisation"))


def shifts(user):
    return Shift.objects.filter(access.reach_q(user, "view", via="organisation"))


def get_participant(user, pk, perm: str = "view"):
    from nhandao.people.models import Participant

    records = Participant.objects.select_related("course__organisation", "individual")
    return access.get_for_user(records, user, pk, perm, via="course__organisation")


def get_member_import(user, pk, perm: str = "view") -> MemberImport:
    records = MemberImport.objects.select_related("organisation")
    return access.get_for_user(records, user, pk, perm)


def member_imports(user):
    return MemberImport.objects.filter(access.reach_q(user, "view", via="organisation"))


def get_post(user, pk, perm: str = "view"):
    from nhandao.people.models import LeadershipPost

    records = LeadershipPost.objects.select_related("organisation", "individual")
    return access.get_for_user(records, user, pk, perm)


def get_year_close(user, pk, perm: str = "view"):
    from nhandao.people.models import FeeYearClose

    return access.get_for_user(FeeYearClose.objects.select_related("organisation"), user, pk, perm)


def get_youth_group(user, pk, perm: str = "view"):
    from nhandao.people.models import YouthGroup

    return access.get_for_user(YouthGroup.objects.select_related("organisation"), user, pk, perm)


def get_youth_activity(user, pk, perm: str = "view"):
    from nhandao.people.models import YouthActivity

    records = YouthActivity.objects.select_related("group", "organisation")
    return access.get_for_user(records, user, pk, perm)
