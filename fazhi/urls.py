"""URL map: each app wires its own URLs; this file only mounts them."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from fazhi.api import api, mount
from fazhi.appeals.api import router as appeals_router
from fazhi.cases.api import router as cases_router
from fazhi.core import views as core_views
from fazhi.disclosure.api import router as disclosure_router

mount(cases_router, "/")
mount(appeals_router, "/")
mount(disclosure_router, "/")

admin.site.site_header = "法治政府建设平台 管理后台"
admin.site.site_title = "fazhi 管理后台"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("login/", core_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("switch-unit/", core_views.switch_unit, name="switch_unit"),
    path("health", core_views.health, name="health"),
    path("cases/", include("fazhi.cases.urls")),
    path("appeals/", include("fazhi.appeals.urls")),
    path("disclosure/", include("fazhi.disclosure.urls")),
    path("portal/", include("fazhi.portal.urls")),
    path("reports/", include("fazhi.reports.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("api/docs", RedirectView.as_view(url="/api/v1/docs", permanent=False)),
]
