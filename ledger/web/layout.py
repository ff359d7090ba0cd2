"""Pages of the web layer: the Jinja templates (templates/, one base layout), the language a
browser chose (a cookie; Chinese unless it asked for English), and the answers every page
gives: HTML with the session's cookie, or a redirect to a path of this site."""

from __future__ import annotations

from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from ledger.db import StaffRole
from ledger.web import sessions
from ledger.web.words import DEFAULT_LANGUAGE, LANGUAGES, translate

HERE = Path(__file__).parent
STATIC = HERE / "static"
TEMPLATES = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,  # a misspelt name in a template fails its test, not silently
)
LANG_COOKIE = "tb_lang"
LANG_KEEP_S = 365 * 24 * 3600


def language(request: Request) -> str:
    chosen = request.cookies.get(LANG_COOKIE, "")
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def local_path(target: str, fallback: str = "/staff/") -> str:
    """`target` if it is a path on this site, else `fallback` (no open redirects)."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return fallback


def here(request: Request) -> str:
    """This page's path and query, for coming back to it (the language switch, the login)."""
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def office_minute(moment: datetime | str | None, zone: tzinfo) -> str:
    """`moment` (or its ISO text) as the office's clock shows it, to the minute; "" for none."""
    if moment is None:
        return ""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """The page `template` in the browser's language. Its forms call csrf_token(), which
    starts an anonymous session for a visitor who has none (ledger.web.sessions)."""
    lang = language(request)
    layer = request.app.state.web

    def csrf_token() -> str:
        return layer.sessions.ensure(request).csrf_token

    def t(key: str, **values: object) -> str:
        return translate(lang, key, **values)

    me = getattr(request.state, "staff", None)  # the signed-in staff (ledger.web.access)
    html = TEMPLATES.get_template(template).render(
        me=me,
        manager=me is not None and me.may(StaffRole.MANAGER),
        lang=lang,
        t=t,
        csrf_token=csrf_token,
        switch_url="/lang/" + ("zh" if lang == "en" else "en") + "?next=" + quote(here(request)),
        **context,
    )
    response = HTMLResponse(html, status_code=status)
    sessions.set_cookie(request, response)
    return response


def redirect(request: Request, target: str) -> Response:
    """See other (303): after a form, the browser asks for `target` with a GET."""
    response = RedirectResponse(local_path(target), status_code=303)
    sessions.set_cookie(request, response)
    return response
