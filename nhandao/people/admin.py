from django.contrib import admin

from nhandao.people.models import Individual, VolunteerRank


@admin.register(Individual)
class IndividualAdmin(admin.ModelAdmin):
    list_display = ["code", "full_name", "organisation", "birth_date", "status"]
    search_fields = ["code", "name_key", "phone"]
    raw_id_fields = ["organisation", "commune", "merged_into", "created_by"]


@admin.register(VolunteerRank)
class VolunteerRankAdmin(admin.ModelAdmin):
    list_display = ["name", "min_hours", "min_shifts"]
