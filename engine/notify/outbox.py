"""Outbox delivery: claim pending e-mails, send them over SMTP, record the outcome.

Delivery is at-least-once with a narrow window, made safe to repeat:

1. **Claim** (one short transaction): ``UPDATE outbox SET status='sending', lease_until=…,
   attempts=attempts+1 WHERE id=… AND (status='pending' AND next_attempt_at<=now OR
   status='sending' AND lease_until<=now)``; only a row count of 1 is a claim, so two sweeps, a
   sweep and an after-commit job, or a job delivered twice by the broker never both send. The
   first claim also fixes the message's ``Message-ID``.
2. **Send** over SMTP outside any transaction.
3. **Finish**: ``status='sent'`` only ``WHERE status='sending' AND attempts=<the claim's>``,
   so a worker whose lease ran out cannot overwrite a newer claim.

A worker killed during 2 leaves the row ``sending``; when its lease has passed the next sweep
claims it again and sends it with the same Message-ID. The only duplicate left possible is a
crash between the SMTP server's "250 accepted" and step 3's commit (milliseconds); that copy
carries the same Message-ID, which mail clients use to fold duplicates. The alternative, never
re-sending a ``sending`` row, would lose every e-mail a killed worker had not finished.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from engine.calendar import WorkingCalendar
from engine.config import Settings
from engine.models import Notification, Outbox, User
from engine.notify.core import (
    current_config,
    in_language,
    language_of,
    next_digest_at,
    send_after_commit,
    templates,
)
from engine.text import N_
from engine.unit_of_work import unit_of_work

log = logging.getLogger(__name__)

#: Python folds long encoded-word headers at a space and the space is lost on reading ("Bình xét"
#: arrives as "Bìnhxét"); headers up to RFC 5322's hard limit of 998 are not folded, and a subject
#: of SUBJECT_MAX characters stays under it even fully encoded.
MAIL_POLICY = policy.default.clone(max_line_length=998)
SUBJECT_MAX = 150

#: Longest wait between two attempts of one message.
MAX_BACKOFF = timedelta(hours=6)


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int = 25
    user: str | None = None
    password: str | None = None
    starttls: bool = False
    mail_from: str = "tdkt@localhost"
    max_attempts: int = 8
    retry_seconds: float = 60.0
    lease_seconds: float = 300.0
    timeout_seconds: float = 30.0

    @classmethod
    def from_settings(cls, settings: Settings) -> MailSettings | None:
        """Return the SMTP settings, or None when e-mail is off (no TDKT_SMTP_HOST)."""
        if not settings.smtp_host:
            return None
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            user=settings.smtp_user,
            password=settings.smtp_password,
            starttls=settings.smtp_starttls,
            mail_from=settings.mail_from,
            max_attempts=settings.mail_max_attempts,
            retry_seconds=settings.mail_retry_seconds,
            lease_seconds=settings.mail_lease_seconds,
            timeout_seconds=settings.mail_timeout_seconds,
        )


@dataclass(frozen=True)
class Claim:
    outbox_id: int
    attempt: int
    message_id: str


def _claimable(now: datetime, channel: str = "email") -> Any:
    return and_(
        Outbox.channel == channel,
        or_(
            and_(Outbox.status == "pending", Outbox.next_attempt_at <= now),
            and_(Outbox.status == "sending", Outbox.lease_until <= now),
        ),
    )


def claim(
    session_factory: sessionmaker[Session],
    now: datetime,
    lease_seconds: float,
    domain: str,
    ids: list[int] | None = None,
    limit: int = 50,
    channel: str = "email",
) -> list[Claim]:
    """Claim up to ``limit`` due rows of ``channel`` (e-mails; webhooks, engine.notify.webhooks),
    only ``ids`` if given; return what this caller owns."""
    claims: list[Claim] = []
    with unit_of_work(session_factory) as session:
        if ids is None:
            # Two queries so each uses its partial index (pending by due time, sending by lease).
            pending = select(Outbox.id).where(
                Outbox.status == "pending",
                Outbox.channel == channel,
                Outbox.next_attempt_at <= now,
            )
            stale = select(Outbox.id).where(Outbox.status == "sending", Outbox.lease_until <= now)
            candidates = list(
                session.scalars(pending.order_by(Outbox.next_attempt_at).limit(limit))
            )
            candidates += list(session.scalars(stale.order_by(Outbox.lease_until).limit(limit)))
        else:
            candidates = ids
        for outbox_id in candidates[:limit]:
            result = session.execute(
                update(Outbox)
                .where(Outbox.id == outbox_id, _claimable(now, channel))
                .values(
                    status="sending",
                    lease_until=now + timedelta(seconds=lease_seconds),
                    attempts=Outbox.attempts + 1,
                )
                .execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                continue
            row = session.execute(
                select(Outbox.attempts, Outbox.message_id).where(Outbox.id == outbox_id)
            ).one()
            message_id = row.message_id
            if message_id is None:
                message_id = make_msgid(idstring=f"tdkt-outbox-{outbox_id}", domain=domain)
                session.execute(
                    update(Outbox).where(Outbox.id == outbox_id).values(message_id=message_id)
                )
            claims.append(Claim(outbox_id, row.attempts, message_id))
    return claims


def build_message(
    session: Session, outbox_id: int, mail_from: str, message_id: str
) -> EmailMessage:
    """Return the e-mail for an outbox row: one notification, or a user's daily digest."""
    row = session.get_one(Outbox, outbox_id)
    user = session.get_one(User, row.user_id)
    config = current_config()
    language = language_of(user)
    context: dict[str, Any] = {"user": user, "settings_link": f"{config.base_url}/notifications"}
    if row.notification_id is not None:
        note = session.get_one(Notification, row.notification_id)
        context["note"] = note
        subject, template = note.subject, "message"
    else:
        notes = list(
            session.scalars(
                select(Notification)
                .join(Outbox, Outbox.notification_id == Notification.id)
                .where(Outbox.digest_id == row.id)
                .order_by(Notification.id)
            )
        )
        day = WorkingCalendar(tz=config.tz).local_date(row.created_at).strftime("%d/%m/%Y")
        context.update(notes=notes, day=day)
        subject, template = (
            in_language(
                N_("[TĐKT] Tổng hợp %(count)s thông báo ngày %(day)s", count=len(notes), day=day),
                language,
            ),
            "digest",
        )
    message = EmailMessage(policy=MAIL_POLICY)
    message["Subject"] = subject[:SUBJECT_MAX]
    message["From"] = mail_from
    message["To"] = formataddr((user.full_name, user.email))
    message["Message-ID"] = message_id
    # The notifications were written in the recipient's language (engine.notify.core.notify);
    # the letter around them is too.
    message.set_content(templates(language).get_template(f"{template}.txt").render(**context))
    message.add_alternative(
        templates(language).get_template(f"{template}.html").render(**context), subtype="html"
    )
    return message


