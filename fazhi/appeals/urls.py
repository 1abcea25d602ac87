from django.urls import path

from fazhi.appeals import views

urlpatterns = [
    path("new/", views.intake, name="appeal_intake"),
    path("kpis/", views.dashboard, name="appeal_kpis"),
    path("auto-dispatch/", views.auto_dispatch, name="appeal_auto_dispatch"),
    path("kpis/export.xlsx", views.export_kpis, name="appeal_kpis_export"),
    path("kpis/cases/<str:name>/", views.drill, name="appeal_kpi_cases"),
    path("<str:number>/merge/", views.merge, name="appeal_merge"),
    path("<str:number>/escalate/", views.escalate, name="appeal_escalate"),
]
