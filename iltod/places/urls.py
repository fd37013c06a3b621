from django.urls import path

from . import views

app_name = "places"

urlpatterns = [
    path("places/", views.admin_unit_list, name="admin_unit_list"),
    path("places/<str:code>/", views.admin_unit_detail, name="admin_unit"),
    path("facilities/", views.facility_search, name="facility_search"),
    path("facilities/<str:code>/", views.facility_detail, name="facility"),
]
