"""The time-bank ledger service: double-entry book, holds and the v1 HTTP API for kiosks.

Entry points: `ledger.api.create_app`, `ledger.server.EmbeddedLedger`, `ledger.demo.seed_demo`,
`ledger.cli.main` (the `timebank-ledger` command).
"""
