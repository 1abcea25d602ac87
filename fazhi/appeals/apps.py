from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "fazhi.appeals"
    label = "appeals"
    verbose_name = "诉求"

    def ready(self) -> None:
        from fazhi.appeals import facts, registry  # noqa: F401  (workflow, queues, navigation)

        # The KPI fact table follows every appeal event in the event's own transaction.
        facts.connect()
