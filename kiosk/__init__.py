"""timebank-kiosk: the software of an unattended time-bank exchange kiosk.

`core/` is its logic, `ui/` its screens, `wiring/` builds its parts from the config, `diag/`
holds the technician's tools, `platform/` the host's services, `commands/` the sub-commands of
`kiosk` (`cli.py`); `app.py` puts the running kiosk together, and `ledger_client.py` speaks the
ledger's HTTP contract (docs/architecture.md, "The layers").
"""

__version__ = "0.1.0"
