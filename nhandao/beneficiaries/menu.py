"""The beneficiary registry in the menu."""

from nhandao.lib.cockpit import MenuEntry

G = "Đối tượng"
ENTRIES = [
    MenuEntry(G, "Danh sách đối tượng", "person_list"),
    MenuEntry(G, "Thêm đối tượng", "person_create", perm="edit"),
    MenuEntry(G, "Nhập danh sách", "import_upload", perm="edit"),
    MenuEntry(G, "Trùng lặp cần xem", "review_queue"),
    MenuEntry(G, "Địa chỉ nhân đạo", "address_list"),
    MenuEntry(G, "Yêu cầu về dữ liệu cá nhân", "data_requests", perm="sensitive"),
]
