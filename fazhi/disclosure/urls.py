from django.urls import path

from fazhi.disclosure import public, views

urlpatterns = [
    path("", views.queue, name="disclosure_queue"),
    path("new/", views.intake, name="disclosure_intake"),
    path("dashboard/", views.dashboard, name="disclosure_dashboard"),
    path("annual/", views.annual, name="disclosure_annual"),
    path("annual/export.<str:fmt>", views.annual_export, name="disclosure_annual_export"),
    path("proactive/", views.proactive, name="disclosure_proactive"),
    path("proactive/import/", views.proactive_import, name="disclosure_proactive_import"),
    path("proactive/template.xlsx", views.proactive_template, name="disclosure_proactive_template"),
    path("reviews/", views.reviews, name="disclosure_reviews"),
    path("public/", public.request_form, name="disclosure_public"),
    path("public/receipt/", public.receipt, name="disclosure_public_receipt"),
    path("public/track/", public.track, name="disclosure_public_track"),
    path("letters/<int:pk>/", views.letter, name="disclosure_letter"),
    path("<str:number>/answer/", views.answer, name="disclosure_answer"),
    path("<str:number>/do/<str:name>/", views.act, name="disclosure_act"),
]
