"""Pure-Python decision logic of crm_receivables (no ORM); unit-tested in the project's tests/unit."""
