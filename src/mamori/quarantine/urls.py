from django.urls import path

from mamori.quarantine import views

app_name = "quarantine"

urlpatterns = [
    path("", views.message_list, name="list"),
    path("r/<str:reference>/", views.message_detail, name="detail"),
    path("r/<str:reference>/release/", views.request_release, name="request_release"),
    path("r/<str:reference>/unlock/", views.unlock_attachment, name="unlock"),
    path("r/<str:reference>/hold/", views.legal_hold, name="legal_hold"),
    path("releases/", views.release_list, name="releases"),
    path("releases/<int:pk>/", views.release_detail, name="release_detail"),
    path("releases/<int:pk>/download/", views.download, name="download"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("metrics", views.metrics, name="metrics"),
]
