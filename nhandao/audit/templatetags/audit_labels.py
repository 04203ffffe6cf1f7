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
    "campaign.create": "Tạo chiến dịch",
    "campaign.update": "Sửa chiến dịch",
    "campaign.status": "Chuyển giai đoạn chiến dịch",
    "campaign.extend": "Gia hạn tiếp nhận",
    "bank_account.create": "Thêm tài khoản ngân hàng",
    "donor.create": "Thêm nhà hảo tâm",
    "donation.create": "Ghi nhận ủng hộ",
    "donation.reverse": "Hủy khoản ủng hộ (bút toán đảo)",
    "statement.upload": "Tải lên sao kê",
    "statement.import": "Nhập sao kê",
    "receipt.issue": "Cấp biên nhận",
    "receipt.issue_automatic": "Cấp biên nhận tự động",
    "beneficiaries.household_created": "Thêm hộ gia đình",
    "beneficiaries.household_updated": "Sửa hộ gia đình",
    "beneficiaries.poverty_set": "Ghi diện nghèo",
    "beneficiaries.person_created": "Thêm đối tượng",
    "beneficiaries.person_updated": "Sửa đối tượng",
    "beneficiaries.sensitive_read": "Xem thông tin nhạy cảm",
    "beneficiaries.support_recorded": "Ghi nhận hỗ trợ",
    "beneficiaries.supports_imported": "Nhập danh sách hỗ trợ",
    "beneficiaries.import_committed": "Nhập danh sách đối tượng",
    "beneficiaries.persons_merged": "Gộp hồ sơ trùng",
    "beneficiaries.group_merged": "Gộp nhóm hồ sơ trùng",
    "beneficiaries.merge_undone": "Hoàn tác gộp hồ sơ",
    "beneficiaries.marked_distinct": "Xác nhận khác người",
    "beneficiaries.address_created": "Thêm địa chỉ nhân đạo",
    "beneficiaries.sponsor_created": "Thêm nhà đỡ đầu",
    "beneficiaries.sponsorship_committed": "Cam kết đỡ đầu",
    "relief.allocation_proposed": "Đề xuất phân bổ",
    "relief.allocation_status": "Chuyển trạng thái phân bổ",
    "relief.threshold": "Đặt ngưỡng phê duyệt",
    "relief.round_created": "Lập đợt cấp phát",
    "relief.round_status": "Chuyển trạng thái đợt cấp phát",
    "relief.lines_added": "Thêm người nhận",
    "relief.lines_imported": "Nhập danh sách nhận",
    "relief.import_discarded": "Bỏ tệp danh sách nhận",
    "relief.line_confirmed": "Xác nhận đã nhận",
    "relief.line_cancelled": "Hủy dòng cấp phát",
    "relief.warehouse_created": "Tạo kho",
    "relief.goods_in": "Nhập kho",
    "relief.goods_transfer": "Điều chuyển hàng",
    "relief.incident_created": "Ghi nhận sự cố, thiên tai",
    "relief.incident_area": "Cập nhật vùng bị ảnh hưởng",
}


@register.filter
def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)
