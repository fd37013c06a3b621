from .views import groups, plans

app_name = "engagement"

# Groups, members, meetings, issues and projects; then action plans, actions and updates.
urlpatterns = [*groups.urlpatterns, *plans.urlpatterns]
