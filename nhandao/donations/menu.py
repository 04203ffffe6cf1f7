"""Donations, donors, bank accounts and statements in the menu."""

from nhandao.lib.cockpit import MenuEntry

G = "Vận động & tiếp nhận"
ENTRIES = [
    MenuEntry(G, "Ghi nhận tiền mặt", "donation_create", perm="money", args=("cash",)),
    MenuEntry(G, "Khoản ủng hộ", "donation_list"),
    MenuEntry(G, "Nhà hảo tâm", "donor_list"),
    MenuEntry(G, "Tài khoản & sao kê", "bank_account_list"),
]
