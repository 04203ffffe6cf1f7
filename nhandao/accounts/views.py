"""Login, logout and password change are Django's own views with our templates;
lockout after repeated failures comes from django-axes (settings.AXES_*)."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from nhandao.accounts import actions, lookups
from nhandao.accounts.forms import LoginForm
from nhandao.accounts.models import TOKEN_LIFETIMES, TokenScope
from nhandao.lib.errors import Refused


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        actions.record_password_change(self.request.user)
        messages.success(self.request, "Đã đổi mật khẩu.")
        return response


def _tokens_page(request, new_token: str = "", status: int = 200):
    own = request.user.api_tokens.order_by("-created_at")
    managed = lookups.managed_tokens(request.user).select_related("user").order_by("-created_at")
    return render(
        request,
        "accounts/tokens.html",
        {
            "tokens": own,
            "managed": managed,
            "new_token": new_token,
            "scopes": TokenScope.choices,
            "lifetimes": TOKEN_LIFETIMES.items(),
        },
        status=status,
    )


@login_required
def tokens(request):
    """The user's own API tokens, and those an org admin may revoke."""
    return _tokens_page(request)


@login_required
@require_POST
def token_create(request):
    """A new token, shown once in this response itself (never through the messages cookie,
    never stored): the page is not cached."""
    try:
        days = int(request.POST.get("days") or 90)
    except ValueError:
        days = 0
    try:
        raw = actions.issue_token(
            request.user,
            request.POST.get("name") or "",
            scope=request.POST.get("scope") or TokenScope.READ,
            days=days,
        )
    except Refused as exc:
        messages.error(request, exc.message)
        return redirect("tokens")
    response = _tokens_page(request, new_token=raw)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = lookups.get_token(request.user, pk)
    actions.revoke_token(request.user, token)
    messages.success(request, f"Đã thu hồi khóa {token.name} ({token.prefix}…).")
    return redirect("tokens")


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset by email, with Vietnamese pages and message (the link is valid for
    PASSWORD_RESET_TIMEOUT, three days by default; it works once)."""

    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        actions.record_password_change(form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@login_required
def notifications(request):
    """The user's notifications, newest first; opening one marks it read."""
    from django.core.paginator import Paginator

    page = Paginator(request.user.notifications.all(), 50).get_page(request.GET.get("page"))
    return render(request, "accounts/notifications.html", {"page": page})


@login_required
@require_POST
def notification_open(request, pk: int):
    note = get_object_or_404(request.user.notifications, pk=pk)
    actions.mark_read(request.user, note.pk)
    if note.link and url_has_allowed_host_and_scheme(note.link, {request.get_host()}):
        return redirect(note.link)
    return redirect("notifications")


@login_required
@require_POST
def notifications_read(request):
    count = actions.mark_read(request.user)
    messages.success(request, f"Đã đánh dấu {count} thông báo là đã đọc.")
    return redirect("notifications")


@login_required
def account(request):
    """The user's account: email, notification channels per kind, links to the password
    and API token pages."""
    from nhandao.lib import notify

    if request.method == "POST":
        actions.set_notification_channels(
            request.user, {kind: request.POST.getlist(kind) for kind in notify.KINDS}
        )
        messages.success(request, "Đã lưu cách nhận thông báo.")
        return redirect("account")
    channels = list(notify.CHANNELS.values())
    rows = [
        (kind, label, [(c, c.name in notify.channels_for(request.user, kind)) for c in channels])
        for kind, (label, _default) in notify.KINDS.items()
    ]
    return render(request, "accounts/account.html", {"rows": rows, "channels": channels})
