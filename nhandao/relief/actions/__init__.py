"""Everything that changes relief records. Atomic and audited; money moves only through
audit/ledger.py (which locks the account and refuses a negative balance), goods only through
`stock._stock_move` (which locks the stock level and refuses a negative quantity). A refused
request raises ReliefError (a lib.errors.Refused) with a Vietnamese message and writes
nothing; a missing right raises PermissionDenied (403), as everywhere.

Callers (views, API, importers) have checked input with forms.py; the rules that protect
money and people (maker–checker, earmarks, reach, overlap, stock, the Decree 93 deadline) are
checked here again, because they must hold whatever the entry point.

One module per subject; this package re-exports their public names, so callers write
`from nhandao.relief import actions; actions.confirm_line(...)`.
"""

from nhandao.relief.actions.allocations import (
    ALLOCATION_FIELDS,
    allocation_can,
    allocation_moves,
    approve_allocation,
    cancel_allocation,
    move_allocation,
    propose_allocation,
    reject_allocation,
    resubmit_allocation,
    return_allocation,
    set_threshold,
    threshold_for,
)
from nhandao.relief.actions.common import balance_of, existing_account
from nhandao.relief.actions.distributions import (
    add_lines,
    add_lines_from_registry,
    cancel_line,
    check_accepts_lines,
    check_round_can_open,
    confirm_line,
    confirm_lines,
    create_round,
    duplicate_notes,
    eligible_households,
    line_problems,
    overlap_message,
    overlap_warnings,
    overlaps_for,
    recipient_key,
    recipient_label,
    round_budget,
    round_moves,
    set_round_status,
    validate_lines,
)
from nhandao.relief.actions.incidents import create_incident, set_incident_area
from nhandao.relief.actions.stock import (
    create_warehouse,
    item_named,
    receive_goods,
    stock_of,
    transfer_goods,
)
from nhandao.relief.rules import OverlapWarning, ReliefError

__all__ = [
    "ALLOCATION_FIELDS",
    "OverlapWarning",
    "ReliefError",
    "add_lines",
    "add_lines_from_registry",
    "allocation_can",
    "allocation_moves",
    "approve_allocation",
    "balance_of",
    "cancel_allocation",
    "cancel_line",
    "check_accepts_lines",
    "check_round_can_open",
    "confirm_line",
    "confirm_lines",
    "create_incident",
    "create_round",
    "duplicate_notes",
    "create_warehouse",
    "eligible_households",
    "existing_account",
    "item_named",
    "line_problems",
    "move_allocation",
    "overlap_message",
    "overlap_warnings",
    "overlaps_for",
    "propose_allocation",
    "receive_goods",
    "recipient_key",
    "recipient_label",
    "reject_allocation",
    "resubmit_allocation",
    "return_allocation",
    "round_budget",
    "round_moves",
    "set_incident_area",
    "set_round_status",
    "set_threshold",
    "stock_of",
    "threshold_for",
    "transfer_goods",
    "validate_lines",
]
