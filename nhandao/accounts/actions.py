from django.db import transaction

from nhandao.accounts.models import ApiToken
from nhandao.audit.actions import record


@transaction.atomic
def issue_token(user, name: str) -> str:
    token, raw = ApiToken.issue(user, name)
    record(user, "token.issue", token, after={"name": name, "prefix": token.prefix})
    return raw


@transaction.atomic
def record_password_change(user) -> None:
    record(user, "user.password_change", user)
