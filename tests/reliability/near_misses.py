"""Bad member codes for the property tests: any text at all, and near misses of a valid code
(one character changed, dropped or added, cut short, padded, another prefix, digits of another
script, a huge tail, a NUL byte), which a worn QR code, a cheap scanner or a prankster makes.

A near miss is data (`NearMiss`), applied to a code only inside the test, because a phone code
is valid for a few seconds and Hypothesis may replay an example much later.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

# Digits that str.isdigit() and the regex \d accept, but that no phone shows in a code.
OTHER_DIGITS = (
    "٠١٢٣٤٥٦٧٨٩",  # Arabic-Indic
    "０１２３４５６７８９",  # full-width, what a Chinese input method may type
    "०१२३४५६७८९",  # Devanagari
    "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗",  # mathematical bold (outside the BMP)
)
PREFIXES = ("tb1:", "tbc1:", "TB1:", "tb2:", "tb1::", "tb:", "", "tb1：")  # last: a wide colon
TRICKY = "0123456789:abcfmABCFM_-\x00\t\n\r \u200b\ufeff\ud800٣３"  # NUL, zero-width, surrogate


@dataclass(frozen=True)
class NearMiss:
    """One way a scan goes slightly wrong: `kind` at `at` (a fraction of the code's length)."""

    kind: str
    at: float = 0.0
    text: str = ""
    times: int = 1

    def apply(self, code: str) -> str:
        i = min(int(self.at * len(code)), len(code) - 1)
        head, tail = code[:i], code[i:]
        if self.kind == "replace":
            return head + self.text + tail[1:]
        if self.kind == "delete":
            return head + tail[1:]
        if self.kind == "insert":
            return head + self.text + tail
        if self.kind == "swap":
            return head + tail[1:2] + tail[:1] + tail[2:]
        if self.kind == "truncate":
            return head
        if self.kind == "pad":
            return self.text * self.times + code + self.text * self.times
        if self.kind == "prefix":
            return self.text + code.split(":", 1)[1]
        if self.kind == "digits":
            return head + tail.translate(str.maketrans("0123456789", self.text))
        raise ValueError(f"no near miss of kind {self.kind!r}")


def _one_char() -> st.SearchStrategy[str]:
    return st.sampled_from(TRICKY) | st.characters()


def near_misses() -> st.SearchStrategy[NearMiss]:
    """Near misses of any code; a test must still skip the rare one equal to the code."""
    at = st.floats(0, 1, exclude_max=True)
    return st.one_of(
        st.builds(NearMiss, st.sampled_from(["replace", "insert"]), at, _one_char()),
        st.builds(NearMiss, st.sampled_from(["delete", "swap", "truncate"]), at),
        # Whitespace around a code is the scanner's line ending, not a near miss.
        st.builds(
            NearMiss,
            st.just("pad"),
            text=st.text(_one_char(), min_size=1, max_size=3).filter(lambda t: t.strip() == t),
            times=st.integers(1, 400),
        ),
        st.builds(NearMiss, st.just("prefix"), text=st.sampled_from(PREFIXES)),
        st.builds(NearMiss, st.just("digits"), at, st.sampled_from(OTHER_DIGITS)),
    )


def any_code() -> st.SearchStrategy[str]:
    """Anything a scanner or a wrong QR code could hand over, including bytes read as Latin-1."""
    return st.one_of(
        st.text(max_size=80),
        st.text(_one_char(), max_size=40),
        st.binary(max_size=80).map(lambda b: b.decode("latin-1")),
        st.builds(lambda p, t: p + t, st.sampled_from(PREFIXES), st.text(_one_char(), max_size=40)),
        st.text(min_size=490, max_size=700),  # around the ledger's 500-character limit
    )
