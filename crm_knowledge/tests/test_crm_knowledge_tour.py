from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestCrmKnowledgeTour(HttpCase):

    def test_open_knowledge_app(self):
        """The Knowledge app opens from the home menu and shows the demo or a created article."""
        self.env["crm.knowledge.article"].create({
            "name": "Tour article: how to pay", "state": "published", "kind": "faq",
        })
        self.start_tour("/odoo", "crm_knowledge_open_app", login="admin")

    def test_search_open_render(self):
        """Search by word forms → open the template → render it for a customer."""
        self.env["res.partner"].create({"name": "Туровый клиент", "is_company": True, "vat": "7707083893"})
        self.env["crm.knowledge.article"].create({
            "name": "Туровое письмо клиенту",
            "kind": "template",
            "state": "published",
            "body": "<p>Письмо о сроках оплаты.</p>",
            "template_model_id": self.env.ref("base.model_res_partner").id,
            "template_body": '<p>Кому: <t t-out="object.name"/>, <t t-out="ru.inn_kpp(object)"/></p>',
        })
        self.start_tour("/odoo", "crm_knowledge_search_render", login="admin")
