"""Limits shared by the pages that take a file from staff.

One number so that every upload form refuses the same size with the same words. 10 MB is what
the report import (fazhi.reports) already allows: far above any real annual report or
proactive-disclosure workbook, far below what would tie up a worker reading it.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
TOO_LARGE = _("文件超过 10 MB 上限，请压缩或拆分后再上传")
