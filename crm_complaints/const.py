"""Vocabularies of complaints, defined once (as ``addons/payment/const.py``).

Used by the complaint, its deadline rules and the complaint analysis; the labels are translated through
the selection fields that use them.
"""

#: priority of a complaint: the deadline rules of a type may differ per priority
PRIORITIES = [
    ("0", "Normal"),
    ("1", "High"),
    ("2", "Urgent"),
]
