"""The API: one NinjaAPI under /api/ mounting each app's router.

Authentication: the browser session (with CSRF on writes) or a bearer token
(accounts.ApiToken). Errors are JSON: {"detail": "...", "errors": {"field": ["..."]}} with
Vietnamese messages, whether they come from the typed schema or from a form.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as SchemaError
from ninja.security import HttpBearer, django_auth

from nhandao.accounts.models import ApiToken, hash_token


class FormInvalid(Exception):
    """Raised by an endpoint whose form (the same one the HTML view uses) did not validate."""

    def __init__(self, form):
        self.errors = {
            field: [e["message"] for e in errors]
            for field, errors in form.errors.get_json_data().items()
        }


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        found = ApiToken.objects.select_related("user").filter(key_hash=hash_token(token)).first()
        if found is None or not found.user.is_active:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        return found.user


AUTH = [TokenAuth(), django_auth]

api = NinjaAPI(
    title="nhandao API",
    version="1",
    description="API của nhandao. Dữ liệu bản đồ hành chính là công khai; còn lại cần đăng nhập "
    "(phiên trình duyệt hoặc khóa API: `Authorization: Bearer nd_…`).",
    auth=AUTH,
    urls_namespace="api",
)

SCHEMA_MESSAGES = {
    "missing": "Trường này là bắt buộc.",
    "int_parsing": "Phải là một số nguyên.",
    "int_type": "Phải là một số nguyên.",
    "date_from_datetime_parsing": "Ngày không hợp lệ (dùng dạng yyyy-mm-dd).",
    "date_parsing": "Ngày không hợp lệ (dùng dạng yyyy-mm-dd).",
    "date_type": "Ngày không hợp lệ (dùng dạng yyyy-mm-dd).",
    "string_type": "Phải là một chuỗi ký tự.",
    "list_type": "Phải là một danh sách.",
    "bool_parsing": "Phải là true hoặc false.",
    "enum": "Giá trị không nằm trong danh sách cho phép.",
    "literal_error": "Giá trị không nằm trong danh sách cho phép.",
    "string_too_long": "Quá dài.",
    "greater_than_equal": "Giá trị quá nhỏ.",
    "less_than_equal": "Giá trị quá lớn.",
    "json_invalid": "Nội dung JSON không đọc được.",
}


def _field_name(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload", "form")]
    return ".".join(parts) or "__all__"


@api.exception_handler(SchemaError)
def schema_error(request, exc):
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        message = SCHEMA_MESSAGES.get(error.get("type"), "Giá trị không hợp lệ.")
        errors.setdefault(_field_name(error.get("loc", ())), []).append(message)
    return api.create_response(
        request, {"detail": "Dữ liệu không hợp lệ.", "errors": errors}, status=422
    )


@api.exception_handler(FormInvalid)
def form_invalid(request, exc):
    return api.create_response(
        request, {"detail": "Dữ liệu không hợp lệ.", "errors": exc.errors}, status=422
    )


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    message = str(exc) or "Bạn không có quyền thực hiện việc này."
    return api.create_response(request, {"detail": message}, status=403)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": str(exc) or "Không tìm thấy."}, status=404)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(request, {"detail": "Cần đăng nhập hoặc khóa API."}, status=401)


def _mount():
    from nhandao.accounts.api import router as accounts_router
    from nhandao.beneficiaries.api import router as beneficiaries_router
    from nhandao.campaigns.api import router as campaigns_router
    from nhandao.donations.api import router as donations_router
    from nhandao.orgs.api import router as orgs_router
    from nhandao.portal.api import router as portal_router
    from nhandao.relief.api import router as relief_router

    # the public router first: its search is the busiest endpoint, and URL resolution tries
    # the patterns in order
    api.add_router("/", portal_router)
    api.add_router("/", accounts_router)
    api.add_router("/", campaigns_router)
    api.add_router("/", donations_router)
    api.add_router("/", orgs_router)
    api.add_router("/", beneficiaries_router)
    api.add_router("/", relief_router)


_mount()
