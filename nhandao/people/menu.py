"""Members in the menu."""

from nhandao.lib.cockpit import MenuEntry

G = "Tổ chức"
ENTRIES = [
    MenuEntry(G, "Hội viên, tình nguyện viên", "individual_list"),
    MenuEntry(G, "Chuyển sinh hoạt hội", "transfer_list"),
    MenuEntry(G, "Hội phí còn nợ", "arrears_list"),
    MenuEntry(G, "Khóa sổ hội phí năm", "year_close", perm="money"),
    MenuEntry(G, "Đội tình nguyện, ca trực", "team_list"),
    MenuEntry(G, "Tình nguyện viên (tìm theo kỹ năng)", "volunteer_list"),
    MenuEntry(
        G, "Yêu cầu về dữ liệu của hội viên, TNV", "individual_data_requests", perm="sensitive"
    ),
    MenuEntry(G, "Thanh thiếu niên Chữ thập đỏ", "youth_list"),
]
