"""The vocabularies of the receivables and complaints addons, each defined once (as Odoo's ``payment/const.py``).

Plain Python (no ORM): the selections of the models are built from these lists, so their labels are translated
by Odoo's selection machinery; the pure ``tools/`` modules use the keys.
"""

# Channels of a contact with a customer (``crm.interaction.channel``, the interaction log wizard).
INTERACTION_CHANNELS = [
    ("call", "Phone Call"),
    ("meeting", "Meeting"),
    ("email", "Email"),
    ("sms", "SMS"),
    ("letter", "Letter"),
    ("messenger", "Messenger"),
    ("visit", "Visit"),
    ("other", "Other"),
]

# Channels a follow-up communication uses out of the box, in the default fallback order: interaction channels
# (same keys, same labels), so each communication is logged under its own channel. More are added through
# ``crm.followup.engine._get_channel_selection`` and a ``_send_<channel>`` method.
FOLLOWUP_CHANNELS = ("email", "sms", "letter", "call")
FOLLOWUP_CHANNEL_SELECTION = [(key, dict(INTERACTION_CHANNELS)[key]) for key in FOLLOWUP_CHANNELS]

# Channels a complaint comes by (``crm.complaint.channel`` and the complaint report).
COMPLAINT_CHANNELS = [
    ("phone", "Phone"),
    ("email", "Email"),
    ("portal", "Portal"),
    ("visit", "Visit"),
    ("letter", "Letter"),
]

# Cloud telephone exchanges (``res.company.crm_telephony_provider``, ``crm.telephony.call.provider``).
TELEPHONY_PROVIDERS = [("mango", "Mango Office"), ("zadarma", "Zadarma")]

# Direction of an interaction or a call.
DIRECTIONS = [
    ("outgoing", "Outgoing"),
    ("incoming", "Incoming"),
]
