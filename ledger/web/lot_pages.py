"""The console's goods pages (issue 18): take in a donation (one or more lots of one donor) and
print its labels and the donor's receipt; the lots list with near-expiry and out-of-sale flags
and the day's summary; a lot's trace with its moves, hand-outs and write-offs (the member of a
hand-out for managers only); the donors' list (爱心力量榜单). The same functions as
`timebank-ledger lot ...` (ledger.lots); every change audited as the signed-in clerk."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from ledger import audit, catalog, kiosks, lot_summary, lot_views, lots, settings
from ledger.audit import AuditAction
from ledger.db import StaffRole
from ledger.errors import LedgerError
from ledger.lot_pdf import label_pdf
from ledger.lot_tables import Donor, DonorKind, WriteoffReason
from ledger.web import layout
from ledger.web.access import SignedIn, signed_in
from ledger.web.errors import PageNotFound
from ledger.web.layer import WebLayer, web_router
from ledger.web.lot_forms import Intake, donation_codes, parse_intake, quantity
from ledger.web.words import translate

Clerk = Annotated[SignedIn, Depends(signed_in(StaffRole.CLERK))]
Field = Annotated[str, Form(max_length=300)]
DONE = ("moved", "returned", "written_off")


def said(request: Request, exc: LedgerError) -> tuple[str, str]:
    """(why, its language): a lot refusal in the page's language; any other in English."""
    if isinstance(exc, lots.LotError) and exc.key:
        lang = layout.language(request)
        return translate(lang, exc.key, **exc.words), lang
    return str(exc), "en"


def _pdf(data: bytes, name: str) -> Response:
    disposition = f'attachment; filename="{name}"'
    return Response(
        data, media_type="application/pdf", headers={"Content-Disposition": disposition}
    )


