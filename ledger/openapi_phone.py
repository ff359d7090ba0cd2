"""The member's phone pages (/m/) in the served OpenAPI document (ledger/openapi.py).

They are pages for a phone's browser, not a JSON API: answers are HTML (a page, or 303 to the
next one), each POST is a form carrying the page's CSRF token (`csrf`, not in the schema: the
guard reads it before the endpoint) and, where coins move, a one-time `once` token, so a
double tap moves them once. They are documented because they move coins as the kiosk's calls
do; tests/ledger/test_openapi_phone.py probes every one against what is written here.
"""

from typing import Any

DEVICE_SCHEME = {
    "type": "apiKey",
    "in": "cookie",
    "name": "tb_device",
    "description": "the phone's credential, set by its one-time enrolment link (HttpOnly)",
}
HTML = "text/html"

NO_PHONE = "no enrolled phone: the device cookie is missing, unknown or switched off (a page)"
SLOW_DOWN = "too many tries from this phone: the page says when to try again (Retry-After)"
UNAVAILABLE = "the database is down"
PAGE_ANSWERS: dict[int, str] = {
    200: "the page",
    401: NO_PHONE,
    404: "no such member, pool, item or kiosk (a page)",
    422: "the address's question makes no sense (not a whole number, oneself; a page)",
    429: SLOW_DOWN,
    503: UNAVAILABLE,
}
FORM_ANSWERS: dict[int, str] = {
    303: "done: on to the page that shows the result",
    401: NO_PHONE,
    402: "not enough coins (a page with the balance)",
    403: "the form's CSRF token is missing or stale, or the phone's daily spend limit is reached",
    404: "no such member, pool, item, kiosk or reservation (a page)",
    409: "the step is no longer open: the pool closed, the item is gone, the token was used",
    413: "the form is over the size limit",
    422: "the form makes no sense (not a whole number, oneself, a field too long)",
    429: SLOW_DOWN,
    503: UNAVAILABLE,
}
# Routes whose answers differ from a page's.
OWN_ANSWERS: dict[tuple[str, str], dict[int, tuple[str, str]]] = {
    ("get", "/m/enrol/{token}"): {
        200: (HTML, "the code page; the answer sets the device cookie"),
        410: (HTML, "the link was used already or has expired"),
        429: (HTML, SLOW_DOWN),
        503: (HTML, UNAVAILABLE),
    },
    ("get", "/m/status"): {
        200: ("application/json", '{"member", "name", "balance", "at"}'),
        401: ("application/json", '{"error": "device_revoked"}: no enrolled phone'),
        503: ("application/json", UNAVAILABLE),
    },
    ("get", "/m/sw.js"): {200: ("text/javascript", "the service worker")},
    ("get", "/m/pools"): {
        200: (HTML, "the page"),
        303: (HTML, "with ?number=: on to that pool's page"),
        401: (HTML, NO_PHONE),
        503: (HTML, UNAVAILABLE),
    },
}
NO_DEVICE_NEEDED = {("get", "/m/enrol/{token}"), ("get", "/m/sw.js")}
# The code page answers without a device too: it says the phone is not enrolled (and the
# phone's script forgets the secret it kept), so the cookie is optional there.
DEVICE_OPTIONAL = {("get", "/m/")}


def complete(method: str, path: str, op: dict[str, Any]) -> None:
    """Write the phone route's answers (and its device cookie) into its operation."""
    own = OWN_ANSWERS.get((method, path))
    if own is None:
        words = FORM_ANSWERS if method == "post" else PAGE_ANSWERS
        own = {status: (HTML, meaning) for status, meaning in words.items()}
    op["responses"] = {
        str(status): _answer(status, kind, meaning) for status, (kind, meaning) in own.items()
    }
    if (method, path) in DEVICE_OPTIONAL:
        op["security"] = [{"phoneDevice": []}, {}]
    elif (method, path) not in NO_DEVICE_NEEDED:
        op["security"] = [{"phoneDevice": []}]


def _answer(status: int, kind: str, meaning: str) -> dict[str, Any]:
    if status == 303:  # a redirect has no body: the Location header is the answer
        return {"description": meaning}
    # A field FastAPI refuses (too long), or a body over the limit, is answered before any page
    # is made: with the contract's JSON error.
    kinds = [kind, "application/json"] if status in (413, 422) else [kind]
    return {"description": meaning, "content": {k: {} for k in kinds}}
