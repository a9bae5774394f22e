"""Writes of the volunteer module, one module per feature; each write where a person acted leaves an audit row in its transaction."""

from volunteers.services.activities import (
    CODE_GRACE_SECONDS,
    CODE_WINDOW_SECONDS,
    activity_publish,
    checkin_code,
    code_seconds_left,
    code_window,
    hours_of,
    signup_cancel,
    signup_confirm,
    signup_create,
    signup_mark,
    signup_scan,
)
from volunteers.services.gifts import gift_list, gift_redeem, redemption_hand_over
from volunteers.services.points import points_add, points_for, points_reverse
from volunteers.services.posts import post_claim, post_claim_confirm, post_claim_release, post_duty_record, post_publish
from volunteers.services.registration import links_set, unit_register, unit_review, volunteer_confirm, volunteer_register
from volunteers.services.reports import report_generate, report_review
from volunteers.services.wishes import WISH_REMIND_AFTER_DAYS, wish_claim, wish_confirm, wish_fulfil, wish_post, wish_review, wishes_remind_unclaimed

__all__ = [
    "CODE_GRACE_SECONDS",
    "CODE_WINDOW_SECONDS",
    "WISH_REMIND_AFTER_DAYS",
    "activity_publish",
    "checkin_code",
    "code_seconds_left",
    "code_window",
    "gift_list",
    "gift_redeem",
    "hours_of",
    "links_set",
    "points_add",
    "points_for",
    "points_reverse",
    "post_claim",
    "post_claim_confirm",
    "post_claim_release",
    "post_duty_record",
    "post_publish",
    "redemption_hand_over",
    "report_generate",
    "report_review",
    "signup_cancel",
    "signup_confirm",
    "signup_create",
    "signup_mark",
    "signup_scan",
    "unit_register",
    "unit_review",
    "volunteer_confirm",
    "volunteer_register",
    "wish_claim",
    "wish_confirm",
    "wish_fulfil",
    "wish_post",
    "wish_review",
    "wishes_remind_unclaimed",
]
