"""Summaries kept by the actions (never group raw rows per request)."""

from django.db import models

from nhandao.relief.models.base import ScopedQuerySet
from nhandao.relief.models.policies import DistributionKind


class FundFlow(models.Model):
    """Per ledger account: what relief actions moved in and out of it.

    received (net donations) = balance − allocated_in + allocated_out + spent + to_stock +
    distributed, with balance read from the ledger head: one row per account, no scan.
    """

    account = models.OneToOneField(
        "audit.LedgerAccount", on_delete=models.PROTECT, related_name="relief_flow"
    )
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="+")
    allocated_in = models.BigIntegerField(default=0)
    allocated_out = models.BigIntegerField(default=0)
    spent = models.BigIntegerField(default=0)  # allocations to a purpose
    to_stock = models.BigIntegerField(default=0)  # in-kind value moved into a warehouse
    distributed = models.BigIntegerField(default=0)  # cash paid to households / persons

    objects = ScopedQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["campaign", "organisation"])]

    def __str__(self):
        return f"Dòng tiền cứu trợ của tài khoản {self.account_id}"


class DistributionSummary(models.Model):
    """Received lines per campaign × organisation × commune × kind (the public figures)."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    commune = models.ForeignKey(
        "orgs.AdminUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=DistributionKind.choices)
    lines = models.PositiveIntegerField(default=0)  # lượt hộ/người đã nhận
    households = models.PositiveIntegerField(default=0)
    persons = models.PositiveIntegerField(default=0)
    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organisation", "commune", "kind"],
                condition=models.Q(commune__isnull=False),
                name="unique_distribution_summary",
            ),
            models.UniqueConstraint(
                fields=["campaign", "organisation", "kind"],
                condition=models.Q(commune__isnull=True),
                name="unique_distribution_summary_no_commune",
            ),
        ]

    def __str__(self):
        return f"{self.campaign_id}/{self.organisation_id}/{self.commune_id}/{self.kind}"
