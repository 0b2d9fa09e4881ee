from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CrmInteractionOutcome(models.Model):
    """What came out of an interaction: reached, no answer, promised to pay, disputes the debt…

    A configurable list with codes (integrations such as the PBX refer to outcomes by code). An outcome
    may require a next step: an activity of a given type, due some days after the interaction.
    """

    _name = "crm.interaction.outcome"
    _description = "Interaction Outcome"
    _order = "sequence, id"

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Stable identifier used by integrations (PBX, imports, scripts).")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True,
                                 help="Leave empty to share the outcome between companies.")
    color = fields.Integer()
    is_reached = fields.Boolean(string="Customer Reached", default=True,
                                help="The customer was actually reached (used in contact statistics).")
    is_promise = fields.Boolean(string="Payment Promise",
                                help="Logging this outcome asks for the promised amount and date.")
    is_dispute = fields.Boolean(string="Dispute", help="The customer disputes the debt.")
    requires_activity = fields.Boolean(
        string="Requires Next Activity",
        help="An interaction with this outcome always gets a next activity, so that no next step is lost.",
    )
    activity_type_id = fields.Many2one("mail.activity.type", string="Next Activity Type",
                                       domain="[('res_model', 'in', (False, 'crm.interaction'))]")
    activity_delay_days = fields.Integer(string="Next Activity in (Days)", default=1)
    activity_summary = fields.Char(string="Next Activity Summary", translate=True)

    _sql_constraints = [
        ("code_company_uniq", "unique(code, company_id)", "The code of an outcome must be unique per company."),
    ]

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    @api.constrains("code", "company_id")
    def _check_code_shared(self):
        """``unique`` ignores empty companies in SQL: check the shared outcomes here."""
        shared = self.filtered(lambda outcome: not outcome.company_id)
        if not shared:
            return
        duplicates = self.with_context(active_test=False)._read_group(
            [("company_id", "=", False), ("code", "in", shared.mapped("code"))], ["code"], ["__count"],
        )
        for code, count in duplicates:
            if count > 1:
                raise ValidationError(self.env._("The code %(code)s is already used by another outcome.", code=code))

    @api.constrains("activity_delay_days")
    def _check_activity_delay_days(self):
        for outcome in self:
            if outcome.activity_delay_days < 0:
                raise ValidationError(self.env._(
                    "The delay of the next activity of outcome %(outcome)s cannot be negative.", outcome=outcome.name,
                ))

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    @api.model
    def _get_by_code(self, code, company=None):
        """The outcome with this code for the company (its own first, then a shared one), or an empty recordset."""
        company = company or self.env.company
        return self.search(
            [("code", "=", code), ("company_id", "in", (company.id, False))], order="company_id, sequence", limit=1,
        )
