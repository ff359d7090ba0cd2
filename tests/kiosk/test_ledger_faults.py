"""The ledger client through a fault proxy: down, slow, failing, and losing answers it committed.

A retry always carries the same idempotency key, so the ledger never charges twice.
"""

import time

import pytest

from kiosk.core.errors import LedgerUnreachable
from kiosk.ledger_client import LedgerClient
from sim.ledger_proxy import Fault, LedgerProxy
from sim.site import SimulatedSite


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with SimulatedSite(tmp_path_factory.mktemp("site")) as site:
        yield site


@pytest.fixture
def proxy(site):
    with LedgerProxy(site.ledger.url) as proxy:
        yield proxy


@pytest.fixture
def client(site, proxy):
    client = LedgerClient(proxy.url, site.demo["kiosk_key"], timeout=1.0, retries=2, backoff=0)
    yield client
    client.close()


def holds_on(site, key_sku, member):
    return [h for h in site.holds() if h["sku"] == key_sku and h["member"] == member]


def test_a_ledger_that_is_down_is_unreachable_and_says_so(client, proxy):
    proxy.inject(Fault.DOWN)
    with pytest.raises(LedgerUnreachable):
        client.catalog()
    with pytest.raises(LedgerUnreachable):
        client.health()


def test_a_ledger_slower_than_the_timeout_is_unreachable(client, proxy):
    proxy.inject(Fault.SLOW, delay=2.5)
    with pytest.raises(LedgerUnreachable):
        client.health()


def test_a_ledger_answering_503_is_retried_until_it_answers(client, proxy):
    proxy.inject(Fault.ERROR, only="/v1/catalog", times=2)
    assert {i.sku for i in client.catalog()} >= {"water", "tissues"}
    assert [what for _, path, what in proxy.seen if path == "/v1/catalog"] == [
        "error",
        "error",
        "none",
    ]


def test_a_ledger_answering_503_for_good_is_unreachable(client, proxy):
    proxy.inject(Fault.ERROR)
    with pytest.raises(LedgerUnreachable):
        client.catalog()


def test_a_hold_whose_answer_was_lost_is_retried_with_its_key_and_held_once(site, client, proxy):
    member = site.member("王阿姨")
    session = client.open_session(site.phone_code("王阿姨"))
    before = site.balance(member["member"])
    proxy.inject(Fault.LOSE_RESPONSE, only="/v1/holds", times=1)
    hold = client.hold(session.session, "soap", "0:4", 25, key="lost-hold-1")
    assert [h["hold"] for h in holds_on(site, "soap", member["member"])] == [hold.hold]
    assert site.balance(member["member"]) == before - 25

    proxy.inject(Fault.LOSE_RESPONSE, only=f"/v1/holds/{hold.hold}/capture", times=1)
    assert client.capture(hold.hold, key="lost-hold-1:capture").state == "captured"
    assert site.balance(member["member"]) == before - 25  # captured once, not twice
    assert [h["state"] for h in holds_on(site, "soap", member["member"])] == ["captured"]


def test_a_slow_hold_that_committed_after_the_timeout_is_not_held_twice(site, client, proxy):
    member = site.member("王阿姨")
    session = client.open_session(site.phone_code("王阿姨", at=time.time() - 30))
    before = site.balance(member["member"])
    proxy.inject(Fault.SLOW, delay=1.5, only="/v1/holds", times=1)
    hold = client.hold(session.session, "noodles", "0:5", 30, key="slow-hold-1")
    assert [h["hold"] for h in holds_on(site, "noodles", member["member"])] == [hold.hold]
    client.void(hold.hold, "test", key="slow-hold-1:void")
    assert site.balance(member["member"]) == before
