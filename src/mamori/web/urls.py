from django.urls import path

from mamori.web import views

app_name = "web"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
