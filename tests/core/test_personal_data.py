from core.personal_data import ID_NUMBER_FIELDS, PHONE_FIELDS, decrypt, id_number_fields, keyed_hash, mask_id_number, mask_phone, phone_fields


def test_masks():
    assert mask_id_number("13010219800101123X") == "13***************X"
    assert mask_id_number("130102********123X") == "13***************X"  # an older mask re-masks to the same
    assert mask_phone("13812341234") == "138****1234"


def test_phone_fields_encrypt_hash_and_mask_one_number():
    fields = phone_fields("13812341234")
    assert tuple(fields) == PHONE_FIELDS
    assert decrypt(fields["phone_enc"]) == "13812341234"
    assert fields["phone_hash"] == keyed_hash("13812341234")
    assert fields["phone_masked"] == "138****1234"


def test_id_number_fields_encrypt_hash_and_mask_one_number():
    fields = id_number_fields("13010219800101123X")
    assert tuple(fields) == ID_NUMBER_FIELDS
    assert decrypt(fields["id_number_enc"]) == "13010219800101123X"
    assert fields["id_number_hash"] == keyed_hash("13010219800101123x")  # the hash ignores the check character's case
    assert fields["id_number_masked"] == "13***************X"


def test_no_number_stores_empty_columns():
    assert set(phone_fields("").values()) == {""}
    assert set(id_number_fields("").values()) == {""}