def router(layer: WebLayer) -> APIRouter:
    web = web_router()

    def today(s: Session) -> date:
        return settings.load(s).local(layer.clock()).date()

    def audited(s: Session, who: SignedIn, action: AuditAction, **detail: Any) -> None:
        audit.record(s, action, who.staff.username, who.address, layer.clock(), **detail)

    @web.get("/staff/lots")
    def lot_list(request: Request, who: Clerk) -> Response:
        which = request.query_params.get("show", "open")
        which = which if which in lot_views.FILTERS else "open"
        with layer.db() as s, s.begin():
            day = today(s)
            office = settings.load(s)
            rows = lot_views.lot_rows(s, day, which)
            summary = lot_summary.daily_summary(s, day, office.lot_warn_days)
        return layout.render(
            request, "lots.html", rows=rows, show=which, filters=lot_views.FILTERS,
            summary=summary, office=office,
        )  # fmt: skip

    def intake_page(request: Request, form: Intake, error: tuple[str, str] = ("", "")) -> Response:
        with layer.db() as s, s.begin():
            items = catalog.list_all(s)
            known = sorted(d.name for d in s.query(Donor))
            first = lots.get_lot(s, form.donation[0]) if form.donation else None
            giver = s.get(Donor, first.donor_id) if first is not None else None
        if giver is not None:  # another lot of the same donation: the same donor
            form = form.with_donor(giver.name, giver.kind.value)
        return layout.render(
            request, "lots_new.html", 400 if error[0] else 200, form=form, items=items,
            donors=known, kinds=[k.value for k in DonorKind], error=error[0], error_lang=error[1],
        )  # fmt: skip

    @web.get("/staff/lots/new")
    def new_lot(request: Request, who: Clerk) -> Response:
        try:
            donation = donation_codes(request.query_params.get("donation", ""))
        except LedgerError as exc:
            raise PageNotFound(str(exc)) from exc
        return intake_page(request, Intake(donation=donation))

    @web.post("/staff/lots/new")
    def take_in(
        request: Request,
        who: Clerk,
        donor: Field = "",
        donor_kind: Field = "person",
        sku: Field = "",
        qty: Field = "",
        best_before: Field = "",
        donation: Field = "",
    ) -> Response:
        form = Intake(donor, donor_kind, sku, qty, best_before, ())
        try:
            form = Intake(donor, donor_kind, sku, qty, best_before, donation_codes(donation))
            with layer.db() as s, s.begin():
                lot = lots.add_lot(s, *parse_intake(form), who.staff.username, layer.clock())
                audited(
                    s, who, AuditAction.LOT_TAKEN_IN, lot=lot.code, sku=lot.sku, qty=lot.qty,
                    best_before=lot.best_before.isoformat(), donor=form.donor.strip(),
                )  # fmt: skip
        except LedgerError as exc:
            return intake_page(request, form, error=said(request, exc))
        codes = ",".join([*form.donation, lot.code])
        return layout.redirect(request, f"/staff/lots/donation?lots={codes}")

    @web.get("/staff/lots/donation")
    def donation_page(request: Request, who: Clerk) -> Response:
        try:
            codes = donation_codes(request.query_params.get("lots", ""))
            with layer.db() as s, s.begin():
                taken = [lot_views.trace_view(s, code, with_member=False) for code in codes]
        except LedgerError as exc:
            raise PageNotFound(str(exc)) from exc
        if not taken:
            raise PageNotFound("no lots named")
        return layout.render(request, "lots_donation.html", lots=taken, codes=",".join(codes))

    @web.get("/staff/lots/receipt.pdf")
    def receipt(request: Request, who: Clerk) -> Response:
        from ledger.donor_receipt import receipt_number, receipt_pdf

        try:
            codes = donation_codes(request.query_params.get("lots", ""))
            with layer.db() as s, s.begin():
                pdf = receipt_pdf(s, codes, layout.language(request))
        except LedgerError as exc:
            raise PageNotFound(str(exc)) from exc
        return _pdf(pdf, f"receipt-{receipt_number(codes)}.pdf")

    @web.get("/staff/donors")
    def donors(request: Request, who: Clerk) -> Response:
        with layer.db() as s, s.begin():
            rows = lot_views.donor_rows(s)
        return layout.render(request, "donors.html", rows=rows)

    @web.get("/staff/lots/{code}/labels.pdf")
    def labels(request: Request, who: Clerk, code: str) -> Response:
        try:
            with layer.db() as s, s.begin():
                data = lot_views.trace_view(s, code, with_member=False)
        except LedgerError as exc:
            raise PageNotFound(str(exc)) from exc
        donor = data["donor"]["name"] if data["donor"] else ""
        pdf = label_pdf(data["lot"], data["item"], data["best_before"], donor, data["qty"])
        return _pdf(pdf, f"labels-{data['lot']}.pdf")

    def trace_page(
        request: Request, who: SignedIn, code: str, error: tuple[str, str] = ("", "")
    ) -> Response:
        manager = who.may(StaffRole.MANAGER)
        try:
            with layer.db() as s, s.begin():
                data = lot_views.trace_view(s, code, with_member=manager)
                fleet = kiosks.list_kiosks(s)
        except LedgerError as exc:
            raise PageNotFound(str(exc)) from exc
        done = request.query_params.get("done", "")
        return layout.render(
            request, "lot.html", 400 if error[0] else 200, lot=data, fleet=fleet, error=error[0],
            error_lang=error[1],
            reasons=[r.value for r in WriteoffReason], done=done if done in DONE else "",
            show_member=manager,
        )  # fmt: skip

    @web.get("/staff/lots/{code}")
    def lot_page(request: Request, who: Clerk, code: str) -> Response:
        return trace_page(request, who, code)

    def act(request: Request, who: SignedIn, code: str, done: str, work: Any) -> Response:
        try:
            with layer.db() as s, s.begin():
                work(s)
        except LedgerError as exc:
            return trace_page(request, who, code, error=said(request, exc))
        return layout.redirect(request, f"/staff/lots/{lots.parse_code(code)}?done={done}")

    @web.post("/staff/lots/{code}/writeoff")
    def write_off(
        request: Request,
        who: Clerk,
        code: str,
        qty: Field = "",
        reason: Field = "",
        where: Field = "store",
    ) -> Response:
        def work(s: Session) -> None:
            n = quantity(qty)
            why = WriteoffReason(reason) if reason in {r.value for r in WriteoffReason} else None
            if why is None:
                raise lots.LotError("choose why the units are written off", "lots.err_reason")
            at = None if where == "store" else where
            lots.writeoff(s, code, n, why, at, who.staff.username, layer.clock())
            audited(
                s, who, AuditAction.LOT_WRITTEN_OFF, lot=code, qty=n, reason=why.value, kiosk=at
            )

        return act(request, who, code, "written_off", work)

    # Between the store and a kiosk, either way: the same form, audited as its direction.
    SHIFTS = {
        "move": (lots.move_to_kiosk, AuditAction.LOT_MOVED, "moved"),
        "return": (lots.return_to_store, AuditAction.LOT_RETURNED, "returned"),
    }

    @web.post("/staff/lots/{code}/{way}")
    def shift(
        request: Request, who: Clerk, code: str, way: str, kiosk: Field = "", qty: Field = ""
    ) -> Response:
        if way not in SHIFTS:
            raise PageNotFound(f"no lot action {way[:20]!r}")
        do, action, done = SHIFTS[way]

        def work(s: Session) -> None:
            n = quantity(qty)
            do(s, code, kiosk, n, who.staff.username, layer.clock())
            audited(s, who, action, lot=code, kiosk=kiosk, qty=n)

        return act(request, who, code, done, work)

    return web
