"""{{ event.action|action_label }}: audit actions in Vietnamese for the history tables."""

from django import template

register = template.Library()

ACTION_LABELS = {
    "org.create": "Thành lập",
    "org.rename": "Đổi tên",
    "org.move": "Chuyển cấp trên",
    "org.merge": "Hợp nhất vào tổ chức khác",
    "org.absorb": "Tiếp nhận tổ chức hợp nhất",
    "org.dissolve": "Giải thể",
    "role.grant": "Trao vai trò",
    "role.revoke": "Thu hồi vai trò",
    "user.create": "Tạo người dùng",
    "user.password_change": "Đổi mật khẩu",
    "token.issue": "Tạo khóa API",
    "cluster.create": "Lập cụm thi đua",
}


@register.filter
def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)
