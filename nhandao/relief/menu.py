"""Relief in the menu: its overview, allocations, and the coverage report."""

from nhandao.lib.cockpit import MenuEntry

G = "Cứu trợ"
ENTRIES = [
    MenuEntry(G, "Tổng quan cứu trợ", "relief_home"),
    MenuEntry(G, "Phân bổ", "relief_allocations"),
    MenuEntry(G, "Đề xuất phân bổ", "relief_allocation_create", perm="money"),
    MenuEntry("Báo cáo", "Độ bao phủ, người bị bỏ sót", "relief_coverage"),
]
