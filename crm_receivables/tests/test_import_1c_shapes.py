from odoo.exceptions import UserError
from odoo.tests import tagged

from .test_import_1c import DATA, Import1cCommon

ROMASHKA, VETER, TEHNO = "ООО «Ромашка»", "АО «Северный ветер»", "ООО «ТехноСтрой»"
KUZNETSOVA, VECTOR, URAL = "ИП Кузнецова Мария Петровна", "ООО «Вектор-М»", "ПАО «Уральские машины»"


@tagged("post_install", "-at_install")
class TestImport1cShapes(Import1cCommon):
    """Issue 17 end to end: the shapes 1C reports take become customers and open receivable items whose totals
    equal the file's own, through the import service; a file whose subtotals do not add up writes nothing."""

    def _run(self, filename, **options):
        return self.env["crm.import.1c.service"].import_file((DATA / filename).read_bytes(), filename, **options)

    def _open_items_by_customer(self, names):
        result = {}
        for name in names:
            partner = self.env["res.partner"].search([("name", "=", name)])
            self.assertEqual(len(partner), 1, f"{name}: exactly one customer")
            result[name] = self._receivable(partner)
        return result

    def test_osv_62_01_counterparty_contract_document(self):
        before = self.env["res.partner"].search_count([])
        session = self._run("osv_62_01_contracts.xls")
        self.assertEqual(session.state, "done")
        self.assertEqual(self.env["res.partner"].search_count([]) - before, 4,
                         "four customers: contract rows and the «Договоры» caption are never customers")
        self.assertFalse(self.env["res.partner"].search([("name", "in", ("Договоры", "Основной договор"))]))
        self.assertEqual(self._open_items_by_customer([ROMASHKA, VETER, TEHNO, KUZNETSOVA]), {
            ROMASHKA: 250000.0, VETER: 90000.0, TEHNO: -12000.0, KUZNETSOVA: 45000.0})
        romashka = self.env["res.partner"].search([("name", "=", ROMASHKA)])
        self.assertEqual(len(self.Document.search([("partner_id", "=", romashka.id)])), 2,
                         "one document per settlement document, never its contract subtotal")
        # the same report as .xlsx (no outline levels: read by content) writes nothing new
        counts = self._counts()
        self._run("osv_62_01_contracts.xlsx")
        self.assertEqual(self._counts(), counts)

    def test_osv_76_06_and_62_with_subaccounts(self):
        self._run("osv_76_06.xls")
        self.assertEqual(self._open_items_by_customer([VECTOR, URAL, KUZNETSOVA]),
                         {VECTOR: 64000.0, URAL: 34000.0, KUZNETSOVA: -7500.0})
        self._run("osv_62_documents.xls")
        self.assertEqual(self._open_items_by_customer([ROMASHKA, VETER]), {ROMASHKA: 150000.0, VETER: 62500.0})

    def test_ut_debt_aging(self):
        self._run("ut_debt_aging.xlsx")
        self.assertEqual(self._open_items_by_customer([ROMASHKA, VECTOR, URAL]),
                         {ROMASHKA: 180000.0, VECTOR: 130000.0, URAL: 60000.0})
        item = self.Document.search([("doc_number", "=", "00УТ-000101")]).move_line_ids
        self.assertEqual(str(item.date_maturity), "2026-03-03", "the report's due date is the item's")

    def test_ut_settlements_statement(self):
        self._run("ut_settlements_statement.xls")
        self.assertEqual(self._open_items_by_customer([VETER, TEHNO]), {VETER: 87500.0, TEHNO: -5000.0})

    def test_subtotals_that_do_not_add_up_are_refused_with_the_rows(self):
        counts = self._counts()
        wizard = self._wizard("osv_bad_subtotals.xls")
        wizard.action_preview()
        errors = wizard.line_ids.filtered(lambda line: line.fate == "error")
        self.assertEqual(wizard.error_count, 2)
        self.assertEqual(sorted(errors.mapped("row")), [10, 11])
        self.assertIn("260", " ".join(errors.mapped("message")), "the message gives the file's subtotal")
        with self.assertRaises(UserError):
            wizard.action_import()
        self.assertEqual(self._counts(), counts, "nothing written")
