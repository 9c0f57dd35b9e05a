from django.urls import path

from mamori.network import views

app_name = "network"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("plan/", views.update_plan, name="update_plan"),
    path("model.yaml", views.model_yaml, name="model_yaml"),
    path("<str:kind>/new/", views.edit_record, name="create"),
    path("<str:kind>/<int:pk>/edit/", views.edit_record, name="edit"),
    path("<str:kind>/<int:pk>/delete/", views.delete_record, name="delete"),
    path("devices/<int:pk>/", views.device_detail, name="device_detail"),
    path("configs/<int:pk>/", views.config_detail, name="config_detail"),
    path("runs/", views.runs, name="runs"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/report/", views.run_report, name="run_report"),
]
