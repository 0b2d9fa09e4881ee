from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestCrmKnowledgeHelpCentre(HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = new_test_user(cls.env, login="kb_portal", groups="base.group_portal", password="kb_portal")
        Article = cls.env["crm.knowledge.article"]
        cls.public, cls.portal, cls.internal, cls.draft = Article.create([
            {"name": "Публичная статья о доставке", "audience": "public", "state": "published",
             "body": "<p>Доставка по всей России.</p>"},
            {"name": "Статья для клиентов о доставке", "audience": "portal", "state": "published",
             "body": "<p>Отслеживание доставки в личном кабинете.</p>"},
            {"name": "Внутренняя статья о доставке", "audience": "internal", "state": "published",
             "body": "<p>Склад отгружает в 14:00.</p>"},
            {"name": "Черновик о доставке", "audience": "public", "state": "draft",
             "body": "<p>Ещё не готово.</p>"},
        ])

    def test_public_help_centre(self):
        response = self.url_open("/help?search=доставка")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Публичная статья о доставке", response.text)
        for hidden in (self.portal, self.internal, self.draft):
            self.assertNotIn(hidden.name, response.text)
        self.assertIn("<mark>Доставка</mark>", response.text, "snippets highlight the match")
        self.assertEqual(self.url_open(f"/help/article/{self.public.id}").status_code, 200)
        for hidden in (self.portal, self.internal, self.draft):
            self.assertEqual(self.url_open(f"/help/article/{hidden.id}").status_code, 404)
        self.assertEqual(self.url_open("/help/article/999999").status_code, 404)
        self.public.invalidate_recordset(["view_count"])
        self.assertEqual(self.public.view_count, 1)

    def test_portal_help_centre(self):
        anonymous = self.url_open("/my/help", allow_redirects=False)
        self.assertIn("/web/login", anonymous.headers.get("Location", ""), "anonymous visitors must log in")
        self.authenticate("kb_portal", "kb_portal")
        self.assertIn('href="/my/help"', self.url_open("/my").text, "the portal home links to the help centre")
        response = self.url_open("/my/help?search=доставка")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.public.name, response.text)
        self.assertIn(self.portal.name, response.text)
        self.assertNotIn(self.internal.name, response.text)
        self.assertNotIn(self.draft.name, response.text)
        self.assertEqual(self.url_open(f"/my/help/article/{self.portal.id}").status_code, 200)
        self.assertEqual(self.url_open(f"/my/help/article/{self.internal.id}").status_code, 404)
        self.assertEqual(self.url_open(f"/my/help/article/{self.draft.id}").status_code, 404)
