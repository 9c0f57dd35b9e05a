from django.contrib import admin

from mamori.assets.models import Asset, ClassificationScheme, HandlingRule, Level, LevelMapping, System, Zone


@admin.register(Asset)
class AssetAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "unit", "confidentiality", "finding_count"]
    list_filter = ["kind", "has_my_number"]
    search_fields = ["code", "name"]
    raw_id_fields = ["unit", "owner", "systems", "sections"]
    readonly_fields = ["finding_codes", "finding_count", "classified_at", "classified_by"]


@admin.register(System)
class SystemAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "zone", "unit"]
    readonly_fields = ["finding_codes"]


class HandlingRuleInline(admin.TabularInline):
    model = HandlingRule
    extra = 0


@admin.register(Level)
class LevelAdmin(admin.ModelAdmin):
    list_display = ["label", "scheme", "axis", "code", "rank", "blocks_internet_zone"]
    list_filter = ["scheme", "axis"]
    inlines = [HandlingRuleInline]


admin.site.register(ClassificationScheme)
admin.site.register(LevelMapping)
admin.site.register(Zone)
