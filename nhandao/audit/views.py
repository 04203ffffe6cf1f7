from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from nhandao.audit.models import AuditEvent
from nhandao.audit.templatetags.audit_labels import ACTION_LABELS
from nhandao.audit.words import rows_in_words
from nhandao.orgs import access


@login_required
def event_list(request):
    """Organisation admins browse the audit events of their subtree."""
    if not access.can_anywhere(request.user, "audit"):
        raise PermissionDenied("Chỉ quản trị tổ chức được xem nhật ký.")
    events = AuditEvent.objects.for_user(request.user).select_related("organisation")
    events = events.prefetch_related("personal_values")
    action = request.GET.get("action", "").strip()
    if action:
        events = events.filter(action__startswith=action)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    rows = rows_in_words(page, request.user)
    actions = sorted(ACTION_LABELS.items(), key=lambda item: item[1])
    return render(
        request,
        "audit/event_list.html",
        {"page": page, "rows": rows, "action": action, "actions": actions},
    )
