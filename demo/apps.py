from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo district's seeders and `seed_demo`: the top layer, it may import every app and nothing imports it."""

    name = "demo"
