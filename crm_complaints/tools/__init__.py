"""Pure-Python logic of crm_complaints (no ORM); unit-tested in the project's tests/unit."""
