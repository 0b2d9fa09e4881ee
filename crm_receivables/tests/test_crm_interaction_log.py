from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, tagged

from .common import CrmReceivablesCommon


@tagged("post_install", "-at_install")
class TestCrmInteractionLog(CrmReceivablesCommon):
    """"Log call" from the customer, the invoice and the sale order; outcomes that require a next step."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_collector.groups_id += cls.env.ref("account.group_account_invoice") + cls.env.ref(
            "sales_team.group_sale_salesman_all_leads")
        cls.invoice = cls.env["account.move"].create({
            "move_type": "out_invoice",
            "partner_id": cls.contact.id,
            "invoice_line_ids": [(0, 0, {"name": "Service", "quantity": 1, "price_unit": 1200.0})],
        })
        cls.invoice.action_post()
        cls.outcome_promise = cls.env.ref("crm_receivables.crm_interaction_outcome_promise")
        cls.outcome_no_answer = cls.env.ref("crm_receivables.crm_interaction_outcome_no_answer")
        cls.outcome_dispute = cls.env.ref("crm_receivables.crm_interaction_outcome_dispute")

    def _wizard(self, record):
        Wizard = self.env["crm.interaction.log.wizard"].with_user(self.user_collector)
        return Form(Wizard.with_context(active_model=record._name, active_id=record.id))

    def test_log_call_with_promise_from_invoice(self):
        promised = fields.Date.today() + timedelta(days=4)
        with self._wizard(self.invoice) as form:
            self.assertEqual(form.partner_id, self.customer)
            self.assertEqual(form.promise_amount, self.invoice.amount_residual)
            form.outcome_id = self.outcome_promise
            form.promise_date = promised
            form.duration = 0.1
        form.record.action_log()
        interaction = self.env["crm.interaction"].search([("partner_id", "=", self.customer.id)])
        self.assertRecordValues(interaction, [{
            "summary": "Promised to pay", "channel": "call", "user_id": self.user_collector.id,
            "outcome_id": self.outcome_promise.id,
        }])
        self.assertEqual(interaction.move_ids, self.invoice)
        promise = interaction.promise_ids
        self.assertRecordValues(promise, [{
            "partner_id": self.customer.id, "amount": self.invoice.amount_residual, "promised_date": promised,
            "state": "open", "user_id": self.user_collector.id,
        }])
        self.assertEqual(promise.move_ids, self.invoice)

    def test_outcome_requires_next_activity(self):
        with self._wizard(self.contact) as form:
            self.assertEqual(form.partner_id, self.customer)
            self.assertEqual(form.contact_id, self.contact)
            form.outcome_id = self.outcome_no_answer
            self.assertEqual(form.activity_type_id, self.outcome_no_answer.activity_type_id)
        form.record.action_log()
        interaction = self.env["crm.interaction"].search([("partner_id", "=", self.customer.id)])
        activity = interaction.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.user_collector)
        self.assertEqual(activity.date_deadline, fields.Date.today() + timedelta(days=1))
        self.assertEqual(self.customer.with_user(self.user_collector).crm_next_activity_summary, "Call again")

    def test_values_computed_without_a_form(self):
        """The outcome's next activity and the amount due are computed on create (no onchange needed: an
        integration calling ``create`` gets the same values as the dialog)."""
        wizard = self.env["crm.interaction.log.wizard"].with_user(self.user_collector).create({
            "partner_id": self.customer.id, "outcome_id": self.outcome_no_answer.id,
            "move_ids": [(6, 0, self.invoice.ids)],
        })
        self.assertEqual(wizard.activity_type_id, self.outcome_no_answer.activity_type_id)
        self.assertEqual(wizard.activity_date, fields.Date.today() + timedelta(days=1))
        self.assertEqual(wizard.promise_amount, 0.0, "no promise, no amount")
        wizard.outcome_id = self.outcome_promise
        self.assertEqual(wizard.promise_amount, self.invoice.amount_residual)
        wizard.promise_amount = 100.0
        wizard.outcome_id = self.outcome_no_answer
        self.assertEqual(wizard.promise_amount, 100.0, "an amount typed stays")

    def test_agreement_becomes_activity(self):
        with self._wizard(self.customer) as form:
            form.outcome_id = self.outcome_dispute
            form.summary = "Не согласны с суммой, просят акт сверки"
            form.activity_summary = "Отправить акт сверки за квартал"
            form.activity_date = fields.Date.today() + timedelta(days=3)
        form.record.action_log()
        interaction = self.env["crm.interaction"].search([("partner_id", "=", self.customer.id)])
        self.assertTrue(interaction.is_dispute)
        self.assertEqual(interaction.activity_ids.summary, "Отправить акт сверки за квартал")
        self.assertEqual(len(interaction.activity_ids), 1, "the agreed step replaces the outcome's default one")

    def test_promise_needs_amount_and_date(self):
        with self._wizard(self.customer) as form:
            form.outcome_id = self.outcome_promise
            form.promise_amount = 100.0
            form.promise_date = fields.Date.today() - timedelta(days=1)
        with self.assertRaises(UserError):
            form.record.action_log()
        self.assertFalse(self.env["crm.interaction"].search([("partner_id", "=", self.customer.id)]))

    def test_log_call_from_sale_order(self):
        order = self.env["sale.order"].create({
            "partner_id": self.customer.id,
            "order_line": [(0, 0, {"product_id": self.env["product.product"].create({"name": "Монтаж"}).id})],
        })
        with self._wizard(order) as form:
            form.summary = "Уточнили сроки поставки"
        form.record.action_log()
        interaction = self.env["crm.interaction"].search([("sale_order_id", "=", order.id)])
        self.assertEqual(interaction.partner_id, self.customer)


@tagged("post_install", "-at_install")
class TestCrmInteractionLogTour(HttpCase):

    def test_log_call_with_promise_tour(self):
        partner = self.env["res.partner"].create({
            "name": "ООО «Тур Клиент»", "is_company": True, "customer_rank": 1,
        })
        self.start_tour("/odoo", "crm_receivables_log_call", login="admin")
        promise = self.env["crm.payment.promise"].search([("partner_id", "=", partner.id)])
        self.assertEqual(len(promise), 1, "the promise was logged from the customer form")
        self.assertEqual(promise.amount, 5000.0)
        self.assertEqual(promise.interaction_id.outcome_id.code, "promise")
        self.assertEqual(promise.state, "open")


@tagged("post_install", "-at_install")
class TestHistorySecurity(CrmReceivablesCommon):
    """Collectors and managers, and one company's history invisible from another."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "ООО «Филиал»"})
        cls.promise = cls.env["crm.payment.promise"].create({
            "partner_id": cls.customer.id, "amount": 100.0, "promised_date": fields.Date.today(),
        })
        cls.promise_b = cls.env["crm.payment.promise"].with_company(cls.company_b).create({
            "partner_id": cls.customer.id, "amount": 200.0, "promised_date": fields.Date.today(),
            "company_id": cls.company_b.id,
        })
        cls.interaction_b = cls.env["crm.interaction"].create({
            "partner_id": cls.customer.id, "summary": "Звонок из филиала", "company_id": cls.company_b.id,
        })

    def test_other_company_history_is_invisible(self):
        Promise = self.env["crm.payment.promise"].with_user(self.user_collector)
        self.assertEqual(Promise.search([("partner_id", "=", self.customer.id)]), self.promise)
        self.assertNotIn(self.interaction_b, self.env["crm.interaction"].with_user(self.user_collector).search([]))
        self.assertEqual(self.customer.with_user(self.user_collector).crm_promise_open_count, 1)
        self.user_manager.company_ids += self.company_b
        manager_env = self.env["crm.payment.promise"].with_user(self.user_manager).with_context(
            allowed_company_ids=[self.env.company.id, self.company_b.id])
        self.assertEqual(manager_env.search([("partner_id", "=", self.customer.id)]), self.promise | self.promise_b)

    def test_collector_cannot_delete_promises(self):
        with self.assertRaises(AccessError):
            self.promise.with_user(self.user_collector).unlink()
        self.promise.with_user(self.user_collector).action_cancel()
        self.assertEqual(self.promise.state, "cancel")
        self.promise.with_user(self.user_manager).unlink()
        self.assertFalse(self.promise.exists())

    def test_outcomes_are_configured_by_managers(self):
        Outcome = self.env["crm.interaction.outcome"]
        self.assertTrue(Outcome.with_user(self.user_collector).search([("code", "=", "promise")]))
        with self.assertRaises(AccessError):
            Outcome.with_user(self.user_collector).create({"name": "Свой результат", "code": "own"})
        outcome = Outcome.with_user(self.user_manager).create({"name": "Свой результат", "code": "own"})
        self.assertEqual(Outcome._get_by_code("own"), outcome)
        with self.assertRaises(ValidationError):
            Outcome.create({"name": "Дубль", "code": "own"})
