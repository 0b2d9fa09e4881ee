from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import CrmKnowledgeCommon


@tagged("post_install", "-at_install")
class TestCrmKnowledgeArticle(CrmKnowledgeCommon):

    def test_category_tree(self):
        self.assertEqual(self.subcategory.complete_name, "Payments / Bank transfer")
        self.env["crm.knowledge.article"].create({"name": "A", "category_id": self.subcategory.id})
        self.env["crm.knowledge.article"].create({"name": "B", "category_id": self.category.id})
        self.assertEqual(self.category.article_count, 2, "parent counts its subcategories' articles")
        self.assertEqual(self.subcategory.article_count, 1)
        with self.assertRaises(UserError):
            self.category.parent_id = self.subcategory

    def test_reader_sees_published_only(self):
        draft, published = self.env["crm.knowledge.article"].create([
            {"name": "Draft answer", "state": "draft"},
            {"name": "Published answer", "state": "published"},
        ])
        visible = self.env["crm.knowledge.article"].with_user(self.user_reader).search(
            [("id", "in", (draft | published).ids)],
        )
        self.assertEqual(visible, published)
        self.assertEqual(
            self.env["crm.knowledge.article"].with_user(self.user_editor).search_count(
                [("id", "in", (draft | published).ids)],
            ),
            2,
        )

    def test_rights_by_role(self):
        Article = self.env["crm.knowledge.article"]
        with self.assertRaises(AccessError):
            Article.with_user(self.user_reader).create({"name": "Not allowed"})
        article = Article.with_user(self.user_editor).create({"name": "Editor's draft"})
        self.assertEqual(article.owner_id, self.user_editor)
        with self.assertRaises(AccessError):
            article.with_user(self.user_editor).unlink()
        article.with_user(self.user_approver).action_publish()
        self.assertEqual(article.state, "published")

    def test_body_is_sanitised(self):
        article = self.env["crm.knowledge.article"].create({
            "name": "XSS",
            "body": '<p>Hello</p><script>alert("x")</script><img src="x" onerror="alert(1)"/>',
        })
        self.assertIn("<p>Hello</p>", article.body)
        self.assertNotIn("<script", article.body)
        self.assertNotIn("onerror", article.body)

    def test_multi_company_rule(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        article = self.env["crm.knowledge.article"].create({"name": "Other's", "company_id": other.id,
                                                             "state": "published"})
        self.assertFalse(
            self.env["crm.knowledge.article"].with_user(self.user_approver).search([("id", "=", article.id)]),
            "an article of a company the user is not in stays invisible",
        )
