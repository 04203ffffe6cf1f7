from django.contrib import admin

from nhandao.orgs.models import AdminUnit, EmulationCluster, Organisation, Role, UnitConversion


@admin.register(AdminUnit)
class AdminUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "level", "map", "province"]
    list_filter = ["map", "level"]
    search_fields = ["name_key", "code"]
    raw_id_fields = ["parent", "province"]


@admin.register(UnitConversion)
class UnitConversionAdmin(admin.ModelAdmin):
    list_display = ["old_unit", "new_unit", "split"]
    raw_id_fields = ["old_unit", "new_unit"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "level", "status"]
    list_filter = ["kind", "level", "status"]
    search_fields = ["name_key", "code"]
    raw_id_fields = ["parent", "admin_unit", "successor"]
    readonly_fields = ["path"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "granted_at"]
    list_filter = ["role"]
    raw_id_fields = ["user", "organisation", "granted_by"]


@admin.register(EmulationCluster)
class EmulationClusterAdmin(admin.ModelAdmin):
    list_display = ["name", "year", "number", "owner"]
    raw_id_fields = ["owner"]
    filter_horizontal = ["members"]
