"""Signals of the case engine.

`ticked` is sent at the end of every `tick()` with now=...: workflows with sweeps of their own
(a disclosure request whose fee was never paid closes itself) hang them here, so one scheduled
`fazhi tick` keeps every kind of case on time without the engine knowing the kinds. A receiver
returns a one-line Chinese summary (or None) for the command's output.
"""

from __future__ import annotations

from django.dispatch import Signal

ticked = Signal()
