"""Django app for reviewing annual rule-of-law reports (法治政府建设年度报告).

The package ``fazhi.reports`` itself stays Django-free (ADR 0003): its ``__init__`` imports no
Django, and the Django modules (models, views, services…) are only imported by Django itself.
"""

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "fazhi.reports"
    label = "reports"
    verbose_name = "年度报告审查"

    def ready(self) -> None:
        from fazhi.reports import registry  # noqa: F401  (navigation)
