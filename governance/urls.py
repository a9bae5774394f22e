from django.contrib.auth import views as auth_views
from django.urls import path

from governance import views
from governance.forms import LoginForm

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("org/", views.org_root, name="org-root"),
    path("org/<str:level>/<int:pk>/", views.org_node, name="org-node"),
    path("org/<str:level>/<int:pk>/people/new/", views.person_create, name="person-create"),
    path("org/<str:level>/<int:pk>/roles/grant/", views.role_grant, name="role-grant"),
    path("roles/<int:pk>/revoke/", views.role_revoke, name="role-revoke"),
    path("people/<int:pk>/", views.person_detail, name="person-detail"),
    path("people/<int:pk>/password/reset/", views.person_password_reset, name="person-password-reset"),
    path("audit/", views.audit_list, name="audit-list"),
    path("photos/kept/<str:token>/", views.held_photo, name="held-photo"),
    path("healthz", views.healthz, name="healthz"),
]
