"""API of people (scoped by people/lookups.py): individuals found without accents, one
individual with their membership history, the members of an organisation on a date."""

from datetime import date

from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from nhandao.lib.pagination import Pagination
from nhandao.orgs import access
from nhandao.people import lookups
from nhandao.people import membership as ms
from nhandao.people.models import Individual

router = Router(tags=["Hội viên, tình nguyện viên"])


class IndividualRow(Schema):
    id: int
    code: str
    full_name: str
    organisation_id: int


class MembershipRow(Schema):
    organisation_id: int
    kind: str
    started_on: date
    started_via: str
    ended_on: date | None
    end_reason: str


class IndividualOut(IndividualRow):
    memberships: list[MembershipRow]

    @staticmethod
    def resolve_memberships(individual):
        return list(individual.memberships.order_by("started_on", "pk"))


class MembersOnOut(Schema):
    organisation_id: int
    date: date
    members: int


@router.get("/people/individuals", response=list[IndividualRow],
            summary="Cá nhân trong phạm vi của bạn (tìm không dấu)")  # fmt: skip
@paginate(Pagination)
def list_individuals(request, q: str = Query("", max_length=100)):
    return Individual.objects.for_user(request.auth).active().search(q).order_by("name_key", "pk")


@router.get("/people/individuals/{pk}", response=IndividualOut,
            summary="Một cá nhân và quá trình sinh hoạt hội")  # fmt: skip
def get_individual(request, pk: int):
    return lookups.get_individual(request.auth, pk)


@router.get("/people/members-on/{org_pk}", response=MembersOnOut,
            summary="Số hội viên của một tổ chức (cả cấp dưới) vào một ngày")  # fmt: skip
def members_on(request, org_pk: int, on: date | None = None):
    org = access.get_org(request.auth, org_pk)
    day = on or timezone.localdate()
    return {"organisation_id": org.pk, "date": day, "members": ms.count_on(org, day)}
