"""Customer self-service page: pure rules (no ORM), unit-tested without a database.

The page a customer reaches from the personal link of a reminder lets them promise a payment date, dispute
an invoice, ask for a call back and answer the statement of account. These functions decide whether an
answer is acceptable; the models translate the error codes into messages.
"""

import math
import re
from datetime import date, datetime, timedelta

# actions a customer can take from the page (the ``kind`` of a ``crm.selfservice.request``)
ACTIONS = ("promise", "dispute", "callback", "statement_confirm", "statement_difference")
# at most this many actions per token in RATE_WINDOW
RATE_LIMIT = 10
RATE_WINDOW = timedelta(hours=1)
# a call back is asked for at most this many days ahead
CALLBACK_MAX_DAYS = 30
# uploaded file of a dispute
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
ALLOWED_UPLOADS = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}
TEXT_MAX = 2000
_KEY_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
_AMOUNT_RE = re.compile(r"^-?\d+(\.\d+)?$")


class SelfServiceError(ValueError):
    """An unacceptable answer: ``code`` names the rule, ``field`` the form field."""

    def __init__(self, code, field=None):
        super().__init__(code)
        self.code = code
        self.field = field


def days_overdue(date_due, today):
    """Days an item is overdue.

    :param date date_due: due date of the item (``None``: not due)
    :param date today: the day of reference
    :return: int, 0 when not yet due
    """
    if not date_due:
        return 0
    return max(0, (today - date_due).days)


def is_expired(date_expiry, now):
    """Whether a token is expired.

    :param datetime date_expiry: the end of validity (``None``: expired, a token always has one)
    :param datetime now: the moment of reference
    :return: bool
    """
    return not date_expiry or date_expiry < now


def valid_key(key):
    """Whether ``key`` is an acceptable idempotency key (8 to 64 letters, digits, ``-`` or ``_``).

    :param str key: the hidden field of the form
    :return: bool
    """
    return bool(key) and isinstance(key, str) and bool(_KEY_RE.match(key))


def parse_amount(text, field="amount"):
    """Parse an amount typed by a customer ("1 234,56", "1234.56", "1 234 руб").

    :param str text: the typed amount
    :param str field: the form field, named in the error
    :return: float > 0
    :raises SelfServiceError: ``amount_invalid`` or ``amount_not_positive``
    """
    cleaned = re.sub(r"[^\d,.\-]", "", str(text or "")).replace(",", ".").strip(".")
    if cleaned.count(".") > 1:  # thousands separators: keep only the last dot as decimal point
        head, _sep, tail = cleaned.rpartition(".")
        cleaned = head.replace(".", "") + "." + tail
    if not _AMOUNT_RE.match(cleaned):
        raise SelfServiceError("amount_invalid", field)
    amount = float(cleaned)
    if not math.isfinite(amount) or amount <= 0:
        raise SelfServiceError("amount_not_positive", field)
    return amount


def parse_date(text, field="date"):
    """Parse an ISO date from a date input.

    :param str text: ``YYYY-MM-DD``
    :param str field: the form field, named in the error
    :return: date
    :raises SelfServiceError: ``date_invalid``
    """
    try:
        return date.fromisoformat(str(text or "").strip())
    except ValueError:
        raise SelfServiceError("date_invalid", field) from None


def parse_datetime(text, field="when"):
    """Parse a local date and time from a ``datetime-local`` input (``YYYY-MM-DDTHH:MM``).

    :param str text: the input value
    :param str field: the form field, named in the error
    :return: naive datetime (the customer's local time)
    :raises SelfServiceError: ``datetime_invalid``
    """
    try:
        return datetime.fromisoformat(str(text or "").strip())
    except ValueError:
        raise SelfServiceError("datetime_invalid", field) from None


def check_promise(promised_date, amount, total_due, today, max_days, rounding=0.01):
    """Check a promise made on the page.

    :param date promised_date: the day the customer will pay
    :param float amount: the amount promised
    :param float total_due: the residual of the chosen items
    :param date today: the day of the promise
    :param int max_days: the policy's limit (days from today)
    :param float rounding: currency rounding
    :return: None
    :raises SelfServiceError: ``date_past``, ``date_too_far``, ``amount_too_high``
    """
    if promised_date < today:
        raise SelfServiceError("date_past", "promised_date")
    if promised_date > today + timedelta(days=max_days):
        raise SelfServiceError("date_too_far", "promised_date")
    if amount - total_due > rounding / 2:
        raise SelfServiceError("amount_too_high", "amount")


def check_callback(when, now, max_days=CALLBACK_MAX_DAYS):
    """Check the moment of a call back (both in the customer's local time).

    :param datetime when: the chosen moment
    :param datetime now: the current moment
    :param int max_days: how far ahead at most
    :return: None
    :raises SelfServiceError: ``callback_past``, ``callback_too_far``
    """
    if when < now:
        raise SelfServiceError("callback_past", "when")
    if when > now + timedelta(days=max_days):
        raise SelfServiceError("callback_too_far", "when")


def check_text(text, field, required=True, max_length=TEXT_MAX):
    """Strip a free text of the page and check it.

    :param str text: the typed text
    :param str field: the form field
    :param bool required: an empty text is an error
    :param int max_length: longest accepted text
    :return: str, stripped
    :raises SelfServiceError: ``text_required``, ``text_too_long``
    """
    text = (text or "").strip()
    if required and not text:
        raise SelfServiceError("text_required", field)
    if len(text) > max_length:
        raise SelfServiceError("text_too_long", field)
    return text


def check_upload(filename, size, max_bytes=MAX_UPLOAD_BYTES):
    """Check a file uploaded with a dispute.

    :param str filename: the file's name (its extension decides the type)
    :param int size: bytes read
    :param int max_bytes: the limit
    :return: the mimetype to store
    :raises SelfServiceError: ``file_too_big``, ``file_type``
    """
    if size > max_bytes:
        raise SelfServiceError("file_too_big", "attachment")
    name = (filename or "").lower()
    extension = name[name.rfind("."):] if "." in name else ""
    if extension not in ALLOWED_UPLOADS:
        raise SelfServiceError("file_type", "attachment")
    return ALLOWED_UPLOADS[extension]


def is_rate_limited(recent_count, limit=RATE_LIMIT):
    """Whether one more action is refused.

    :param int recent_count: actions of the token in the window
    :param int limit: actions allowed in the window
    :return: bool
    """
    return recent_count >= limit


def answer_share(reminders, answered):
    """Share of reminders answered on the page, in percent.

    :param int reminders: reminders sent
    :param int answered: of those, reminders whose link led to at least one action
    :return: float rounded to 0.1 (0.0 without reminders)
    """
    if not reminders:
        return 0.0
    return round(100.0 * min(answered, reminders) / reminders, 1)
