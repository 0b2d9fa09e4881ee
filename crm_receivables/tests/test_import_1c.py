import base64
import io
from pathlib import Path
from unittest.mock import patch

import openpyxl

from odoo.exceptions import UserError
from odoo.tests import HttpCase, TransactionCase, tagged

DATA = Path(__file__).resolve().parents[2] / "data"

INN_ROMASHKA = "7701012342"
INN_VETER = "7810023457"
INN_TEHNO = "6670034567"
INN_KUZNETSOVA = "540123456723"
INN_VECTOR = "5020045672"
INN_URAL = "7450056782"


def _inn10(number):
    """A valid 10-digit ИНН made from a number (check digit computed)."""
    prefix = f"{770000000 + number:09d}"
    weights = (2, 4, 10, 3, 5, 9, 4, 6, 8)
    return prefix + str(sum(int(digit) * weight for digit, weight in zip(prefix, weights, strict=True)) % 11 % 10)


class Import1cCommon(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.env.ref("base.RUB").active = True
        cls.Wizard = cls.env["crm.import.1c.wizard"]
        cls.Document = cls.env["crm.import.1c.document"]

    def _wizard(self, filename, **vals):
        content = (DATA / filename).read_bytes()
        return self.Wizard.create({"file": base64.b64encode(content), "filename": filename, **vals})

    def _import(self, filename, **vals):
        wizard = self._wizard(filename, **vals)
        wizard.action_preview()
        wizard.action_import()
        return wizard

    def _counts(self):
        return (
            self.env["res.partner"].with_context(active_test=False).search_count([]),
            self.env["account.move"].search_count([]),
            self.env["account.move.line"].search_count([]),
            self.Document.search_count([]),
        )

    def _partner(self, inn):
        return self.env["res.partner"].search([("vat", "=", inn)])

    def _receivable(self, partner):
        lines = self.env["account.move.line"].search([
            ("partner_id", "=", partner.id), ("account_id.account_type", "=", "asset_receivable"),
            ("journal_id.code", "=", "1C"), ("parent_state", "=", "posted"),
        ])
        return round(sum(lines.mapped("amount_currency")), 2)


@tagged("post_install", "-at_install")
class TestImport1cLayouts(Import1cCommon):

    def test_osv_62(self):
        wizard = self._wizard("osv_62.xls")
        wizard.action_preview()
        self.assertEqual(wizard.layout, "osv_62")
        self.assertFalse(wizard.is_mapping_sure, "the first column is only called “Счет”: the mapping is unsure")
        self.assertEqual(wizard.error_count, 0)
        self.assertEqual(wizard.line_ids.mapped("row"), [11, 12, 14, 15, 16, 17])
        wizard.action_import()
        self.assertEqual(wizard.state, "done")
        romashka = self._partner(INN_ROMASHKA)
        self.assertEqual(romashka.name, "ООО «Ромашка»")
        self.assertEqual(self._receivable(romashka), 1384567.89)
        self.assertEqual(self._receivable(self._partner(INN_VETER)), 87500.0)
        self.assertEqual(self._receivable(self._partner(INN_TEHNO)), 45000.0)
        self.assertEqual(self._receivable(self._partner(INN_KUZNETSOVA)), -5000.0, "a prepayment is a credit")
        documents = self.Document.search([("partner_id", "=", romashka.id)])
        self.assertEqual(sorted(documents.mapped("doc_number")), ["00000098", "00000123"])
        paid = self.Document.search([("doc_number", "=", "00000077")])
        self.assertFalse(paid, "a document with a zero balance creates nothing")
        moves = documents.move_line_ids.move_id
        self.assertEqual(moves.journal_id.code, "1C")
        self.assertEqual(set(moves.mapped("state")), {"posted"})
        self.assertEqual(sum(moves.line_ids.mapped("balance")), 0.0)

    def test_settlements_by_document(self):
        wizard = self._import("settlements_by_document.xls")
        self.assertEqual(wizard.layout, "settlements")
        ural = self._partner(INN_URAL)
        self.assertEqual(self._receivable(ural), 310000.0)
        document = self.Document.search([("doc_number", "=", "00000150")])
        self.assertEqual(document.partner_id, ural)
        self.assertEqual(str(document.due_date), "2026-04-10")
        self.assertEqual(str(document.doc_date), "2026-03-10")
        self.assertEqual(document.currency_id.name, "RUB")
        line = document.move_line_ids
        self.assertEqual(len(line), 1, "one receivable item per document")
        self.assertEqual((line.partner_id, line.move_id.state), (ural, "posted"))
        self.assertEqual(line.account_id, ural.property_account_receivable_id)
        self.assertEqual(line.amount_currency, 300000.0)
        self.assertEqual(str(line.date_maturity), "2026-04-10", "the document's own due date")
        self.assertEqual(line.name, "Реализация товаров и услуг 00000150 от 10.03.2026")
        items = self.Document.search([("partner_id", "=", ural.id)]).move_line_ids
        self.assertEqual(len(items), 3)
        self.assertEqual(len(items.move_id), 1, "the documents share one entry, each its own item")
        credit = self.Document.search([("doc_number", "=", "00000003")]).move_line_ids
        self.assertEqual(credit.amount_currency, -5000.0, "a return is a credit item")
        self.assertEqual(str(credit.date_maturity), "2026-03-25", "no due date in the file: the document date")
        vector = self.Document.search([("doc_number", "=", "00000140")])
        self.assertEqual(vector.move_line_ids.name, "Реализация товаров и услуг 00000140 от 02.03.2026")
        self.assertEqual(self._receivable(self._partner(INN_VECTOR)), 1234567.89)
        serial = self.Document.search([("doc_number", "=", "00000152")])
        self.assertEqual(str(serial.due_date), "2026-04-30", "Excel serial date")

    def test_reconciliation_act_then_later_act(self):
        self._import("reconciliation_act.xls")
        tehno = self._partner(INN_TEHNO)
        self.assertEqual(tehno.crm_kpp, "667001001")
        self.assertEqual(self._receivable(tehno), 45000.0)
        partners, moves, lines, documents = self._counts()
        wizard = self._import("reconciliation_act_q2.xls")
        self.assertIn("1 updated", wizard.result_message)
        self.assertEqual(self._receivable(tehno), 30000.0, "the later file sets the new balance")
        balance = self.Document.search([("partner_id", "=", tehno.id)])
        self.assertEqual(len(balance), 1)
        self.assertEqual(balance.amount, 30000.0)
        self.assertEqual(len(balance.move_line_ids), 2, "opening item + adjusting item")
        self.assertEqual(self._counts(), (partners, moves + 1, lines + 2, documents))

    def test_counterparties(self):
        wizard = self._wizard("counterparties.xlsx")
        wizard.action_preview()
        self.assertEqual(wizard.sheet_name, "Контрагенты", "the notes sheet without header is skipped")
        self.assertEqual(wizard.layout, "counterparties")
        self.assertEqual(wizard.new_partner_count, 6)
        wizard.action_import()
        romashka = self._partner(INN_ROMASHKA)
        self.assertEqual(romashka.phone, "+79226011745")
        self.assertEqual(romashka.crm_kpp, "770101001")
        self.assertEqual(romashka.street, "г. Москва, ул. Ленина, д. 1")
        self.assertEqual(self._partner(INN_VECTOR).email, "sales@vector-m.example")
        self.assertEqual(self._partner(INN_VECTOR).phone, "+74957018812")
        self.assertFalse(self.Document.search_count([]))

    def test_manual_mapping(self):
        wizard = self._wizard("settlements_by_document.xls")
        wizard.action_preview()
        self.assertTrue(wizard.is_mapping_sure)
        amount = wizard.mapping_ids.filtered(lambda m: m.field == "amount")
        self.assertEqual((amount.column_index, amount.column_label), (5, "Сумма"))
        amount.field = False
        wizard.action_preview()  # "Refresh Preview" applies the edited mapping
        self.assertEqual(wizard.error_count, 5)
        self.assertIn("the amount is empty", wizard.line_ids[0].message)
        wizard.mapping_ids.filtered(lambda m: m.column_index == 5).field = "amount"
        wizard.action_preview()
        self.assertEqual(wizard.error_count, 0)
        wizard.action_back()
        self.assertEqual(wizard.state, "upload")
        self.assertFalse(wizard.line_ids)

    def test_rerun_changes_nothing(self):
        self._import("settlements_by_document.xls")
        self._import("osv_62.xls")
        before = self._counts()
        romashka = self._partner(INN_ROMASHKA)
        write_date = romashka.write_date
        wizard = self._wizard("settlements_by_document.xls")
        wizard.action_preview()
        self.assertTrue(wizard.settle_missing, "a settlements export lists all open documents by default")
        self.assertEqual(wizard.settled_count, 1, "00000098 of ООО «Ромашка» (trial balance) is not in it")
        wizard.settle_missing = False  # this export was not a full one
        wizard.action_preview()
        self.assertEqual(set(wizard.line_ids.mapped("doc_action")), {"same"})
        self.assertEqual(set(wizard.line_ids.mapped("fate")), {"match_inn_kpp"})
        wizard.action_import()
        self._import("osv_62.xls")
        self.assertEqual(self._counts(), before)
        self.assertEqual(romashka.write_date, write_date)
        self.assertEqual(self._receivable(romashka), 1384567.89, "00000123 is in both files, counted once")


@tagged("post_install", "-at_install")
class TestImport1cMatching(Import1cCommon):

    def test_match_by_inn_phone_email(self):
        Partner = self.env["res.partner"]
        by_inn = Partner.create({"name": "Северный ветер (старое имя)", "is_company": True, "vat": INN_VETER})
        by_phone = Partner.create({"name": "Ромашка", "is_company": True, "phone": "+7 922 6011745"})
        by_email = Partner.create({"name": "Вектор", "is_company": True, "email": "SALES@vector-m.example"})
        branch = Partner.create({"name": "Уральские машины, филиал", "is_company": True, "vat": INN_URAL,
                                 "crm_kpp": "745102002"})
        wizard = self._wizard("counterparties.xlsx")
        wizard.action_preview()
        fates = {line.inn: (line.fate, line.partner_id) for line in wizard.line_ids}
        self.assertEqual(fates[INN_VETER], ("match_inn", by_inn), "the card has no KPP: matched by INN")
        self.assertEqual(fates[INN_ROMASHKA], ("match_phone", by_phone), "8 (922) 601-17-45 = +7 922 6011745")
        self.assertEqual(fates[INN_VECTOR], ("match_email", by_email))
        self.assertEqual(fates[INN_URAL][0], "new", "same INN, another KPP: another branch")
        wizard.action_import()
        self.assertEqual(by_phone.vat, INN_ROMASHKA, "the matched customer gets the INN it lacked")
        self.assertEqual(by_phone.phone, "+7 922 6011745", "what the user typed is kept")
        self.assertEqual(by_inn.name, "Северный ветер (старое имя)")
        self.assertEqual(len(self._partner(INN_URAL)), 2)
        self.assertNotEqual(self._partner(INN_URAL) - branch, branch)

    def _settlements(self, first, customers, documents):
        """A settlements export built here: ``customers`` customers (from number ``first``), ``documents`` each."""
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "Расчеты"
        sheet.append(["Контрагент", "ИНН", "Документ", "Срок оплаты", "Сумма", "Телефон"])
        for customer in range(first, first + customers):
            for document in range(documents):
                sheet.append([
                    f"ООО «Клиент {customer}»", _inn10(customer),
                    f"Реализация товаров и услуг {customer:04d}{document:04d} от 02.03.2026", "01.04.2026",
                    f"{1000 + document},50", f"8 (912) 100-{customer // 100:02d}-{customer % 100:02d}",
                ])
        content = io.BytesIO()
        book.save(content)
        return self.Wizard.create({"file": base64.b64encode(content.getvalue()), "filename": "settlements.xlsx"})

    def _queries(self, method):
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        method()
        self.env.invalidate_all()
        return self.cr.sql_log_count - before

    def test_queries_do_not_grow_with_rows(self):
        """Preview and import cost the same queries for 6 rows as for 400: nothing is done row by row."""
        self._import("counterparties.xlsx")  # warm the caches (xml ids, fields, the 1C journal)
        self._settlements(100, 2, 2).action_import()
        small, large = self._settlements(200, 3, 2), self._settlements(300, 20, 20)
        self.assertEqual(self._queries(small.action_preview), self._queries(large.action_preview))
        self.assertEqual((small.line_count, large.line_count), (6, 400))
        self.assertEqual((small.new_partner_count, large.new_partner_count), (3, 20))
        # the import creates one customer per ORM batch and the receivable items of one entry together: with the
        # same customers, twenty times the documents cost no query more
        few, many = self._settlements(400, 3, 2), self._settlements(500, 3, 40)
        few.action_preview()
        many.action_preview()
        self.assertEqual(self._queries(few.action_import), self._queries(many.action_import))
        self.assertIn("Documents: 120 new", many.result_message)
        self.assertEqual(len(self.Document.search([("partner_id.vat", "=", _inn10(500))]).move_line_ids), 40)


@tagged("post_install", "-at_install")
class TestImport1cBadInput(Import1cCommon):

    def assertNothingWritten(self, wizard, message, on_preview=True):
        before = self._counts()
        if on_preview:
            with self.assertRaises(UserError) as caught:
                wizard.action_preview()
        else:
            wizard.action_preview()
            self.assertGreater(wizard.error_count, 0)
            self.assertIn(message, " ".join(wizard.line_ids.filtered("message").mapped("message")))
            with self.assertRaises(UserError) as caught:
                wizard.action_import()
            self.assertIn("Nothing was imported", str(caught.exception))
        self.assertIn(message, str(caught.exception))
        self.assertEqual(self._counts(), before)

    def test_empty(self):
        self.assertNothingWritten(self._wizard("empty.xls"), "The file is empty")

    def assertAsksForHeader(self, wizard, message):
        """The service refuses a file without a recognisable header; the wizard asks the user for it instead
        (header step: test_import_1c_mapping.py). Nothing is written either way."""
        before = self._counts()
        with self.assertRaises(UserError) as caught:
            self.env["crm.import.1c.service"].preview(wizard)
        self.assertIn(message, str(caught.exception))
        wizard.action_preview()
        self.assertEqual(wizard.state, "header")
        self.assertIn(message, wizard.header_message)
        self.assertEqual(self._counts(), before)

    def test_no_header(self):
        self.assertAsksForHeader(self._wizard("no_header.xls"), "No header found on sheet “Лист1”")

    def test_wrong_sheet(self):
        self.assertAsksForHeader(self._wizard("counterparties.xlsx", sheet_name="Примечания"),
                                 "No header found on sheet “Примечания”")
        self.assertNothingWritten(self._wizard("counterparties.xlsx", sheet_name="Лист2"),
                                  "The file has no sheet “Лист2”")

    def test_corrupt(self):
        self.assertNothingWritten(self._wizard("corrupt.xls"), "The file is damaged")

    def test_not_excel(self):
        wizard = self.Wizard.create({"file": base64.b64encode("Наименование;ИНН".encode()), "filename": "a.csv"})
        self.assertNothingWritten(wizard, "This is not an Excel file")

    def test_encrypted(self):
        self.assertNothingWritten(self._wizard("encrypted.xlsx"), "protected by a password")

    def test_too_large(self):
        self.env["ir.config_parameter"].set_param("crm_receivables.import_1c_max_size_mb", "0.001")
        self.assertNothingWritten(self._wizard("osv_62.xls"), "more than the 0.0 MB allowed")

    def test_formula_without_value(self):
        self.assertNothingWritten(self._wizard("formulas.xlsx"),
                                  "Sheet “Расчеты”, row 4, column “Сумма”: the formula “=1000*1234.56789” was "
                                  "saved without its value", on_preview=False)

    def test_text_in_amount(self):
        self.assertNothingWritten(self._wizard("text_in_amount.xls"),
                                  "Sheet “Расчеты с покупателями”, row 8, column “Сумма”: “триста тысяч” is not "
                                  "an amount", on_preview=False)

    def test_invalid_inn(self):
        self.assertNothingWritten(self._wizard("bad_inn.xlsx"),
                                  "Sheet “Контрагенты”, row 5, column “ИНН”: INN “7810023458” is invalid",
                                  on_preview=False)

    def test_unknown_currency(self):
        self.assertNothingWritten(self._wizard("unknown_currency.xls"),
                                  "row 6, column “Валюта”: unknown currency “у.е.”", on_preview=False)

    def test_duplicates(self):
        self.assertNothingWritten(self._wizard("duplicates.xlsx"),
                                  "Sheet “Контрагенты”, row 7, column “ИНН”: duplicate of row 4", on_preview=False)

    def test_failure_while_writing_rolls_back_everything(self):
        wizard = self._wizard("settlements_by_document.xls")
        wizard.action_preview()
        before = self._counts()
        with (
            patch.object(type(self.env["crm.import.1c.service"]), "_post_items",
                         side_effect=UserError("posting failed")),
            self.assertRaises(UserError),
        ):
            wizard.action_import()
        self.assertEqual(self._counts(), before, "the customers created before the failure are rolled back")


@tagged("post_install", "-at_install")
class TestImport1cTour(HttpCase):

    def test_import_1c_tour(self):
        self.env["res.partner"].create({"name": "Северный ветер", "is_company": True, "vat": INN_VETER})
        self.env["ir.attachment"].create({
            "name": "crm_import_1c_tour.xlsx",
            "datas": base64.b64encode((DATA / "counterparties.xlsx").read_bytes()),
        })
        self.start_tour("/odoo", "crm_import_1c_tour", login="admin")
        self.assertTrue(self.env["res.partner"].search([("vat", "=", INN_VECTOR)]))
