"""The kiosk on its host: systemd's notify and watchdog protocol, and the event log file."""
