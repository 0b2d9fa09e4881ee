"""Pure-Python helpers of the knowledge base (no ORM); unit-tested in the project's tests/unit."""
