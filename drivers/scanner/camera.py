"""A camera as a QR scanner: a reader thread grabs frames, zxing-cpp decodes QR codes in them,
and a code held in front of the camera is delivered once, not once per frame.

Optional: needs the `camera` extra (zxing-cpp; opencv-python-headless for USB/V4L2 cameras).
The frame source is injectable, so tests feed images rendered with `qrcode`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

from drivers.errors import ScannerUnavailable
from drivers.scanner.codes import accept_code

log = logging.getLogger(__name__)

FORGET_AFTER = 10  # frames without a code before it counts as taken away (~1/3 s at 30 fps)
RETRY_OPEN = 2.0  # seconds between attempts to reopen a camera that went away


class FrameSource(Protocol):
    """Frames (numpy arrays or PIL images). `read` returns None when no frame is ready now and
    raises EOFError when the source has ended for good."""

    def read(self) -> Any | None: ...

    def close(self) -> None: ...


class FrameList:
    """A finite source of frames, e.g. rendered images in a test or a demo."""

    def __init__(self, frames: Iterable[Any]) -> None:
        self._frames: Iterator[Any] = iter(frames)

    def read(self) -> Any | None:
        try:
            return next(self._frames)
        except StopIteration:
            raise EOFError("no more frames") from None

    def close(self) -> None:
        self._frames = iter(())


class OpenCvCamera:
    """A V4L2/USB camera through OpenCV, reopened when it goes away (cable pulled)."""

    def __init__(self, device: int | str = 0, width: int = 640, height: int = 480) -> None:
        try:
            import cv2
        except ImportError as e:
            raise ScannerUnavailable(
                "camera scanner needs OpenCV: pip install 'timebank-kiosk[camera]'"
            ) from e
        self._cv2 = cv2
        self.device, self.width, self.height = device, width, height
        self._capture: Any = None

    def read(self) -> Any | None:
        cv2 = self._cv2
        if self._capture is None or not self._capture.isOpened():
            self._capture = cv2.VideoCapture(self.device)
            if not self._capture.isOpened():
                self._capture = None
                return None
            self._capture.set(cv2.CAP_PROP_FRAME_WIDTH, self.width)
            self._capture.set(cv2.CAP_PROP_FRAME_HEIGHT, self.height)
        ok, frame = self._capture.read()
        if not ok:
            self._capture.release()
            self._capture = None
            return None
        return cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)  # zxing reads luminance only

    def close(self) -> None:
        if self._capture is not None:
            self._capture.release()
            self._capture = None


class CodeDeduplicator:
    """Passes a code on when it appears, then not again until it has been out of view for
    `forget_after` frames in a row. Pure: fed one frame's codes at a time."""

    def __init__(self, forget_after: int = FORGET_AFTER) -> None:
        self.forget_after = forget_after
        self._unseen: dict[str, int] = {}  # code in view -> frames since last seen

    def frame(self, codes: Iterable[str]) -> list[str]:
        present = list(dict.fromkeys(codes))
        new = [c for c in present if c not in self._unseen]
        for code in list(self._unseen):
            self._unseen[code] += 1
            if self._unseen[code] >= self.forget_after:
                del self._unseen[code]
        for code in present:
            self._unseen[code] = 0
        return new


def _zxing() -> Any:
    try:
        import zxingcpp
    except ImportError as e:
        raise ScannerUnavailable(
            "camera scanner needs zxing-cpp: pip install 'timebank-kiosk[camera]'"
        ) from e
    return zxingcpp


class CameraScanner:
    """Implements kiosk.core.interfaces.CodeReader over a camera frame source."""

    def __init__(
        self,
        source: FrameSource,
        *,
        forget_after: int = FORGET_AFTER,
        retry_open: float = RETRY_OPEN,
        name: str = "camera",
    ) -> None:
        self._zxing = _zxing()
        self.source, self.name, self.retry_open = source, name, retry_open
        self._dedup = CodeDeduplicator(forget_after)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._on_code: Callable[[str], None] | None = None
        self.frames = 0
        self.delivered = 0
        self.state = "closed"

    def decode(self, frame: Any) -> list[str]:
        """The QR codes zxing-cpp finds in one frame (valid symbols only)."""
        found = self._zxing.read_barcodes(frame, formats=self._zxing.BarcodeFormat.QRCode)
        return [b.text for b in found if b.valid]

    def start(self, on_code: Callable[[str], None]) -> None:
        if self._thread is not None:
            raise RuntimeError(f"{self.name}: scanner already started")
        self._on_code = on_code
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"{self.name}-reader", daemon=True)
        self.state = "open"
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                frame = self.source.read()
            except EOFError:
                self.state = "ended"
                return
            except Exception as e:  # a camera driver error must not kill the reader for good
                log.error("%s: frame grab failed: %s", self.name, e)
                frame = None
            if frame is None:
                self.state = "waiting for camera"
                self._stop.wait(self.retry_open)
                continue
            self.state = "open"
            self.frames += 1
            try:
                texts = self.decode(frame)
            except Exception as e:  # an odd frame (size, depth) is skipped, not fatal
                log.warning("%s: frame not decodable: %s", self.name, e)
                continue
            for text in self._dedup.frame(texts):
                self._deliver(text)

    def _deliver(self, text: str) -> None:
        code = accept_code(text, self.name)
        if code is None or self._on_code is None:
            return
        self.delivered += 1
        try:
            self._on_code(code)
        except Exception:
            log.exception("%s: code handler failed", self.name)

    def wait_until_ended(self, timeout: float) -> bool:
        """For finite sources (tests, demos): True once every frame has been read."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return self.state == "ended"

    def status(self) -> dict[str, Any]:
        return {
            "kind": "camera",
            "state": self.state,
            "frames": self.frames,
            "delivered": self.delivered,
        }

    def close(self) -> None:
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout=5)
        self.source.close()
        self.state = "closed"

    def __enter__(self) -> CameraScanner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
