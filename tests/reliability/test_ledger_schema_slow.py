"""Schemathesis against the served ledger, the long run (CI runs the short one in
tests/ledger/test_openapi.py, whose set-up and check this reuses): many more generated requests
per operation, then stateful sequences along the links Schemathesis infers from the document
(sign in -> end the session, hold -> capture / void / read it, pairing -> poll it), with real
sessions put into the hold requests so that the sequences reach real holds.

Afterwards the books still hold: every transaction's postings sum to zero, no member is below
zero, and each member has what they started with less the holds that were captured.

    pytest -m slow tests/reliability/test_ledger_schema_slow.py
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from sqlalchemy import func, select

from ledger import book
from ledger.cli import with_book
from ledger.db import Hold, HoldState, Posting
from tests.ledger.conftest import Bank
from tests.ledger.test_openapi import (  # noqa: F401  (served: the ledger, as a fixture)
    NOT_FOR_IDEMPOTENT_CALLS,
    check_every_operation,
    served,
)

pytestmark = pytest.mark.slow

LONG_EXAMPLES = 1000  # per operation; CI sends 60
SCENARIOS = 1000
SHOPPERS = 4
START_COINS = 10_000


def test_many_generated_requests_never_make_the_ledger_fail(served: Bank) -> None:  # noqa: F811
    check_every_operation(served, LONG_EXAMPLES)


def workflow(bank: Bank, sessions: list[str]) -> Any:
    """The inferred state machine, calling as the kiosk does, with live sessions in holds."""
    schema = schemathesis.openapi.from_url(bank.url + "/openapi.json")
    auth = {"Authorization": f"Bearer {bank.key}"}

    class LedgerWorkflow(schema.as_state_machine()):  # type: ignore[misc]
        # The inferred links do not carry ids that exist (a generated session is never live,
        # a generated hold id never names a hold), so valid cases get real ones put in.
        holds: list[str] = []

        def before_call(self, case: Any) -> None:
            if case.meta is not None and case.meta.generation.mode.is_negative:
                return
            pick = len(str(case.body)) + len(str(case.path_parameters))
            if case.method == "POST" and case.path == "/v1/holds" and isinstance(case.body, dict):
                case.body["session"] = sessions[pick % len(sessions)]
                if pick % 2:  # and half the time an item that exists, at its price
                    case.body.update(sku="soap", price=25)
            if "hold_id" in (case.path_parameters or {}) and self.holds:
                case.path_parameters["hold_id"] = self.holds[pick % len(self.holds)]

        def after_call(self, response: Any, case: Any) -> None:
            if case.path == "/v1/holds" and response.status_code == 201:
                self.holds.append(response.json()["hold"])

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": auth}

        def validate_response(
            self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any
        ) -> None:
            case.validate_response(
                response,
                additional_checks=additional_checks,
                excluded_checks=NOT_FOR_IDEMPOTENT_CALLS,
                transport_kwargs=kwargs or None,
            )

    return LedgerWorkflow


def test_stateful_sequences_leave_the_books_balanced(served: Bank) -> None:  # noqa: F811
    shoppers = [served.add_member(START_COINS) for _ in range(SHOPPERS)]
    sessions = [served.login(member, secret) for member, secret in shoppers]
    machine = workflow(served, sessions)
    links = [name for name in dir(machine) if "___" in name]  # e.g. POST_v1_holds___201_...
    assert len(links) >= 5, f"Schemathesis found too few links to follow: {links}"
    machine.run(
        settings=settings(
            max_examples=SCENARIOS,
            stateful_step_count=10,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )

    def books(s: Any) -> dict[str, Any]:
        members = [m for m, _ in shoppers]
        captured = s.execute(
            select(Hold.member_id, func.sum(Hold.price))
            .where(Hold.state == HoldState.CAPTURED, Hold.member_id.in_(members))
            .group_by(Hold.member_id)
        ).all()
        return {
            "postings": s.scalar(select(func.sum(Posting.amount))),
            "unbalanced": s.scalars(
                select(Posting.transaction_id)
                .group_by(Posting.transaction_id)
                .having(func.sum(Posting.amount) != 0)
            ).all(),
            "captured": dict(captured),
            "holds": s.scalar(select(func.count()).select_from(Hold)),
            "posted": {m: book.posted_balance(s, book.member_account_id(m)) for m in members},
            "spendable": {m: book.spendable_balance(s, m) for m in members},
        }

    found = with_book(served.db_url, books)
    assert found["holds"] > 0, "no sequence reached a real hold"
    assert found["postings"] == 0 and found["unbalanced"] == [], found
    for member, _ in shoppers:
        assert found["posted"][member] == START_COINS - found["captured"].get(member, 0), found
        assert found["spendable"][member] >= 0, found
