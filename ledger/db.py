"""SQLAlchemy models of the ledger and engine creation from a URL (SQLite or PostgreSQL).

Money tables are append-only: postings and transactions are never updated or deleted.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Engine,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    create_engine,
    event,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from ledger.limits import MAX_COINS, MAX_PRICE

SQLITE_BUSY_TIMEOUT_S = 30  # a writer waits this long for the write lock before failing


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite would otherwise drop the offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the ledger; use an aware UTC time")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Role(enum.Enum):
    MEMBER = "member"
    TECHNICIAN = "technician"
    STAFF = "staff"


class AccountKind(enum.Enum):
    MEMBER = "member"
    SYSTEM = "system"


class HoldState(enum.Enum):
    HELD = "held"
    CAPTURED = "captured"
    VOIDED = "voided"
    EXPIRED = "expired"
    REFUNDED = "refunded"


def _enum(cls: type[enum.Enum]) -> Any:
    # Store the readable value ("held"), not the Python name ("HELD"); no native DB enum type
    # so that adding a state later needs no ALTER TYPE.
    return Enum(cls, values_callable=lambda e: [m.value for m in e], native_enum=False, length=20)


class Base(DeclarativeBase):
    pass


class Member(Base):
    __tablename__ = "members"
    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(_enum(Role))
    totp_secret: Mapped[str | None] = mapped_column(String(64))  # None: phone codes revoked
    # Receives the monthly grant (`grant-month`): registered low-income residents.
    grant_eligible: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # How the office reaches the member; the phone also tells a duplicate enrolment.
    phone: Mapped[str | None] = mapped_column(String(40), index=True)
    address: Mapped[str | None] = mapped_column(String(300))
    notes: Mapped[str | None] = mapped_column(Text)
    # Never deleted (their history stays): a deactivated member signs in nowhere.
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Listed by name in the volunteers' ranking (reports): only with the member's consent.
    ranking_opt_in: Mapped[bool] = mapped_column(Boolean, default=False)


class PinPad(Base):
    """A PIN being typed on the console's on-screen pad (ledger.web.cards_pages), one per web
    session: the digits so far until OK, then only scrypt hashes; the row goes when done."""

    __tablename__ = "pin_pads"
    session_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"))
    card_id: Mapped[str | None] = mapped_column(String(16))  # a PIN reset of this card
    typed: Mapped[str] = mapped_column(String(8), default="")
    first_hash: Mapped[str | None] = mapped_column(String(200))  # the first entry, to repeat
    pin_hash: Mapped[str | None] = mapped_column(String(200))  # both entries agreed
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Card(Base):
    """A printed card `tbc1:<id>:<secret>`; only hashes of the secret and the PIN are kept."""

    __tablename__ = "cards"
    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64))  # sha256 hex: the secret is random
    pin_hash: Mapped[str] = mapped_column(String(200))  # scrypt, see ledger.cards
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MemberDevice(Base):
    """A member's phone, enrolled from a one-time link (ledger.devices): its own TOTP secret,
    so a lost phone is revoked alone, and the hash of its HttpOnly cookie for the member pages."""

    __tablename__ = "member_devices"
    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), index=True)
    totp_secret: Mapped[str] = mapped_column(String(64))
    cookie_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 hex
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Enrolment(Base):
    """A one-time enrolment link `/m/enrol/<token>`: only the token's SHA-256 is kept."""

    __tablename__ = "enrolments"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    device_id: Mapped[str | None] = mapped_column(ForeignKey("member_devices.id"))


class Account(Base):
    __tablename__ = "accounts"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[AccountKind] = mapped_column(_enum(AccountKind))
    member_id: Mapped[str | None] = mapped_column(ForeignKey("members.id"), unique=True)
    name: Mapped[str] = mapped_column(String(200))


