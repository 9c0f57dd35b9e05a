from django.urls import path

from mamori.assets.views import findings, register, schemes, systems, transfer

app_name = "assets"

urlpatterns = [
    path("", register.asset_list, name="asset_list"),
    path("new/", register.asset_create, name="asset_create"),
    path("<int:pk>/", register.asset_detail, name="asset_detail"),
    path("<int:pk>/edit/", register.asset_edit, name="asset_edit"),
    path("<int:pk>/delete/", register.asset_delete, name="asset_delete"),
    path("<int:pk>/classify/", register.asset_classify, name="asset_classify"),
    path("<int:pk>/label/", register.asset_label, name="asset_label"),
    path("bulk-reclassify/", register.bulk_reclassify, name="bulk_reclassify"),
    path("systems/", systems.system_list, name="system_list"),
    path("systems/new/", systems.system_create, name="system_create"),
    path("systems/<int:pk>/", systems.system_detail, name="system_detail"),
    path("systems/<int:pk>/edit/", systems.system_edit, name="system_edit"),
    path("findings/", findings.findings, name="findings"),
    path("findings/run/", findings.run_checks, name="run_checks"),
    path("schemes/", schemes.scheme_list, name="scheme_list"),
    path("schemes/<int:pk>/", schemes.scheme_detail, name="scheme_detail"),
    path("schemes/<int:pk>/edit/", schemes.scheme_edit, name="scheme_edit"),
    path("schemes/<int:pk>/migrate/", schemes.scheme_migrate, name="scheme_migrate"),
    path("levels/<int:pk>/edit/", schemes.level_edit, name="level_edit"),
    path("zones/new/", schemes.zone_edit, name="zone_create"),
    path("zones/<int:pk>/edit/", schemes.zone_edit, name="zone_edit"),
    path("import/", transfer.import_view, name="import"),
    path("export.xlsx", transfer.export_xlsx, name="export_xlsx"),
    path("export.csv", transfer.export_csv, name="export_csv"),
    path("template.xlsx", transfer.template_xlsx, name="template_xlsx"),
]
