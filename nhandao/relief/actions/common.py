"""Helpers the relief actions share: who acts, permission checks, campaign accounts and their
relief flows, quantities of goods."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import F

from nhandao.audit.models import LedgerAccount
from nhandao.orgs import access
from nhandao.relief.models import FundFlow


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _require(actor, perm, org, message):
    """A missing right is a permission (403), never a refusal: `message` says which."""
    if not access.can(actor, perm, org):
        raise PermissionDenied(message)


def existing_account(org, campaign, earmark=""):
    return LedgerAccount.objects.filter(
        organisation=org, campaign=campaign, earmark=earmark or ""
    ).first()


def balance_of(org, campaign, earmark="") -> int:
    account = existing_account(org, campaign, earmark)
    return account.balance() if account else 0


def _flow(account, **deltas) -> None:
    """Add to the account's FundFlow row (the account is locked by the ledger already)."""
    flow, _ = FundFlow.objects.get_or_create(
        account=account,
        defaults={"organisation_id": account.organisation_id, "campaign_id": account.campaign_id},
    )
    FundFlow.objects.filter(pk=flow.pk).update(**{k: F(k) + v for k, v in deltas.items()})


def _qty(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def _fmt_qty(q: Decimal) -> str:
    text = f"{q.normalize():f}" if q == q.to_integral() else f"{q:.2f}".replace(".", ",")
    return text
