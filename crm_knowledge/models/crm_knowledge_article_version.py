from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import format_datetime

from odoo.addons.web_editor.models.diff_utils import generate_comparison


class CrmKnowledgeArticleVersion(models.Model):
    _name = "crm.knowledge.article.version"
    _description = "Knowledge Article Version"
    _order = "article_id, id desc"
    _rec_name = "display_name"

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    article_id = fields.Many2one("crm.knowledge.article", required=True, index=True,
                                 ondelete="cascade")
    name = fields.Char(string="Title", required=True)
    body = fields.Html(sanitize=True, sanitize_style=True)
    template_body = fields.Html(sanitize="email_outgoing")
    author_id = fields.Many2one("res.users", required=True, default=lambda self: self.env.user)
    date = fields.Datetime(related="create_date", string="Date")
    company_id = fields.Many2one(related="article_id.company_id", store=True)
    previous_id = fields.Many2one("crm.knowledge.article.version", compute="_compute_previous_id",
                                  string="Previous Version")
    diff_html = fields.Html(string="Changes", compute="_compute_diff_html", sanitize=False)

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.depends("article_id", "create_date")
    @api.depends_context("uid", "lang")
    def _compute_display_name(self):
        """The title and the moment of the version, in the reader's time zone."""
        for version in self:
            date = format_datetime(self.env, version.create_date, dt_format="short") if version.create_date else ""
            version.display_name = f"{version.name} ({date})" if date else version.name

    @api.depends("article_id")
    def _compute_previous_id(self):
        """The version just before each one, read in one query per article set."""
        versions = self.search([("article_id", "in", self.article_id.ids)], order="article_id, id")
        previous_of = {}
        last = {}
        for version in versions:
            previous_of[version.id] = last.get(version.article_id.id, self.browse())
            last[version.article_id.id] = version
        for version in self:
            version.previous_id = previous_of.get(version.id, False)

    @api.depends("name", "body", "template_body", "previous_id")
    def _compute_diff_html(self):
        """Readable diff against the previous version: what this version added and removed.

        ``generate_comparison(a, b)`` marks what ``b`` adds to ``a``, hence (previous, this).
        """
        for version in self:
            old = version.previous_id
            pairs = []
            if old and old.name != version.name:
                pairs.append((Markup("<h3>%s</h3>") % old.name, Markup("<h3>%s</h3>") % version.name))
            pairs.append((old.body or "", version.body or ""))
            if version.template_body or old.template_body:
                pairs.append((old.template_body or "", version.template_body or ""))
            version.diff_html = Markup("<hr/>").join(
                Markup(generate_comparison(before, after)) for before, after in pairs  # noqa: S704
            )

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_restore(self):
        """Bring the article back to this version (a new version records the restore)."""
        self.ensure_one()
        self.article_id.write({
            "name": self.name,
            "body": self.body,
            "template_body": self.template_body,
        })
        self.article_id.message_post(body=self.env._(
            "Restored the version of %(date)s by %(author)s.",
            date=format_datetime(self.env, self.create_date, dt_format="short"), author=self.author_id.name,
        ))
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.knowledge.article",
            "res_id": self.article_id.id,
            "view_mode": "form",
            "target": "current",
        }
