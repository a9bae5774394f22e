from django.urls import path

from duties import views

urlpatterns = [
    path("duties/", views.duty_list, name="duty-list"),
    path("duties/tasks/", views.task_list, name="duty-tasks"),
    path("duties/tasks/new/", views.task_register, name="duty-task-register"),
    path("duties/tasks/<int:pk>/", views.task_detail, name="duty-task"),
    path("duties/approvals/", views.approvals, name="duty-approvals"),
    path("duties/overview/", views.overview, name="duty-overview"),
]
