"""Server-rendered pages of the ledger for members' phones (templates live in templates/)."""
