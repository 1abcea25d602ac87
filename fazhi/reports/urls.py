from django.urls import path

from fazhi.reports import views

urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("upload/", views.upload, name="report_upload"),
    path("build/", views.build_page, name="report_build"),
    path("build/draft.<str:fmt>", views.build_export, name="report_build_export"),
    path("compare/", views.compare, name="report_compare"),
    path("compare/export.xlsx", views.export_comparison, name="report_compare_export"),
    path("<int:pk>/", views.detail, name="report_detail"),
    path("<int:pk>/correct/", views.correct, name="report_correct"),
    path("<int:pk>/indicators.xlsx", views.export_indicators, name="report_export"),
]
