from odoo import api, fields, models
from odoo.tools import html2plaintext


class CrmKnowledgeSuggestionMixin(models.AbstractModel):
    """Published knowledge articles that answer what a record says (complaint, interaction, ...).

    A model inherits the mixin and names, in ``_crm_suggestion_fields``, the text fields whose words are
    looked for (HTML fields are read as plain text). ``suggested_article_ids`` is computed for the records
    shown only (never stored): one ranked full-text query (:meth:`crm.knowledge.article._suggest`) per
    record.
    """

    _name = "crm.knowledge.suggestion.mixin"
    _description = "Knowledge Suggestions Mixin"

    #: the text fields searched for answers, in order (override in the inheriting model)
    _crm_suggestion_fields = ()
    #: how many articles are suggested
    _crm_suggestion_limit = 5

    suggested_article_ids = fields.Many2many(
        "crm.knowledge.article", compute="_compute_suggested_article_ids", string="Suggested Articles",
        help="Published knowledge articles that match the text of the record.",
    )

    @api.depends(lambda self: self._crm_suggestion_fields)
    def _compute_suggested_article_ids(self):
        Article = self.env["crm.knowledge.article"]
        for record in self:
            text = record._get_suggestion_text()
            record.suggested_article_ids = (
                Article._suggest(text, limit=self._crm_suggestion_limit) if text.strip() else Article
            )

    def _get_suggestion_text(self):
        """The words the suggestions answer (hook).

        :return: str, the ``_crm_suggestion_fields`` of the record joined, HTML as plain text
        """
        self.ensure_one()
        parts = []
        for name in self._crm_suggestion_fields:
            value = self[name]
            if self._fields[name].type == "html":
                value = html2plaintext(value or "")
            parts.append(value or "")
        return " ".join(filter(None, parts))
