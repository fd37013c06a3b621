"""Pages of joint action plans, actions, updates and their approval, outcome stories."""

urlpatterns: list = []
