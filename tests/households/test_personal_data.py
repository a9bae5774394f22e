import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command

from core.personal_data import decrypt, mask_id_number, reset_keys
from households.models import Household, Resident

pytestmark = pytest.mark.django_db


def test_values_are_encrypted_at_rest():
    resident = Resident.objects.exclude(id_number_enc="").first()
    plain = decrypt(resident.id_number_enc)
    assert plain not in resident.id_number_enc
    assert resident.id_number_masked == mask_id_number(plain)


def test_key_rotation_keeps_every_value_readable(settings):
    resident = Resident.objects.exclude(id_number_enc="").first()
    household = Household.objects.exclude(phone_enc="").first()
    before = (decrypt(resident.id_number_enc), decrypt(household.phone_enc))
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, *settings.FIELD_ENCRYPTION_KEYS]
    reset_keys()
    try:
        call_command("rotate_field_keys")
        resident.refresh_from_db()
        household.refresh_from_db()
        # Only the new key is needed now.
        settings.FIELD_ENCRYPTION_KEYS = [new_key]
        reset_keys()
        assert (decrypt(resident.id_number_enc), decrypt(household.phone_enc)) == before
    finally:
        reset_keys()
