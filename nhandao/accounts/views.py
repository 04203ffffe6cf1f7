"""Login, logout and password change are Django's own views with our templates;
lockout after repeated failures comes from django-axes (settings.AXES_*)."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from nhandao.accounts import actions
from nhandao.accounts.forms import LoginForm


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


@login_required
def tokens(request):
    """The user's own API tokens; a new one is shown once."""
    return render(request, "accounts/tokens.html", {"tokens": request.user.api_tokens.all()})


@login_required
@require_POST
def token_create(request):
    name = (request.POST.get("name") or "").strip()
    if not name:
        messages.error(request, "Tên khóa: không được để trống.")
        return redirect("tokens")
    raw = actions.issue_token(request.user, name[:80])
    messages.success(request, f"Khóa mới (chỉ hiện một lần, hãy lưu lại): {raw}")
    return redirect("tokens")
