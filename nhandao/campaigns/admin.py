from django.contrib import admin

from nhandao.campaigns.models import Campaign, CampaignExtension, CampaignStatusChange


class HistoryInline(admin.TabularInline):
    model = CampaignStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "at", "actor", "note"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "organisation", "launch_date", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["code", "name_key"]
    # Status moves go through actions.set_status (the transitions table), never the admin.
    readonly_fields = ["status"]
    inlines = [HistoryInline]


admin.site.register(CampaignExtension)
