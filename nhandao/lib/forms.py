"""Form fields shared by the apps."""

from django import forms


class FileField(forms.FileField):
    """An upload field whose messages say "tệp", as every other page does (Django's
    Vietnamese translation says "tập tin"), and say what to do."""

    default_error_messages = {
        "required": "Hãy chọn một tệp.",
        "invalid": "Không nhận được tệp: hãy chọn lại tệp và gửi lần nữa.",
        "missing": "Không nhận được tệp: hãy chọn lại tệp và gửi lần nữa.",
        "empty": "Tệp rỗng (0 byte): hãy kiểm tra lại tệp đã chọn.",
        "contradiction": "Hãy chọn một tệp mới hoặc bỏ tệp cũ, không làm cả hai.",
    }
