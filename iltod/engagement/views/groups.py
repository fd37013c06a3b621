"""Pages of groups, members, meetings, attendance, local issues and projects."""

urlpatterns: list = []
