from odoo import fields, models

SEARCH_LIMIT = 20


class CrmKnowledgeSearch(models.TransientModel):
    _name = "crm.knowledge.search"
    _description = "Knowledge Search"

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    query = fields.Char(string="Search", help="Words in any form; typos in titles are tolerated.")
    result_ids = fields.One2many("crm.knowledge.search.result", "search_id", string="Results")
    result_count = fields.Integer(compute="_compute_result_count")

    def _compute_result_count(self):
        for search in self:
            search.result_count = len(search.result_ids)

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_search(self):
        """Run the full-text search and show the ranked results with their highlighted excerpts."""
        self.ensure_one()
        Article = self.env["crm.knowledge.article"]
        articles = Article.browse(Article._search_ranked(
            self.query, limit=SEARCH_LIMIT, domain=[("state", "!=", "archived")],
        ))
        snippets = articles._search_snippets(self.query)
        self.result_ids = [fields.Command.clear()] + [
            fields.Command.create({
                "sequence": position,
                "article_id": article.id,
                "snippet": snippets.get(article.id, False),
            })
            for position, article in enumerate(articles, start=1)
        ]
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "current",
            "context": self.env.context,
        }


class CrmKnowledgeSearchResult(models.TransientModel):
    _name = "crm.knowledge.search.result"
    _description = "Knowledge Search Result"
    _order = "sequence, id"

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    search_id = fields.Many2one("crm.knowledge.search", required=True, ondelete="cascade")
    sequence = fields.Integer(string="Rank")
    article_id = fields.Many2one("crm.knowledge.article", required=True, ondelete="cascade")
    kind = fields.Selection(related="article_id.kind")
    category_id = fields.Many2one(related="article_id.category_id")
    state = fields.Selection(related="article_id.state")
    snippet = fields.Html(string="Excerpt", sanitize=False, readonly=True)

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_open_article(self):
        """Open the article found (and count the view)."""
        self.ensure_one()
        self.article_id._register_view()
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.knowledge.article",
            "res_id": self.article_id.id,
            "view_mode": "form",
            "target": "current",
        }
