"""Rate limits inside one ledger process: a token bucket per kiosk (events it reports) and per
client address (wrong sign-in guesses), in memory, the least recently used forgotten past a bound.

Each ledger process keeps its own buckets (docs/deploy-ledger.md); the reverse proxy's limits
are shared by the whole machine. A full bucket holds `burst` tokens and refills at `per_second`.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from ledger.errors import LockedOut, RateLimited

# Keys remembered per limit. A forgotten bucket counts as full: only the least recently used
# go, so a flood's own key stays while it floods.
MAX_KEYS = 10_000


@dataclass(frozen=True)
class Rate:
    burst: float  # tokens a full bucket holds: what may come at once
    per_second: float  # tokens that come back each second: what may come for ever


# A kiosk's events: a kiosk sends one inventory snapshot per capture (kiosk/app.py), a busy one
# a few a minute, and after an outage its whole outbox (at most 2,000 events, in batches of
# 200: kiosk/core/outbox.py). The burst takes a full outbox and then a batch as large as the
# ledger takes (1,000: ledger.events); 10 a second is some fifty times a busy kiosk's rate.
KIOSK_EVENTS = Rate(burst=3_000, per_second=10)
# Wrong PINs and phone codes from one client address (a kiosk, or phones behind one NAT).
# Right ones cost nothing, so members signing in are never slowed; one guess every 5 s is
# some 17,000 a day, which finds a phone code (one in 33 million per guess) about never.
SIGNIN_GUESSES = Rate(burst=100, per_second=0.2)


class Buckets:
    """Token buckets by key, on the clock `now` (seconds); safe across threads."""

    def __init__(self, rate: Rate, now: Callable[[], float], max_keys: int = MAX_KEYS) -> None:
        self.rate, self.now, self.max_keys = rate, now, max_keys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key -> tokens, at
        self._lock = threading.Lock()

    def _tokens(self, key: str, now: float) -> float:
        tokens, at = self._buckets.get(key, (self.rate.burst, now))
        # max(): a clock set back (tests, NTP) refills nothing rather than draining.
        return min(self.rate.burst, tokens + max(0.0, now - at) * self.rate.per_second)

    def _store(self, key: str, tokens: float, now: float) -> None:
        self._buckets[key] = (tokens, now)
        self._buckets.move_to_end(key)
        while len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)

    def wait(self, key: str, cost: float = 1.0) -> float:
        """Seconds until `cost` tokens are in `key`'s bucket (0: now); takes nothing."""
        with self._lock:
            tokens = self._tokens(key, self.now())
        return _seconds_short(tokens, cost, self.rate)

    def take(self, key: str, cost: float = 1.0) -> float:
        """Take `cost` tokens if they are there and answer 0, else the seconds to wait."""
        with self._lock:
            now = self.now()
            tokens = self._tokens(key, now)
            if tokens < cost:
                self._store(key, tokens, now)  # refused, but used: a flood's key stays known
                return _seconds_short(tokens, cost, self.rate)
            self._store(key, tokens - cost, now)
        return 0.0

    def charge(self, key: str, cost: float = 1.0) -> None:
        """Take `cost` tokens for something already done (into debt, at most one burst deep:
        concurrent requests may all have seen the last token)."""
        with self._lock:
            now = self.now()
            self._store(key, max(-self.rate.burst, self._tokens(key, now) - cost), now)


def _seconds_short(tokens: float, cost: float, rate: Rate) -> float:
    return 0.0 if tokens >= cost else (cost - tokens) / rate.per_second


def whole_seconds(wait: float) -> int:
    """A wait as Retry-After says it: whole seconds, at least one."""
    return max(1, int(wait + 0.999))


class Limits:
    """The ledger's in-process limits, on the app's clock."""

    def __init__(
        self,
        now: Callable[[], float],
        kiosk_events: Rate = KIOSK_EVENTS,
        signin_guesses: Rate = SIGNIN_GUESSES,
    ) -> None:
        self.kiosk_events = Buckets(kiosk_events, now)
        self.signin_guesses = Buckets(signin_guesses, now)

    def take_events(self, kiosk_id: str, count: int) -> None:
        """Let a batch of `count` events of this kiosk through, or raise RateLimited (429)."""
        wait = self.kiosk_events.take(kiosk_id, count)
        if wait:
            seconds = whole_seconds(wait)
            raise RateLimited(
                f"this kiosk sent too many events; send these again in {seconds} s",
                extra={"retry_after": seconds},
                headers={"Retry-After": str(seconds)},
            )

    def check_signin(self, address: str) -> None:
        """Refuse a sign-in from `address` while its wrong guesses are over the limit: the
        kiosk's answer to a lock-out (locked_out, retry_after), which it shows to the member."""
        wait = self.signin_guesses.wait(address)
        if wait:
            seconds = whole_seconds(wait)
            raise LockedOut(
                f"too many wrong codes or PINs from this address; try again in {seconds} s",
                extra={"retry_after": seconds},
                headers={"Retry-After": str(seconds)},
            )

    def wrong_guess(self, address: str) -> Callable[[], None]:
        """What ledger.signin calls after a wrong guess from `address`."""
        return lambda: self.signin_guesses.charge(address)


def client_address(scope_client: tuple[str, int] | None) -> str:
    """The key of a client: its address (the proxy's X-Forwarded-For when believed, see
    ledger.server_limits), or "unknown" when the server was not told."""
    return scope_client[0] if scope_client else "unknown"
