import base64
from datetime import date

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


@tagged("post_install", "-at_install")
class TestStatement(AccountTestInvoicingCommon):
    """The statement (акт сверки) against the ledger: real invoices, credit notes and payments."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.sudo().groups_id = [
            Command.link(cls.env.ref("crm_receivables.crm_receivables_group_manager").id)]
        cls.customer = cls.env["res.partner"].create({"name": "ООО «Сверка»", "is_company": True,
                                                      "email": "sverka@example.com"})
        cls.contact = cls.env["res.partner"].create({"name": "Бухгалтер", "parent_id": cls.customer.id})
        before = cls.init_invoice("out_invoice", partner=cls.customer, invoice_date=date(2026, 1, 20),
                                  amounts=[1000.0], taxes=[], post=True)
        cls.inv1 = cls.init_invoice("out_invoice", partner=cls.contact, invoice_date=date(2026, 2, 5),
                                    amounts=[2500.0], taxes=[], post=True)
        cls.refund = cls.init_invoice("out_refund", partner=cls.customer, invoice_date=date(2026, 2, 10),
                                      amounts=[300.0], taxes=[], post=True)
        cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=before.ids,
        ).create({"amount": 1000.0, "payment_date": date(2026, 2, 15)})._create_payments()
        cls.init_invoice("out_invoice", partner=cls.customer, invoice_date=date(2026, 3, 5),
                         amounts=[999.0], taxes=[], post=True)

    def _ledger(self, domain):
        [(balance,)] = self.env["account.move.line"]._read_group(
            [("partner_id", "child_of", self.customer.id), ("account_type", "=", "asset_receivable"),
             ("parent_state", "=", "posted"), ("company_id", "=", self.env.company.id), *domain],
            aggregates=["balance:sum"],
        )
        return balance or 0.0

    def test_balances_equal_the_ledger(self):
        statement = self.env["crm.statement"].create({
            "partner_id": self.customer.id, "date_from": date(2026, 2, 1), "date_to": date(2026, 2, 28),
        })
        opening = self._ledger([("date", "<", date(2026, 2, 1))])
        closing = self._ledger([("date", "<=", date(2026, 2, 28))])
        self.assertEqual(opening, 1000.0)
        self.assertAlmostEqual(statement.opening_balance, opening)
        self.assertAlmostEqual(statement.closing_balance, closing)
        self.assertAlmostEqual(statement.closing_balance, 1000.0 + 2500.0 - 300.0 - 1000.0)
        self.assertAlmostEqual(statement.total_debit, 2500.0)
        self.assertAlmostEqual(statement.total_credit, 1300.0)
        data = statement._get_statement_data()
        self.assertEqual(len(data["rows"]), 3, "invoice, credit note and payment; March is outside")
        self.assertIn(self.inv1.name, data["rows"][0]["document"])

    def test_report_renders_in_russian_layout(self):
        statement = self.env["crm.statement"].create({
            "partner_id": self.customer.id, "date_from": date(2026, 2, 1), "date_to": date(2026, 2, 28),
        })
        html = self.env["ir.actions.report"]._render_qweb_html(
            "crm_receivables.crm_statement_report", statement.ids)[0].decode()
        self.assertIn("Statement of mutual settlements", html)
        self.assertIn("ООО «Сверка»", html)
        self.assertIn(self.inv1.name, html)
        self.assertEqual(html.count("Stamp"), 2, "signature blocks of both parties")
        pdf, fmt = self.env["ir.actions.report"]._render_qweb_pdf(
            "crm_receivables.crm_statement_report", statement.ids)
        self.assertTrue(pdf, "the report renders (PDF with wkhtmltopdf, HTML in test mode)")
        self.assertIn(fmt, ("pdf", "html"))

    def test_name_and_dates_in_the_customers_language(self):
        """The title is written in the customer's language with its dates (not frozen in the language of
        whoever created it, nor in ISO dates); the PDF's rows show dates as the customer writes them."""
        self.env["res.lang"]._activate_lang("ru_RU")
        self.customer.lang = "en_US"
        statement = self.env["crm.statement"].with_context(lang="ru_RU").create({
            "partner_id": self.customer.id, "date_from": date(2026, 2, 1), "date_to": date(2026, 2, 28),
        })
        self.assertEqual(statement.name, "Statement ООО «Сверка» 02/01/2026 – 02/28/2026")
        self.customer.lang = "ru_RU"
        self.assertEqual(statement.name, "Акт сверки ООО «Сверка» 01.02.2026 – 28.02.2026")
        self.assertEqual(statement.with_context(lang="en_US").name, statement.name,
                         "the document's title does not depend on who reads it")
        html = self.env["ir.actions.report"]._render_qweb_html(
            "crm_receivables.crm_statement_report", statement.ids)[0].decode()
        self.assertIn("05.02.2026", html, "the invoice's date as written in Russian")
        self.assertNotIn("2026-02-05", html)

    def test_wizard_send_and_track(self):
        wizard = self.env["crm.statement.wizard"].with_context(
            active_model="res.partner", active_ids=self.contact.ids,
        ).create({"date_from": date(2026, 2, 1), "date_to": date(2026, 2, 28), "send_email": True})
        self.assertEqual(wizard.partner_ids, self.customer)
        action = wizard.action_create()
        statement = self.env["crm.statement"].search(action["domain"])
        self.assertEqual(statement.state, "sent")
        self.assertTrue(statement.message_ids.filtered(lambda m: m.attachment_ids), "PDF attached to the email")
        with self.assertRaises(UserError):
            statement.action_confirm()
        statement.write({"signed_scan": base64.b64encode(b"%PDF-1.4 scan"), "signed_scan_name": "scan.pdf"})
        statement.action_confirm()
        self.assertEqual(statement.state, "confirmed")
        statement.action_draft()
        statement.action_mark_sent()
        statement.action_dispute()
        self.assertEqual(statement.state, "disputed")
