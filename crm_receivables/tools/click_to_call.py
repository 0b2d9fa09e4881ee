"""Click-to-call: what pressing *Call* next to a phone number does. Pure functions, no ORM.

With a cloud exchange configured for the company and an extension for the user, the exchange's call-back
API rings the user's phone first and then dials the customer; otherwise the browser's ``tel:`` link is
used (a softphone or the operating system dials).
"""

from . import phone as phone_tools

MIN_DIGITS = 5  # shortest number worth dialling (internal short numbers excluded)
MAX_DIGITS = 15  # E.164 maximum


def mode(provider, extension):
    """How to place the call.

    :param str provider: the company's click-to-call provider (``mango``, ``zadarma``) or empty
    :param str extension: the user's PBX extension or empty
    :return: ``"callback"`` (through the exchange) or ``"tel"`` (the browser's ``tel:`` link)
    """
    return "callback" if provider and extension and extension.strip() else "tel"


def dial_number(number, default_region="RU"):
    """The number to dial: E.164 when it is a valid number, else its bare digits (with a leading ``+``
    when it was typed with one).

    :param str number: the number as shown in the field
    :param str default_region: ISO country code used when the number has no international prefix
    :return: str such as ``+79123456789``, or ``None`` when it has fewer than 5 or more than 15 digits
    """
    if not number or not isinstance(number, str):
        return None
    e164 = phone_tools.normalize(number, default_region)
    if e164:
        return e164
    digits = "".join(char for char in number if char.isdigit())
    if not MIN_DIGITS <= len(digits) <= MAX_DIGITS:
        return None
    return f"+{digits}" if number.strip().startswith("+") else digits


def provider_digits(dial):
    """The number as the exchanges' call-back APIs want it: digits only (``79123456789``).

    :param str dial: a number from :func:`dial_number`
    :return: str
    """
    return "".join(char for char in dial or "" if char.isdigit())


def tel_url(dial):
    """The ``tel:`` link of a number from :func:`dial_number` (RFC 3966: no spaces).

    :param str dial: the number to dial
    :return: str
    """
    return f"tel:{dial}"
