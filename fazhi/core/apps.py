from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "fazhi.core"
    label = "core"
    verbose_name = "基础"

    def ready(self) -> None:
        from django.core.signals import request_finished

        from fazhi.core import dbstats, navigation, signals  # noqa: F401  (signals connects holiday receivers)

        request_finished.connect(dbstats.optimize_now_and_then, dispatch_uid="core.sqlite_optimize")

        navigation.register(navigation.NavItem("工作台", "home", None, order=0))
        navigation.register(navigation.NavItem("案件查询", "case_list", None, order=90))
