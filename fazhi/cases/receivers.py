"""Signal handlers of the case engine."""

from __future__ import annotations

from django.dispatch import receiver

from fazhi.core.signals import holidays_changed


@receiver(holidays_changed)
def recompute_deadlines(sender, **kwargs) -> None:
    # Deadlines reaching into a year whose schedule just arrived were provisional.
    from fazhi.cases.services import recompute_open_deadlines

    recompute_open_deadlines()
