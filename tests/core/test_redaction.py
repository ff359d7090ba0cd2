"""kiosk.core.redaction, the one redaction of event log, console and bundle: member codes however
they are framed, tokens, passwords and secret-named values go; ordinary words stay."""

from __future__ import annotations

import io
import logging

import pytest

from kiosk.core.redaction import REDACTED, RedactingFilter, guard_all, redact

CARD = "tbc1:card-0042:Zq8vK2mN5pR7sT1w"


@pytest.mark.parametrize(
    "text",
    [
        f"\x02{CARD}\x03",  # STX/ETX framing, as a scanner set to frame its reads sends
        repr(b"\x02" + CARD.encode() + b"\x03"),  # the driver's repr of the dropped bytes
        repr(b"\xff\xfe" + CARD.encode()),  # not UTF-8
        f"junk{CARD}junk",  # glued to letters
        f"\\u0002{CARD}\\u0003",  # JSON-escaped, as the event log writes it
        CARD.upper(),  # a scanner with caps lock
    ],
)
def test_a_card_code_in_junk_loses_its_secret(text):
    out = redact(text)
    assert "Zq8vK2mN5pR7sT1w".lower() not in out.lower()
    assert f"tbc1:{REDACTED}".lower() in out.lower()


def test_passwords_tokens_and_named_values_go_and_ordinary_words_stay():
    text = (
        "postgresql://ledger:pw123@db/tb Authorization: Basic dXNlcjpwYXNzd29yZA== "
        "Bearer tbk_abc pin=1234 api_key: 'k-9' basic self-test passed, stopping: now"
    )
    assert redact(text) == (
        f"postgresql://ledger:{REDACTED}@db/tb Authorization: Basic {REDACTED} "
        f"Bearer {REDACTED} pin={REDACTED} api_key: '{REDACTED}' basic self-test passed, "
        "stopping: now"
    )


def test_every_root_handler_redacts_once_and_learns_new_secrets():
    stream = io.StringIO()
    console = logging.StreamHandler(stream)
    root = logging.getLogger()
    root.addHandler(console)
    try:
        guard_all()
        guard_all(["tbk_the-kiosk-key"])
        logging.getLogger("kiosk.test.console").warning(
            "scan %r with key %s", b"\x02" + CARD.encode(), "tbk_the-kiosk-key"
        )
    finally:
        root.removeHandler(console)
    assert sum(isinstance(f, RedactingFilter) for f in console.filters) == 1
    shown = stream.getvalue()
    assert "Zq8vK2mN5pR7sT1w" not in shown and "tbk_the-kiosk-key" not in shown
    assert f"tbc1:{REDACTED}" in shown and f"with key {REDACTED}" in shown


def test_a_traceback_without_a_secret_keeps_its_exception_for_other_handlers() -> None:
    """The filter sits on every root handler (a test's log capture too): it drops a record's
    exception only where the traceback held a secret, and always leaves redacted text."""
    import logging
    import sys

    from kiosk.core.redaction import RedactingFilter

    def record_of(message: str) -> logging.LogRecord:
        try:
            raise RuntimeError(message)
        except RuntimeError:
            info = sys.exc_info()
        return logging.LogRecord("t", logging.ERROR, __file__, 1, "failed", None, info)

    guard = RedactingFilter(["kiosk-key-123"])
    plain = record_of("a bug")
    assert guard.filter(plain) and plain.exc_info is not None
    secret = record_of("refused key kiosk-key-123")
    assert guard.filter(secret) and secret.exc_info is None
    assert secret.exc_text is not None and "kiosk-key-123" not in secret.exc_text
