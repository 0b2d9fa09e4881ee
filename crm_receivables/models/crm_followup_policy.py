from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CrmFollowupPolicy(models.Model):
    """How overdue invoices are followed up: a ladder of levels, thresholds per currency.

    Each company has one default policy; a customer (``res.partner.crm_followup_policy_id``) or an invoice
    (``account.move.crm_followup_policy_id``) may override it.
    """

    _name = "crm.followup.policy"
    _description = "Follow-up Policy"
    _order = "sequence, id"
    _check_company_auto = True

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, index=True,
                                 default=lambda self: self.env.company)
    is_default = fields.Boolean(string="Company Default",
                                help="Used for the customers and invoices without a policy of their own.")
    level_ids = fields.One2many("crm.followup.level", "policy_id", string="Levels", copy=True)
    threshold_ids = fields.One2many("crm.followup.policy.threshold", "policy_id", string="Minimum Amounts",
                                    copy=True,
                                    help="Below these overdue amounts (per currency) nothing is sent.")
    level_count = fields.Integer(compute="_compute_level_count")

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.depends("level_ids")
    def _compute_level_count(self):
        for policy in self:
            policy.level_count = len(policy.level_ids)

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    @api.constrains("is_default", "company_id", "active")
    def _check_one_default(self):
        defaults = self.search([("is_default", "=", True), ("company_id", "in", self.company_id.ids)])
        counts = {}
        for policy in defaults:
            counts[policy.company_id] = counts.get(policy.company_id, 0) + 1
        for company, count in counts.items():
            if count > 1:
                raise ValidationError(self.env._(
                    "Company %(company)s can have only one default follow-up policy.", company=company.name,
                ))

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    @api.model
    def _get_company_default(self, company):
        """The default policy of ``company`` (empty recordset when none)."""
        return self.search([("is_default", "=", True), ("company_id", "=", company.id)], limit=1)

    def _get_threshold(self, currency):
        """Minimum overdue amount in ``currency`` below which nothing is sent (0.0 when not set)."""
        self.ensure_one()
        line = self.threshold_ids.filtered(lambda t: t.currency_id == currency)[:1]
        return line.amount_min if line else 0.0

    # ------------------------------------------------------------
    # SELF-SERVICE (limits of the customer's page)
    # ------------------------------------------------------------

    selfservice_max_days = fields.Integer(
        string="Self-service: Promise Within (days)", default=30,
        help="On the self-service page a customer can promise to pay at most this many days ahead.",
    )
    selfservice_token_days = fields.Integer(
        string="Self-service: Link Valid (days)", default=30,
        help="The personal link sent in each reminder opens the page for this many days.",
    )

    _sql_constraints = [
        ("selfservice_days_positive", "CHECK(selfservice_max_days >= 0 AND selfservice_token_days > 0)",
         "The self-service limits must be positive."),
    ]


class CrmFollowupPolicyThreshold(models.Model):
    """Minimum overdue amount of a customer, per currency, below which a policy sends nothing."""

    _name = "crm.followup.policy.threshold"
    _description = "Follow-up Minimum Amount"

    policy_id = fields.Many2one("crm.followup.policy", required=True, ondelete="cascade",
                                index=True)
    currency_id = fields.Many2one("res.currency", required=True)
    amount_min = fields.Monetary(string="Minimum Overdue Amount", required=True, currency_field="currency_id")

    _sql_constraints = [
        ("currency_uniq", "UNIQUE(policy_id, currency_id)", "One minimum amount per currency and policy."),
    ]
