"""Bad kiosk config files: a valid config with one thing wrong (a value of the wrong type or out
of range, an unknown or missing key or section, a bad or twice-listed locker, a best-before that
is not a date, bytes that are not UTF-8, broken TOML) either loads, when the change is allowed,
or stops the kiosk with a ConfigError naming the file and the key or table; never a KeyError,
TypeError or any other traceback. The [gpio] section and relay cabinets are covered the same way.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kiosk.core.config import KioskConfig, load_config
from kiosk.core.errors import ConfigError
from tests.reliability.config_docs import (
    PINS,
    RELAY,
    REQUIRED,
    REQUIRED_IN_TABLES,
    RULES,
    SERIAL,
    Path_,
    address,
    dotted,
    get,
    known_keys,
    leaves,
    positive_seconds,
    table_of,
    with_value,
)
from tests.reliability.scale import examples

QUICK = settings(max_examples=examples(300), deadline=None, database=None)
BASES = {"serial": SERIAL, "relay": RELAY}
ANY_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=20)
TOML_VALUES = st.one_of(
    ANY_TEXT,
    st.sampled_from(["zh", "en", "kerong", "xor", "gpio", "switch", "0:2", "00:01", " 1:16"]),
    st.sampled_from(["0:0", "٠:١", "2027-02-30", "20270630", "tomorrow", "http://x", ""]),
    st.integers(-3, 40),
    st.integers(-(2**70), 2**70),
    st.floats(),  # nan and inf included
    st.booleans(),
    st.dates(),
    st.lists(st.integers(0, 3), max_size=2),
    st.just({"x": 1}),
)


def load(text: str | bytes) -> tuple[KioskConfig | None, str]:
    """The config `text` makes, or None and the ConfigError's message (anything else fails)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "kiosk.toml"
        path.write_bytes(text.encode() if isinstance(text, str) else text)
        try:
            return load_config(path), ""
        except ConfigError as e:
            message = str(e)
            assert message.startswith(f"{path}: "), message  # names the file
            assert message.count(str(path)) == 1, message  # once: not an error wrapped twice
            return None, message


def accepts(base: dict[str, Any], path: Path_, value: Any) -> bool:
    """Whether the kiosk should run with `value` at `path` (docs/protocols.md and the example
    config)."""
    name, original = path[-1], get(base, path)
    if name in PINS:
        others = {get(base, p) for p in leaves(base) if p[-1] in PINS and p != path}
        return type(value) is int and 0 <= value <= 27 and value not in others
    if name == "address":
        if base is RELAY:  # every locker must stay wired to its own relay
            return address(value) == original
        twins = {get(base, p) for p in leaves(base) if p[-1] == "address" and p != path}
        return address(value) is not None and address(value) not in twins
    if base is RELAY and dotted(path) == "lockboard.protocol":
        return value == "gpio"
    if name in RULES:
        return RULES[name](value)
    if isinstance(original, bool):
        return isinstance(value, bool)
    if isinstance(original, float):
        return positive_seconds(value)
    assert isinstance(original, str), dotted(path)
    return isinstance(value, str)  # names, ports, paths, keys: any text


def right_type(original: Any, value: Any) -> bool:
    if isinstance(original, bool) or isinstance(value, bool):
        return type(original) is type(value)
    if isinstance(original, float):
        return isinstance(value, int | float)
    return type(value) is type(original)


# A base and one of its keys, e.g. ("serial", ("lockboard", "baud")).
KEYS = st.sampled_from(sorted(BASES)).flatmap(
    lambda b: st.tuples(st.just(b), st.sampled_from(leaves(BASES[b])))
)


@QUICK
@given(case=KEYS, value=TOML_VALUES)
@example(case=("serial", ("vend", "door_open_timeout")), value=float("nan"))  # a vend never ends
@example(case=("serial", ("kiosk", "idle_timeout")), value=10**400)  # float() raised
@example(case=("serial", ("locker", 1, "address")), value="00:01")  # 0:1 twice, spelled apart
@example(case=("serial", ("locker", 0, "best_before")), value="tomorrow")  # compared as text
@example(case=("relay", ("gpio", "lock", 0, "relay")), value=18)  # the buzzer's pin
@example(case=("relay", ("gpio", "lock", 0, "address")), value="0:2")  # named lock[1] only
def test_any_value_in_any_key_loads_or_names_the_file_and_key(
    case: tuple[str, Path_], value: Any
) -> None:
    doc, path = BASES[case[0]], case[1]
    config, message = load(tomli_w.dumps(with_value(doc, path, value)))
    if accepts(doc, path, value):
        assert config is not None, f"{dotted(path)} = {value!r} refused: {message}"
        if path[-1] == "address" and path[0] == "locker":
            assert config.lockers[int(path[1])].locker == address(value)  # one spelling
        if path[-1] == "best_before":
            assert config.lockers[int(path[1])].best_before == date.fromisoformat(value).isoformat()
        return
    assert config is None, f"{dotted(path)} = {value!r} was accepted"
    where = (dotted(path), table_of(path)) + (("locker[",) if path[-1] == "address" else ())
    assert any(name in message for name in where), message
    if not right_type(get(doc, path), value):
        assert dotted(path) in message and ("must be" in message or "range" in message), message


