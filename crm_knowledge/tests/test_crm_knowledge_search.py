from odoo.tests import tagged
from odoo.tools import SQL

from .common import CrmKnowledgeCommon


@tagged("post_install", "-at_install")
class TestCrmKnowledgeSearch(CrmKnowledgeCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Article = cls.env["crm.knowledge.article"]
        # isolate from demo data: only our articles are published during these tests
        Article.search([("state", "=", "published")]).write({"state": "archived"})
        cls.debt_title, cls.debt_body, cls.delivery, cls.debt_draft = Article.create([
            {"name": "Что делать с долгом клиента", "state": "published", "audience": "internal",
             "body": "<p>Позвоните ответственному за оплату.</p>"},
            {"name": "Сверка расчётов", "state": "published", "audience": "portal",
             "body": "<p>Акт сверки показывает сумму долгов на дату.</p>"},
            {"name": "Сроки доставки", "state": "published", "audience": "public",
             "body": "<p>Доставка занимает три рабочих дня.</p>"},
            {"name": "Черновик про долги", "state": "draft", "body": "<p>долг долга долгов</p>"},
        ])

    def test_russian_word_forms_and_ranking(self):
        """долг / долга / долгов find the same articles; a match in the title ranks first; drafts never."""
        Article = self.env["crm.knowledge.article"]
        for text in ("долг", "долга", "долгов", "ДОЛГАМИ"):
            found = Article._suggest(text)
            self.assertEqual(found, self.debt_title | self.debt_body, f"word form {text!r}")
            self.assertEqual(found[0], self.debt_title, "a title match (weight A) ranks before a body match")
        self.assertFalse(Article._suggest("долг") & self.debt_draft)
        self.assertEqual(Article._suggest("доставка дней"), self.delivery)
        self.assertEqual(Article._suggest("доставка долг"), self.debt_title | self.debt_body | self.delivery,
                         "no article has all the words: any word is enough")
        self.assertEqual(len(Article._suggest("долг", limit=1)), 1)
        self.assertFalse(Article._suggest("  !!! & | :* ' "), "operators only: nothing to search")

    def test_prefix_and_typo_fallback(self):
        Article = self.env["crm.knowledge.article"]
        self.assertIn(self.delivery, Article._suggest("достав"), "a word being typed matches as a prefix")
        self.assertEqual(Article._suggest("доствки")[:1], self.delivery, "a typo in the title still finds it")
        self.assertEqual(Article._suggest("сверк расчетв")[:1], self.debt_body)

    def test_audience_isolation(self):
        Article = self.env["crm.knowledge.article"]
        self.assertEqual(Article._suggest("долг", audience="portal"), self.debt_body,
                         "portal customers do not get internal answers")
        self.assertFalse(Article._suggest("долг", audience="public"))
        self.assertEqual(Article._suggest("доставка", audience="public"), self.delivery)
        self.assertEqual(Article._suggest("доставка", audience="portal"), self.delivery,
                         "public answers are for customers too")

    def test_backend_search_field_and_snippets(self):
        Article = self.env["crm.knowledge.article"].with_user(self.user_reader)
        self.assertEqual(
            Article.search([("search_query", "ilike", "долгов")]), self.debt_title | self.debt_body,
            "the reader's record rules still apply (no draft)",
        )
        snippets = (self.debt_title | self.debt_body)._search_snippets("долги")
        self.assertIn("<mark>долгов</mark>", snippets[self.debt_body.id])
        xss = self.env["crm.knowledge.article"].create({
            "name": "Теги в тексте", "state": "published", "body": "<p>долг &lt;script&gt;alert(1)&lt;/script&gt;</p>",
        })
        snippet = xss._search_snippets("долг")[xss.id]
        self.assertIn("<mark>долг</mark>", snippet)
        self.assertNotIn("<script", snippet)

        wizard = self.env["crm.knowledge.search"].with_user(self.user_reader).create({"query": "долгов"})
        wizard.action_search()
        self.assertEqual(wizard.result_ids.article_id, self.debt_title | self.debt_body | xss)
        self.assertIn("<mark>", wizard.result_ids.filtered(lambda r: r.article_id == self.debt_body).snippet)

    def test_gin_indexes_serve_the_search(self):
        """With a few thousand articles the planner answers the full-text and the typo searches from the GIN
        indexes, and the ranked search reads far fewer buffers than a naive ILIKE scan."""
        cr = self.env.cr
        cr.execute(SQL("""
            INSERT INTO crm_knowledge_article (name, body, kind, audience, state, active, sequence, company_id)
            SELECT 'Статья номер ' || n || ' о ' || (ARRAY['поставке', 'оплате', 'складе', 'доставке'])[mod(n, 4) + 1],
                   '<p>Текст статьи ' || n || ' про ' || (ARRAY['отгрузку', 'счета', 'возврат', 'склад'])[mod(n, 4) + 1]
                   || CASE WHEN mod(n, 500) = 0 THEN ' и претензию' ELSE '' END || '</p>',
                   'article', 'internal', 'published', TRUE, 10, %s
              FROM generate_series(1, 4000) AS n
        """, self.env.company.id))
        cr.execute(SQL("ANALYZE crm_knowledge_article"))
        tsquery = self.env["crm.knowledge.article"]._tsquery_sql(["претензия"])

        cr.execute(SQL(
            "EXPLAIN SELECT id FROM crm_knowledge_article WHERE search_vector @@ %s", tsquery,
        ))
        plan = "\n".join(row[0] for row in cr.fetchall())
        self.assertIn("crm_knowledge_article_search_vector_idx", plan)

        cr.execute(SQL(
            "EXPLAIN SELECT id FROM crm_knowledge_article WHERE title_vector @@ %s",
            self.env["crm.knowledge.article"]._tsquery_sql(["1234"]),
        ))
        plan = "\n".join(row[0] for row in cr.fetchall())
        self.assertIn("crm_knowledge_article_title_vector_idx", plan)

        cr.execute(SQL(
            "EXPLAIN SELECT id FROM crm_knowledge_article WHERE crm_knowledge_word_match(%s, name)", "претензи",
        ))
        plan = "\n".join(row[0] for row in cr.fetchall())
        self.assertIn("crm_knowledge_article_name_trgm_idx", plan)

        def buffers(query):
            cr.execute(SQL("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) %s", query))
            root = cr.fetchone()[0][0]["Plan"]
            return root.get("Shared Hit Blocks", 0) + root.get("Shared Read Blocks", 0)

        fts = buffers(SQL("SELECT id FROM crm_knowledge_article WHERE search_vector @@ %s", tsquery))
        naive = buffers(SQL("SELECT id FROM crm_knowledge_article WHERE body ILIKE %s", "%претензи%"))
        self.assertLess(fts * 3, naive, f"index search reads {fts} buffers, the ILIKE scan {naive}")
        self.assertEqual(len(self.env["crm.knowledge.article"]._suggest("претензии", limit=20)), 8)
