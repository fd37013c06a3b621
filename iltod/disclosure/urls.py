from django.urls import path

from .views import obligations, opendata

app_name = "disclosure"

urlpatterns: list = [
    # --- obligations, compliance and open data (sections 1 and 5)
    path("requirements/", obligations.requirement_list, name="requirements"),
    path("requirements/<slug:code>/", obligations.requirement_detail, name="requirement"),
    path("compliance/", obligations.compliance, name="compliance"),
    path("compliance/areas/<str:code>/", obligations.compliance_area, name="compliance_area"),
    path("compliance/sectors/<slug:code>/", obligations.compliance_sector, name="compliance_sector"),
    path("compliance/bodies/<str:code>/", obligations.compliance_body, name="compliance_body"),
    path("items/<str:code>/", obligations.disclosure_detail, name="disclosure"),
    path("items/<str:code>/document/", obligations.disclosure_document, name="disclosure_document"),
    path("publish/", obligations.publisher, name="publisher"),
    path("publish/events/new/", obligations.record_event, name="record_event"),
    path("publish/<str:code>/", obligations.publish, name="publish"),
    path("open-data/", opendata.open_data, name="open_data"),
    path("open-data/<slug:code>.<str:fmt>", opendata.download, name="open_data_download"),
    # --- facility data that citizens check (section 2)
    # --- budgets and transfers (section 3), Local Development Fund projects (section 4)
]
