"""Translation catalogs (translations/<language>.json) and the Translator screens use.

Every string on screen comes from a catalog. Keys the core emits (KioskView.notice,
out_of_service, result.message) are listed in CORE_KEYS and must exist in every catalog.
"""

from __future__ import annotations

import json
import logging
import os
from functools import cache
from pathlib import Path

from kiosk.ui.errors import MissingTranslation, UnknownLanguage

log = logging.getLogger(__name__)

CATALOG_DIR = Path(__file__).with_name("translations")
LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"

# Set to "1" (the tests do) to make a missing key raise instead of falling back.
STRICT_ENV = "KIOSK_STRICT_I18N"

CORE_KEYS = (
    "result.taken",
    "result.no_coins_taken",
    "result.not_taken",
    "result.partial",
    "result.none_taken",
    "result.jammed",
    "result.unlock_unknown",
    "result.not_tried",
    "result.awaiting_count",
    "result.collected",
    "result.collected_pool",
    "error.invalid_code",
    "error.code_used",
    "error.pin_required",
    "error.locked_out",
    "error.insufficient_funds",
    "error.price_changed",
    "error.ledger_unreachable",
    "error.unlock_failed",
    "error.unknown",
    "error.wrong_pin",
    "error.card_revoked",
    "error.pairing_expired",
    "error.cart_full",
    "error.sold_out",
    "oos.ledger",
    "oos.lockboard",
)


@cache
def load_catalog(language: str) -> dict[str, str]:
    """The catalog of one language, read once per process."""
    if language not in LANGUAGES:
        raise UnknownLanguage(f"no translation catalog for {language!r}; have {LANGUAGES}")
    with open(CATALOG_DIR / f"{language}.json", encoding="utf-8") as f:
        catalog = json.load(f)
    return {str(k): str(v) for k, v in catalog.items()}


class Translator:
    """Looks up UI strings in one language: `t("catalog.balance", balance=12)`.

    Strict (the default under tests, see STRICT_ENV) raises MissingTranslation for a missing
    key or format value. Otherwise a missing key falls back to the other catalogs and then to
    the key itself, so an unattended kiosk keeps working; the miss is logged.
    """

    def __init__(self, language: str = DEFAULT_LANGUAGE, strict: bool | None = None) -> None:
        self.language = language
        self.catalog = load_catalog(language)
        self.strict = os.environ.get(STRICT_ENV) == "1" if strict is None else strict

    def t(self, key: str, **fmt: object) -> str:
        template = self.catalog.get(key)
        if template is None:
            if self.strict:
                raise MissingTranslation(f"{key!r} is missing from the {self.language} catalog")
            log.warning("translation %r missing from the %s catalog", key, self.language)
            template = next(
                (load_catalog(lang)[key] for lang in LANGUAGES if key in load_catalog(lang)), key
            )
        try:
            return template.format(**fmt)
        except (KeyError, IndexError) as e:
            if self.strict:
                raise MissingTranslation(f"{key!r} needs the value {e}") from None
            log.warning("translation %r could not be formatted: missing %s", key, e)
            return template

    __call__ = t

    def other_language(self) -> str:
        """The language the language-switch button changes to."""
        others = [lang for lang in LANGUAGES if lang != self.language]
        return others[0]

    def __repr__(self) -> str:
        return f"Translator({self.language!r})"
