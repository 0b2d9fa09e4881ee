from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import format_datetime

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

    def test_approval_flow(self):
        """Editor submits, the reviewer gets a to-do, only an approver publishes — enforced server-side."""
        Article = self.env["crm.knowledge.article"].with_user(self.user_editor)
        article = Article.create({"name": "Как получить акт сверки", "reviewer_id": self.user_approver.id})
        article.action_submit()
        self.assertEqual(article.state, "review")
        self.assertEqual(article.activity_ids.user_id, self.user_approver, "the reviewer gets a to-do")
        with self.assertRaises(UserError):
            article.action_submit()  # not a draft any more
        # an editor can neither click Publish nor write the state by RPC
        with self.assertRaises(AccessError):
            article.action_publish()
        with self.assertRaises(AccessError):
            article.write({"state": "published"})
        with self.assertRaises(AccessError):
            Article.create({"name": "Self-published", "state": "published"})
        with self.assertRaises(AccessError):
            article.with_user(self.user_reader).action_submit()
        self.assertEqual(article.state, "review")

        article.with_user(self.user_approver).action_publish()
        self.assertEqual(article.state, "published")
        self.assertEqual(article.published_by_id, self.user_approver)
        self.assertTrue(article.next_review_date, "publication schedules the next review")
        self.assertFalse(article.activity_ids, "publication closes the reviewer's to-do")
        # a published text is changed by approvers only
        with self.assertRaises(AccessError):
            article.write({"body": "<p>Silent change</p>"})
        article.with_user(self.user_editor).action_reset_draft()
        article.with_user(self.user_editor).write({"body": "<p>Новый порядок</p>"})
        self.assertEqual(article.state, "draft")

    def test_versions_and_restore(self):
        article = self.env["crm.knowledge.article"].with_user(self.user_editor).create({
            "name": "Оплата по счёту", "body": "<p>Оплатите в течение 5 дней.</p>",
        })
        article.write({"body": "<p>Оплатите в течение 10 дней.</p>"})
        article.write({"name": "Оплата по счёту (новое)"})
        article.write({"sequence": 3})  # no content change, no version
        versions = article.version_ids.sorted("id")
        self.assertEqual(len(versions), 3)
        self.assertEqual(article.version_count, 3)
        self.assertEqual(versions.author_id, self.user_editor)
        second = versions[1]
        self.assertEqual(second.previous_id, versions[0])
        self.assertRegex(second.diff_html, r"<added>[^<]*10 дней[^<]*</added>")
        self.assertRegex(second.diff_html, r"<removed>[^<]*5 дней[^<]*</removed>")
        self.assertIn("<added>", versions[2].diff_html, "the title change shows in the diff")

        self.user_editor.tz = "Asia/Vladivostok"  # UTC+10 all year
        versions[0].with_user(self.user_editor).action_restore()
        restored = article.message_ids.filtered(lambda message: "Restored the version" in (message.body or ""))
        self.assertEqual(len(restored), 1)
        first = format_datetime(versions[0].with_user(self.user_editor).env, versions[0].create_date,
                                tz="Asia/Vladivostok", dt_format="short")
        self.assertIn(first, restored.body, "the version's moment in the user's time zone, not in UTC")
        self.assertIn(f"({first})", versions[0].with_user(self.user_editor).display_name)
        self.assertNotIn(fields.Datetime.to_string(versions[0].create_date), restored.body)
        self.assertEqual(article.name, "Оплата по счёту")
        self.assertEqual(article.body, "<p>Оплатите в течение 5 дней.</p>")
        self.assertEqual(len(article.version_ids), 4, "the restore is itself a version")

    def test_votes_and_views(self):
        article = self.env["crm.knowledge.article"].create({"name": "Полезная статья", "state": "published"})
        article.with_user(self.user_reader).action_vote_helpful()
        article.with_user(self.user_editor).action_vote_helpful()
        article.with_user(self.user_approver).action_vote_unhelpful()
        article.with_user(self.user_reader).action_vote_unhelpful()  # changes its mind: still one vote
        article.invalidate_recordset()
        self.assertEqual((article.helpful_count, article.unhelpful_count), (1, 2))
        self.assertEqual(article.with_user(self.user_editor).my_vote, "yes")
        self.assertEqual(len(article.vote_ids), 3)

        search = self.env["crm.knowledge.search"].with_user(self.user_reader).create({"query": "Полезная"})
        search.action_search()
        search.result_ids.action_open_article()
        search.result_ids.action_open_article()
        self.assertEqual(article.view_count, 2)
        draft = self.env["crm.knowledge.article"].create({"name": "Черновик"})
        with self.assertRaises(AccessError):
            draft.with_user(self.user_reader).action_vote_helpful()

    def test_review_reminders_batches_make_progress(self):
        """More articles due than a batch holds: each call reminds new ones until none is left."""
        Article = self.env["crm.knowledge.article"]
        due = Article.create([
            {"name": f"Статья {n}", "state": "published", "reviewer_id": self.user_approver.id,
             "next_review_date": "2026-03-01"}
            for n in range(25)
        ])
        nobody = Article.create({"name": "Без рецензента", "state": "published", "owner_id": False,
                                 "next_review_date": "2026-03-01"})
        with freeze_time("2026-03-02"):
            before = Article.search_count(Article._cron_review_reminders_domain(fields.Date.today()))
            done = [Article._cron_review_reminders(limit=10) for _call in range(10)]
        self.assertEqual(sum(done), before, done)
        self.assertNotIn(0, done[: len([d for d in done if d])], "no empty call before the end")
        self.assertEqual(done[-1], 0, "nothing left")
        self.assertEqual(len(due.activity_ids), 25, "one to-do per article")
        self.assertFalse(nobody.activity_ids, "nobody to remind: never selected")

    def test_review_reminders(self):
        article = self.env["crm.knowledge.article"].create({
            "name": "Реквизиты для оплаты", "state": "published", "reviewer_id": self.user_approver.id,
            "next_review_date": "2026-03-01",
        })
        with freeze_time("2026-02-27"):
            self.env["crm.knowledge.article"]._cron_review_reminders()
        self.assertFalse(article.activity_ids)
        with freeze_time("2026-03-02"):
            self.env["crm.knowledge.article"]._cron_review_reminders()
            self.env["crm.knowledge.article"]._cron_review_reminders()
        self.assertEqual(len(article.activity_ids), 1, "one reminder, not one per cron run")
        self.assertEqual(article.activity_ids.user_id, self.user_approver)
        with freeze_time("2026-03-02"):
            article.with_user(self.user_approver).action_mark_reviewed()
        self.assertEqual(article.next_review_date, fields.Date.to_date("2026-09-02"))
        self.assertFalse(article.activity_ids)

    def test_body_is_sanitised(self):
        article = self.env["crm.knowledge.article"].with_user(self.user_editor).create({
            "name": "XSS",
            "body": '<p>Hello</p><script>alert("x")</script><img src="x" onerror="alert(1)"/>'
                    '<a href="javascript:alert(2)">link</a>',
        })
        self.assertIn("<p>Hello</p>", article.body)
        self.assertNotIn("<script", article.body)
        self.assertNotIn("onerror", article.body)
        self.assertNotIn("javascript:", article.body)

    def test_multi_company_rule(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        article = self.env["crm.knowledge.article"].create({"name": "Other's", "company_id": other.id,
                                                            "state": "published"})
        self.assertFalse(
            self.env["crm.knowledge.article"].with_user(self.user_approver).search([("id", "=", article.id)]),
            "an article of a company the user is not in stays invisible",
        )
        self.assertFalse(
            self.env["crm.knowledge.article"].with_user(self.user_approver)._suggest("Other"),
            "nor is it suggested",
        )
