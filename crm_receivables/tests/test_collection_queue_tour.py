from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestCollectionQueueTour(HttpCase):
    """The collector opens the app on the queue, calls the first customer and goes to the next."""

    def _debtor(self, name, amount, days):
        partner = self.env["res.partner"].create({
            "name": name, "is_company": True, "phone": "+7 912 345-67-89",
            "crm_collector_id": self.env.ref("base.user_admin").id,
        })
        move = self.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": partner.id,
            "invoice_date": fields.Date.today() - timedelta(days=days),
            "invoice_date_due": fields.Date.today() - timedelta(days=days),
            "invoice_line_ids": [(0, 0, {"name": "Тур-счёт", "quantity": 1, "price_unit": amount})],
        })
        move.action_post()
        return partner

    def test_queue_and_next_call_tour(self):
        first = self._debtor("Тур Должник", 9_000_000.0, 20)
        second = self._debtor("Тур Второй", 8_000_000.0, 20)
        self.env["crm.knowledge.article"].create({
            "name": "Тур-скрипт звонка должнику", "kind": "script", "state": "published",
            "body": "<p>Tour script for an overdue debt payment. "
                    "Тур-скрипт: назовите сумму и спросите дату оплаты.</p>",
        })
        Queue = self.env["crm.collection.queue"]
        Queue._rebuild(self.env.company)
        row = Queue.search([("partner_id", "=", first.id)])
        self.assertEqual(row.rank, 1)
        self.start_tour("/odoo", "crm_collection_queue_next_call", login="admin")
        self.assertTrue(row.is_done)
        interaction = self.env["crm.interaction"].search([("partner_id", "=", first.id)])
        self.assertEqual(interaction.outcome_id.code, "no_answer")
        self.assertTrue(interaction.activity_ids, "the next step was planned")
        self.assertFalse(Queue.search([("partner_id", "=", second.id)]).is_done)
