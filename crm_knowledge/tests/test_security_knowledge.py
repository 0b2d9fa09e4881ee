from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import CrmKnowledgeCommon


@tagged("post_install", "-at_install")
class TestKnowledgeApproval(CrmKnowledgeCommon):
    """Who reads a published article, and what it says, changes with an approver only (issue 12, item 1)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "KB Company B"})
        cls.user_editor.company_ids |= cls.company_b
        cls.other_category = cls.env["crm.knowledge.category"].create({"name": "Delivery"})
        cls.script = cls.env["crm.knowledge.article"].create({
            "name": "Internal call script", "kind": "script", "audience": "internal", "state": "published",
            "body": "<p>Offer a 5% discount if they pay today.</p>", "category_id": cls.category.id,
        })

    def test_editor_cannot_change_published_article(self):
        article = self.script.with_user(self.user_editor)
        changes = {
            "audience": "public",
            "company_id": self.company_b.id,
            "kind": "faq",
            "category_id": self.other_category.id,
            "body": "<p>Another text</p>",
            "name": "Another title",
        }
        for fname, value in changes.items():
            with self.subTest(field=fname), self.assertRaises(AccessError):
                article.write({fname: value})
        self.assertRecordValues(self.script, [{
            "audience": "internal", "kind": "script", "state": "published", "category_id": self.category.id,
            "name": "Internal call script", "company_id": self.env.company.id,
        }])

    def test_editor_cannot_turn_a_published_template(self):
        template = self.env["crm.knowledge.article"].create({
            "name": "Letter", "kind": "template", "state": "published",
            "template_model_id": self.env.ref("base.model_res_partner").id,
            "template_body": "<p>Dear <t t-out=\"object.name\"/></p>",
        })
        sale_model = self.env["ir.model"]._get("res.users")
        with self.assertRaises(AccessError):
            template.with_user(self.user_editor).write({"template_model_id": sale_model.id})
        with self.assertRaises(AccessError):
            template.with_user(self.user_editor).write({"template_body": "<p>Changed</p>"})

    def test_editor_archives_but_does_not_restore(self):
        article = self.script.with_user(self.user_editor)
        article.write({"active": False})
        self.assertFalse(self.script.active, "hiding an article from everyone is allowed")
        with self.assertRaises(AccessError):
            article.write({"active": True})
        self.script.with_user(self.user_approver).write({"active": True})
        self.assertTrue(self.script.active)

    def test_editor_sends_back_to_review(self):
        """The way for an editor: the change takes the article out of publication until approved."""
        self.script.with_user(self.user_editor).write({"audience": "public", "state": "review"})
        self.assertEqual((self.script.state, self.script.audience), ("review", "public"))
        with self.assertRaises(AccessError):
            self.script.with_user(self.user_editor).action_publish()
        self.script.with_user(self.user_approver).action_publish()
        self.assertEqual(self.script.state, "published")

    def test_same_value_and_other_fields_allowed(self):
        article = self.script.with_user(self.user_editor)
        article.write({"audience": "internal", "tag_ids": [(0, 0, {"name": "discount"})]})
        self.assertEqual(self.script.tag_ids.name, "discount")

    def test_approver_changes_published_article(self):
        self.script.with_user(self.user_approver).write({"audience": "portal", "body": "<p>New</p>"})
        self.assertEqual(self.script.audience, "portal")


@tagged("post_install", "-at_install")
class TestKnowledgeRenderWizardSecurity(CrmKnowledgeCommon):
    """Documents come from published templates; the chatter of a record is written by who may write it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template_values = {
            "name": "Акт сверки", "kind": "template",
            "template_model_id": cls.env.ref("base.model_res_partner").id,
            "template_body": "<p>Компания: <t t-out=\"object.name\"/></p>",
        }
        cls.published = cls.env["crm.knowledge.article"].create({**cls.template_values, "state": "published"})
        cls.draft = cls.env["crm.knowledge.article"].create({**cls.template_values, "name": "Черновик"})
        cls.company = cls.env["res.partner"].create({"name": "ООО «Только чтение»", "is_company": True})

    def test_draft_template_not_rendered(self):
        with self.assertRaises(UserError):
            self.draft.with_user(self.user_reader)._render_document([self.company.id])
        html = self.draft.with_user(self.user_editor)._render_document([self.company.id])
        self.assertIn(self.company.name, html[self.company.id], "editors preview their drafts")
        wizard = self.env["crm.knowledge.render.wizard"].with_user(self.user_editor).create({
            "article_id": self.draft.id, "record_ref": f"res.partner,{self.company.id}",
        })
        with self.assertRaises(UserError):
            wizard.action_attach_pdf()

    def test_read_only_record_gets_no_chatter_post(self):
        """A reader may read the customer but not edit it: the PDF is downloaded, nothing is posted."""
        self.assertFalse(self.company.with_user(self.user_reader).has_access("write"))
        wizard = self.env["crm.knowledge.render.wizard"].with_user(self.user_reader).create({
            "article_id": self.published.id, "record_ref": f"res.partner,{self.company.id}",
        })
        self.assertIn("ООО «Только чтение»", wizard.preview)
        action = wizard.action_attach_pdf()
        attachment = self.env["ir.attachment"].search([("name", "like", "Акт сверки — ")])
        self.assertEqual(len(attachment), 1)
        self.assertIn(f"/web/content/{attachment.id}", action["url"])
        self.assertEqual((attachment.res_model, attachment.res_id), (wizard._name, wizard.id),
                         "kept on the wizard, not attached to a record the user may not write")
        self.assertFalse(self.env["ir.attachment"].search_count(
            [("res_model", "=", "res.partner"), ("res_id", "=", self.company.id), ("name", "like", "Акт")]))
        self.assertFalse(self.company.message_ids.filtered(lambda m: m.author_id == self.user_reader.partner_id))
        # the user reads their own document
        self.assertTrue(attachment.with_user(self.user_reader).raw)


