from django.urls import path  # noqa: F401

from .views import trainings

app_name = "learning"

urlpatterns: list = [
    # --- members, profiles, competency framework and assessments (sections 1 and 2)
    # --- trainings, the strategic plan, the library and resources (sections 3 to 6)
    *trainings.urlpatterns,
]
