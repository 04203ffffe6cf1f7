from django.contrib import admin

from nhandao.beneficiaries.models import (
    Household,
    HumanitarianAddress,
    ImportBatch,
    MatchCandidate,
    Person,
    Sponsor,
    SupportRecord,
)


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["full_name", "birth_year", "commune", "organisation", "status"]
    list_filter = ["status", "sex"]
    search_fields = ["name_key", "external_id"]
    raw_id_fields = ["organisation", "household", "commune", "old_commune", "merged_into",
                     "created_by"]  # fmt: skip


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ["pk", "head", "commune", "organisation"]
    raw_id_fields = ["organisation", "head", "commune", "old_commune"]


@admin.register(SupportRecord)
class SupportRecordAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "value", "person", "household", "organisation"]
    raw_id_fields = ["organisation", "person", "household", "sponsorship", "created_by"]


@admin.register(MatchCandidate)
class MatchCandidateAdmin(admin.ModelAdmin):
    list_display = ["person_a", "person_b", "score", "method", "status"]
    list_filter = ["status", "method"]
    raw_id_fields = ["person_a", "person_b", "run", "decided_by"]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["file_name", "organisation", "status", "rows_read", "created", "uploaded_at"]
    raw_id_fields = ["organisation", "uploaded_by"]


admin.site.register(HumanitarianAddress, raw_id_fields=["organisation", "person", "household"])
admin.site.register(Sponsor, raw_id_fields=["organisation", "sponsor_org"])
