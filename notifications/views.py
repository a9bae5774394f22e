"""The inbox: a person's notifications, and marking one read."""

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from notifications.selectors import notification_list_for
from notifications.services import notification_mark_all_read, notification_mark_read


def notification_list(request):
    page = Paginator(notification_list_for(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "notifications/notification_list.html", {"page": page})


@require_POST
def notification_read(request, pk):
    notification_mark_read(actor=request.user, notification_id=pk)
    return redirect("notification-list")


@require_POST
def notification_read_all(request):
    notification_mark_all_read(actor=request.user)
    return redirect("notification-list")
