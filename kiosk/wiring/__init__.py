"""Building the kiosk's parts from its config, once, for the running kiosk and the technician's
tools alike: the lock boards, scanner and GPIO parts a `kiosk.toml` names (made from the
drivers), the journal and the ledger client. Nothing here starts a thread or decides anything.
"""
