"""The one refusal: what an action raises when the input breaks a rule.

    raise Refused("Số tiền phải lớn hơn 0.", field="amount")

Entry points translate it, and only it, into what the user sees: the API answers 422 with
`{"detail": message, "errors": {field: [message]}}` (lib/api.py, one handler); a page adds
the message to the form's field, or shows it as a message when there is no form or no such
field (lib/views.py: show_refused). 403 is kept for permission and 404 for reach
(orgs/access.py); a refusal is neither.

Apps may subclass it to name their refusals (relief.rules.ReliefError,
donations.models.DonationRefused, …) but never catch anything narrower than they must: the
frame catches `Refused`.
"""


class Refused(Exception):
    """A rule refused the input. `message` is Vietnamese and says what to do; `field` names
    the form or schema field at fault (None: the request as a whole). A message of several
    lines gives several reasons (the rows of a rejected list), each shown on its own."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def as_errors(self) -> dict[str, list[str]]:
        """The API's error shape: {field or "__all__": [reason, …]}."""
        return {self.field or "__all__": self.message.splitlines() or [self.message]}

    def facts(self) -> dict:
        """What a client needs to act on the refusal, JSON-safe, added to the API's answer
        next to `detail` and `errors` (the id of a rejected import, the earlier supports)."""
        return {}


class NeedsConfirmation(Refused):
    """A refusal the user lifts by confirming and sending the same request again (a manager's
    reason, `confirm: true`). The API answers 409, the one conflict a client resolves itself;
    a page shows it as a warning next to the way to confirm."""
