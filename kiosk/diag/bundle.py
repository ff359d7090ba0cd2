"""The diagnostic bundle: one .tar.gz of logs, the config, a journal summary, health, self-test and
versions, for a technician to hand to staff. Secrets never go in: keys, PINs, tokens and member
codes are redacted by name and by value, in every file (kiosk.core.redaction, as in the logs),
and the file itself is readable by its owner alone (0600).
"""

from __future__ import annotations

import contextlib
import glob
import io
import json
import logging
import os
import platform
import re
import shutil
import subprocess
import tarfile
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from kiosk.core.redaction import Redactor, config_secrets
from kiosk.diag.errors import BundleError
from kiosk.diag.health import kiosk_version, run_checks
from kiosk.diag.selftest import last_self_test
from kiosk.wiring.parts import KioskParts

log = logging.getLogger(__name__)

# Where desktop automount (udisks) and usbmount put a USB stick on Raspberry Pi OS.
USB_ROOTS = ("/media/*", "/media/*/*", "/run/media/*/*")
_PACKAGES = ("timebank-kiosk", "pyserial", "gpiozero", "kivy", "requests", "urllib3", "qrcode")
UNIT = "timebank-kiosk"  # the systemd unit whose journal goes in, when there is one
LOG_DAYS = 3


def usb_stick(
    roots: Iterable[str] = USB_ROOTS, is_mount: Callable[[str], bool] = os.path.ismount
) -> Path | None:
    """The first mounted, writable USB stick, if any."""
    for pattern in roots:
        for path in sorted(glob.glob(pattern)):
            if os.path.isdir(path) and is_mount(path) and os.access(path, os.W_OK):
                return Path(path)
    return None


def write_bundle(
    parts: KioskParts,
    out: str | Path | None = None,
    usb: Callable[[], Path | None] = usb_stick,
) -> Path:
    """Write the bundle to `out` (a folder or a .tar.gz path), else a USB stick, else the data
    folder's bundles/. Returns the file written."""
    target = _target(parts, out, usb)
    redact = Redactor(_secrets(parts))
    files = _contents(parts, redact)
    tmp = target.with_name(target.name + ".part")
    try:
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp.unlink(missing_ok=True)  # a left-over from a pull would keep its old mode
        # 0600 from its creation: logs and journal are for staff, not every user of the Pi.
        with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as raw:
            with tarfile.open(fileobj=raw, mode="w:gz") as tar:
                stamp = time.time()
                for name, data in files.items():
                    info = tarfile.TarInfo(f"{target.name.removesuffix('.tar.gz')}/{name}")
                    info.size, info.mtime, info.mode = len(data), int(stamp), 0o600
                    tar.addfile(info, io.BytesIO(data))
            raw.flush()
            os.fsync(raw.fileno())  # a USB stick is often pulled the moment the screen says done
        os.replace(tmp, target)
    except OSError as e:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise BundleError(f"cannot write the diagnostic bundle to {target}: {e}") from None
    log.info("diagnostic bundle written to %s", target)
    return target


def _target(parts: KioskParts, out: str | Path | None, usb: Callable[[], Path | None]) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    slug = re.sub(r"[^A-Za-z0-9]+", "-", parts.config.name).strip("-").lower() or "kiosk"
    name = f"kiosk-diag-{slug}-{stamp}.tar.gz"
    if out is not None:
        path = Path(out)
        return path if path.name.endswith(".tar.gz") else path / name
    stick = usb()
    return (stick if stick is not None else parts.config.data_dir / "bundles") / name


def _secrets(parts: KioskParts) -> list[str]:
    secrets = [parts.config.ledger.key]
    with contextlib.suppress(OSError):
        secrets += config_secrets(Path(parts.config.source).read_text())
    return secrets


def _contents(parts: KioskParts, redact: Redactor) -> dict[str, bytes]:
    def js(doc: Any) -> bytes:
        return redact.text(json.dumps(doc, indent=2, ensure_ascii=False, default=str)).encode()

    files: dict[str, bytes] = {}
    try:
        files["config.toml"] = redact.config(Path(parts.config.source).read_text()).encode()
    except OSError as e:
        files["config.toml"] = f"# config unreadable: {e}\n".encode()
    files["health.json"] = js([c.as_dict() for c in run_checks(parts)])
    files["selftest.json"] = js(last_self_test(parts.config.data_dir))
    files["journal.json"] = js(journal_summary(parts))
    files["service.json"] = js(
        {
            "now": parts.service.status(),
            "history": [s.as_dict() for s in parts.service.history()],
            "events": parts.events.status(),
        }
    )
    files["versions.json"] = js(versions())
    for name, path in _log_files(parts):
        try:
            files[f"logs/{name}"] = redact.text(path.read_text(errors="replace")).encode()
        except OSError as e:
            log.warning("bundle: log %s unreadable: %s", path, e)
    system_log = _system_log()
    if system_log:
        files[f"logs/{UNIT}.journal.txt"] = redact.text(system_log).encode()
    return files


def journal_summary(parts: KioskParts) -> dict[str, Any]:
    """Vend counts by state, the unfinished vends and the stock; no sessions and no members."""
    vends = parts.journal.all_vends()
    by_state: dict[str, int] = {}
    for v in vends:
        by_state[v.state.value] = by_state.get(v.state.value, 0) + 1
    fields: tuple[str, ...] = (
        "id",
        "sku",
        "price",
        "locker",
        "hold",
        "settlement",
        "reason",
        "attempts",
    )
    fields += ("last_error", "refused", "created_at")
    return {
        "vends_by_state": by_state,
        "unfinished": [
            {"state": v.state.value, **{f: getattr(v, f, None) for f in fields}}
            for v in parts.journal.unfinished()
        ],
        "lockers": [s.__dict__ for s in parts.journal.lockers()],
    }


def versions() -> dict[str, Any]:
    packages: dict[str, str | None] = {}
    for name in _PACKAGES:
        try:
            packages[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            packages[name] = None
    return {
        "kiosk": kiosk_version(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "packages": packages,
    }


def _log_files(parts: KioskParts) -> list[tuple[str, Path]]:
    found: dict[Path, str] = {}
    eventlog = parts.config.core.eventlog.path
    candidates = [eventlog] if eventlog is not None else []
    data = parts.config.data_dir
    for pattern in ("*.log", "*.log.*", "*.jsonl", "*.jsonl.*"):
        candidates += sorted(data.glob(pattern))
    if eventlog is not None:
        candidates += sorted(eventlog.parent.glob(eventlog.name + ".*"))
    for path in candidates:
        if path.is_file() and path.resolve() not in found:
            found[path.resolve()] = path.name
    return [(name, path) for path, name in found.items()]


def _system_log() -> str:
    """The kiosk service's systemd journal of the last days, when journalctl is there."""
    if shutil.which("journalctl") is None:
        return ""
    try:
        run = subprocess.run(
            ["journalctl", "-u", UNIT, "--since", f"-{LOG_DAYS}d", "--no-pager", "-q"],
            capture_output=True,
            text=True,
            timeout=20,
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return run.stdout if run.returncode == 0 else ""
