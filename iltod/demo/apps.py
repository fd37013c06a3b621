from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data and its commands (``seed_demo``, ``demo_logins``); it owns no tables."""

    name = "iltod.demo"
