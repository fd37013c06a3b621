from django.urls import path

from . import views

app_name = "organizations"

urlpatterns = [
    path("", views.organization_list, name="list"),
    path("<str:code>/", views.organization_detail, name="detail"),
    path("<str:code>/members/", views.member_list, name="members"),
    path("<str:code>/members/<int:membership_id>/remove/", views.member_remove, name="member_remove"),
    path("<str:code>/network-members/", views.network_members, name="network_members"),
    path("<str:code>/network-members/add/", views.network_member_add, name="network_member_add"),
    path(
        "<str:code>/network-members/<str:member_code>/remove/",
        views.network_member_remove,
        name="network_member_remove",
    ),
]
