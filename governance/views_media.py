"""Uploaded files are served by the app after the same scope check as the record they belong to.

Photos of requests, visits and wishes can show people and homes: no web server serves MEDIA_ROOT directly.
"""

from django.http import FileResponse, Http404
from django.urls import path

from governance.roles import Capability


def _owner_visible(user, name: str) -> bool:
    from households.models import Visit
    from resident_requests.models import RequestPhoto
    from resident_requests.selectors import request_list_for
    from volunteers.models import Wish

    photo = RequestPhoto.objects.filter(image=name).only("request_id").first() or RequestPhoto.objects.filter(thumbnail=name).only("request_id").first()
    if photo is not None:
        return request_list_for(user).filter(pk=photo.request_id).exists()
    if Visit.objects.filter(photo=name).exists():
        return Visit.objects.visible_to(user, Capability.VIEW_LEDGER).filter(photo=name).exists()
    wish = Wish.objects.filter(photo=name).select_related("community").first()
    if wish is not None:
        from volunteers.selectors import profile_of

        profile = profile_of(user)
        return Wish.objects.visible_to(user, Capability.MANAGE_HIERARCHY).filter(pk=wish.pk).exists() or (
            profile is not None and profile.community_id == wish.community_id
        )
    return False


def protected_media(request, name):
    from django.core.files.storage import default_storage

    if ".." in name.split("/") or not _owner_visible(request.user, name) or not default_storage.exists(name):
        raise Http404
    return FileResponse(default_storage.open(name, "rb"))


urlpatterns = [path("media/<path:name>", protected_media, name="protected-media")]
