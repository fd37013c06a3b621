from django.urls import path

from . import files
from .views import budgets, campaign_kobo, facility_data, obligations, opendata, projects

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
    path("files/<path:name>", files.file, name="file"),  # every uploaded file, behind its guard
    path("publish/", obligations.publisher, name="publisher"),
    path("publish/events/new/", obligations.record_event, name="record_event"),
    path("publish/<str:code>/", obligations.publish, name="publish"),
    path("open-data/", opendata.open_data, name="open_data"),
    path("open-data/<slug:code>.<str:fmt>", opendata.download, name="open_data_download"),
    # --- facility data that citizens check (section 2)
    path("facilities/<str:code>/data/", facility_data.facility_data, name="facility_data"),
    path("values/<str:code>/", facility_data.value_detail, name="facility_value"),
    path("values/<str:code>/correct/", facility_data.correct, name="value_correct"),
    path("data/export/", facility_data.export, name="values_export"),
    path("data/mine/", facility_data.my_facilities, name="my_facilities"),
    path("facilities/<str:code>/publish/", facility_data.publish, name="values_publish"),
    path("data/upload/", facility_data.upload, name="values_upload"),
    path("data/upload/<str:token>/progress/", facility_data.upload_progress, name="values_upload_progress"),
    path("data/checks/", facility_data.moderation, name="check_moderation"),
    path("data/checks/<str:code>/publish/", facility_data.check_publish, name="check_publish"),
    path("data/checks/<str:code>/hide/", facility_data.check_hide, name="check_hide"),
    path("campaigns/", facility_data.campaign_list, name="campaign_list"),
    path("campaigns/mine/", facility_data.my_assignments, name="my_assignments"),
    path("campaigns/<str:code>/", facility_data.campaign_detail, name="campaign_detail"),
    path("campaigns/<str:code>/xlsform/", facility_data.campaign_xlsform, name="campaign_xlsform"),
    path("kobo/checks/", campaign_kobo.campaign_kobo_webhook, name="campaign_kobo"),
    path(
        "campaigns/<str:code>/checklist/<str:facility_code>/",
        facility_data.campaign_checklist,
        name="campaign_checklist",
    ),
    # --- budgets and transfers (section 3), Local Development Fund projects (section 4)
    path("budgets/", budgets.budget_list, name="budget_list"),
    path("budgets/import/", budgets.budget_import, name="budget_import"),
    path("budgets/import/package/", budgets.budget_package_import, name="budget_package_import"),
    path("transfers/", budgets.transfer_list, name="transfer_list"),
    path("transfers/import/", budgets.transfer_import, name="transfer_import"),
    path("projects/", projects.project_list, name="project_list"),
    path("projects/import/", projects.project_import, name="project_import"),
    path("projects/reports/", projects.report_queue, name="report_queue"),
    path("projects/reports/<str:code>/moderate/", projects.report_moderate, name="report_moderate"),
    path("projects/<str:code>/", projects.project_detail, name="project_detail"),
    path("projects/<str:code>/report/", projects.project_report, name="project_report"),
    path("projects/<str:code>/progress/", projects.project_progress, name="project_progress"),
    path("projects/<str:code>/milestones/", projects.project_milestone, name="project_milestone"),
]
