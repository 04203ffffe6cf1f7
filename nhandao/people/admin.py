from django.contrib import admin

from nhandao.people.models import Individual


@admin.register(Individual)
class IndividualAdmin(admin.ModelAdmin):
    list_display = ["code", "full_name", "organisation", "birth_date", "status"]
    search_fields = ["code", "name_key", "phone"]
    raw_id_fields = ["organisation", "commune", "merged_into", "created_by"]
