import datetime

import pytest

from crm_receivables.tools.sql_array import array_literal


def test_text_is_quoted_and_escaped():
    values = ["a", "", " spaced ", "NULL", 'say "hi"', "back\\slash", "{braces},comma", "ООО «Ромашка»"]
    assert array_literal(values) == (
        '{"a",""," spaced ","NULL","say \\"hi\\"","back\\\\slash","{braces},comma","ООО «Ромашка»"}'
    )


def test_none_is_null_and_numbers_dates_keep_their_value():
    assert array_literal([None, 1, -2, 0.1, 1e16, True, False]) == '{NULL,"1","-2","0.1","1e+16","t","f"}'
    assert array_literal([datetime.date(2026, 3, 1), datetime.datetime(2026, 3, 1, 12, 30)]) == (
        '{"2026-03-01","2026-03-01 12:30:00"}'
    )
    assert array_literal(iter(())) == "{}"


def test_other_types_are_refused():
    with pytest.raises(TypeError):
        array_literal([object()])
