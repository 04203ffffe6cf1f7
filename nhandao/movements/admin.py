from django.contrib import admin

from nhandao.movements.models import DefaultTarget, Edition, Launch, Movement, Target


class DefaultTargetInline(admin.TabularInline):
    model = DefaultTarget
    extra = 0


@admin.register(Movement)
class MovementAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "organisation")
    search_fields = ("code", "name_key")
    inlines = [DefaultTargetInline]


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = ("movement", "year", "theme", "campaign")


admin.site.register(Target)
admin.site.register(Launch)