def _smtp_send(mail: MailSettings, message: EmailMessage) -> None:
    with smtplib.SMTP(mail.host, mail.port, timeout=mail.timeout_seconds) as smtp:
        if mail.starttls:
            smtp.starttls()
        if mail.user:
            smtp.login(mail.user, mail.password or "")
        smtp.send_message(message)


def _is_permanent(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500


def backoff(mail: MailSettings, attempt: int) -> timedelta:
    """Return the wait before the attempt after ``attempt`` (1-based): doubling, capped."""
    return min(timedelta(seconds=mail.retry_seconds * 2 ** (attempt - 1)), MAX_BACKOFF)


def deliver(
    session_factory: sessionmaker[Session], mail: MailSettings, claim_: Claim, now: datetime
) -> str:
    """Send one claimed e-mail and record the outcome; return sent, retry, failed or lost."""
    with session_factory() as session:
        message = build_message(session, claim_.outbox_id, mail.mail_from, claim_.message_id)
    try:
        _smtp_send(mail, message)
    except (smtplib.SMTPException, OSError) as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        give_up = _is_permanent(exc) or claim_.attempt >= mail.max_attempts
        values: dict[str, Any] = {"last_error": error, "lease_until": None}
        if give_up:
            values["status"] = "failed"
            log.error("e-mail %s failed for good: %s", claim_.outbox_id, error)
        else:
            values["status"] = "pending"
            values["next_attempt_at"] = now + backoff(mail, claim_.attempt)
            log.warning(
                "e-mail %s failed (attempt %s): %s", claim_.outbox_id, claim_.attempt, error
            )
        outcome = "failed" if give_up else "retry"
    else:
        values = {"status": "sent", "sent_at": now, "lease_until": None, "last_error": None}
        outcome = "sent"
    with unit_of_work(session_factory) as session:
        result = session.execute(
            update(Outbox)
            .where(
                Outbox.id == claim_.outbox_id,
                Outbox.status == "sending",
                Outbox.attempts == claim_.attempt,
            )
            .values(**values)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            log.warning(
                "e-mail %s was claimed again before this attempt finished", claim_.outbox_id
            )
            return "lost"
    return outcome


def deliver_due(
    session_factory: sessionmaker[Session],
    mail: MailSettings,
    now: datetime,
    ids: list[int] | None = None,
    limit: int = 50,
) -> dict[str, int]:
    """Claim and send due e-mails (only ``ids`` if given); return counts by outcome."""
    counts = {"sent": 0, "retry": 0, "failed": 0, "lost": 0}
    domain = mail.mail_from.rpartition("@")[2] or "localhost"
    for claimed in claim(session_factory, now, mail.lease_seconds, domain, ids, limit):
        try:
            counts[deliver(session_factory, mail, claimed, now)] += 1
        except Exception:
            # Left 'sending': the next sweep takes it again when the lease ends.
            log.exception("delivering e-mail %s crashed", claimed.outbox_id)
    return counts


def failed_messages(session: Session, limit: int = 200) -> list[tuple[Outbox, User]]:
    """Return the e-mails that failed for good, newest first, for the administrators' page."""
    rows = session.execute(
        select(Outbox, User)
        .join(User, User.id == Outbox.user_id)
        .where(Outbox.status == "failed")
        .order_by(Outbox.id.desc())
        .limit(limit)
    )
    return [(outbox, user) for outbox, user in rows]


def retry_failed(session: Session, outbox_id: int, now: datetime) -> bool:
    """Put a failed e-mail back in the queue with fresh attempts; return whether it was failed."""
    with unit_of_work(session):
        result = session.execute(
            update(Outbox)
            .where(Outbox.id == outbox_id, Outbox.status == "failed")
            .values(status="pending", attempts=0, next_attempt_at=now)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            return False
        send_after_commit(session, outbox_id)
        return True


def build_digests(session_factory: sessionmaker[Session], now: datetime) -> int:
    """Gather each digest user's waiting items into one e-mail for the day; return how many."""
    with unit_of_work(session_factory) as session:
        user_ids = list(
            session.scalars(
                select(Outbox.user_id)
                .distinct()
                .where(
                    Outbox.status == "pending",
                    Outbox.channel == "digest",
                    Outbox.next_attempt_at <= now,
                )
            )
        )
    day = WorkingCalendar(tz=current_config().tz).local_date(now).isoformat()
    built = 0
    for user_id in user_ids:
        try:
            with unit_of_work(session_factory) as session:
                built += _build_digest(session, user_id, day, now)
        except Exception:
            log.exception("digest for user %s failed; the next sweep tries again", user_id)
    return built


def _build_digest(session: Session, user_id: int, day: str, now: datetime) -> int:
    items = list(
        session.scalars(
            select(Outbox)
            .where(
                Outbox.user_id == user_id,
                Outbox.status == "pending",
                Outbox.channel == "digest",
                Outbox.next_attempt_at <= now,
            )
            .order_by(Outbox.id)
            .with_for_update(skip_locked=True)
        )
    )
    if not items:
        return 0
    key = f"digest:{user_id}:{day}"
    if session.scalar(select(Outbox.id).where(Outbox.dedupe_key == key)) is not None:
        # Today's digest has left; these wait for tomorrow's.
        for item in items:
            item.next_attempt_at = next_digest_at(now)
        return 0
    digest = Outbox(
        user_id=user_id,
        channel="email",
        status="pending",
        dedupe_key=key,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(digest)
    session.flush()
    for item in items:
        item.status, item.digest_id, item.sent_at = "sent", digest.id, now
    send_after_commit(session, digest.id)
    return 1
