"""The translation catalogs: complete, consistent, and strict under test."""

import ast
import re
from pathlib import Path

import pytest

from kiosk.ui.errors import MissingTranslation
from kiosk.ui.i18n import CORE_KEYS, LANGUAGES, Translator, load_catalog

UI_DIR = Path(__file__).resolve().parents[2] / "kiosk" / "ui"
KEY_PATTERN = re.compile(
    r"^(common|attract|member|catalog|cart|confirm|pin|pairing|locker|vend|result|tech|role|oos"
    r"|error|lang)\.\w+$"
)


def keys_used_in_ui_code() -> set[str]:
    """Every string literal in kiosk/ui/*.py that looks like a translation key."""
    keys = set()
    for path in UI_DIR.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            is_text = isinstance(node, ast.Constant) and isinstance(node.value, str)
            if is_text and KEY_PATTERN.match(node.value):
                keys.add(node.value)
    return keys


def test_both_catalogs_have_the_same_keys():
    assert set(load_catalog("zh")) == set(load_catalog("en"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_key_the_core_emits_is_translated(language):
    missing = [key for key in CORE_KEYS if key not in load_catalog(language)]
    assert not missing


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_key_the_screens_use_is_translated(language):
    used = keys_used_in_ui_code()
    assert "catalog.not_enough" in used  # the scan finds the screens' keys
    assert not used - set(load_catalog(language))


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_translation_is_empty(language):
    assert all(text.strip() for text in load_catalog(language).values())


def test_balance_and_locker_read_plainly_in_both_languages():
    zh, en = Translator("zh", strict=True), Translator("en", strict=True)
    # A number and its unit are joined by a no-break space: never on two lines.
    assert zh.t("member.balance", balance=35) == "余额 35\u00a0币"
    assert en.t("member.balance", balance=35) == "Balance: 35\u00a0coins"
    assert zh.t("locker.name", locker="3") == "3 号柜"
    assert en.t("locker.name", locker="3") == "Locker 3"
    assert zh.t("result.taken") == "请取走物品，欢迎再来"
    assert en.t("result.taken") == "Please take your item. Thank you!"


def test_a_missing_key_raises_when_strict():
    with pytest.raises(MissingTranslation, match="no.such_key"):
        Translator("zh", strict=True).t("no.such_key")


def test_a_missing_format_value_raises_when_strict():
    with pytest.raises(MissingTranslation, match="balance"):
        Translator("en", strict=True).t("member.balance")


def test_a_missing_key_falls_back_to_the_key_when_not_strict():
    assert Translator("zh", strict=False).t("no.such_key") == "no.such_key"


def test_the_language_button_offers_the_other_language():
    assert Translator("zh").other_language() == "en"
    assert Translator("zh").t("lang.switch") == "English"
    assert Translator("en").t("lang.switch") == "中文"


def keys_used_in_kv_files() -> set[str]:
    """Every quoted string in kiosk/ui/**/*.kv that looks like a translation key."""
    quoted = re.compile(r"[\"']([a-z_]+\.[a-z_]+)[\"']")
    keys = set()
    for path in UI_DIR.rglob("*.kv"):
        keys |= {
            k for k in quoted.findall(path.read_text(encoding="utf-8")) if KEY_PATTERN.match(k)
        }
    return keys


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_key_a_kv_file_uses_is_translated(language):
    assert not keys_used_in_kv_files() - set(load_catalog(language))


def test_every_error_code_the_core_knows_has_words_in_both_languages():
    from kiosk.core.view import KNOWN_ERRORS, error_key

    for language in LANGUAGES:
        catalog = load_catalog(language)
        assert not [code for code in KNOWN_ERRORS if error_key(code) not in catalog]


def test_the_chinese_font_has_a_glyph_for_every_character_on_screen():
    # A character the font lacks is drawn as an empty box ("tofu").
    ttlib = pytest.importorskip("fontTools.ttLib")
    from kiosk.ui.fonts import find_cjk_font
    from tests.ui.sample_views import SAMPLE_VIEWS

    path = find_cjk_font(None)
    font = ttlib.TTCollection(path).fonts[0] if path.endswith(".ttc") else ttlib.TTFont(path)
    cmap = font.getBestCmap()
    text = "".join(v for lang in LANGUAGES for v in load_catalog(lang).values())
    text += "●_0123456789:" + repr(SAMPLE_VIEWS)
    missing = sorted({ch for ch in text if ch.strip() and ord(ch) not in cmap})
    assert not missing
