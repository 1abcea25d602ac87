from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "fazhi.core"
    label = "core"
    verbose_name = "基础"

    def ready(self) -> None:
        from fazhi.core import navigation, signals  # noqa: F401  (signals connects holiday receivers)

        navigation.register(navigation.NavItem("工作台", "home", None, order=0))
        navigation.register(navigation.NavItem("案件查询", "case_list", None, order=90))
