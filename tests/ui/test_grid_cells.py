"""The catalog's item cards and the confirm screen's cart rows are kept from one render to the
next and updated in place (kiosk/ui/screens/base.py GridCells, for the Kivy thread's sake):
whatever the views before, the screen shows exactly the latest one."""

import pytest

from tests.ui.scenarios import run_scenario

pytestmark = pytest.mark.ui


@pytest.fixture(scope="module")
def cells():
    return run_scenario("cells")


def test_a_catalog_that_shrinks_keeps_its_cards_and_shows_only_the_items_left(cells):
    assert cells["many"] == [f"item{i}" for i in range(1, 4)]
    assert cells["two"] == ["tissues", "water"]
    # One row of three: an empty cell keeps the two cards the size of a full page's.
    assert cells["two_shape"] == [3, 1, 3]
    assert cells["first_kept"] is True


def test_a_kept_card_shows_the_latest_view_of_its_item(cells):
    assert cells["six"] == ["tissues", "water", "noodles"]
    mark, detail, in_cart = cells["water"]
    assert in_cart == 1 and "1" in mark and "5" in detail
    assert cells["oil_disabled"] is True


def test_the_cart_rows_follow_the_cart_as_it_shrinks(cells):
    assert cells["full_cart"] == ["water", "tissues", "soap", "noodles", "rice"]
    assert cells["short_cart"] == ["矿泉水 ×\u00a02：40\u00a0币", "纸巾 ×\u00a01：15\u00a0币"]
