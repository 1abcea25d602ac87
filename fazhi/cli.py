"""The `fazhi` console command.

Django-free command groups (dispatch, reports) are delegated to their package's own
`cli.main(argv)` so they start fast and run where Django is not configured; everything
else is a Django management command run with the project's settings.
"""

from __future__ import annotations

import importlib
import os
import sys

# Command groups whose package has a `cli.main(argv) -> int`; they configure Django
# themselves if and when they need it.
DELEGATED = {"dispatch": "fazhi.dispatch.cli", "reports": "fazhi.reports.cli"}

# Plain commands mapped to Django management commands.
DJANGO_COMMANDS = {
    "serve": ["runserver", "--noreload"],
    "migrate": ["migrate"],
    "demo": ["demo"],
    "tick": ["tick"],
    "audit": ["audit"],
    "backup": ["backup"],
    "restore": ["restore"],
    "manage": [],
}

USAGE = """用法 / usage: fazhi <command> [options]

  serve [ADDR:PORT]        启动网站 (start the web server)
  migrate                  迁移数据库 (migrate the database)
  demo [--serve]           生成演示区数据 (build the demo district)
  tick                     到期预警与超期标记，可重复运行 (deadline warnings and overdue marks)
  audit verify             校验审计日志哈希链 (verify the audit chain)
  backup FILE / restore FILE  备份与恢复 (backup and restore)
  dispatch evaluate|train|predict   智能分拨模型 (dispatch model)
  dispatch retrain         用本单位历史诉求重新训练 (retrain on the unit's history)
  reports analyze FILE     分析法治政府建设年度报告 (analyse an annual report)
  reports compare OLD NEW  对比两份年度报告 (follow-up and boilerplate)
  reports build --unit CODE --year YYYY [--docx OUT|--json]  由办理记录生成年度报告草稿 (draft from records)
  manage ...               任意 Django 管理命令 (any Django management command)
"""


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    import django

    django.setup()


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(USAGE)
        return 0
    command, rest = argv[0], argv[1:]
    if command == "dispatch" and rest[:1] == ["retrain"]:
        # Retraining reads the unit's appeal history, so it runs inside Django.
        command, rest = "manage", ["retrain_dispatch", *rest[1:]]
    if command in DELEGATED:
        module = importlib.import_module(DELEGATED[command])
        return int(module.main(rest) or 0)
    if command not in DJANGO_COMMANDS:
        print(f"未知命令: {command}\n\n{USAGE}", file=sys.stderr)
        return 2
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["fazhi", *DJANGO_COMMANDS[command], *rest])
    return 0


if __name__ == "__main__":
    sys.exit(main())
