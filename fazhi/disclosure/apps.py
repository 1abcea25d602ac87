from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "fazhi.disclosure"
    label = "disclosure"
    verbose_name = "政府信息公开"

    def ready(self) -> None:
        from fazhi.cases.signals import ticked
        from fazhi.disclosure import registry  # noqa: F401  (workflow, queues, navigation)

        ticked.connect(_sweep_on_tick, dispatch_uid="disclosure.sweep_unpaid_fees")


def _sweep_on_tick(sender, now, **kwargs) -> str | None:
    """Unpaid fee notices close with the tick, so no second schedule is needed."""
    from fazhi.disclosure.services import sweep_unpaid_fees

    closed = sweep_unpaid_fees(now=now)
    return f"依申请公开逾期未缴费办结 {len(closed)} 件" if closed else None
