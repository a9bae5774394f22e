"""The volunteer actions that share one address with several services: the page and the API dispatch them the same way."""

from volunteers import forms, selectors, services


def wish_action(user, wish, action: str, data: dict):
    """Apply one wish action with its form's cleaned data: the page and the API call the same services the same way."""
    profile = selectors.profile_of(user)
    if action in ("publish", "refuse"):
        return services.wish_review(actor=user, wish=wish, publish=action == "publish", note=data["note"])
    if action == "claim" and data.get("unit"):
        return services.wish_claim(wish=wish, unit=data["unit"], actor=user)
    if action == "claim":
        return services.wish_claim(wish=wish, volunteer=profile)
    if action == "fulfil":
        return services.wish_fulfil(wish=wish, note=data["note"], volunteer=profile if wish.claimed_by_id else None, actor=user, photo=data.get("photo"))
    return services.wish_confirm(wish=wish, actor=user)


WISH_FORMS = {
    "publish": forms.NoteForm,
    "refuse": forms.NoteForm,
    "claim": forms.WishClaimForm,
    "fulfil": forms.WishFulfilForm,
    "confirm": None,
}


def wish_form(action: str, user, data=None, files=None):
    form_class = WISH_FORMS[action]
    if form_class is None:
        return None
    return form_class(data, files, user=user) if form_class is forms.WishClaimForm else form_class(data, files)


def claim_action(user, claim, action: str, data: dict):
    """Apply one action on a post claim: the holder releases their own place; a cadre confirms, releases or records duty."""
    profile = selectors.profile_of(user)
    if action == "release" and profile is not None and claim.volunteer_id == profile.pk:
        return services.post_claim_release(claim=claim, volunteer=profile)
    if action == "release":
        return services.post_claim_release(claim=claim, actor=user)
    if action == "confirm":
        return services.post_claim_confirm(actor=user, claim=claim)
    return services.post_duty_record(actor=user, claim=claim, hours=data["hours"])
