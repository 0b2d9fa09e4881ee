from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from odoo.addons.crm_knowledge.models.crm_knowledge_article import TEMPLATE_MODELS

from .common import CrmKnowledgeCommon


@tagged("post_install", "-at_install")
class TestCrmKnowledgeTemplate(CrmKnowledgeCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner = cls.env["res.partner"].create({
            "name": "ООО «Ромашка»", "is_company": True, "vat": "7707083893", "city": "Москва",
        })
        cls.template = cls.env["crm.knowledge.article"].create({
            "name": "Письмо клиенту",
            "kind": "template",
            "state": "published",
            "template_model_id": cls.env.ref("base.model_res_partner").id,
            "template_body": (
                '<p>Кому: <t t-out="object.name"/>, <t t-out="ru.inn_kpp(object)"/></p>'
                '<p>Сумма: <t t-out="ru.money(1234567.8)"/> (<t t-out="ru.amount_words(1234567.8)"/>)</p>'
                '<p>Дата: <t t-out="ru.date(\'2026-11-27\')"/></p>'
            ),
        })
        # a user who is not a template editor (mail's "restricted template rendering")
        cls.env.ref("base.group_user").write(
            {"implied_ids": [(3, cls.env.ref("mail.group_mail_template_editor").id)]},
        )
        cls.user_editor.groups_id = [(3, cls.env.ref("mail.group_mail_template_editor").id)]

    def test_render_for_partner(self):
        html = self.template.with_user(self.user_reader)._render_document([self.partner.id])[self.partner.id]
        self.assertIn("Кому: ООО «Ромашка», ИНН 7707083893", html)
        self.assertIn("1\u00a0234\u00a0567,80", html)
        self.assertIn("Один миллион двести тридцать четыре тысячи пятьсот шестьдесят семь рублей 80 копеек", html)
        self.assertIn("Дата: 27 ноября 2026 г.", html)

    def test_render_escapes_record_values(self):
        self.partner.name = "<script>alert(1)</script>"
        html = self.template._render_document([self.partner.id])[self.partner.id]
        self.assertNotIn("<script>", html)
        self.assertIn("&lt;script&gt;", html)

    def test_unsafe_expression_rejected(self):
        """A user outside the template editors cannot save code in a template; plain placeholders are fine."""
        Article = self.env["crm.knowledge.article"].with_user(self.user_editor)
        values = {"name": "Опасный", "kind": "template", "template_model_id": self.env.ref("base.model_res_partner").id}
        with self.assertRaises(AccessError):
            Article.create(dict(values, template_body="<t t-out=\"object.env['res.users'].sudo().search([])\"/>"))
        draft = Article.create(dict(values, template_body='<p><t t-out="object.name"/></p>'))
        with self.assertRaises(AccessError):
            draft.write({"template_body": '<p t-foreach="object.env[\'res.users\'].search([])" t-as="u">x</p>'})
        with self.assertRaises(AccessError):
            draft.write({"template_body": "<t t-out=\"object.sudo().write({'name': 'x'})\"/>"})
        self.assertEqual(draft.template_body, '<p><t t-out="object.name"/></p>')

    def test_template_needs_a_model(self):
        with self.assertRaises(ValidationError):
            self.env["crm.knowledge.article"].create({"name": "Без модели", "kind": "template"})

    def test_template_models_come_from_the_addons_that_bring_them(self):
        """The base addon names only models of its own dependencies; the others are registered through
        the hook by the addons that bring them, so every model offered exists."""
        upstream, todo = set(), self.env["ir.module.module"].search([("name", "=", "crm_knowledge")])
        while todo:
            upstream |= set(todo.mapped("name"))
            todo = todo.dependencies_id.depend_id.filtered(lambda module, seen=upstream: module.name not in seen)
        for name in TEMPLATE_MODELS:
            self.assertIn(name, self.env)
            self.assertIn(self.env[name]._original_module, upstream, name)
        names = self.env["crm.knowledge.article"]._get_template_model_names()
        self.assertEqual(names[:len(TEMPLATE_MODELS)], list(TEMPLATE_MODELS))
        self.assertFalse([name for name in names if name not in self.env], "every model offered is installed")
        offered = self.env["ir.model"].search(self.env["crm.knowledge.article"]._fields["template_model_id"]
                                              .get_domain_list(self.env["crm.knowledge.article"]))
        self.assertEqual(set(offered.mapped("model")), set(names))

    def test_wizard_attaches_pdf_to_partner(self):
        # attaching to the partner and posting in its chatter needs the right to edit contacts
        self.user_reader.groups_id = [(4, self.env.ref("base.group_partner_manager").id)]
        wizard_form = Form(self.env["crm.knowledge.render.wizard"].with_user(self.user_reader).with_context(
            active_model="res.partner", active_id=self.partner.id,
        ))
        self.assertEqual(wizard_form.article_id, self.template, "the partner's template is proposed")
        self.assertIn("ООО «Ромашка»", wizard_form.preview)
        wizard = wizard_form.save()
        action = wizard.action_attach_pdf()
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", self.partner.id)],
        )
        self.assertEqual(len(attachment), 1)
        self.assertEqual(attachment.name, "Письмо клиенту — ООО «Ромашка».pdf")
        self.assertIn(f"/web/content/{attachment.id}", action["url"])
        # in test mode Odoo renders reports as HTML instead of calling wkhtmltopdf
        self.assertIn("ИНН 7707083893", attachment.raw.decode())
        self.assertIn(attachment, self.partner.message_ids.attachment_ids)

        mail_action = wizard.action_send_email()
        self.assertEqual(mail_action["res_model"], "mail.compose.message")
        self.assertIn("ООО «Ромашка»", mail_action["context"]["default_body"])
