"""Movements in the menu."""

from nhandao.lib.cockpit import MenuEntry

ENTRIES = [
    MenuEntry("Vận động & tiếp nhận", "Phong trào hằng năm", "movement_list"),
    MenuEntry("Cứu trợ", "Hội chợ Tết (phiếu quà)", "fair_list"),
]
