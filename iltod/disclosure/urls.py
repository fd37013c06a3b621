from django.urls import path  # noqa: F401

app_name = "disclosure"

urlpatterns: list = [
    # --- obligations, compliance and open data (sections 1 and 5)
    # --- facility data that citizens check (section 2)
    # --- budgets and transfers (section 3), Local Development Fund projects (section 4)
]
