import base64
import datetime
import io

import openpyxl

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import SQL

from .test_import_1c import DATA, INN_ROMASHKA, INN_TEHNO, INN_VETER, Import1cCommon

HEADER = ("Контрагент", "ИНН", "КПП", "Документ", "Срок оплаты", "Сумма")


def _xlsx(rows, header=HEADER, title="Расчеты"):
    """An .xlsx 1C-like export built here: a header and rows."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    content = io.BytesIO()
    book.save(content)
    return content.getvalue()


TEHNO = ("ООО «ТехноСтрой»", INN_TEHNO, "667001001")
VETER = ("АО «Северный ветер»", INN_VETER, "781001001")


def _doc(customer, number, date, due, amount):
    return (*customer, f"Реализация товаров и услуг {number} от {date}", due, amount)


@tagged("post_install", "-at_install")
class TestImport1cItems(Import1cCommon):
    """One open receivable item per 1C document, and 1C as the books: snapshots settle what was paid."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Service = cls.env["crm.import.1c.service"]

    def _run(self, content, filename="file.xlsx", **options):
        return self.Service.import_file(content, filename, **options)

    def _items(self, number):
        return self.Document.search([("doc_number", "=", number)]).move_line_ids.sorted("id")

    def test_one_item_per_document_without_the_wizard_form(self):
        session = self._run(_xlsx([
            _doc(TEHNO, "00000301", "01.03.2026", "31.03.2026", "100 000,00"),
            _doc(TEHNO, "00000302", "05.03.2026", None, "20 000,00"),
            (*TEHNO, "Корректировка долга 00000009 от 06.03.2026", None, "(2 500,00)"),
        ]), date=datetime.date(2026, 4, 1))
        self.assertEqual(session.state, "done")
        tehno = self._partner(INN_TEHNO)
        first, second, credit = self._items("00000301"), self._items("00000302"), self._items("00000009")
        self.assertEqual((len(first), len(second), len(credit)), (1, 1, 1))
        self.assertEqual(first.name, "Реализация товаров и услуг 00000301 от 01.03.2026")
        self.assertEqual(str(first.date_maturity), "2026-03-31")
        self.assertEqual(str(second.date_maturity), "2026-03-05", "no due date: due on the document's date")
        self.assertEqual((first.partner_id, first.account_id), (tehno, tehno.property_account_receivable_id))
        self.assertEqual((first.balance, second.balance, credit.balance), (100000.0, 20000.0, -2500.0))
        self.assertEqual(first.move_id, credit.move_id, "documents share an entry, each is its own item")
        self.assertEqual(first.parent_state, "posted")
        self.assertFalse(first.reconciled)
        counter = first.move_id.line_ids - first - second - credit
        self.assertEqual(counter.account_id, self.company.get_unaffected_earnings_account())
        self.assertEqual(counter.balance, -117500.0)
        # what the follow-up sees: open receivable items of the customer, each with its own due date
        open_items = self.env["account.move.line"].search([
            ("partner_id", "=", tehno.id), ("account_id.account_type", "=", "asset_receivable"),
            ("parent_state", "=", "posted"), ("reconciled", "=", False),
        ])
        self.assertEqual(len(open_items), 3)

        # a later file with another amount: only the difference, as an adjusting item of that document
        self._run(_xlsx([
            _doc(TEHNO, "00000301", "01.03.2026", "31.03.2026", "110 000,00"),
            _doc(TEHNO, "00000302", "05.03.2026", None, "20 000,00"),
            (*TEHNO, "Корректировка долга 00000009 от 06.03.2026", None, "(2 500,00)"),
        ]))
        first = self._items("00000301")
        self.assertEqual(first.mapped("balance"), [100000.0, 10000.0])
        self.assertEqual(first[1].name, "Реализация товаров и услуг 00000301 от 01.03.2026: changed in 1C")
        self.assertEqual(self.Document.search([("doc_number", "=", "00000301")]).amount, 110000.0)

    def test_rerun_writes_nothing(self):
        content = (DATA / "pair_settlements.xls").read_bytes()
        self._run(content, "pair_settlements.xls")
        before = self._counts()
        session = self._run(content, "pair_settlements.xls")
        self.assertIn("0 new, 0 updated, 5 unchanged, 0 paid in 1C", session.result_message)
        self.assertEqual(self._counts(), before)

    def test_trial_balance_after_settlements_writes_nothing(self):
        self._run((DATA / "pair_settlements.xls").read_bytes(), "pair_settlements.xls")
        before = self._counts()
        wizard = self._wizard("pair_osv_62.xls")
        wizard.action_preview()
        fates = {line.name: line.fate for line in wizard.line_ids}
        self.assertEqual(fates, {
            "Ромашка ООО": "match_name",
            "Соколов Андрей Викторович ИП": "match_alias",
            "Акционерное общество \"Северный ветер\"": "match_name",
        }, "no ИНН in this report: found by the normalised name; Соколов (no ИНН in 1C) by the name it was "
           "created with")
        self.assertEqual(wizard.new_partner_count, 0)
        self.assertEqual(wizard.name_match_count, 2)
        self.assertEqual({line.document: line.doc_action for line in wizard.line_ids},
                         dict.fromkeys(wizard.line_ids.mapped("document"), "same"),
                         "the same documents (customer, number, date), the balance equal to the documents")
        self.assertEqual(wizard.change_amount, 0.0)
        with self.assertRaisesRegex(UserError, "recognised by their name alone"):
            wizard.action_import()
        self.assertEqual(self._counts(), before)
        wizard.confirm_name_matches = True
        wizard.action_import()
        self.assertEqual(self._counts(), before, "no customer, document or entry more")
        session = self._run((DATA / "pair_osv_62.xls").read_bytes(), "pair_osv_62.xls")
        self.assertEqual(set(session.line_ids.mapped("fate")), {"match_alias"}, "the names are known now")
        self.assertEqual(self._counts(), before)

    def test_settlements_after_trial_balance_writes_nothing(self):
        self._run((DATA / "pair_osv_62.xls").read_bytes(), "pair_osv_62.xls")
        partners, _moves, _lines, documents = self._counts()
        wizard = self._wizard("pair_settlements.xls")
        wizard.action_preview()
        self.assertEqual(wizard.name_match_count, 2, "the trial balance had no ИНН: the names tell who is who "
                                                     "(Соколов has none in either report: known by its name)")
        wizard.confirm_name_matches = True
        wizard.action_import()
        actions = {line.document: line.doc_action for line in wizard.line_ids if line.row}
        self.assertEqual(actions["Реализация товаров и услуг 00000201 от 05.03.2026"], "same")
        self.assertEqual(actions["Реализация товаров и услуг 00000211 от 12.03.2026"], "same")
        self.assertEqual(self._counts()[0], partners, "no customer twice")
        self.assertEqual(self._counts()[3], documents + 2, "only Северный ветер's two documents are new")
        # Северный ветер had only its balance: its documents replace it, the total stays 60 000
        veter = self._partner(INN_VETER)
        self.assertEqual(self._receivable(veter), 60000.0)
        self.assertEqual(self._receivable(self._partner(INN_ROMASHKA)), 150500.5)

    def test_snapshot_settles_missing_and_lower_documents(self):
        self._run(_xlsx([_doc(VETER, "00000404", "03.03.2026", "22.03.2026", 7000)]))
        self._run(_xlsx([
            _doc(TEHNO, "00000401", "01.03.2026", "20.03.2026", 50000),
            _doc(TEHNO, "00000402", "02.03.2026", "21.03.2026", 30000),
            _doc(TEHNO, "00000403", "03.03.2026", "22.03.2026", 10000),
        ]), date=datetime.date(2026, 3, 31))
        tehno = self._partner(INN_TEHNO)
        item = self._items("00000401")
        self.assertEqual(item.move_id.partner_id, tehno, "an entry of one customer's documents names him")
        promise = self.env["crm.payment.promise"].create({
            "partner_id": tehno.id, "amount": 50000.0, "move_ids": [(6, 0, item.move_id.ids)],
            "date_made": fields.Date.today(), "promised_date": fields.Date.today() + datetime.timedelta(days=5),
        })
        self.assertEqual(promise.state, "open")
        # the next export: 00000401 paid, 00000402 paid in part, Северный ветер not in the file at all
        wizard = self.Wizard.create({
            "file": base64.b64encode(_xlsx([
                _doc(TEHNO, "00000402", "02.03.2026", "21.03.2026", 12000),
                _doc(TEHNO, "00000403", "03.03.2026", "22.03.2026", 10000),
            ])),
            "filename": "next.xlsx", "date": fields.Date.today(),
        })
        wizard.action_preview()
        self.assertTrue(wizard.settle_missing)
        paid = wizard.line_ids.filtered(lambda line: line.doc_action == "settle")
        self.assertEqual(sorted(paid.mapped("change")), [-50000.0, -18000.0])
        self.assertEqual(paid.filtered(lambda line: not line.row).document,
                         "Реализация товаров и услуг 00000401 от 01.03.2026", "a row the file no longer has")
        self.assertEqual((wizard.settled_count, wizard.settled_amount), (2, -68000.0))
        wizard.action_import()
        self.assertIn("2 paid in 1C", wizard.result_message)
        first = self._items("00000401")
        self.assertEqual(len(first), 2)
        self.assertTrue(all(first.mapped("reconciled")), "settled: the document's item is reconciled")
        self.assertEqual(first[1].name, "Реализация товаров и услуг 00000401 от 01.03.2026: paid in 1C")
        self.assertEqual(first[1].date, fields.Date.today(), "paid on the date of the file")
        self.assertTrue(first[0].full_reconcile_id)
        second = self._items("00000402")
        self.assertEqual(second[0].amount_residual, 12000.0, "paid in part: 12 000 still open")
        self.assertEqual(self.Document.search([("doc_number", "=", "00000401")]).amount, 0.0)
        self.assertEqual(promise.state, "kept", "the reconciliation judged the promise")
        self.assertGreaterEqual(promise.amount_paid, 50000.0)
        self.assertEqual(self._receivable(self._partner(INN_VETER)), 7000.0,
                         "a customer absent from the file is not touched")
        self.assertEqual(self._receivable(tehno), 22000.0)
        # a rerun of the same export settles nothing more
        before = self._counts()
        self._run(_xlsx([
            _doc(TEHNO, "00000402", "02.03.2026", "21.03.2026", 12000),
            _doc(TEHNO, "00000403", "03.03.2026", "22.03.2026", 10000),
        ]))
        self.assertEqual(self._counts(), before)

    def test_snapshot_option_off(self):
        self._run(_xlsx([_doc(TEHNO, "00000501", "01.03.2026", None, 500),
                         _doc(TEHNO, "00000502", "01.03.2026", None, 700)]))
        before = self._counts()
        self._run(_xlsx([_doc(TEHNO, "00000502", "01.03.2026", None, 700)]), settle_missing=False)
        self.assertEqual(self._counts(), before, "not a full export: a missing document stays open")
        self.assertFalse(self._items("00000501").reconciled)

    def test_balance_row_posts_only_the_difference(self):
        self._run(_xlsx([
            _doc(TEHNO, "00000601", "10.01.2026", None, 30000),
            _doc(TEHNO, "00000602", "20.01.2026", None, 10000),
        ]))
        tehno = self._partner(INN_TEHNO)
        wizard = self._wizard("reconciliation_act.xls")  # ТехноСтрой owes 45 000 according to the act
        wizard.action_preview()
        line = wizard.line_ids
        self.assertEqual((line.amount, line.change, line.doc_action), (45000.0, 5000.0, "create"))
        wizard.action_import()
        self.assertEqual(self._receivable(tehno), 45000.0, "not 85 000: the documents are not added again")
        balance = self.Document.search([("partner_id", "=", tehno.id), ("kind", "=", "balance")])
        self.assertEqual(balance.amount, 5000.0)
        self.assertEqual(balance.move_line_ids.balance, 5000.0)
        self._import("reconciliation_act_q2.xls")  # 30 000 at the end of June
        self.assertEqual(self._receivable(tehno), 30000.0)
        before = self._counts()
        self._import("reconciliation_act_q2.xls")
        self.assertEqual(self._counts(), before)

    def test_name_spellings_never_duplicate_customers(self):
        Partner = self.env["res.partner"].with_context(active_test=False)
        card = Partner.create({"name": "Общество с ограниченной ответственностью \"Ёлочка\"", "is_company": True})
        other = Partner.create({"name": "АО «Ёлочка»", "is_company": True, "vat": "7701012342"})
        header = ("Наименование", "ИНН", "Телефон")
        content = _xlsx([("ООО «Елочка»", "", ""), ("ИП Петров Пётр", "", ""), ("Петров Петр, ИП", "", "")],
                        header=header, title="Контрагенты")
        wizard = self.Wizard.create({"file": base64.b64encode(content), "filename": "c.xlsx"})
        wizard.action_preview()
        by_name = {line.name: line for line in wizard.line_ids}
        self.assertEqual((by_name["ООО «Елочка»"].fate, by_name["ООО «Елочка»"].partner_id), ("match_name", card))
        self.assertNotEqual(by_name["ООО «Елочка»"].partner_id, other, "АО is another company")
        self.assertEqual(wizard.new_partner_count, 1, "two spellings of one entrepreneur in the file: one customer")
        wizard.confirm_name_matches = True
        wizard.action_import()
        count = Partner.search_count([])
        # the rerun of a file without ИНН found them all by name: nothing created twice
        wizard = self.Wizard.create({"file": base64.b64encode(content), "filename": "c.xlsx"})
        wizard.action_preview()
        self.assertEqual(wizard.new_partner_count, 0)
        self.assertEqual(set(wizard.line_ids.mapped("fate")), {"match_alias"},
                         "names created or confirmed by the last import: no confirmation asked again")
        wizard.action_import()
        self.assertEqual(Partner.search_count([]), count)

    def test_other_inn_is_another_customer(self):
        self.env["res.partner"].create({"name": "ООО «ТехноСтрой»", "is_company": True, "vat": "7701012342"})
        wizard = self.Wizard.create({
            "file": base64.b64encode(_xlsx([_doc(TEHNO, "00000701", "01.03.2026", None, 100)])),
            "filename": "t.xlsx",
        })
        wizard.action_preview()
        self.assertEqual(wizard.line_ids.fate, "new", "same name, another ИНН: not the same company")

    def test_documents_imported_before_the_keys_are_recognised(self):
        """A document imported by the previous version (a hash as key, no document key) is keyed on update."""
        self._run(_xlsx([_doc(TEHNO, "00000801", "01.03.2026", None, 900)]))
        document = self.Document.search([("doc_number", "=", "00000801")])
        self.env.flush_all()
        self.env.cr.execute(SQL(
            "UPDATE crm_import_1c_document SET doc_key = NULL, external_key = md5('old') WHERE id = %s", document.id,
        ))
        self.Document.init()
        document.invalidate_recordset()
        self.assertEqual(document.doc_key, "801|2026-03-01")
        self.assertEqual(document.external_key, f"{document.partner_id.id}|801|2026-03-01")
        before = self._counts()
        self._run(_xlsx([_doc(TEHNO, "00000801", "01.03.2026", None, 900)]))
        self.assertEqual(self._counts(), before)
