"""Spoken Mandarin prompts in elder mode (长辈模式): one short sentence as each step of a visit
begins, played through Kivy's SoundLoader from WAV files rendered at install time.

`kiosk voice render` (kiosk/commands/voice.py) turns PROMPTS into `<key>.wav` files with
espeak-ng's Mandarin voice; deploy/install-kiosk.sh runs it. `[kiosk] voice_prompts = false`
turns them off. A missing file is logged once and the kiosk goes on silently.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from kiosk.core.view import KioskView, SessionState

log = logging.getLogger(__name__)

# What is said at each step, in Mandarin (the prompts are for members who read little).
PROMPTS = {
    "elder_on": "长辈模式已打开。请把二维码对准扫描口。",
    "pin": "请输入您的密码，然后点确定。",
    "pairing": "请用手机扫描屏幕上的二维码。",
    "catalog": "请点您要的物品，选好后点下一步。",
    "confirm": "请核对物品和币数，没问题就点确认。",
    "vending": "柜门开了，请取走物品，再把门关好。",
    "result_ok": "换好了，谢谢您。",
    "result_failed": "这次没有换成，请看屏幕上的说明。",
}
STEP_PROMPTS = {
    SessionState.PIN_ENTRY: "pin",
    SessionState.PAIRING: "pairing",
    SessionState.BROWSING: "catalog",
    SessionState.CONFIRMING: "confirm",
    SessionState.VENDING: "vending",
}


class Sound(Protocol):
    def play(self) -> None: ...

    def stop(self) -> None: ...


def prompt_for(view: KioskView) -> str | None:
    """The prompt for the step `view` shows, or None (no prompt there)."""
    if view.state is SessionState.RESULT and view.result is not None:
        return "result_ok" if view.result.ok else "result_failed"
    return STEP_PROMPTS.get(view.state)


def _kivy_loader(path: str) -> Any:
    from kivy.core.audio import SoundLoader

    return SoundLoader.load(path)


class VoicePrompts:
    """Says each step's prompt once, as the step begins; never raises into the UI."""

    def __init__(
        self,
        folder: Path | str,
        enabled: bool = True,
        load: Callable[[str], Sound | None] = _kivy_loader,
    ) -> None:
        self.folder = Path(folder)
        self.enabled = enabled
        self._load = load
        self._playing: Sound | None = None
        self._last: str | None = None
        self._missing: set[str] = set()

    def step(self, view: KioskView, elder: bool) -> None:
        """A view was shown: say its step's prompt if the step changed (elder mode only)."""
        key = prompt_for(view) if elder else None
        if key != self._last:
            self._last = key
            if key is not None:
                self.say(key)

    def say(self, key: str) -> bool:
        """Play one prompt now, stopping the one before. True when it started."""
        if not self.enabled or key not in PROMPTS:
            return False
        path = self.folder / f"{key}.wav"
        try:
            sound = self._load(str(path)) if path.is_file() else None
            if sound is None:
                if key not in self._missing:
                    self._missing.add(key)
                    log.warning("voice prompt %s: no playable %s (kiosk voice render)", key, path)
                return False
            if self._playing is not None:
                self._playing.stop()
            sound.play()
        except Exception:  # the audio device may be gone; the screens go on
            log.exception("voice prompt %s failed", key)
            return False
        self._playing = sound
        return True
