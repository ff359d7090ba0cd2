"""The kiosk's configuration: one TOML file, validated at start; errors name the file and key."""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import MISSING, dataclass, field, fields
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kiosk.core.board_families import FACTORY_SETTINGS, FAMILIES
from kiosk.core.errors import ConfigError
from kiosk.core.gpio_config import GpioConfig, check_relay_cabinet, parse_gpio
from kiosk.core.interfaces import LockerAddress
from kiosk.core.journal import LockerStock
from kiosk.core.settings import SECTIONS, CoreSettings, SessionTimeouts, parse_core_settings
from kiosk.core.vend import VendTimings


@dataclass(frozen=True)
class LedgerConfig:
    url: str
    key: str
    timeout: float = 5.0
    verify_tls: bool = True
    key_file: Path | None = None  # where the key was read from; None: inline in the config


@dataclass(frozen=True)
class LockBoardConfig:
    """[lockboard]: a key left out takes its board family's factory setting (board_families)."""

    port: str
    protocol: str
    baud: int
    locks: int
    hook_open_bit: int
    item_present_bit: int
    timeout: float


@dataclass(frozen=True)
class ScannerConfig:
    port: str
    baud: int = 9600
    kind: str = "serial"  # serial | wedge (USB keyboard scanner) | camera (zxing-cpp extra)
    camera: str = "0"  # camera: a V4L2 device index ("0") or path/URL


@dataclass(frozen=True)
class KioskConfig:
    source: str
    name: str
    data_dir: Path
    language: str
    ledger: LedgerConfig
    lockboard: LockBoardConfig
    scanner: ScannerConfig
    vend: VendTimings
    lockers: tuple[LockerStock, ...] = field(default_factory=tuple)
    font_path: str | None = None
    large_text: bool = False
    idle_timeout: float = SessionTimeouts.idle  # [kiosk] idle_timeout: the catalog's screens
    core: CoreSettings = field(default_factory=CoreSettings)  # [session] [health] [eventlog] ...
    screen_diagonal: float = 7.0  # inches; the UI sizes 15 mm touch targets from it
    gpio: GpioConfig | None = None  # [gpio]: absent means no GPIO parts are built
    help_phone: str = ""  # [kiosk] help_phone: the number every error screen shows
    # [kiosk] office_tz: the office's time zone; its date decides when dated stock leaves sale
    office_tz: str = "Asia/Shanghai"
    # [kiosk] voice_prompts, voice_dir: elder mode's spoken prompts (kiosk voice render)
    voice_prompts: bool = True
    voice_dir: Path = Path("/opt/timebank-kiosk/voice")

    def today(self) -> date:
        """The office's date now, by this kiosk's clock: not the system's zone (often UTC)."""
        return datetime.now(ZoneInfo(self.office_tz)).date()

    @property
    def journal_path(self) -> Path:
        return self.data_dir / "journal.db"

    def item_sensor(self, locker: str) -> bool:
        """Whether `locker` has an item sensor: its board family's (Kerong boards have infrared
        ones, XOR boards none), or a relay cabinet's `item_sensor` pin for that lock."""
        if self.lockboard.protocol == "gpio":
            locks = self.gpio.locks if self.gpio is not None else ()
            return any(str(lk.address) == locker and lk.item_sensor is not None for lk in locks)
        family = FACTORY_SETTINGS.get(self.lockboard.protocol, {})
        return bool(family.get("item_sensors", True))

    def make_data_dir(self) -> Path:
        """The data folder, made if missing, which only the kiosk's user may enter: the journal,
        event log and bundles in it are nobody else's business (one made looser is tightened)."""
        try:
            self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            if self.data_dir.stat().st_mode & 0o077:
                self.data_dir.chmod(0o700)
        except OSError as e:
            raise ConfigError(f"{self.source}: data_dir {self.data_dir}: {e.strerror}") from None
        return self.data_dir


def _default(cls: type, name: str) -> Any:
    """The default written on a config class's field: each default is written there once, and
    the reader below takes it from there."""
    default = next(f.default for f in fields(cls) if f.name == name)
    assert default is not MISSING, f"{cls.__name__}.{name} has no default"
    return default