KNOWN_TABLES = st.sampled_from(
    ["kiosk", "ledger", "lockboard", "scanner", "vend", "gpio", ("locker", 0), ("gpio", "lock", 1)]
)


@QUICK
@given(base=st.sampled_from(sorted(BASES)), table=KNOWN_TABLES, key=ANY_TEXT, value=TOML_VALUES)
def test_an_unknown_key_or_section_is_named(base: str, table: Any, key: str, value: Any) -> None:
    doc = BASES[base]
    where = table if isinstance(table, tuple) else (table,)
    if where == ("gpio", "lock", 1) and base == "serial":
        where = ()  # at the top: an unknown section
    if key in known_keys(where):
        return  # not unknown
    config, message = load(tomli_w.dumps(with_value(doc, (*where, key), value)))
    assert config is None
    expected = f"unknown key {dotted((*where, key))}" if where else f"unknown section [{key}]"
    assert expected in message, message


@QUICK
@given(case=KEYS, whole_table=st.booleans())
@example(case=("relay", ("gpio", "lock", 0, "address")), whole_table=False)  # said so twice
def test_a_missing_key_or_section_falls_back_to_its_default_or_is_named(
    case: tuple[str, Path_], whole_table: bool
) -> None:
    base, path = case
    doc = BASES[base]
    if whole_table:
        path = path[:1]
    config, message = load(tomli_w.dumps(with_value(doc, path, ...)))
    needed = dotted(path) in REQUIRED or path[-1] in REQUIRED_IN_TABLES
    needed |= dotted(path) == "gpio.status_light" and "fault_light" in doc["gpio"]  # its partner
    needed |= path in (("ledger",), ("scanner",), ("lockboard",))
    needed |= base == "relay" and path in (("gpio",), ("lockboard", "protocol"))
    if not needed:
        assert config is not None, f"without {dotted(path)}: {message}"
        return
    assert config is None, f"{dotted(path)} is needed"
    assert dotted(path) in message or path[0] in message, message


@QUICK
@given(text=st.text(st.characters(exclude_categories=["Cs"])), cut=st.integers(0, 2000))
def test_a_file_cut_short_or_with_text_dropped_in_loads_or_names_the_file(
    text: str, cut: int
) -> None:
    good = tomli_w.dumps(SERIAL)
    load(good[: cut % len(good)])  # load() fails the test on anything but a ConfigError
    load(good[: cut % len(good)] + text + good[cut % len(good) :])


@QUICK
@given(cut=st.integers(0, 2000), junk=st.sampled_from([b"\xff", b"\xc3", b"\xe4\xb8", b"\x80"]))
def test_bytes_that_are_not_utf8_are_refused_naming_the_file_and_line(
    cut: int, junk: bytes
) -> None:
    good = tomli_w.dumps(SERIAL).encode()
    at = cut % len(good)
    at -= next(i for i in range(4) if good[at - i] < 0x80 or good[at - i] >= 0xC0)  # char start
    _, message = load(good[:at] + junk + b"x" + good[at:])
    line = good[:at].count(b"\n") + 1
    assert f"line {line} is not UTF-8" in message, message


@pytest.mark.parametrize(
    ("key_file", "content"), [("kiosk\x00.key", b"k"), ("kiosk.key", b"\xff\xfe"), (".", b"")]
)
def test_a_key_file_that_cannot_be_read_is_named(key_file: str, content: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "kiosk.key").write_bytes(content)
        doc = with_value(
            with_value(SERIAL, ("ledger", "key"), ...), ("ledger", "key_file"), key_file
        )
        (Path(folder) / "kiosk.toml").write_text(tomli_w.dumps(doc))
        with pytest.raises(ConfigError, match="ledger.key_file cannot be read"):
            load_config(Path(folder) / "kiosk.toml")


def test_a_config_path_that_is_a_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=f"{tmp_path}: cannot be read"):
        load_config(tmp_path)
