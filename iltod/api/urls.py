from django.urls import include, path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView
from rest_framework import permissions, routers

from . import budgets, facility_data, keys, obligations, procurement, results, staff, views
from .errors import not_found
from .schema import ApiDocsView

app_name = "api"


class ApiRootView(routers.APIRootView):
    permission_classes = [permissions.AllowAny]


class Router(routers.DefaultRouter):
    APIRootView = ApiRootView
    include_format_suffixes = False


router = Router()
router.register("sectors", views.SectorViewSet, basename="sector")
router.register("categories", views.CategoryViewSet, basename="category")
router.register("admin-units", views.AdminUnitViewSet, basename="admin-unit")
router.register("facilities", views.FacilityViewSet, basename="facility")
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("feedback", views.FeedbackViewSet, basename="feedback")
router.register("staff/feedback", staff.StaffFeedbackViewSet, basename="staff-feedback")
router.register("procurement/processes", procurement.ProcessViewSet, basename="procurement-process")
# --- disclosure obligations and compliance
router.register("disclosure-requirements", obligations.RequirementViewSet, basename="disclosure-requirement")
router.register("disclosures", obligations.DisclosureViewSet, basename="disclosure")
router.register("disclosure-compliance", obligations.ComplianceViewSet, basename="disclosure-compliance")
# facility data that citizens check (disclosure)
router.register("facility-indicators", facility_data.FacilityIndicatorViewSet, basename="facility-indicator")
router.register("facility-values", facility_data.FacilityValueViewSet, basename="facility-value")
# --- budgets, transfers and Local Development Fund projects (disclosure)
router.register("budget-lines", budgets.BudgetLineViewSet, basename="budget-line")
router.register("transfers", budgets.TransferViewSet, basename="transfer")
router.register("ldf-projects", budgets.LdfProjectViewSet, basename="ldf-project")
# --- results framework and the responsiveness ranking (read only)
router.register("results/frameworks", results.FrameworkViewSet, basename="results-framework")
router.register("results/indicators", results.IndicatorViewSet, basename="results-indicator")
router.register("results/ranking", results.RankingViewSet, basename="results-ranking")

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="api:docs"), name="index"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", ApiDocsView.as_view(url_name="api:schema"), name="docs"),
    path("keys/<str:org_code>/", keys.key_list, name="keys"),
    path("keys/<str:org_code>/<str:prefix>/revoke/", keys.key_revoke, name="key_revoke"),
    path("v1/statistics/", views.NationalStatisticsView.as_view(), name="statistics"),
    path(
        "v1/statistics/admin-units/<str:code>/", views.AdminUnitStatisticsView.as_view(), name="statistics-admin-unit"
    ),
    path("v1/statistics/facilities/<str:code>/", views.FacilityStatisticsView.as_view(), name="statistics-facility"),
    path(
        "v1/statistics/organizations/<str:code>/",
        views.OrganizationStatisticsView.as_view(),
        name="statistics-organization",
    ),
    path("v1/procurement/ocds/", procurement.OcdsImportView.as_view(), name="procurement-ocds"),
    path("v1/procurement/ocds/jobs/<str:code>/", procurement.OcdsImportJobView.as_view(), name="procurement-ocds-job"),
    path("v1/learning/", include("iltod.api.learning")),  # the learning network (its own router)
    path("v1/", include(router.urls)),
    re_path(r"^v1/", not_found),  # anything else under v1/: a 404 in the API's format
]
