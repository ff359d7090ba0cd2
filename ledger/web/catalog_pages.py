"""The console's catalog: every item with its price and whether it is offered (clerks see it),
and a manager's forms to add an item, change its names or price, retire it and offer it again.
The same functions as `timebank-ledger catalog` (ledger.catalog); every change audited."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from ledger import audit, catalog
from ledger.audit import AuditAction
from ledger.db import CatalogItem, StaffRole
from ledger.errors import BadRequest, UnknownSku
from ledger.web import layout
from ledger.web.access import SignedIn, signed_in
from ledger.web.errors import PageNotFound
from ledger.web.layer import WebLayer, web_router

Clerk = Annotated[SignedIn, Depends(signed_in(StaffRole.CLERK))]
Manager = Annotated[SignedIn, Depends(signed_in(StaffRole.MANAGER))]
Field = Annotated[str, Form(max_length=300)]
DONE = ("catalog_saved", "catalog_retired", "catalog_restored")


def _price(raw: str) -> int:
    text = raw.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 9:
        raise BadRequest(f"the price must be whole coins, 0 or more, not {raw!r}")
    return int(text)


def router(layer: WebLayer) -> APIRouter:
    web = web_router()

    def form_page(request: Request, form: dict[str, Any], editing: bool, error: str = "") -> Any:
        status = 400 if error else 200
        return layout.render(
            request, "catalog_form.html", status, form=form, editing=editing, error=error
        )

    def record(who: SignedIn, action: AuditAction, **detail: Any) -> Any:
        def write(s: Any) -> None:
            audit.record(s, action, who.staff.username, who.address, layer.clock(), **detail)

        return write

    @web.get("/staff/catalog")
    def catalog_list(request: Request, who: Clerk) -> Response:
        with layer.db() as s, s.begin():
            items = catalog.list_all(s)
        done = request.query_params.get("done", "")
        return layout.render(
            request, "catalog.html", items=items, done=done if done in DONE else ""
        )

    @web.get("/staff/catalog/new")
    def new_item(request: Request, who: Manager) -> Response:
        return form_page(request, {"sku": "", "zh": "", "en": "", "price": ""}, editing=False)

    @web.get("/staff/catalog/{sku}/edit")
    def edit_item(request: Request, who: Manager, sku: str) -> Response:
        with layer.db() as s, s.begin():
            try:
                item = catalog.get_item(s, sku)
            except UnknownSku as exc:
                raise PageNotFound(str(exc)) from exc
            form = {"sku": item.sku, "zh": item.name_zh, "en": item.name_en, "price": item.price}
        return form_page(request, form, editing=True)

    def save(request: Request, who: SignedIn, form: dict[str, Any], editing: bool) -> Response:
        try:
            with layer.db() as s, s.begin():
                if editing:
                    catalog.get_item(s, form["sku"])  # an edit never adds an item
                elif s.get(CatalogItem, form["sku"]) is not None:
                    raise BadRequest(f"the SKU {form['sku']} is taken already")
                item = catalog.set_item(
                    s, form["sku"], _price(form["price"]), form["zh"], form["en"]
                )
                record(
                    who,
                    AuditAction.CATALOG_SAVED,
                    sku=item.sku,
                    price=item.price,
                    name=item.name_zh,
                    new=not editing,
                )(s)
        except UnknownSku as exc:
            raise PageNotFound(str(exc)) from exc
        except BadRequest as exc:
            return form_page(request, form, editing, error=str(exc))
        return layout.redirect(request, "/staff/catalog?done=catalog_saved")

    @web.post("/staff/catalog/new")
    def add_item(
        request: Request,
        who: Manager,
        sku: Field = "",
        zh: Field = "",
        en: Field = "",
        price: Field = "",
    ) -> Response:
        form = {"sku": sku.strip(), "zh": zh, "en": en, "price": price}
        return save(request, who, form, editing=False)

    @web.post("/staff/catalog/{sku}/edit")
    def save_item(
        request: Request,
        who: Manager,
        sku: str,
        zh: Field = "",
        en: Field = "",
        price: Field = "",
    ) -> Response:
        return save(request, who, {"sku": sku, "zh": zh, "en": en, "price": price}, editing=True)

    def set_retired(who: SignedIn, sku: str, retired: bool) -> None:
        action = AuditAction.CATALOG_RETIRED if retired else AuditAction.CATALOG_RESTORED
        try:
            with layer.db() as s, s.begin():
                item = catalog.set_retired(s, sku, retired, layer.clock())
                record(who, action, sku=item.sku)(s)
        except UnknownSku as exc:
            raise PageNotFound(str(exc)) from exc

    @web.post("/staff/catalog/{sku}/retire")
    def retire(request: Request, who: Manager, sku: str) -> Response:
        set_retired(who, sku, True)
        return layout.redirect(request, "/staff/catalog?done=catalog_retired")

    @web.post("/staff/catalog/{sku}/restore")
    def restore(request: Request, who: Manager, sku: str) -> Response:
        set_retired(who, sku, False)
        return layout.redirect(request, "/staff/catalog?done=catalog_restored")

    return web
