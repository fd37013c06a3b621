from django.urls import path

from . import files
from .views import monitoring, public

app_name = "procurement"

urlpatterns = [
    path("", public.process_list, name="process_list"),
    path("processes/<str:code>/", public.process_detail, name="process"),
    # one URL per action on a process or a case
    path("processes/<str:code>/feedback/", monitoring.process_feedback, name="process_feedback"),
    path("processes/<str:code>/cases/new/", monitoring.case_new, name="case_new"),
    path("parties/<str:code>/", public.party_detail, name="party"),
    path("monitoring/", public.monitoring, name="monitoring"),
    path("monitoring/moderation/", monitoring.moderation, name="moderation"),
    path("networks/<str:code>/cases/", public.network_cases, name="network_cases"),
    path("cases/<str:code>/", monitoring.case_detail, name="case"),
    path("cases/<str:code>/steps/", monitoring.step_add, name="step_add"),
    path("steps/<str:code>/moderate/", monitoring.step_moderate, name="step_moderate"),
    path("evidence/<str:code>/", monitoring.evidence, name="evidence"),
    path("files/<path:name>", files.file, name="file"),  # every uploaded file, behind its guard
]
