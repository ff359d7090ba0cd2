"""The restock page counts a locker whose vend awaits a count before anything else: the count
settles that vend, then the locker can be filled as usual."""

from __future__ import annotations

from kiosk.core.steps import AwaitReason, VendStep
from kiosk.core.technician import TechPage
from tests.core.test_awaiting_count import held_at_unlocking
from tests.core.test_technician import badge_in, settled, tech  # noqa: F401 (the fixture)


def test_the_restock_page_records_the_count_a_waiting_vend_needs_and_it_settles(rig, tech):  # noqa: F811
    controller, views = tech
    member = rig.site.member("王阿姨")
    rec = held_at_unlocking(rig)
    rig.journal.await_count(rec.id, AwaitReason.RECOVERED_UNCOUNTED)
    badge_in(rig, controller, views)
    controller.tech_page(TechPage.RESTOCK)
    settled(views, lambda tv: tv.page is TechPage.RESTOCK)
    controller.tech_draft(locker="0:2")
    tv = settled(views, lambda tv: tv.draft.locker == "0:2")
    assert (tv.message, tv.detail) == ("tech.awaiting_count", "0:2")  # asked to count first
    [line] = [x for x in tv.lockers if x.locker == "0:2"]
    assert (line.awaiting_vend, line.expect_count) == (rec.id, 2)

    controller.tech_draft(count=2)  # both bottles are still there
    settled(views, lambda tv: tv.draft.count == 2)
    controller.tech_restock()
    tv = settled(views, lambda tv: (tv.message or "").startswith("tech.counted"))
    assert (tv.message, tv.detail) == ("tech.counted_not_taken", "0:2")
    assert [x.awaiting_vend for x in tv.lockers if x.locker == "0:2"] == [None]
    assert rig.journal.get(rec.id).state is VendStep.VOIDED
    assert rig.site.balance(member["member"]) == member["balance"]
