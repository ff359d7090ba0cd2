"""The member's phone page of a pairing (GET /pair/{id}): sign in, see the kiosk, confirm.

Served by the shared web layer (ledger.web): its base layout, style sheet, security headers,
language switch and session CSRF token on every form. The forms also carry a per-pairing token
(sign-in) and a one-use token given only after sign-in (confirm), so a form is bound to its
pairing. No JavaScript; codes and PINs are never echoed back or logged.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session, sessionmaker

from ledger import pairing, rate_limits, totp
from ledger.errors import ApiError, BadRequest, PairingGone
from ledger.web import layout
from ledger.web.layer import web_router
from ledger.web.messages import error_text, error_title, gone_page

FormField = Annotated[str, Form(max_length=500)]


def render(request: Request, status: int = 200, **context: Any) -> Response:
    return layout.render(request, "pair.html", status, **context)


def member_code(method: str, member: str, otp: str, card: str) -> str:
    """The member code the ledger checks, from what was typed on the phone."""
    if method == "card":
        return card.strip()
    return f"{totp.PHONE_PREFIX}:{member.strip()}:{otp.strip()}"


def router(
    db: sessionmaker[Session], clock: Callable[[], datetime], limits: rate_limits.Limits
) -> APIRouter:
    web = web_router()

    def signin_page(
        request: Request, pairing_id: str, status: int = 200, **context: Any
    ) -> Response:
        with db() as s, s.begin():
            found = pairing.page_pairing(s, pairing_id, clock())
            token = found.form_token if not isinstance(found, PairingGone) else ""
        if isinstance(found, PairingGone):
            return render(request, found.status, **gone_page(found.code))
        base = f"/pair/{pairing_id}"
        return render(request, status, view="signin", base=base, form_token=token, **context)

    @web.get("/pair/{pairing_id}")
    def show(pairing_id: str, request: Request) -> Response:
        try:
            return signin_page(request, pairing_id, member="")
        except ApiError as exc:
            return render(request, exc.status, **gone_page(exc.code))

    @web.post("/pair/{pairing_id}/signin")
    def sign_in(
        pairing_id: str,
        request: Request,
        form_token: FormField = "",
        method: FormField = "phone",
        member: FormField = "",
        otp: FormField = "",
        card: FormField = "",
        pin: FormField = "",
    ) -> Response:
        now = clock()
        code = member_code(method, member, otp, card)
        address = rate_limits.client_address(request.client)
        try:
            limits.check_signin(address)  # the phone's address, as for a kiosk's sign-ins
            guessed = limits.wrong_guess(address)
            token = pairing.sign_in(db, pairing_id, form_token, code, pin or None, now, guessed)
        except PairingGone as exc:
            return render(request, exc.status, **gone_page(exc.code))
        except ApiError as exc:
            # The member id is not a secret: keep it so only the code needs typing again.
            kept = member.strip() if method == "phone" else ""
            try:
                return signin_page(
                    request, pairing_id, exc.status, error=error_text(exc), member=kept
                )
            except ApiError as gone:
                return render(request, gone.status, **gone_page(gone.code))
        with db() as s, s.begin():
            found = pairing.page_pairing(s, pairing_id, now)
            if isinstance(found, PairingGone):
                return render(request, found.status, **gone_page(found.code))
            kiosk = pairing.kiosk_of(s, found)
            person = pairing.member_of(s, found)
            context: dict[str, Any] = {
                "kiosk_name": kiosk.name,
                "kiosk_location": kiosk.location,
                "member_name": person.name if person else "",
            }
        return render(
            request, view="confirm", base=f"/pair/{pairing_id}", confirm_token=token, **context
        )

    @web.post("/pair/{pairing_id}/confirm")
    def confirm(
        pairing_id: str, request: Request, confirm_token: FormField = "", decision: FormField = ""
    ) -> Response:
        if decision not in ("confirm", "decline"):
            return render(request, 422, view="message", **error_title(BadRequest()))
        try:
            with db() as s, s.begin():
                pairing.decide(s, pairing_id, confirm_token, decision == "confirm", clock())
        except ApiError as exc:
            return render(request, exc.status, **gone_page(exc.code))
        return render(
            request, **gone_page("confirmed" if decision == "confirm" else "declined_now")
        )

    return web
