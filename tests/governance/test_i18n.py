from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def entries(path: Path):
    """(msgid, msgstr, fuzzy) for each entry of a .po file, joined over continuation lines."""
    block: dict[str, str] = {}
    key = None
    fuzzy = False
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if block.get("msgid"):
                yield block["msgid"], block.get("msgstr", block.get("msgstr[0]", "")), fuzzy
            block, key, fuzzy = {}, None, False
        elif line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("#"):
            continue
        elif line.startswith('"') and key:
            block[key] += line[1:-1]
        else:
            key, _, value = line.partition(" ")
            block[key] = value[1:-1]


def test_every_chinese_string_is_translated():
    po = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    problems = [msgid for msgid, msgstr, fuzzy in entries(po) if fuzzy or not msgstr]
    assert problems == []


def test_chinese_is_the_default_and_english_is_available(client):
    assert "登录" in client.get("/accounts/login/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert "Log in" in client.get("/accounts/login/").content.decode()
