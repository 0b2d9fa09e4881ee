import datetime

from odoo import Command
from odoo.tests import tagged
from odoo.tools import SQL

from ..tools.sql_array import array_literal
from .test_import_1c import Import1cCommon, _inn10
from .test_import_1c_items import _xlsx

#: Fields of a journal item that differ between two entries by nature: identity, entry, number, timestamps.
OWN_FIELDS = frozenset((
    "id", "move_id", "move_name", "create_date", "create_uid", "write_date", "write_uid",
))


def _rows(first, customers, documents=3):
    """``documents`` documents for each of ``customers`` customers numbered from ``first`` (own ИНН, phone)."""
    return [
        (f"ООО «Клиент {number:05d}»", _inn10(number), None,
         f"Реализация товаров и услуг {number:05d}{index:03d} от {1 + index:02d}.03.2026",
         f"{10 + index:02d}.04.2026", f"{1000 + number} {index:03d},50",
         f"8 (9{number % 100:02d}) {number % 1000:03d}-{number % 100:02d}-{index + 10:02d}")
        for number in range(first, first + customers)
        for index in range(documents)
    ]


HEADER = ("Контрагент", "ИНН", "КПП", "Документ", "Срок оплаты", "Сумма", "Телефон")


@tagged("post_install", "-at_install")
class TestImport1cSpeed(Import1cCommon):
    """The import's writes are set-based: its query count does not grow with the file, and what it writes
    set-based equals what the ORM writes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Service = cls.env["crm.import.1c.service"]

    def _queries(self, content):
        """Queries of a preview + import of ``content`` (the whole service call, flushed)."""
        self.env.flush_all()
        start = self.env.cr.sql_log_count
        session = self.Service.import_file(content, "speed.xlsx", date=datetime.date(2026, 4, 1))
        self.env.flush_all()
        self.assertEqual(session.state, "done")
        return self.env.cr.sql_log_count - start

    def test_query_count_does_not_grow_with_documents_and_customers(self):
        self._queries(_xlsx(_rows(1, 2), header=HEADER))  # creates the 1C journal, takes the entry numbering
        small = self._queries(_xlsx(_rows(100, 10), header=HEADER))
        large = self._queries(_xlsx(_rows(200, 20), header=HEADER))
        self.assertEqual(self.Document.search_count([("partner_id.vat", "=", _inn10(219))]), 3)
        customer = self.env["res.partner"].search([("vat", "=", _inn10(219))])
        self.assertEqual(len(customer), 1)
        # the E.164 phone of the preview is the partner's sanitized phone, as phone_validation computes it
        self.assertEqual(customer.phone_sanitized, "+79192191910")
        self.assertEqual(customer.phone_sanitized, customer._phone_format(fname="phone"))
        # 30 documents of 10 customers, then 60 of 20: the same statements, none per row or customer
        self.assertLessEqual(large, small, f"{small} queries for 30 documents, {large} for 60")
        rerun = self._queries(_xlsx(_rows(200, 20), header=HEADER))
        self.assertLessEqual(rerun, large, "a rerun writes nothing, so it does not query more")

    def test_array_literals_read_back_as_the_values(self):
        # the set-based statements pass their columns as array literals: PostgreSQL must read the very values
        texts = ["a", "", " spaced  ", "NULL", 'say "hi"', "back\\slash \\\"", "{braces},comma;", "ООО «Ромашка»",
                 "tab\tand\nnewline", "'quote'", None]
        numbers = [0.1, 12345.67, -0.005, 1e16, 1.0, None]
        dates = [datetime.date(2026, 3, 1), None, datetime.date(1999, 12, 31)]
        [(read_texts, read_ints, read_numbers, read_floats, read_dates)] = self.env.execute_query(SQL(
            "SELECT %s::varchar[], %s::int4[], %s::numeric[], %s::float8[], %s::date[]",
            array_literal(texts), array_literal([1, None, -7]), array_literal(numbers), array_literal(numbers),
            array_literal(dates),
        ))
        self.assertEqual(read_texts, texts)
        self.assertEqual(read_ints, [1, None, -7])
        self.assertEqual([None if value is None else float(value) for value in read_numbers], numbers)
        self.assertEqual(read_floats, numbers)
        self.assertEqual(read_dates, dates)

    def test_items_written_set_based_equal_the_orm_ones(self):
        self._check_items_equal_the_orm_ones()

    def test_items_of_a_hashed_journal_equal_the_orm_ones(self):
        # a journal that secures its entries on posting gets its items before the entry is posted and hashed
        journal = self.env["account.journal"].create({
            "name": "1C", "code": "1C", "type": "general", "company_id": self.company.id,
            "restrict_mode_hash_table": True,
        })
        move = self._check_items_equal_the_orm_ones()
        self.assertEqual(move.journal_id, journal)
        self.assertTrue(move.inalterable_hash)
        # the hash covers the items: Odoo's integrity check of the journal finds it intact
        self.env.user.groups_id += self.env.ref("account.group_account_user")  # who may run the check
        results = [result for result in self.company._check_hash_integrity()["results"]
                   if result["journal_name"].startswith(journal.name)]
        self.assertEqual([result["status"] for result in results], ["verified"])

    def _check_items_equal_the_orm_ones(self):
        """Import two documents, write the same entry with the ORM, compare the two field by field.

        :return: the imported entry
        """
        session = self.Service.import_file(_xlsx([
            ("ООО «Равенство»", _inn10(901), None, "Реализация товаров и услуг 00000901 от 02.03.2026",
             "20.04.2026", "12 345,67"),
            ("ООО «Равенство»", _inn10(901), None, "Корректировка долга 00000902 от 03.03.2026", None,
             "(345,67)"),
        ]), "equal.xlsx", date=datetime.date(2026, 4, 1))
        self.assertEqual(session.state, "done")
        documents = self.Document.search([("partner_id.vat", "=", _inn10(901))], order="id")
        imported = documents.move_line_ids.sorted("id")
        self.assertEqual(len(imported), 2)
        move = imported.move_id
        self.assertEqual(move.state, "posted")
        # the same entry written by the ORM: create with its lines, post
        orm_move = self.env["account.move"].create({
            "move_type": "entry", "journal_id": move.journal_id.id, "date": move.date, "ref": move.ref,
            "company_id": move.company_id.id, "partner_id": move.partner_id.id,
            "line_ids": [Command.create({
                "account_id": line.account_id.id, "partner_id": line.partner_id.id, "name": line.name,
                "balance": line.balance, "amount_currency": line.amount_currency,
                "currency_id": line.currency_id.id, "date_maturity": line.date_maturity,
            }) for line in move.line_ids.sorted("id")],
        })
        orm_move.action_post()
        orm_lines = orm_move.line_ids.sorted("id")
        stored = [name for name, field in self.env["account.move.line"]._fields.items()
                  if field.store and name not in OWN_FIELDS and field.type not in ("one2many",)]
        for line, orm_line in zip(move.line_ids.sorted("id"), orm_lines, strict=True):
            for name in stored:
                self.assertEqual(line[name], orm_line[name], f"{line.name}: field {name}")
        self.assertEqual(imported.mapped("move_name"), [move.name] * 2)
        for name in ("amount_total", "amount_total_signed", "amount_residual", "amount_untaxed", "state",
                     "payment_state", "commercial_partner_id", "is_storno", "always_tax_exigible", "checked"):
            self.assertEqual(move[name], orm_move[name], f"entry field {name}")
        return move
