"""The disclosure core needs no database. When pytest-django has not configured the project's
settings (run with ``-p no:django``, or while the settings cannot load), configure the minimum
that gettext and TextChoices labels need, so these tests stay independent of the rest."""

import django
from django.conf import settings

if not settings.configured:
    settings.configure(USE_I18N=True, LANGUAGE_CODE="zh-hans", INSTALLED_APPS=[])
    django.setup()
