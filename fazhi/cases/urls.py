from django.urls import path

from fazhi.cases import views

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("<str:number>/", views.case_detail, name="case_detail"),
    path("<str:number>/do/<str:name>/", views.case_transition, name="case_transition"),
]
