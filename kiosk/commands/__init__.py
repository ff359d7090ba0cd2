"""The `kiosk` command's sub-commands, one module each: `run` (the kiosk on its hardware), `sim`
(on the simulated site), `demo`, `board` and `diag`. kiosk/cli.py parses and dispatches.
"""
