"""Local development and `make run`: DEBUG on unless DJANGO_DEBUG says otherwise."""

import os

os.environ.setdefault("DJANGO_DEBUG", "true")

from config.settings.base import *  # noqa: F403
