from odoo.tests import Form, tagged

from .common import CrmReceivablesCommon


@tagged("post_install", "-at_install")
class TestInteractionSuggestions(CrmReceivablesCommon):
    """The interaction form suggests published knowledge articles for what the customer said."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Article = cls.env["crm.knowledge.article"]
        cls.article_act = Article.create({
            "name": "Как запросить акт сверки", "state": "published", "kind": "faq",
            "body": "<p>Клиент просит акты сверки за квартал: акт сверки отправляем по запросу клиента за два дня.</p>",
        })
        cls.article_draft = Article.create({
            "name": "Черновик про акт сверки", "state": "draft",
            "body": "<p>Акт сверки: черновик.</p>",
        })
        cls.article_other = Article.create({
            "name": "Доставка по Москве", "state": "published", "body": "<p>Курьер привозит заказ.</p>",
        })

    def test_suggestions_follow_the_summary(self):
        interaction = self.env["crm.interaction"].with_user(self.user_collector).create({
            "partner_id": self.customer.id, "summary": "Клиент просит акты сверки за квартал",
        })
        suggested = interaction.suggested_article_ids
        self.assertIn(self.article_act, suggested, "word forms (акты → акт) match")
        self.assertNotIn(self.article_draft, suggested, "drafts are never suggested")
        self.assertNotIn(self.article_other, suggested)

    def test_suggestions_update_while_typing_in_the_form(self):
        with Form(self.env["crm.interaction"].with_user(self.user_collector)) as form:
            form.partner_id = self.customer
            form.summary = "Вопрос про доставку"
            self.assertIn(self.article_other, form.suggested_article_ids)
            self.assertNotIn(self.article_act, form.suggested_article_ids)
            form.summary = "Нужен акт сверки"
            self.assertIn(self.article_act, form.suggested_article_ids)
            self.assertNotIn(self.article_other, form.suggested_article_ids)
