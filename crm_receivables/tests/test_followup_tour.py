from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestFollowupTour(HttpCase):

    def test_review_queue_tour(self):
        partner = self.env["res.partner"].create({"name": "Tour Debtor LLC", "is_company": True,
                                                  "email": "debtor@example.com"})
        level = self.env.ref("crm_receivables.crm_followup_level_final")
        move = self.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": partner.id,
            "invoice_date": fields.Date.today() - timedelta(days=35),
            "invoice_date_due": fields.Date.today() - timedelta(days=35),
            "invoice_line_ids": [(0, 0, {"name": "Service", "quantity": 1, "price_unit": 5000.0})],
        })
        move.action_post()
        self.env["crm.followup.engine"]._run(partners=partner)
        message = self.env["crm.followup.message"].search([("partner_id", "=", partner.id)])
        self.assertEqual(message.state, "to_review")
        self.assertEqual(message.level_id, level)
        self.start_tour("/odoo", "crm_followup_review_queue", login="admin")
        self.assertEqual(message.state, "sent")
        self.assertTrue(message.mail_id)