class LedgerTransaction(Base):
    __tablename__ = "transactions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(40))
    memo: Mapped[str] = mapped_column(Text, default="")
    hold_id: Mapped[str | None] = mapped_column(ForeignKey("holds.id"))
    # Unique: a transaction is reversed (or a hold refunded) at most once, even under races.
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("transactions.id"), unique=True)
    actor: Mapped[str] = mapped_column(String(100), default="")  # who made a staff correction
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MonthlyGrant(Base):
    """One row per member and month granted: the primary key makes `grant-month` idempotent."""

    __tablename__ = "monthly_grants"
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # YYYY-MM
    transaction_id: Mapped[int] = mapped_column(ForeignKey("transactions.id"))


class Activity(Base):
    """A volunteer activity on one day (ledger.activities): its attendees' hours are credited
    once each (ActivityCredit)."""

    __tablename__ = "activities"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    day: Mapped[date] = mapped_column(Date)  # the office's calendar day it took place
    hours: Mapped[str] = mapped_column(String(16))  # each attendee's hours unless a row says
    rate: Mapped[int] = mapped_column(Integer)  # coins an hour
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("name", "day", name="uq_activities_name_day"),)


class ActivityCredit(Base):
    """One member's hours for one activity: the primary key makes a re-import credit nothing."""

    __tablename__ = "activity_credits"
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"), primary_key=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), primary_key=True)
    hours: Mapped[str] = mapped_column(String(16))
    coins: Mapped[int] = mapped_column(Integer)
    transaction_id: Mapped[int] = mapped_column(ForeignKey("transactions.id"))
    created_by: Mapped[str] = mapped_column(String(100))


class Posting(Base):
    __tablename__ = "postings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    transaction_id: Mapped[int] = mapped_column(ForeignKey("transactions.id"), index=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    amount: Mapped[int] = mapped_column(Integer)  # coins; credit to the account is positive

    __table_args__ = (
        # Covers SUM(amount) per account, so a balance reads the index only (ledger.book).
        Index("ix_postings_account_amount", "account_id", "amount"),
        # One range on every database (ledger.limits; revision 0004_amount_bounds).
        CheckConstraint(
            f"amount <> 0 AND amount BETWEEN {-MAX_COINS} AND {MAX_COINS}",
            name="ck_postings_amount_bounded",
        ),
    )


class Kiosk(Base):
    __tablename__ = "kiosks"
    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    location: Mapped[str] = mapped_column(String(200), default="")
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 hex of the key
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CatalogItem(Base):
    __tablename__ = "catalog"
    sku: Mapped[str] = mapped_column(String(64), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    price: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Retired: off the kiosks' catalog and refused for new holds, kept for the history.
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # A hold's price must equal its item's (ledger.book), so this bounds holds' prices too.
    __table_args__ = (
        CheckConstraint(f"price BETWEEN 0 AND {MAX_PRICE}", name="ck_catalog_price_bounded"),
    )


class Hold(Base):
    __tablename__ = "holds"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), index=True)
    kiosk_id: Mapped[str] = mapped_column(ForeignKey("kiosks.id"))
    sku: Mapped[str] = mapped_column(String(64))
    locker: Mapped[Any] = mapped_column(JSON)  # kept as the kiosk sent it (string or number)
    price: Mapped[int] = mapped_column(Integer)
    state: Mapped[HoldState] = mapped_column(_enum(HoldState), index=True)
    void_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the kiosk could not tell whether the item came out: the hold then stays open,
    # never expiring, until a count of the locker settles it (ledger.counting).
    awaiting_count_since: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # A member's open holds without walking all of their past holds (ledger.book).
    __table_args__ = (Index("ix_holds_member_state", "member_id", "state"),)


