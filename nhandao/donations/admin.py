from django.contrib import admin

from nhandao.donations.models import BankAccount, Donation, Donor, Receipt, Statement


@admin.register(BankAccount)
class BankAccountAdmin(admin.ModelAdmin):
    list_display = ["bank", "number", "holder", "organisation", "campaign"]


@admin.register(Donor)
class DonorAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "organisation", "account_no", "phone", "consent_publish"]
    search_fields = ["name_key", "account_no", "phone"]


class ReadOnly(admin.ModelAdmin):
    """Money records change only through actions (ledger entries, reversals)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Donation)
class DonationAdmin(ReadOnly):
    list_display = ["received_on", "channel", "amount", "donor_name", "campaign", "organisation"]
    list_filter = ["channel"]


@admin.register(Statement)
class StatementAdmin(ReadOnly):
    list_display = [
        "file_name", "bank_account", "status", "rows_read", "rows_accepted", "uploaded_at",
    ]  # fmt: skip


@admin.register(Receipt)
class ReceiptAdmin(ReadOnly):
    list_display = ["organisation", "year", "number", "issued_at"]
