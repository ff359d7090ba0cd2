"""The diagnostic bundle is readable by its owner alone (0600, whatever the umask), and a log an
older kiosk wrote with junk-framed codes in the clear goes into it redacted."""

from __future__ import annotations

import os
import stat
import tarfile

from kiosk.diag.bundle import write_bundle

CARD = "tbc1:card-0042:Zq8vK2mN5pR7sT1w"
PHONE = "tb1:m000001:48213377"


def test_the_bundle_is_0600_even_under_a_permissive_umask(parts, tmp_path):
    old = os.umask(0o000)
    try:
        path = write_bundle(parts, tmp_path / "out")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with tarfile.open(path) as tar:
        assert all(stat.S_IMODE(m.mode) == 0o600 for m in tar.getmembers() if m.isfile())


def test_codes_in_junk_are_redacted_in_a_log_that_holds_them_in_the_clear(parts, tmp_path):
    framed = b"\x02" + CARD.encode() + b"\x03"
    lines = [
        f"serial0: unreadable scan dropped: {framed!r}",
        f"raw \x02{CARD}\x03 and \x1b[2~{PHONE}\x00 and junk{CARD.upper()}",
        f'{{"message": "dropped \\u0002{CARD}\\u0003"}}',
    ]
    (parts.config.data_dir / "console.log").write_text("\n".join(lines) + "\n")
    path = write_bundle(parts, tmp_path / "out")
    with tarfile.open(path) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith("logs/console.log"))
        text = tar.extractfile(member).read().decode()  # type: ignore[union-attr]
    assert "unreadable scan dropped" in text and "tbc1:<redacted>" in text
    for secret in ("Zq8vK2mN5pR7sT1w", "ZQ8VK2MN5PR7ST1W", "48213377"):
        assert secret not in text, f"{secret!r} went into the bundle"