class _Section:
    """Reads one TOML table of known keys; an unknown key (often a typo) is an error."""

    def __init__(self, source: str, name: str, table: Any, keys: str) -> None:
        if not isinstance(table, dict):
            raise ConfigError(f"{source}: [{name}] must be a table")
        self.source, self.name, self.table = source, name, table
        unknown = sorted(set(table) - set(keys.split()))
        if unknown:
            raise ConfigError(f"{source}: unknown key {name}.{unknown[0]}")

    def get(self, key: str, kind: type, default: Any = ...) -> Any:
        where = f"{self.source}: {self.name}.{key}"
        if key not in self.table:
            if default is ...:
                raise ConfigError(f"{where} is missing")
            return default
        value = self.table[key]
        if isinstance(value, int) and not -(2**63) <= value < 2**63:
            # TOML integers are 64-bit; tomllib reads any size, which float() or SQLite reject.
            raise ConfigError(f"{where} is out of range: {value}")
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise ConfigError(f"{where} must be {kind.__name__}, not {value!r}")
        return value

    def choice(self, key: str, allowed: tuple[Any, ...], default: Any = ...) -> Any:
        value = self.get(key, type(allowed[0]), default)
        if value not in allowed:
            raise ConfigError(
                f"{self.source}: {self.name}.{key} must be one of {allowed}, not {value!r}"
            )
        return value

    def positive(self, key: str, kind: type, default: Any = ...) -> Any:
        value = self.get(key, kind, default)
        if not 0 < value < math.inf:  # also refuses nan
            raise ConfigError(f"{self.source}: {self.name}.{key} must be above 0, not {value!r}")
        return value


def _jam_after(s: _Section, default: float) -> float:
    value = s.get("jam_after", float, default)
    if not 0 <= value <= 30:  # also refuses nan
        raise ConfigError(f"{s.source}: vend.jam_after must be 0 (off) to 30 s, not {value!r}")
    return float(value)


def _iso_date(s: _Section, key: str) -> str | None:
    """A YYYY-MM-DD date, or None: best-before dates are compared as text, so they must be ISO."""
    text = s.get(key, str, None)
    if text is None:
        return None
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise ConfigError(
            f"{s.source}: {s.name}.{key} must be a date like 2027-06-30, not {text!r}"
        ) from None


# A phone number as people write one: digits, spaces, "-", "+" and brackets; 3 to 20 digits.
_PHONE = re.compile(r"\+?[0-9 ()-]+")


def _office_tz(s: _Section) -> str:
    zone = s.get("office_tz", str, _default(KioskConfig, "office_tz")).strip()
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"{s.source}: kiosk.office_tz {zone[:40]!r} is not a time zone, e.g. Asia/Shanghai"
        ) from None
    return zone


def _help_phone(s: _Section) -> str:
    text = s.get("help_phone", str, _default(KioskConfig, "help_phone")).strip()
    digits = sum(c.isdigit() for c in text)
    if text and not (_PHONE.fullmatch(text) and text.isascii() and 3 <= digits <= 20):
        raise ConfigError(
            f"{s.source}: kiosk.help_phone must be a phone number such as 010-6543 2100"
            f" (digits, spaces, - + and brackets), not {text!r}"
        )
    return text


