"""The ledger's web layer: server-rendered pages for staff (/staff/), members' phones (/m/)
and the pairing page (/pair/), sharing templates, static files, sessions and CSRF (layer.py)."""
