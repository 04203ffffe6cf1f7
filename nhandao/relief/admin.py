from django.contrib import admin

from nhandao.relief.models import AllocationPolicy, AllowedUse, Item, KindPolicy


@admin.register(AllowedUse)
class AllowedUseAdmin(admin.ModelAdmin):
    list_display = ["order", "code", "name", "legal_ref", "active"]
    list_editable = ["active"]


@admin.register(KindPolicy)
class KindPolicyAdmin(admin.ModelAdmin):
    list_display = ["kind", "overlap_days", "allowed_use"]
    list_editable = ["overlap_days", "allowed_use"]


@admin.register(AllocationPolicy)
class AllocationPolicyAdmin(admin.ModelAdmin):
    list_display = ["organisation", "second_approval_above"]
    raw_id_fields = ["organisation"]


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ["name", "unit"]
    search_fields = ["name_key"]
