"""Builds the QR scanner the [scanner] config names: a serial line scanner, a USB keyboard
wedge (keys fed by the UI's window binding), or a camera decoded with zxing-cpp."""

from __future__ import annotations

from drivers.scanner.camera import CameraScanner, OpenCvCamera
from drivers.scanner.serial_scanner import SerialScanner
from drivers.scanner.wedge import WedgeScanner
from kiosk.core.config import ScannerConfig


def build_scanner(config: ScannerConfig) -> SerialScanner | WedgeScanner | CameraScanner:
    """Raises ScannerUnavailable when a camera is asked for without the `camera` extra."""
    if config.kind == "wedge":
        return WedgeScanner()
    if config.kind == "camera":
        device: int | str = int(config.camera) if config.camera.isdigit() else config.camera
        return CameraScanner(OpenCvCamera(device))
    return SerialScanner(config.port, config.baud)
