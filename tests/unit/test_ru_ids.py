import pytest

from crm_receivables.tools import ru_ids


@pytest.mark.parametrize("value", ["7708123450", "ИНН 7708 123-450", 7708123450.0, "500100732259"])
def test_valid_inn(value):
    assert ru_ids.is_valid_inn(value)


@pytest.mark.parametrize("value", ["7708123451", "770812345", "abcdefghij", "", None, "500100732250"])
def test_invalid_inn(value):
    assert not ru_ids.is_valid_inn(value)


def test_normalize_inn():
    assert ru_ids.normalize_inn(" inn: 7708-123-450 ") == "7708123450"


def test_kpp():
    assert ru_ids.is_valid_kpp("770801001")
    assert ru_ids.is_valid_kpp("7708AB001")
    assert ru_ids.is_valid_kpp(770801001.0)
    assert not ru_ids.is_valid_kpp("77080100")
    assert not ru_ids.is_valid_kpp("7708-01-001")
