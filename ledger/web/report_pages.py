"""The console's reports: the monthly figures drawn as charts (ledger.reports, ledger.web.charts),
the export of the book's events as CSV or Excel (ledger.exports), the volunteers' ranking with
the members' consent recorded here, and the members who have not exchanged for N months. The
same functions as `timebank-ledger report|export|ranking|idle`; exports and consents audited."""

from __future__ import annotations

from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from ledger import audit, exports, reports, settings, statement
from ledger.audit import AuditAction
from ledger.db import StaffRole
from ledger.errors import BadRequest, UnknownMember
from ledger.web import export_notes, layout
from ledger.web.access import SignedIn, signed_in
from ledger.web.charts import Series, bar_chart, ranked_bars
from ledger.web.errors import PageNotFound
from ledger.web.layer import WebLayer, web_router
from ledger.web.words import translate

Clerk = Annotated[SignedIn, Depends(signed_in(StaffRole.CLERK))]
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _zone(layer: WebLayer) -> ZoneInfo:
    """The office's time zone (ledger.settings: Asia/Shanghai unless changed)."""
    with layer.db() as s, s.begin():
        return settings.load(s).zone


def _months(layer: WebLayer, request: Request) -> tuple[str, str, statement.Period | None, str]:
    """The months asked for (default: the last twelve, in the office's time zone), their
    period, or why they are wrong."""
    zone = _zone(layer)
    this = layer.clock().astimezone(zone).strftime("%Y-%m")
    last = request.query_params.get("to", "")[:7] or this
    first = request.query_params.get("from", "")[:7]
    try:
        if not first:
            first = reports.months_before(statement.month_start(last), 11).strftime("%Y-%m")
        period = statement.months_period(first, last, zone)
        reports.months_of(period)  # at most MAX_MONTHS
    except BadRequest as exc:
        return first, last, None, str(exc)
    return first, last, period, ""


def _charts(data: dict[str, Any], t: Any, lang: str) -> dict[str, Any]:
    months = data["months"]
    return {
        "exchanges": bar_chart(
            t("reports.exchanges"),
            months,
            [Series(t("reports.count"), [e["count"] for e in data["exchanges"]])],
        ),
        "coins": bar_chart(
            t("reports.coins"),
            months,
            [
                Series(t("reports.issued"), [c["issued"] for c in data["coins"]]),
                Series(t("reports.redeemed"), [c["redeemed"] for c in data["coins"]]),
                Series(t("reports.outstanding"), [c["outstanding"] for c in data["coins"]]),
            ],
        ),
        "hours": bar_chart(
            t("reports.hours"),
            months,
            [Series(t("reports.hours_col"), [h["hours"] for h in data["hours"]])],
        ),
        "by_item": ranked_bars(
            t("reports.by_item"),
            [(e["label"][lang] if e["label"] else e["key"], e["count"]) for e in data["by_item"]],
        ),
        "by_kiosk": ranked_bars(
            t("reports.by_kiosk"),
            [(e["label"][lang] or e["key"], e["count"]) for e in data["by_kiosk"]],
        ),
    }


def router(layer: WebLayer) -> APIRouter:
    web = web_router()

    @web.get("/staff/reports")
    def report_page(request: Request, who: Clerk) -> Response:
        first, last, period, error = _months(layer, request)
        data, charts = None, None
        if period is not None:
            with layer.db() as s, s.begin():
                data = reports.summary(s, period)
            lang = layout.language(request)
            charts = _charts(data, lambda key: translate(lang, key), lang)
        status = 400 if error else 200
        return layout.render(
            request,
            "reports.html",
            status,
            first=first,
            last=last,
            error=error,
            data=data,
            charts=charts,
        )

    @web.get("/staff/export")
    def export(request: Request, who: Clerk) -> Response:
        chosen = request.query_params.get("format", "csv")
        if chosen not in MEDIA:
            raise PageNotFound(f"no export format {chosen!r}")
        first, last, period, error = _months(layer, request)
        if period is None:
            return layout.render(
                request,
                "reports.html",
                400,
                first=first,
                last=last,
                error=error,
                data=None,
                charts=None,
            )
        lang = layout.language(request)
        with layer.db() as s, s.begin():
            rows = statement.events(s, period)
            export_notes.put_notes(s, rows, lang)
            audit.record(
                s,
                AuditAction.EXPORTED,
                who.staff.username,
                who.address,
                layer.clock(),
                format=chosen,
                rows=len(rows),
                **{"from": first, "to": last},
            )
        body = exports.as_csv(rows, lang) if chosen == "csv" else exports.as_xlsx(rows, lang)
        name = f"timebank-{first}-{last}.{chosen}"
        return Response(
            body,
            media_type=MEDIA[chosen],
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    @web.get("/staff/reports/ranking")
    def ranking_page(request: Request, who: Clerk) -> Response:
        first, last, period, error = _months(layer, request)
        board: dict[str, Any] = {"listed": [], "not_opted_in": []}
        if period is not None:
            with layer.db() as s, s.begin():
                board = reports.summary(s, period)["ranking"]
        done = request.query_params.get("done", "")
        return layout.render(
            request,
            "ranking.html",
            400 if error else 200,
            first=first,
            last=last,
            error=error,
            board=board,
            done=done if done in ("ranking_yes", "ranking_no") else "",
        )

    @web.post("/staff/reports/ranking/{member_id}")
    def consent(
        request: Request, who: Clerk, member_id: str, agree: Annotated[str, Form(max_length=3)] = ""
    ) -> Response:
        opt_in = agree == "yes"
        try:
            with layer.db() as s, s.begin():
                reports.set_ranking_opt_in(s, member_id, opt_in)
                audit.record(
                    s,
                    AuditAction.RANKING_CONSENT,
                    who.staff.username,
                    who.address,
                    layer.clock(),
                    member=member_id[:16],
                    opt_in=opt_in,
                )
        except UnknownMember as exc:
            raise PageNotFound(str(exc)) from exc
        back = "/staff/reports/ranking?done=" + ("ranking_yes" if opt_in else "ranking_no")
        return layout.redirect(request, back)

    @web.get("/staff/reports/idle")
    def idle_page(request: Request, who: Clerk) -> Response:
        raw = request.query_params.get("months", "3")[:3]
        months = int(raw) if raw.isascii() and raw.isdigit() else 0
        if not 1 <= months <= reports.MAX_IDLE_MONTHS:
            months = 3
        now = layer.clock()
        zone = _zone(layer)
        with layer.db() as s, s.begin():
            rows = reports.idle_members(s, months, now, statement.Period(tz=zone))
        since = reports.months_before(now.astimezone(zone).date(), months)
        for row in rows:
            row["link"] = "/staff/members/" + row["member"]
        return layout.render(request, "idle.html", months=months, rows=rows, since=since)

    return web
