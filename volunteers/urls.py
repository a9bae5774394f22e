from django.urls import path

from volunteers import views

urlpatterns = [
    path("volunteers/signups/<int:pk>/mark/", views.signup_mark, name="volunteer-signup-mark"),
    path("volunteers/points/<int:pk>/correct/", views.points_correct, name="volunteer-points-correct"),
    path("volunteers/units/", views.units, name="volunteer-units"),
    path("volunteers/reports/<int:pk>/", views.report, name="volunteer-report"),
    path("volunteers/<int:pk>/report/", views.member_report, name="volunteer-member-report"),
    path("volunteers/<int:pk>/certificate/", views.certificate, name="volunteer-certificate"),
    path("volunteers/posts/", views.posts, name="volunteer-posts"),
    path("volunteers/posts/<int:pk>/<str:action>/", views.post_act, name="volunteer-post-act"),
    path("volunteers/wishes/", views.wishes, name="volunteer-wishes"),
    path("volunteers/wishes/<int:pk>/photo/", views.wish_photo, name="volunteer-wish-photo"),
    path("volunteers/wishes/<int:pk>/<str:action>/", views.wish_act, name="volunteer-wish-act"),
    path("r/<str:token>/wish/", views.public_wish, name="public-wish"),
    path("wish/<str:code>/", views.public_wish_status, name="public-wish-status"),
    path("wish/<str:code>/photo/", views.public_wish_photo, name="public-wish-photo"),
    path("volunteers/gifts/", views.gifts, name="volunteer-gifts"),
    path("volunteers/gifts/<int:pk>/redeem/", views.gift_redeem, name="volunteer-redeem"),
    path("volunteers/redemptions/<int:pk>/hand-over/", views.redemption_hand_over, name="volunteer-hand-over"),
    path("volunteers/me/", views.me, name="volunteer-me"),
    path("volunteers/activities/", views.activities, name="volunteer-activities"),
    path("volunteers/activities/<int:pk>/", views.activity, name="volunteer-activity"),
    path("volunteers/activities/<int:pk>/signup/", views.activity_signup, name="volunteer-signup"),
    path("volunteers/activities/<int:pk>/code/", views.activity_code, name="volunteer-code"),
    path("volunteers/activities/<int:pk>/scan/<str:code>/", views.activity_scan, name="volunteer-scan"),
    path("volunteers/signups/<int:pk>/confirm/", views.signup_confirm, name="volunteer-signup-confirm"),
    path("volunteers/desk/", views.desk, name="volunteer-desk"),
    path("volunteers/<int:pk>/", views.volunteer_detail, name="volunteer-detail"),
]