class KioskSession(Base):
    __tablename__ = "sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kiosk_id: Mapped[str] = mapped_column(ForeignKey("kiosks.id"))
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class UsedTotpStep(Base):
    """One row per accepted (member, TOTP step): the primary key makes a replay fail."""

    __tablename__ = "used_totp_steps"
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), primary_key=True)
    step: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SigninLockout(Base):
    """Wrong tries of one sign-in credential (a card's PIN, a member's phone codes) since its
    last success, and its lock-out (ledger.lockouts). No foreign key: a member number that does
    not exist is counted and locked alike, so the answers never tell which numbers exist."""

    __tablename__ = "signin_lockouts"
    credential: Mapped[str] = mapped_column(String(40), primary_key=True)  # "card:c1a2b3c4d"
    failures: Mapped[int] = mapped_column(Integer)  # wrong tries since the last lock-out
    lockouts: Mapped[int] = mapped_column(Integer)  # lock-outs since the last success
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_records"
    kiosk_id: Mapped[str] = mapped_column(ForeignKey("kiosks.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    # status and response stay NULL while the first request is still being processed; `claim`
    # is that request's token, so only it can finish or release the record (ledger.idempotency).
    status: Mapped[int | None] = mapped_column(Integer)
    response: Mapped[Any] = mapped_column(JSON, nullable=True)
    claim: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class EventKind(enum.Enum):
    FAULT = "fault"
    ALARM = "alarm"
    SELF_TEST = "self_test"
    INVENTORY = "inventory"
    TECHNICIAN = "technician"
    SERVICE = "service"


class KioskEvent(Base):
    """Something a kiosk reported (fault, alarm, self-test, inventory, technician/service)."""

    __tablename__ = "kiosk_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kiosk_id: Mapped[str] = mapped_column(ForeignKey("kiosks.id"), index=True)
    kind: Mapped[EventKind] = mapped_column(_enum(EventKind), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)  # when it happened, by the kiosk's clock
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    data: Mapped[Any] = mapped_column(JSON)


class PairingState(enum.Enum):
    PENDING = "pending"  # shown as a QR code, waiting for the member's phone
    CONFIRMED = "confirmed"  # the member confirmed; the kiosk has not collected the session
    HANDED_OUT = "handed_out"  # the kiosk collected the session (it is handed out once)
    DECLINED = "declined"
    EXPIRED = "expired"


class Pairing(Base):
    """A kiosk-shown code (RFC 8628 style): the member's phone confirms, the kiosk polls."""

    __tablename__ = "pairings"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kiosk_id: Mapped[str] = mapped_column(ForeignKey("kiosks.id"), index=True)
    state: Mapped[PairingState] = mapped_column(_enum(PairingState))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    interval: Mapped[int] = mapped_column(Integer)  # seconds the kiosk waits between polls
    last_polled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    form_token: Mapped[str] = mapped_column(String(64))  # CSRF token of the sign-in form
    confirm_token_hash: Mapped[str | None] = mapped_column(String(64))  # sha256 of the token
    signin_failures: Mapped[int] = mapped_column(Integer, default=0)
    member_id: Mapped[str | None] = mapped_column(ForeignKey("members.id"))
    session_id: Mapped[str | None] = mapped_column(ForeignKey("sessions.id"))


class Meta(Base):
    """Small named facts about this ledger (for example what the demo seed created)."""

    __tablename__ = "ledger_meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


class StaffRole(enum.Enum):
    """What a staff account may do in the console; each role may do what the ones before may."""

    CLERK = "clerk"
    MANAGER = "manager"
    ADMIN = "admin"


class Staff(Base):
    """A person who runs the time bank from the staff console (ledger.staff)."""

    __tablename__ = "staff"
    username: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[StaffRole] = mapped_column(_enum(StaffRole))
    password_hash: Mapped[str] = mapped_column(String(200))  # argon2id, see ledger.staff
    totp_secret: Mapped[str | None] = mapped_column(String(64))  # the optional second factor
    totp_last_step: Mapped[int | None] = mapped_column(Integer)  # a code is taken once
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StaffLockout(Base):
    """Wrong console logins of one account or one client address, and its lock-out
    (ledger.staff_lockouts). No foreign key: unknown usernames count alike."""

    __tablename__ = "staff_lockouts"
    key: Mapped[str] = mapped_column(String(80), primary_key=True)  # "account:li" / "address:…"
    failures: Mapped[int] = mapped_column(Integer)
    lockouts: Mapped[int] = mapped_column(Integer)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WebSessionState(enum.Enum):
    ANONYMOUS = "anonymous"  # a visitor given a form (its CSRF token), nobody signed in
    AWAITING_CODE = "awaiting_code"  # password right, the second factor still to come
    SIGNED_IN = "signed_in"


class WebSession(Base):
    """A browser's session on the web pages (ledger.web.sessions): the cookie holds a random
    id, this table only its SHA-256, so a copy of the database opens no session."""

    __tablename__ = "web_sessions"
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[WebSessionState] = mapped_column(_enum(WebSessionState))
    staff: Mapped[str | None] = mapped_column(ForeignKey("staff.username"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class AuditEntry(Base):
    """One staff action (ledger.audit). Append-only: the migration adds triggers that refuse
    UPDATE and DELETE, and the code has no path that changes a row."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    staff: Mapped[str | None] = mapped_column(String(40), index=True)  # None: nobody known
    action: Mapped[str] = mapped_column(String(40))  # an AuditAction value
    address: Mapped[str | None] = mapped_column(String(64))  # as the proxy reports it
    detail: Mapped[Any] = mapped_column(JSON)


class ReservationState(enum.Enum):
    """A reservation made on the member's phone (ledger.reservations); its hold says the rest:
    captured is collected, expired is expired, voided after `collecting` is not collected."""

    PENDING = "pending"  # made; the kiosk has not set an item aside yet
    SET_ASIDE = "set_aside"  # the kiosk keeps one aside, out of general sale
    COLLECTING = "collecting"  # claimed at the kiosk: its vend runs on the reservation's hold
    CANCELLED = "cancelled"  # by the member; the hold voided
    FAILED = "failed"  # the kiosk had none left when it learnt of it; the hold voided


class Reservation(Base):
    """An item reserved from the phone for pick-up at one kiosk; its coins are its hold's."""

    __tablename__ = "reservations"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), index=True)
    kiosk_id: Mapped[str] = mapped_column(ForeignKey("kiosks.id"), index=True)
    sku: Mapped[str] = mapped_column(String(64))
    price: Mapped[int] = mapped_column(Integer)
    hold_id: Mapped[str] = mapped_column(ForeignKey("holds.id"), unique=True)
    state: Mapped[ReservationState] = mapped_column(_enum(ReservationState), index=True)
    locker: Mapped[str | None] = mapped_column(String(32))  # where the kiosk set it aside
    note: Mapped[str | None] = mapped_column(String(200))  # why it failed, as the kiosk said
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Set for one unit of a full pool kept for its organiser at the kiosk (ledger.pool_pickups):
    # its hold is for 0 coins, since the pool paid when it filled.
    pool_id: Mapped[str | None] = mapped_column(ForeignKey("pools.id"), index=True)


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets WAL, foreign keys and write-locking transactions."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_S}
        )
        _make_sqlite_serializable(engine)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _make_sqlite_serializable(engine: Engine) -> None:
    # SQLAlchemy docs, "Serializable isolation / Savepoints / Transactional DDL": take over
    # BEGIN from pysqlite so every transaction takes the write lock up front (BEGIN IMMEDIATE).
    # Two holds then cannot both read the old balance and both commit: the second waits.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=FULL")  # a committed capture survives power loss
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # A read-only look (execution option `ledger_read_only`) must not queue behind a
        # writer: a plain BEGIN reads the last committed state under WAL without the lock.
        read_only = conn.get_execution_options().get("ledger_read_only")
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def create_schema(engine: Engine) -> None:
    """Create or upgrade the tables with the Alembic migrations (ledger/migrations/)."""
    from ledger.migrate import upgrade  # late: ledger.migrate imports this module

    upgrade(engine)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
