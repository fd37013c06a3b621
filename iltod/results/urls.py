from django.urls import path

from iltod.core.replicas import reads_from_replica

from . import alerts, files, views

app_name = "results"

urlpatterns = [
    path("", views.index, name="index"),
    path("methodology/", views.methodology, name="methodology"),
    path("ranking/", views.ranking_table, name="ranking"),
    path("ranking/<str:body_code>/", views.ranking_body, name="ranking_body"),
    path("inclusion/", views.inclusion_view, name="inclusion"),
    path("alerts/", views.subscribe, name="subscribe"),
    path("alerts/sent/", views.sent, name="sent"),
    path("alerts/confirm/<str:token>/", views.confirm, name="confirm"),
    path("alerts/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("alerts/one-click/<str:token>/", views.one_click_unsubscribe, name="one_click_unsubscribe"),
    path("feeds/facility/<str:code>/", reads_from_replica(alerts.FacilityFeed()), name="facility_feed"),
    path("feeds/area/<str:code>/", reads_from_replica(alerts.AreaFeed()), name="area_feed"),
    path("files/<path:name>", files.file, name="file"),  # every uploaded file, behind its guard
    path("<slug:code>/", views.overview, name="overview"),
    path("<slug:code>/indicators/<int:pk>/", views.indicator_detail, name="indicator"),
    path("<slug:code>/indicators/<int:pk>/target/", views.target_set, name="target_set"),
    path("<slug:code>/indicators/<int:pk>/actual/", views.actual_submit, name="actual_submit"),
    path("<slug:code>/indicators/<int:pk>/actual/<int:entry_id>/", views.actual_review, name="actual_review"),
    path("<slug:code>/<str:kind>/<str:key>/", views.scope_page, name="scope"),
    path("<slug:code>/export.<str:fmt>", views.export, name="export"),
    path("<slug:code>/iati.xml", views.iati, name="iati"),
]