@tagged("post_install", "-at_install")
class TestHelpCentreSecurity(HttpCase):
    """The help centre serves active articles of the visitor's company only; bad parameters give no error."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "KB Help Company B"})
        cls.portal_user = new_test_user(cls.env, login="kb_sec_portal", groups="base.group_portal",
                                        password="kb_sec_portal")
        Article = cls.env["crm.knowledge.article"]
        cls.archived, cls.other_company, cls.shared, cls.portal_b = Article.create([
            {"name": "Archived answer about returns", "audience": "public", "state": "published"},
            {"name": "Company B answer about returns", "audience": "public", "state": "published",
             "company_id": cls.company_b.id},
            {"name": "Shared answer about returns", "audience": "public", "state": "published",
             "company_id": False},
            {"name": "Company B portal answer about returns", "audience": "portal", "state": "published",
             "company_id": cls.company_b.id},
        ])
        cls.archived.active = False

    def test_archived_article_not_served(self):
        self.assertEqual(self.url_open(f"/help/article/{self.archived.id}").status_code, 404)
        self.authenticate("kb_sec_portal", "kb_sec_portal")
        self.assertEqual(self.url_open(f"/my/help/article/{self.archived.id}").status_code, 404)

    def test_other_company_articles_hidden(self):
        listing = self.url_open("/help")
        self.assertEqual(listing.status_code, 200)
        self.assertIn(self.shared.name, listing.text)
        self.assertNotIn(self.other_company.name, listing.text)
        self.assertNotIn(self.archived.name, listing.text)
        found = self.url_open("/help?search=returns")
        self.assertIn(self.shared.name, found.text)
        self.assertNotIn(self.other_company.name, found.text)
        self.assertEqual(self.url_open(f"/help/article/{self.other_company.id}").status_code, 404)
        self.authenticate("kb_sec_portal", "kb_sec_portal")
        portal = self.url_open("/my/help")
        self.assertIn(self.shared.name, portal.text)
        self.assertNotIn(self.portal_b.name, portal.text)
        self.assertEqual(self.url_open(f"/my/help/article/{self.portal_b.id}").status_code, 404)

    def test_bad_category_parameter(self):
        for value in ("x", "1;DROP", "-1", "", "99999999", "99999999999999999999", "1.5"):
            with self.subTest(category=value):
                response = self.url_open(f"/help?category={value}")
                self.assertEqual(response.status_code, 200)
        self.authenticate("kb_sec_portal", "kb_sec_portal")
        self.assertEqual(self.url_open("/my/help?category=abc").status_code, 200)
