"""Django's password validators with Vietnamese messages (Django's vi catalogue lacks them)."""

from django.contrib.auth import password_validation as base


class MinimumLengthValidator(base.MinimumLengthValidator):
    def __init__(self, min_length=10):
        super().__init__(min_length)

    def get_error_message(self):
        return f"Mật khẩu quá ngắn: cần ít nhất {self.min_length} ký tự."

    def get_help_text(self):
        return f"Ít nhất {self.min_length} ký tự."


class UserAttributeSimilarityValidator(base.UserAttributeSimilarityValidator):
    def get_error_message(self):
        return "Mật khẩu quá giống %(verbose_name)s."

    def get_help_text(self):
        return "Không giống tên đăng nhập, họ tên hay email."


class CommonPasswordValidator(base.CommonPasswordValidator):
    def get_error_message(self):
        return "Mật khẩu này quá phổ biến, dễ bị đoán."

    def get_help_text(self):
        return "Không dùng mật khẩu phổ biến."


class NumericPasswordValidator(base.NumericPasswordValidator):
    def get_error_message(self):
        return "Mật khẩu không được chỉ toàn chữ số."

    def get_help_text(self):
        return "Không chỉ toàn chữ số."
