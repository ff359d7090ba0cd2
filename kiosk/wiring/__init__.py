"""Building the kiosk's parts from its config: which lock board, scanner and GPIO parts a
`kiosk.toml` names, made from the drivers. Nothing here starts a thread or decides anything.
"""