def load_config(path: str | Path) -> KioskConfig:
    source = str(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{source}: no such file") from None
    except OSError as e:
        raise ConfigError(f"{source}: cannot be read: {e.strerror or e}") from None
    try:
        doc = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise ConfigError(f"{source}: line {line} is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{source}: not valid TOML: {e}") from None
    return parse_config(doc, source, base=Path(path).parent)


def parse_config(doc: dict[str, Any], source: str, base: Path) -> KioskConfig:
    known = {*SECTIONS, "kiosk", "ledger", "lockboard", "scanner", "vend", "locker", "gpio"}
    for key in doc:
        if key not in known:
            raise ConfigError(f"{source}: unknown section [{key}]")
    k = _Section(
        source,
        "kiosk",
        doc.get("kiosk", {}),
        "name data_dir language font_path large_text idle_timeout screen_diagonal help_phone"
        " voice_prompts voice_dir office_tz",
    )
    name = k.get("name", str, "kiosk")
    data_dir = base / k.get("data_dir", str, "data")
    language = k.choice("language", ("zh", "en"), "zh")
    font_path = k.get("font_path", str, _default(KioskConfig, "font_path"))
    large_text = k.get("large_text", bool, _default(KioskConfig, "large_text"))
    idle_timeout = k.positive("idle_timeout", float, _default(KioskConfig, "idle_timeout"))
    screen_diagonal = k.positive("screen_diagonal", float, _default(KioskConfig, "screen_diagonal"))
    help_phone = _help_phone(k)
    office_tz = _office_tz(k)
    voice_prompts = k.get("voice_prompts", bool, _default(KioskConfig, "voice_prompts"))
    voice_dir = base / k.get("voice_dir", str, str(_default(KioskConfig, "voice_dir")))

    lg = _Section(source, "ledger", doc.get("ledger", {}), "url key key_file timeout verify_tls")
    url = lg.get("url", str)
    if not url.startswith(("http://", "https://")):
        raise ConfigError(f"{source}: ledger.url must start with http:// or https://, not {url!r}")
    key = lg.get("key", str, None)
    key_file = lg.get("key_file", str, None)
    if (key is None) == (key_file is None):
        raise ConfigError(f"{source}: give exactly one of ledger.key and ledger.key_file")
    if key_file is not None:
        try:
            key = (base / key_file).read_text().strip()
        except (OSError, ValueError) as e:  # ValueError: a NUL in the name, or not UTF-8
            raise ConfigError(f"{source}: ledger.key_file cannot be read: {e}") from None
    ledger = LedgerConfig(
        url.rstrip("/"),
        str(key),
        lg.positive("timeout", float, _default(LedgerConfig, "timeout")),
        lg.get("verify_tls", bool, _default(LedgerConfig, "verify_tls")),
        None if key_file is None else base / key_file,
    )

    lb = _Section(
        source,
        "lockboard",
        doc.get("lockboard", {}),
        "port protocol baud locks hook_open_bit item_present_bit timeout",
    )
    protocol = lb.choice("protocol", (*FAMILIES, "gpio"), FAMILIES[0])
    # A relay cabinet ("gpio") has no board: the numbers below are then unused.
    factory = FACTORY_SETTINGS.get(protocol, FACTORY_SETTINGS[FAMILIES[0]])
    lockboard = LockBoardConfig(
        port=lb.get("port", str, "" if protocol == "gpio" else ...),  # relay locks: no port
        protocol=protocol,
        baud=lb.positive("baud", int, factory["baud"]),
        locks=lb.positive("locks", int, factory["locks"]),
        hook_open_bit=lb.choice("hook_open_bit", (1, 0), factory["hook_open_bit"]),
        item_present_bit=lb.choice("item_present_bit", (1, 0), factory["item_present_bit"]),
        timeout=lb.positive("timeout", float, factory["command_timeout"]),
    )

    sc = _Section(source, "scanner", doc.get("scanner", {}), "port baud kind camera")
    scanner_kind = sc.choice("kind", ("serial", "wedge", "camera"), _default(ScannerConfig, "kind"))
    scanner = ScannerConfig(
        sc.get("port", str, ... if scanner_kind == "serial" else ""),
        sc.positive("baud", int, _default(ScannerConfig, "baud")),
        scanner_kind,
        sc.get("camera", str, _default(ScannerConfig, "camera")),
    )

    v = _Section(
        source,
        "vend",
        doc.get("vend", {}),
        "door_open_timeout door_close_timeout poll_interval jam_after",
    )
    usual = VendTimings()  # the timings' defaults are written once, on VendTimings
    timings = VendTimings(
        door_open_timeout=v.positive("door_open_timeout", float, usual.door_open_timeout),
        door_close_timeout=v.positive("door_close_timeout", float, usual.door_close_timeout),
        poll_interval=v.positive("poll_interval", float, usual.poll_interval),
        # A relay cabinet's reed switch reads the door, which the member must pull: no jam is
        # judged from it unless the site says so.
        jam_after=_jam_after(v, 0.0 if protocol == "gpio" else usual.jam_after),
    )

    lockers: list[LockerStock] = []
    raw_lockers = doc.get("locker", [])
    if not isinstance(raw_lockers, list):
        raise ConfigError(f"{source}: locker must be an array of tables ([[locker]])")
    for i, raw in enumerate(raw_lockers):
        s = _Section(source, f"locker[{i}]", raw, "address sku count best_before")
        written = s.get("address", str)
        try:
            # Kept as "0:1" however written ("00:01"): stock and vends look lockers up by it.
            address = str(LockerAddress.parse(written))
        except ValueError as e:
            raise ConfigError(f"{source}: locker[{i}].address: {e}") from None
        twin = next((j for j, lk in enumerate(lockers) if lk.locker == address), None)
        if twin is not None:
            raise ConfigError(f"{source}: locker[{i}].address {address} is already locker[{twin}]")
        best_before = _iso_date(s, "best_before")
        count = s.get("count", int, 1)
        if count < 0:
            raise ConfigError(f"{source}: locker[{i}].count must be 0 or more, not {count}")
        lockers.append(LockerStock(address, s.get("sku", str), count, best_before, None))
    gpio = parse_gpio(doc, source, _Section)
    check_relay_cabinet(gpio, lockboard.protocol, [lk.locker for lk in lockers], source)
    return KioskConfig(
        source=source,
        name=name,
        data_dir=data_dir,
        language=language,
        ledger=ledger,
        lockboard=lockboard,
        scanner=scanner,
        vend=timings,
        lockers=tuple(lockers),
        font_path=font_path,
        large_text=large_text,
        idle_timeout=idle_timeout,
        core=parse_core_settings(doc, source, base, _Section, idle_timeout),
        screen_diagonal=screen_diagonal,
        gpio=gpio,
        help_phone=help_phone,
        office_tz=office_tz,
        voice_prompts=voice_prompts,
        voice_dir=voice_dir,
    )
