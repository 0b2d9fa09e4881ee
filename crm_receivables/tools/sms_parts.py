"""How many SMS parts a text takes: GSM-7 or UCS-2 (Cyrillic). Pure functions, no ORM.

An SMS carries 140 bytes. A text written only with the GSM 03.38 alphabet is sent in 7-bit GSM
encoding: 160 characters in one SMS, 153 per part when it is split (the concatenation header takes the
rest); the extension characters (``{ } [ ] ~ \\ | ^ €`` and form feed) take two places each. Any other
character — every Cyrillic letter, «ёлочки», an emoji — makes the whole text UCS-2 (UTF-16): 70 characters
in one SMS, 67 per part, a character outside the basic plane counting twice. Operators and gateways
(SMS.ru included) bill per part, so the count shown to the user and the one billed agree.
"""

GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = "^{}\\[~]|€\f"
_BASIC = frozenset(GSM7_BASIC)
_EXTENSION = frozenset(GSM7_EXTENSION)

GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67


def is_gsm7(text):
    """True when every character of ``text`` exists in the GSM 03.38 alphabet (basic or extension)."""
    return all(char in _BASIC or char in _EXTENSION for char in text or "")


def encoding(text):
    """``"gsm7"`` or ``"ucs2"``: the encoding the text will be sent in."""
    return "gsm7" if is_gsm7(text) else "ucs2"


def length(text):
    """Length of the text in the units of its encoding (GSM-7 septets or UTF-16 code units)."""
    text = text or ""
    if is_gsm7(text):
        return sum(2 if char in _EXTENSION else 1 for char in text)
    return len(text.encode("utf-16-le")) // 2


def count(text):
    """Describe how the text will be sent.

    :param str text: the SMS body
    :return: dict ``{"encoding": "gsm7"|"ucs2", "length": int, "parts": int, "per_part": int,
        "remaining": int}`` — ``parts`` is 0 for an empty text, ``remaining`` the units still free in the
        last part
    """
    units = length(text)
    gsm = is_gsm7(text)
    single, per_part = (GSM7_SINGLE, GSM7_PART) if gsm else (UCS2_SINGLE, UCS2_PART)
    if units == 0:
        parts, size = 0, single
    elif units <= single:
        parts, size = 1, single
    else:
        parts, size = -(-units // per_part), per_part
    capacity = size * max(parts, 1)
    return {"encoding": "gsm7" if gsm else "ucs2", "length": units, "parts": parts,
            "per_part": size, "remaining": capacity - units}
