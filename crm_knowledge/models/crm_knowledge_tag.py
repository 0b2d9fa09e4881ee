from random import randint

from odoo import fields, models


class CrmKnowledgeTag(models.Model):
    _name = "crm.knowledge.tag"
    _description = "Knowledge Tag"
    _order = "name"

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    name = fields.Char(required=True, translate=True)
    color = fields.Integer(default=lambda self: randint(1, 11))

    _sql_constraints = [
        ("name_uniq", "unique (name)", "A tag with this name already exists."),
    ]
