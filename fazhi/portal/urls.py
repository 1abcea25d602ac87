from django.urls import path

from fazhi.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.submit, name="submit"),
    path("receipt/", views.receipt, name="receipt"),
    path("track/", views.track, name="track"),
    path("track/<str:number>/", views.progress, name="progress"),
    path("track/<str:number>/rate/", views.rate, name="rate"),
    path("track/<str:number>/object/", views.object_to, name="object"),
]
