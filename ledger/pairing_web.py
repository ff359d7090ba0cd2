"""The member's phone page of a pairing (GET /pair/{id}): sign in, see the kiosk, confirm.

Plain server-rendered HTML (no JavaScript), Chinese first with English. The forms carry a
per-pairing token (sign-in) and a one-use token given only after sign-in (confirm), so no
other site can submit them. Codes and PINs are never echoed back or logged.
"""

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.orm import Session, sessionmaker

from ledger import bodies, pairing, rate_limits, totp
from ledger.errors import ApiError, BadRequest, PairingGone
from ledger.web.messages import error_text, error_title, gone_page

TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "web" / "templates"),
    autoescape=select_autoescape(["html"]),
)

# The page holds a bearer-like pairing id: keep it out of caches, referrers and frames.
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"
    ),
}

FormField = Annotated[str, Form(max_length=500)]


def render(status: int = 200, **context: Any) -> HTMLResponse:
    html = TEMPLATES.get_template("pair.html").render(**context)
    return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)


def member_code(method: str, member: str, otp: str, card: str) -> str:
    """The member code the ledger checks, from what was typed on the phone."""
    if method == "card":
        return card.strip()
    return f"{totp.PHONE_PREFIX}:{member.strip()}:{otp.strip()}"


def router(
    db: sessionmaker[Session], clock: Callable[[], datetime], limits: rate_limits.Limits
) -> APIRouter:
    web = APIRouter(include_in_schema=False, route_class=bodies.CheckedBodyRoute)

    def signin_page(pairing_id: str, status: int = 200, **context: Any) -> HTMLResponse:
        with db() as s, s.begin():
            found = pairing.page_pairing(s, pairing_id, clock())
            token = found.form_token if not isinstance(found, PairingGone) else ""
        if isinstance(found, PairingGone):
            return render(found.status, **gone_page(found.code))
        base = f"/pair/{pairing_id}"
        return render(status, view="signin", base=base, form_token=token, **context)

    @web.get("/pair/{pairing_id}", response_class=HTMLResponse)
    def show(pairing_id: str) -> HTMLResponse:
        try:
            return signin_page(pairing_id, member="")
        except ApiError as exc:
            return render(exc.status, **gone_page(exc.code))

    @web.post("/pair/{pairing_id}/signin", response_class=HTMLResponse)
    def sign_in(
        pairing_id: str,
        request: Request,
        form_token: FormField = "",
        method: FormField = "phone",
        member: FormField = "",
        otp: FormField = "",
        card: FormField = "",
        pin: FormField = "",
    ) -> HTMLResponse:
        now = clock()
        code = member_code(method, member, otp, card)
        address = rate_limits.client_address(request.client)
        try:
            limits.check_signin(address)  # the phone's address, as for a kiosk's sign-ins
            guessed = limits.wrong_guess(address)
            token = pairing.sign_in(db, pairing_id, form_token, code, pin or None, now, guessed)
        except PairingGone as exc:
            return render(exc.status, **gone_page(exc.code))
        except ApiError as exc:
            # The member id is not a secret: keep it so only the code needs typing again.
            kept = member.strip() if method == "phone" else ""
            try:
                return signin_page(pairing_id, exc.status, error=error_text(exc), member=kept)
            except ApiError as gone:
                return render(gone.status, **gone_page(gone.code))
        with db() as s, s.begin():
            found = pairing.page_pairing(s, pairing_id, now)
            if isinstance(found, PairingGone):
                return render(found.status, **gone_page(found.code))
            kiosk = pairing.kiosk_of(s, found)
            person = pairing.member_of(s, found)
            context: dict[str, Any] = {
                "kiosk_name": kiosk.name,
                "kiosk_location": kiosk.location,
                "member_name": person.name if person else "",
            }
        return render(view="confirm", base=f"/pair/{pairing_id}", confirm_token=token, **context)

    @web.post("/pair/{pairing_id}/confirm", response_class=HTMLResponse)
    def confirm(
        pairing_id: str, confirm_token: FormField = "", decision: FormField = ""
    ) -> HTMLResponse:
        if decision not in ("confirm", "decline"):
            return render(422, view="message", **error_title(BadRequest()))
        try:
            with db() as s, s.begin():
                pairing.decide(s, pairing_id, confirm_token, decision == "confirm", clock())
        except ApiError as exc:
            return render(exc.status, **gone_page(exc.code))
        return render(**gone_page("confirmed" if decision == "confirm" else "declined_now"))

    return web
