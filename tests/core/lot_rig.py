"""A lot made at the rig's real ledger as staff make one (`timebank-ledger lot add`), for the
kiosk's lot tests. Until the ledger side of issue 18 has the command and the kiosk routes,
tests that need a real lot skip, saying so; they run unchanged once it is there."""

from __future__ import annotations

import pytest
import requests

from sim.site import SimulatedSite


def new_lot(site: SimulatedSite, sku: str, best_before: str, qty: int = 10) -> str:
    """The code (bare, without `tblot:`) of a new lot of `qty` units of `sku` at the site's
    ledger."""
    paths = requests.get(f"{site.ledger.url}/openapi.json", timeout=10).json().get("paths", {})
    if "/v1/kiosks/me/lots/{code}" not in paths:
        pytest.skip("the ledger has no kiosk lot routes yet (issue 18, ledger side)")
    argv = ["lot", "add", "--sku", sku, "--qty", str(qty), "--best-before", best_before]
    try:
        made = site.staff.command(*argv, "--donor", "测试捐赠人")
    except SystemExit:  # argparse: no `lot` command in this ledger yet
        pytest.skip("the ledger has no `lot add` yet (issue 18, ledger side)")
    return str(made["code"]).removeprefix("tblot:")
