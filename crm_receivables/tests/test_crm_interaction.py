from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import CrmReceivablesCommon


@tagged("post_install", "-at_install")
class TestCrmInteraction(CrmReceivablesCommon):

    def test_interaction_filed_on_commercial_partner(self):
        interaction = self.env["crm.interaction"].with_user(self.user_collector).create({
            "partner_id": self.contact.id, "summary": "Called the accountant", "channel": "call",
        })
        self.assertEqual(interaction.partner_id, self.customer)
        self.assertEqual(interaction.contact_id, self.contact)
        self.assertEqual(interaction.user_id, self.user_collector)
        self.assertEqual(self.customer.interaction_count, 1)
        self.assertEqual(self.contact.interaction_count, 1, "a contact shows its company's history")

    def test_smart_button_action(self):
        self.env["crm.interaction"].create([
            {"partner_id": self.customer.id, "summary": f"Call {i}"} for i in range(3)
        ])
        action = self.contact.action_view_interactions()
        self.assertEqual(self.env["crm.interaction"].search_count(action["domain"]), 3)
        self.assertEqual(action["context"]["default_partner_id"], self.customer.id)

    def test_collector_cannot_delete(self):
        interaction = self.env["crm.interaction"].create({"partner_id": self.customer.id, "summary": "x"})
        with self.assertRaises(AccessError):
            interaction.with_user(self.user_collector).unlink()
        interaction.with_user(self.user_manager).unlink()
        self.assertFalse(interaction.exists())
