"""Templates ask the gatekeeper before drawing a link or a button, so no page links to a
page that would answer 403 or 404 for this user (the same checks the target view makes)."""

from django import template

from nhandao.orgs import access

register = template.Library()


@register.simple_tag(takes_context=True)
def may(context, perm: str, org=None) -> bool:
    """`{% may "edit" as can_add %}`: the permission somewhere in the user's reach;
    `{% may "money" account.organisation as can_upload %}`: at that organisation."""
    user = context["request"].user
    if org is None:
        return access.can_anywhere(user, perm)
    return access.can(user, perm, org)
