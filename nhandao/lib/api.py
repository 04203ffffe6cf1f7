"""The API's frame, shared by every app's router: the error shape, the exceptions that make it,
and the handlers that render them (installed once on the NinjaAPI by nhandao/api.py).

Every error answer is JSON `{"detail": "…", "errors": {"field": ["…"]}}` with Vietnamese
messages:

- 422: the input was refused: a body that cannot be read, a typed-schema error, a form
  (`FormInvalid`) or a rule (`lib.errors.Refused`, raised by an action);
- 409: a refusal the client lifts by confirming (`lib.errors.NeedsConfirmation`);
- 403: permission (PermissionDenied, from orgs/access.py); 404: out of reach or absent;
- 401: no session and no valid token; 429: too many requests (`Throttled`).

Nothing here knows an app: lib is the bottom layer (tests/test_layers.py).
"""

from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.http import Http404, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaError
from ninja.renderers import JSONRenderer

from nhandao.lib import busy
from nhandao.lib.errors import NeedsConfirmation, Refused

INVALID = "Dữ liệu không hợp lệ."

# pydantic's error types → what a Vietnamese user is told
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


class ErrorOut(Schema):
    """Every error answer (the OpenAPI schema of a 4xx)."""

    detail: str
    errors: dict[str, list[str]] = {}


class FormInvalid(Refused):
    """Raised by an endpoint whose form (the same one the HTML view uses) did not validate:
    a refusal whose reasons are the form's, field by field."""

    def __init__(self, form):
        super().__init__(INVALID)
        self.errors = {
            field: [e["message"] for e in errors]
            for field, errors in form.errors.get_json_data().items()
        }

    def as_errors(self) -> dict[str, list[str]]:
        return self.errors


class Throttled(Exception):
    """Too many requests from one client: 429 with `message` and a Retry-After header."""

    def __init__(self, message: str, seconds: int):
        super().__init__(message)
        self.message, self.seconds = message, seconds


_RENDERER = JSONRenderer()


def json_response(request, data, status: int = 200) -> HttpResponse:
    """`data` rendered as NinjaAPI would, without validating it against the endpoint's
    schema (for the busiest endpoints, whose tests check the schema instead)."""
    content = _RENDERER.render(request, data, response_status=status)
    content_type = f"{_RENDERER.media_type}; charset={_RENDERER.charset}"
    return HttpResponse(content, status=status, content_type=content_type)


def _field_name(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload", "form")]
    return ".".join(parts) or "__all__"


def schema_errors(exc: SchemaError) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        message = SCHEMA_MESSAGES.get(error.get("type"), "Giá trị không hợp lệ.")
        errors.setdefault(_field_name(error.get("loc", ())), []).append(message)
    return errors


def refused_body(exc: Refused) -> dict:
    return {"detail": exc.message, "errors": exc.as_errors(), **exc.facts()}


def install_error_handlers(api: NinjaAPI) -> None:
    """Make `api` answer every error in the frame's shape and codes."""

    def answer(request, body: dict, status: int) -> HttpResponse:
        return api.create_response(request, body, status=status)

    def refused(request, exc: Refused):
        status = 409 if isinstance(exc, NeedsConfirmation) else 422
        return answer(request, refused_body(exc), status)

    def schema_error(request, exc: SchemaError):
        return answer(request, {"detail": INVALID, "errors": schema_errors(exc)}, 422)

    def ninja_error(request, exc: HttpError):
        # ninja's own 400 is a body that cannot be read ("Cannot parse request body"):
        # refused like any bad input, in Vietnamese, not with an undocumented English 400
        if exc.status_code == 400:
            return answer(request, {"detail": SCHEMA_MESSAGES["json_invalid"]}, 422)
        return answer(request, {"detail": str(exc)}, exc.status_code)

    def permission_denied(request, exc: PermissionDenied):
        return answer(
            request, {"detail": str(exc) or "Bạn không có quyền thực hiện việc này."}, 403
        )

    def not_found(request, exc: Http404):
        return answer(request, {"detail": str(exc) or "Không tìm thấy."}, 404)

    def unauthenticated(request, exc: AuthenticationError):
        return answer(request, {"detail": "Cần đăng nhập hoặc khóa API."}, 401)

    def throttled(request, exc: Throttled):
        response = answer(request, {"detail": exc.message}, 429)
        response["Retry-After"] = str(exc.seconds)
        return response

    api.add_exception_handler(Refused, refused)
    api.add_exception_handler(SchemaError, schema_error)
    api.add_exception_handler(HttpError, ninja_error)
    api.add_exception_handler(PermissionDenied, permission_denied)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(AuthenticationError, unauthenticated)
    api.add_exception_handler(Throttled, throttled)

    def database_error(request, exc: OperationalError):
        if not busy.is_busy(exc):
            raise exc
        return busy.busy_response(request)

    api.add_exception_handler(OperationalError, database_error)


# --- the errors in the published schema ----------------------------------------------------

ERROR_STATUSES = {
    "401": "Cần đăng nhập hoặc khóa API.",
    "403": "Không có quyền.",
    "404": "Không tìm thấy (hoặc ngoài phạm vi).",
    "409": "Cần xác nhận (cảnh báo trùng lặp).",
    "422": "Dữ liệu không hợp lệ hoặc bị từ chối: lý do theo từng trường.",
    "429": "Quá nhiều yêu cầu; thử lại sau Retry-After giây.",
    "503": "Hệ thống đang bận; thử lại sau.",
}
ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["detail"],
}


class DocumentedErrorsAPI(NinjaAPI):
    """NinjaAPI whose published schema documents the frame's error answers on every
    operation (the shape above), so that a client — and schemathesis — knows them."""

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        for methods in schema["paths"].values():
            for operation in methods.values():
                responses = operation.setdefault("responses", {})
                for status, description in ERROR_STATUSES.items():
                    responses.setdefault(
                        status,
                        {
                            "description": description,
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Error"}
                                }
                            },
                        },
                    )
        return schema
