"""The one refusal: what an action raises when the input breaks a rule.

    raise Refused("Số tiền phải lớn hơn 0.", field="amount")

Entry points translate it, and only it, into what the user sees: the API answers 422 with
`{"detail": message, "errors": {field: [message]}}`; a page adds the message to the form's
field (or shows it as a message when no field is named). 403 is kept for permission and
404 for reach (orgs/access.py); a refusal is neither.
"""


class Refused(Exception):
    """A rule refused the input. `message` is Vietnamese and says what to do; `field` names
    the form or schema field at fault (None: the request as a whole)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def as_errors(self) -> dict[str, list[str]]:
        """The API's error shape: {field or "__all__": [message]}."""
        return {self.field or "__all__": [self.message]}
