"""Do the configured keys open the data this database holds? Checked at start-up, by `manage.py check --database
default`, and after a restore: a restore with other keys would show no ID number and accept duplicates silently.
"""

from django.apps import apps
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError

from core.personal_data import decrypt, keyed_hash


def protected_columns():
    """(model, base name) of every value stored encrypted with its keyed hash beside it (ID numbers, phones)."""
    for model in apps.get_models():
        names = {field.attname for field in model._meta.concrete_fields}
        for name in sorted(names):
            if name.endswith("_enc") and f"{name[:-4]}_hash" in names:
                yield model, name[:-4]


def field_keys_problems() -> list[str]:
    """One sample of each protected column: it must decrypt, and its keyed hash must match the one stored."""
    problems = []
    for model, base in protected_columns():
        sample = model._base_manager.exclude(**{f"{base}_enc": ""}).exclude(**{f"{base}_hash": ""}).values_list(f"{base}_enc", f"{base}_hash").first()
        if sample is None:
            continue
        label = f"{model._meta.label}.{base}"
        try:
            plain = decrypt(sample[0])
        except ImproperlyConfigured:
            problems.append(f"{label}: FIELD_ENCRYPTION_KEYS cannot decrypt the stored values (the keys of the backup are needed).")
            continue
        if keyed_hash(plain) != sample[1]:
            problems.append(f"{label}: FIELD_HASH_KEY is not the one these values were stored with (duplicates would go unnoticed).")
    return problems


def field_keys_verify() -> None:
    """Refuse to serve with keys that cannot open the data (the WSGI entry point calls this at start)."""
    try:
        problems = field_keys_problems()
    except DatabaseError:
        # No database yet (first deploy, before migrate): /healthz reports it; nothing to open.
        return
    if problems:
        raise ImproperlyConfigured("The field keys do not fit this database: " + " ".join(problems))


@register(Tags.database)
def field_keys_check(app_configs=None, databases=None, **kwargs):
    if not databases:
        return []
    try:
        problems = field_keys_problems()
    except DatabaseError:
        return []
    return [Error(problem, id="governance.E010") for problem in problems]
