from django.urls import path

from mamori.core.views import audit_log, auth, organisation, transfer

app_name = "core"

urlpatterns = [
    path("accounts/login/", auth.login_view, name="login"),
    path("accounts/logout/", auth.logout_view, name="logout"),
    path("accounts/otp/setup/", auth.otp_setup, name="otp_setup"),
    path("accounts/otp/verify/", auth.otp_verify, name="otp_verify"),
    path("organisation/", organisation.organisation, name="organisation"),
    path("organisation/units/<int:pk>/", organisation.unit_detail, name="unit_detail"),
    path("organisation/people/<int:pk>/", organisation.person_detail, name="person_detail"),
    path("organisation/import/", transfer.import_view, name="organisation_import"),
    path("organisation/export.xlsx", transfer.export_view, name="organisation_export"),
    path("organisation/template.xlsx", transfer.template_view, name="organisation_template"),
    path("organisation/locks/", transfer.locks_view, name="locks"),
    path("audit/", audit_log.audit_log, name="audit_log"),
]
