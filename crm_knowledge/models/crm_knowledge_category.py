from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CrmKnowledgeCategory(models.Model):
    _name = "crm.knowledge.category"
    _description = "Knowledge Category"
    _parent_name = "parent_id"
    _parent_store = True
    _rec_name = "complete_name"
    _order = "complete_name"

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    name = fields.Char(required=True, translate=True)
    complete_name = fields.Char(compute="_compute_complete_name", recursive=True, store=True)
    parent_id = fields.Many2one("crm.knowledge.category", string="Parent Category", index=True,
                                ondelete="cascade")
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("crm.knowledge.category", "parent_id", string="Subcategories")
    article_ids = fields.One2many("crm.knowledge.article", "category_id", string="Articles")
    article_count = fields.Integer(compute="_compute_article_count")
    company_id = fields.Many2one("res.company", index=True)
    active = fields.Boolean(default=True)

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.depends("name", "parent_id.complete_name")
    def _compute_complete_name(self):
        for category in self:
            if category.parent_id:
                category.complete_name = f"{category.parent_id.complete_name} / {category.name}"
            else:
                category.complete_name = category.name

    def _compute_article_count(self):
        """Articles of the category and of all its subcategories, in one grouped query."""
        counts = self.env["crm.knowledge.article"]._read_group(
            [("category_id", "child_of", self.ids)], ["category_id"], ["__count"],
        )
        for category in self:
            prefix = f"{category.parent_path}" if category.parent_path else None
            category.article_count = sum(
                count for child, count in counts if prefix and child.parent_path.startswith(prefix)
            )

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    @api.constrains("parent_id")
    def _check_parent_id(self):
        if self._has_cycle():
            raise ValidationError(self.env._("You cannot create recursive categories."))
