"""The kiosk's Kivy App: shows the screen for each KioskView and hands its screens the intents
(KioskIntents: a member's screen sends MemberIntents, the technician screen TechnicianIntents).

Threads: the core publishes views from worker threads with `post()`; everything else here,
`show()` included, runs on the Kivy main thread, which never waits on I/O
(docs/architecture.md, "Threads").
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.metrics import dp, sp
from kivy.properties import BooleanProperty, ListProperty, NumericProperty
from kivy.uix.screenmanager import NoTransition, ScreenManager

from kiosk.core.view import KioskIntents, KioskView, SessionState
from kiosk.ui import theme
from kiosk.ui.fonts import REFERENCE_GLYPH, ink_height, register_cjk_font
from kiosk.ui.i18n import DEFAULT_LANGUAGE, Translator
from kiosk.ui.memory import release_freed_memory
from kiosk.ui.screens import SCREENS, KioskScreen, screen_for
from kiosk.ui.voice import VoicePrompts

# States in which a visit is under way; returning to IDLE from one resets the language.
_VISIT_STATES = {
    SessionState.PIN_ENTRY,
    SessionState.PAIRING,
    SessionState.TECHNICIAN,
    SessionState.RESERVED,
    SessionState.BROWSING,
    SessionState.CONFIRMING,
    SessionState.VENDING,
    SessionState.RESULT,
}


class KioskApp(App):
    """The touch UI. Construct, then `run()`; feed it views with `post()` from any thread."""

    # Sizes the .kv files use; scaled with the window (see theme.BASE_WIDTH/HEIGHT).
    font_huge = NumericProperty(theme.FONT_HUGE)
    font_title = NumericProperty(theme.FONT_TITLE)
    font_large = NumericProperty(theme.FONT_LARGE)
    font_body = NumericProperty(theme.FONT_BODY)
    font_small = NumericProperty(theme.FONT_SMALL)
    # The technician screens' sizes: the design sizes, never raised (staff, not members).
    tech_small = NumericProperty(theme.FONT_SMALL)
    tech_body = NumericProperty(theme.FONT_BODY)
    # Elder mode (长辈模式): larger text, black on white, fewer items a page; see theme.py.
    large_text = BooleanProperty(False)
    text_color = ListProperty(theme.TEXT)
    background = ListProperty(theme.BACKGROUND)
    fake_bold = BooleanProperty(True)  # no bold face installed: bold text gets an outline
    touch_target = NumericProperty(theme.TOUCH_TARGET_DP)
    touch_min = NumericProperty(theme.TOUCH_TARGET_DP)  # 15 mm in pixels on this screen
    pad = NumericProperty(theme.PADDING_DP)
    spacing = NumericProperty(theme.SPACING_DP)
    radius = NumericProperty(theme.RADIUS_DP)

    def __init__(
        self,
        intents: KioskIntents,
        language: str = DEFAULT_LANGUAGE,
        font_path: str | None = None,
        font_cache: Path | None = None,  # extracted SC faces (cjk_face.py); None: ~/.cache
        large_text: bool = False,
        screen_diagonal: float = theme.DEFAULT_DIAGONAL_IN,
        on_click: Callable[[], None] | None = None,
        voice: VoicePrompts | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(**kwargs)
        self.title = "Time bank kiosk"
        self.intents = intents
        self.default_language = language
        self.translator = Translator(language)
        self.large_text_default = large_text
        self.large_text = large_text
        self.screen_diagonal = screen_diagonal
        # Called on every button press (Kivy thread): a click sound; must return at once.
        self.on_click = on_click
        self.voice = voice  # spoken prompts in elder mode (None: none)
        # Runs fc-match once, at construction, before the event loop starts.
        self.font_path, bold_path = register_cjk_font(font_path, font_cache)
        self.fake_bold = bold_path is None
        self.ink_ratio = 0.88  # measured on the font in build(), once there is a window
        self._view = KioskView()
        self.screens: ScreenManager | None = None  # set by build(); may sit inside a bigger root
        self._pending: KioskView | None = None
        self._pending_lock = threading.Lock()

    # -- Kivy ---------------------------------------------------------------------------------

    def build(self) -> ScreenManager:
        # Ink height of a full ideograph per px of font size, measured once on this font.
        self.ink_ratio = ink_height(100, text=REFERENCE_GLYPH) / 100 or self.ink_ratio
        manager = ScreenManager(transition=NoTransition())
        # Sizes follow the screens' own area, which a subclass may place in a bigger window.
        manager.bind(size=self._rescale)
        self.screens = manager
        self._rescale(manager, Window.size)
        self.bind(large_text=lambda *_a: self._rescale(manager, manager.size))
        for name, screen_class in SCREENS.items():
            manager.add_widget(screen_class(name=name, intents=self.intents))
        self._render(self._view)
        return manager

    def _rescale(self, _manager: object, size: tuple[float, float]) -> None:
        width, height = size
        scale = min(width / theme.BASE_WIDTH, height / theme.BASE_HEIGHT)
        scale = max(1.0, min(theme.MAX_SCALE, scale))
        text = scale  # elder mode raises the floor, not the titles, which are big already
        # The screens' area is the physical screen (in `kiosk sim`, the simulated one).
        per_mm = theme.px_per_mm(width, height, self.screen_diagonal)
        min_mm = theme.ELDER_TEXT_MIN_MM if self.large_text else theme.TEXT_MIN_MM
        floor = min_mm * per_mm / self.ink_ratio + 0.5  # + 0.5: the ink is whole pixels
        self.font_huge = max(sp(theme.FONT_HUGE) * text, floor)
        self.font_title = max(sp(theme.FONT_TITLE) * text, floor)
        self.font_large = max(sp(theme.FONT_LARGE) * text, floor)
        self.font_body = max(sp(theme.FONT_BODY) * text, floor)
        self.font_small = max(sp(theme.FONT_SMALL) * text, floor)
        self.tech_small = sp(theme.FONT_SMALL) * scale
        self.tech_body = sp(theme.FONT_BODY) * scale
        self.text_color = theme.ELDER_TEXT if self.large_text else theme.TEXT
        self.background = theme.ELDER_BACKGROUND if self.large_text else theme.BACKGROUND
        Window.clearcolor = self.background
        self.touch_min = theme.TOUCH_MIN_MM * per_mm
        self.touch_target = max(dp(theme.TOUCH_TARGET_DP) * scale, self.touch_min)
        self.pad = dp(theme.PADDING_DP) * scale
        self.spacing = dp(theme.SPACING_DP) * scale
        self.radius = dp(theme.RADIUS_DP) * scale

    # -- views --------------------------------------------------------------------------------

    @property
    def view(self) -> KioskView:
        """The latest view shown."""
        return self._view

    @property
    def current_screen(self) -> KioskScreen | None:
        """The screen showing now (None before `build()`)."""
        return self.screens.current_screen if self.screens is not None else None

    def show(self, view: KioskView) -> None:
        """Switch to the screen for `view.state` and render `view`. Kivy main thread only."""
        previous = self._view
        self._view = view
        if (
            view.state is SessionState.IDLE
            and previous.state in _VISIT_STATES
            and self.translator.language != self.default_language
        ):
            # The next visitor starts in the kiosk's default language.
            self.translator = Translator(self.default_language)
        if view.state is SessionState.IDLE and previous.state in _VISIT_STATES:
            self.large_text = self.large_text_default  # and text mode
        self._render(view)
        if view.state is SessionState.IDLE and previous.state in _VISIT_STATES:
            # A visit's screens leave freed buffers behind (bench/README.md); ~1 ms,
            # after the attract screen's first frame so nobody waits on it.
            Clock.schedule_once(lambda _dt: release_freed_memory(), 0.1)

    def post(self, view: KioskView) -> None:
        """Show `view` soon, on the Kivy thread. Safe from any thread; the latest view wins."""
        with self._pending_lock:
            scheduled = self._pending is not None
            self._pending = view
        if not scheduled:
            Clock.schedule_once(self._show_pending, 0)

    def _show_pending(self, _dt: float) -> None:
        with self._pending_lock:
            view, self._pending = self._pending, None
        if view is not None:
            self.show(view)

    def _render(self, view: KioskView) -> None:
        if self.screens is None:
            return  # build() renders the latest view
        name = screen_for(view.state)
        screen = self.screens.get_screen(name)
        screen.render(view, self.translator)  # before switching, so no stale frame shows
        if self.screens.current != name:
            self.screens.current = name
        if self.voice is not None:
            self.voice.step(view, self.large_text)

    # -- language -----------------------------------------------------------------------------

    @property
    def language(self) -> str:
        return self.translator.language

    def set_language(self, language: str) -> None:
        """Show every screen in `language` ("zh" or "en") from now on."""
        if language != self.translator.language:
            self.translator = Translator(language)
            self._render(self._view)

    def toggle_language(self) -> None:
        """The language button: switch between Chinese and English."""
        self.set_language(self.translator.other_language())

    # -- elder mode ---------------------------------------------------------------------------

    def toggle_large_text(self) -> None:
        """The 长辈模式 button: elder mode on or off until this visit ends."""
        self.large_text = not self.large_text
        if self.large_text and self.voice is not None:
            self.voice.say("elder_on")
        self._render(self._view)
