from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The public pages: no account, no staff navigation, only what a citizen may see."""

    name = "fazhi.portal"
    label = "portal"
    verbose_name = "群众门户"
