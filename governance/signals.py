"""Signals the foundation sends and upper apps answer, so that governance never imports an app above it."""

from django.dispatch import Signal

# Sent with `messages`, a list of dicts of notification fields (user, key, title, body, url); notifications/ stores and sends them.
notify_requested = Signal()
