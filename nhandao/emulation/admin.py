from django.contrib import admin

from nhandao.emulation.models import (
    AwardProposal,
    ClusterTerm,
    CriteriaVersion,
    Criterion,
    Nomination,
    Round,
    Scorecard,
    Section,
)


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0


@admin.register(CriteriaVersion)
class CriteriaVersionAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "year", "status"]
    inlines = [SectionInline]
    readonly_fields = ["status"]


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "section", "max_score", "weight", "kind"]


admin.site.register(ClusterTerm)
admin.site.register(Round)
admin.site.register(Scorecard, list_display=["organisation", "round", "status", "total"])
admin.site.register(AwardProposal, list_display=["kind", "recipient_org", "year", "status"])
admin.site.register(Nomination, list_display=["name", "year", "status", "consent"])
