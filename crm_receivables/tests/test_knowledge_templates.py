from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.tests import Form, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


@tagged("post_install", "-at_install")
class TestKnowledgeTemplates(AccountTestInvoicingCommon):
    """The shipped templates (supply contract, commercial proposal, claim letter) over real orders and
    invoices."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the accountant of AccountTestInvoicingCommon also reads the knowledge base
        cls.env.user.groups_id += cls.env.ref("crm_knowledge.crm_knowledge_group_reader")
        cls.customer = cls.env["res.partner"].create({
            "name": "ООО «Вектор»", "is_company": True, "vat": "7707083893", "crm_kpp": "773601001",
            "city": "Москва", "street": "ул. Тверская, 7",
        })
        cls.product_a.name = "Бумага офисная А4"
        cls.product_b.name = "Картридж лазерный"
        cls.order = cls.env["sale.order"].create({
            "partner_id": cls.customer.id,
            "date_order": "2026-11-20 10:00:00",
            "order_line": [
                Command.create({"product_id": cls.product_a.id, "product_uom_qty": 10, "price_unit": 350.0,
                                "tax_id": False}),
                Command.create({"product_id": cls.product_b.id, "product_uom_qty": 3, "price_unit": 4200.5,
                                "tax_id": False}),
            ],
        })
        cls.contract = cls.env.ref("crm_receivables.crm_knowledge_template_supply_contract")
        cls.proposal = cls.env.ref("crm_receivables.crm_knowledge_template_commercial_proposal")
        cls.claim = cls.env.ref("crm_receivables.crm_knowledge_template_claim_letter")

    def _words(self, number_words, cents):
        """The amount in words in the company currency of the test company (USD here, RUB in Russia)."""
        unit, cent = {"RUB": ("рубль", "копеек"), "USD": ("доллар США", "центов")}[self.env.company.currency_id.name]
        return f"{number_words} {unit} {cents} {cent}"

    def _render(self, template, record):
        return template._render_document([record.id])[record.id]

    def test_supply_contract_from_sale_order(self):
        self.assertEqual(self.order.amount_total, 16101.5)
        html = self._render(self.contract, self.order)
        self.assertIn(f"ДОГОВОР ПОСТАВКИ № {self.order.name}", html)
        self.assertIn("20 ноября 2026 г.", html)
        self.assertIn("ООО «Вектор»", html)
        self.assertIn("ИНН 7707083893 / КПП 773601001", html)
        self.assertIn("Бумага офисная А4", html)
        self.assertIn("Картридж лазерный", html)
        self.assertIn("12\u00a0601,50", html, "line total 3 × 4 200,50")
        self.assertIn("16\u00a0101,50", html)
        self.assertIn(self._words("Шестнадцать тысяч сто один", 50), html)
        self.assertIn("<td>10</td>", html, "quantities without useless zeros")
        self.assertEqual(html.count("<tr>"), 4, "header, two order lines and the signature row")

    def test_commercial_proposal_from_sale_order(self):
        self.order.validity_date = "2026-12-20"
        html = self._render(self.proposal, self.order)
        self.assertIn(f"КОММЕРЧЕСКОЕ ПРЕДЛОЖЕНИЕ № {self.order.name}", html)
        self.assertIn("3\u00a0500,00", html, "10 × 350")
        self.assertIn(self._words("Шестнадцать тысяч сто один", 50), html)
        self.assertIn("действительно до 20 декабря 2026 г.", html)

    @freeze_time("2026-11-27")
    def test_claim_letter_over_overdue_invoices(self):
        """Only the posted, unpaid, overdue invoices of the customer, their residuals, the total in words."""
        def invoice(amount, due_days_ago, post=True):
            move = self.init_invoice("out_invoice", partner=self.customer, amounts=[amount], taxes=[],
                                     invoice_date=date(2026, 11, 27) - timedelta(days=due_days_ago + 10))
            move.invoice_date_due = date(2026, 11, 27) - timedelta(days=due_days_ago)
            if post:
                move.action_post()
            return move

        overdue_1 = invoice(12000.0, 40)
        overdue_2 = invoice(5500.75, 5)
        not_due = invoice(9999.0, -3)
        draft = invoice(777.0, 30, post=False)
        paid = invoice(3000.0, 20)
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=paid.ids,
        ).create({"payment_date": "2026-11-20"})._create_payments()
        # a partial payment on the first one: 2 000 remain due
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=overdue_1.ids,
        ).create({"payment_date": "2026-11-20", "amount": 10000.0})._create_payments()
        self.assertEqual(overdue_1.amount_residual, 2000.0)

        html = self._render(self.claim, self.customer)
        self.assertIn("ПРЕТЕНЗИЯ", html)
        self.assertIn("27 ноября 2026 г.", html)
        self.assertIn(overdue_1.name, html)
        self.assertIn(overdue_2.name, html)
        for absent in (not_due, paid):
            self.assertNotIn(absent.name, html)
        self.assertEqual(draft.state, "draft")
        self.assertNotIn("777,00", html, "a draft is no debt")
        self.assertIn("2\u00a0000,00", html)
        self.assertIn("7\u00a0500,75", html, "total of the residuals 2 000 + 5 500,75")
        unit, cent = {"RUB": ("рублей", "копеек"), "USD": ("долларов США", "центов")}[
            self.env.company.currency_id.name]
        self.assertIn(f"Семь тысяч пятьсот {unit} 75 {cent}", html)

    def test_orders_and_invoices_registered_as_template_models(self):
        """crm_receivables brings sale orders and invoices to the templates through the hook of crm_knowledge."""
        names = self.env["crm.knowledge.article"]._get_template_model_names()
        self.assertIn("sale.order", names)
        self.assertIn("account.move", names)
        offered = dict(self.env["crm.knowledge.render.wizard"]._selection_record_ref())
        self.assertIn("sale.order", offered)
        self.assertIn("account.move", offered)

    def test_documents_action_from_sale_order(self):
        """The Action menu of a sale order proposes its templates and attaches the PDF to the order."""
        action = self.env.ref("crm_receivables.crm_knowledge_render_wizard_action_sale_order")
        self.assertEqual(action.binding_model_id.model, "sale.order")
        wizard = Form(self.env["crm.knowledge.render.wizard"].with_context(
            active_model="sale.order", active_id=self.order.id,
        ))
        self.assertIn(wizard.article_id, self.contract | self.proposal)
        wizard.article_id = self.contract
        self.assertIn("Картридж лазерный", wizard.preview)
        wizard.save().action_attach_pdf()
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "sale.order"), ("res_id", "=", self.order.id)],
        )
        self.assertEqual(attachment.name, f"Договор поставки — {self.order.display_name}.pdf")
