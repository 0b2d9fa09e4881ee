from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestCrmKnowledgeTour(HttpCase):

    def test_open_knowledge_app(self):
        """The Knowledge app opens from the home menu and shows the demo or a created article."""
        self.env["crm.knowledge.article"].create({
            "name": "Tour article: how to pay", "state": "published", "kind": "faq",
        })
        self.start_tour("/odoo", "crm_knowledge_open_app", login="admin")
