from django.urls import path

from party_building import views_linkage, views_lists

urlpatterns = [
    path("lists/", views_lists.three_lists, name="three-lists"),
    path("linkage/", views_linkage.linkage_page, name="linkage"),
]
