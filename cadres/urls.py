from django.urls import path

from cadres import views

urlpatterns = [
    path("cadres/", views.team, name="cadre-team"),
    path("cadres/<int:pk>/", views.profile_detail, name="cadre-file"),
    path("cadres/ladder/", views.ladder, name="cadre-ladder"),
    path("cadres/promotions/", views.promotions, name="cadre-promotions"),
    path("cadres/pools/", views.pools, name="cadre-pools"),
    path("cadres/pairs/", views.pairs, name="cadre-pairs"),
    path("cadres/pairs/<int:pk>/", views.pair_detail, name="cadre-pair-file"),
]
