from odoo import fields, models


class CrmKnowledgeArticleVote(models.Model):
    _name = "crm.knowledge.article.vote"
    _description = "Knowledge Article Vote"
    _order = "id desc"

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    article_id = fields.Many2one("crm.knowledge.article", required=True, index=True,
                                 ondelete="cascade")
    user_id = fields.Many2one("res.users", required=True, default=lambda self: self.env.user,
                              ondelete="cascade")
    vote = fields.Selection([("yes", "Helpful"), ("no", "Not helpful")], required=True)
    company_id = fields.Many2one(related="article_id.company_id", store=True)

    _sql_constraints = [
        ("article_user_uniq", "unique (article_id, user_id)", "A user votes once per article."),
    ]
