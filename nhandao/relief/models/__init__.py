"""Relief: allocations down (and up) the levels, distributions to households, overlap rules,
stock, incidents, and the summary tables the public side and reconciliation read.

Money never moves here by itself: actions.py moves it through audit/ledger.py (transfer,
post), which locks the account and refuses a negative balance. Every record carries its
owning organisation; access goes through orgs/access.py.

One module per part (policies, incidents, allocations, stock, distributions, imports,
summaries); every model and constant is re-exported here, so `from nhandao.relief.models
import X` keeps working and the migrations see the same models.
"""

from nhandao.relief.models.allocations import (
    ALLOCATION_TRANSITIONS,
    AS,
    WITHDRAW,
    Allocation,
    AllocationQuerySet,
    AllocationStatus,
    AllocationStatusChange,
    Direction,
)
from nhandao.relief.models.allocations import PIPELINE as ALLOCATION_PIPELINE
from nhandao.relief.models.base import ScopedQuerySet, StatusChange
from nhandao.relief.models.distributions import PIPELINE as ROUND_PIPELINE
from nhandao.relief.models.distributions import (
    ROUND_TRANSITIONS,
    RS,
    DistributionLine,
    DistributionRound,
    LineStatus,
    ReceiptMethod,
    RoundStatus,
    RoundStatusChange,
)
from nhandao.relief.models.imports import IS, ImportStatus, LineImport, LineImportStatusChange
from nhandao.relief.models.incidents import Incident, IncidentArea, IncidentKind
from nhandao.relief.models.policies import (
    OVERLAP_KINDS,
    SUPPORT_KIND,
    AllocationPolicy,
    AllowedUse,
    DistributionKind,
    KindPolicy,
)
from nhandao.relief.models.stock import Item, MoveKind, StockLevel, StockMove, Warehouse
from nhandao.relief.models.summaries import DistributionSummary, FundFlow

__all__ = [
    "ALLOCATION_PIPELINE",
    "ALLOCATION_TRANSITIONS",
    "AS",
    "IS",
    "OVERLAP_KINDS",
    "ROUND_PIPELINE",
    "ROUND_TRANSITIONS",
    "RS",
    "SUPPORT_KIND",
    "WITHDRAW",
    "Allocation",
    "AllocationPolicy",
    "AllocationQuerySet",
    "AllocationStatus",
    "AllocationStatusChange",
    "AllowedUse",
    "Direction",
    "DistributionKind",
    "DistributionLine",
    "DistributionRound",
    "DistributionSummary",
    "FundFlow",
    "ImportStatus",
    "Incident",
    "IncidentArea",
    "IncidentKind",
    "Item",
    "KindPolicy",
    "LineImport",
    "LineImportStatusChange",
    "LineStatus",
    "MoveKind",
    "ReceiptMethod",
    "RoundStatus",
    "RoundStatusChange",
    "ScopedQuerySet",
    "StatusChange",
    "StockLevel",
    "StockMove",
    "Warehouse",
]
