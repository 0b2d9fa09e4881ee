from odoo import api, fields, models

KINDS = [
    ("article", "Article"),
    ("faq", "FAQ"),
    ("script", "Call Script"),
    ("template", "Document Template"),
]
AUDIENCES = [
    ("internal", "Internal"),
    ("portal", "Portal Customers"),
    ("public", "Public"),
]
STATES = [
    ("draft", "Draft"),
    ("review", "In Review"),
    ("published", "Published"),
    ("archived", "Archived"),
]


class CrmKnowledgeArticle(models.Model):
    _name = "crm.knowledge.article"
    _description = "Knowledge Article"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "sequence, name, id"

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    name = fields.Char(string="Title", required=True, tracking=True)
    sequence = fields.Integer(default=10)
    body = fields.Html(sanitize=True, sanitize_style=True)
    kind = fields.Selection(KINDS, required=True, default="article", tracking=True)
    audience = fields.Selection(AUDIENCES, required=True, default="internal", tracking=True)
    state = fields.Selection(STATES, required=True, default="draft", tracking=True, copy=False)
    category_id = fields.Many2one("crm.knowledge.category", string="Category", index=True, tracking=True)
    owner_id = fields.Many2one("res.users", string="Owner", default=lambda self: self.env.user, tracking=True)
    company_id = fields.Many2one("res.company", string="Company", index=True,
                                 default=lambda self: self.env.company)
    active = fields.Boolean(default=True)
    color = fields.Integer()

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_publish(self):
        """Publish the articles (approvers only: see the buttons' groups and the ACL)."""
        self.write({"state": "published"})
        return True

    def action_archive_article(self):
        self.write({"state": "archived"})
        return True

    def action_reset_draft(self):
        self.write({"state": "draft"})
        return True

    @api.model
    def _get_published_domain(self):
        """Hook: the articles a reader may see in answers and suggestions."""
        return [("state", "=", "published")]
