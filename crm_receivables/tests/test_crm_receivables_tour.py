from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestCrmReceivablesTour(HttpCase):

    def test_open_receivables_app(self):
        partner = self.env["res.partner"].create({"name": "Tour Customer LLC", "is_company": True})
        self.env["crm.interaction"].create({"partner_id": partner.id, "summary": "Tour call: promised to pay"})
        self.start_tour("/odoo", "crm_receivables_open_app", login="admin")
