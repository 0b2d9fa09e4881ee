from odoo.tests import tagged

from .selfservice_common import SelfServiceHttpCommon


@tagged("post_install", "-at_install")
class TestSelfServiceTour(SelfServiceHttpCommon):
    """Chromium as the customer: from the link of a reminder, without login, in English and in Russian."""

    def _check_answers(self):
        promise = self.env["crm.payment.promise"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(len(promise), 1)
        self.assertEqual(promise.move_ids, self.invoice_old)
        self.assertEqual(promise.amount, 1000.0)
        self.assertEqual(self.statement.state, "confirmed")
        self.assertEqual(self.statement.selfservice_confirmed_by, "Ivanova, chief accountant")
        kinds = self.env["crm.selfservice.request"].search([("token_id", "=", self.token.id)]).mapped("kind")
        self.assertEqual(sorted(kinds), ["callback", "promise", "statement_confirm"])

    def test_tour_english(self):
        self.start_tour(self.url, "crm_selfservice_en")
        self._check_answers()

    def test_tour_russian(self):
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env["ir.module.module"]._load_module_terms(["crm_receivables"], ["ru_RU"])
        self.customer.lang = "ru_RU"
        self.start_tour(self.url, "crm_selfservice_ru")
        self._check_answers()
