from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "fazhi.appeals"
    label = "appeals"
    verbose_name = "诉求"

    def ready(self) -> None:
        from fazhi.appeals import registry  # noqa: F401  (workflow, queues, navigation)
