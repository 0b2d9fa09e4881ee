from odoo import fields, models, tools
from odoo.tools import SQL

DUPLICATE_REASONS = [
    ("phone", "Same Phone"),
    ("vat", "Same Tax ID"),
    ("email", "Same Email"),
]


class CrmPartnerDuplicate(models.Model):
    """Pairs of customers that are probably the same: same normalised phone, same ИНН or same email.

    A read-only SQL view over ``res.partner`` (commercial entities only, archived ones left out), reviewed
    by a manager and merged with Odoo's own partner merge wizard.
    """

    _name = "crm.partner.duplicate"
    _description = "Possible Duplicate Customers"
    _auto = False
    _order = "reason, partner_id"

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    duplicate_id = fields.Many2one("res.partner", string="Possible Duplicate", readonly=True)
    reason = fields.Selection(DUPLICATE_REASONS, readonly=True)
    match_key = fields.Char(string="Matching Value", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)

    # ------------------------------------------------------------
    # SQL VIEW
    # ------------------------------------------------------------

    def _pair_query(self, reason, key):
        """Pairs of active commercial partners sharing ``key`` (an SQL expression over aliases a and b)."""
        return SQL(
            """
            SELECT a.id AS partner_id, b.id AS duplicate_id, %(reason)s AS reason, %(key_a)s AS match_key,
                   a.company_id AS company_id
              FROM res_partner a
              JOIN res_partner b ON %(key_a)s = %(key_b)s AND a.id < b.id
             WHERE a.active AND b.active AND a.parent_id IS NULL AND b.parent_id IS NULL
               AND COALESCE(%(key_a)s, '') != ''
               AND (a.company_id IS NULL OR b.company_id IS NULL OR a.company_id = b.company_id)
            """,
            reason=reason, key_a=key("a"), key_b=key("b"),
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        pairs = SQL(" UNION ALL ").join([
            self._pair_query("phone", lambda alias: SQL("%s.phone_sanitized", SQL.identifier(alias))),
            self._pair_query("vat", lambda alias: SQL(
                "regexp_replace(upper(%s.vat), '[^0-9A-Z]', '', 'g')", SQL.identifier(alias),
            )),
            self._pair_query("email", lambda alias: SQL("%s.email_normalized", SQL.identifier(alias))),
        ])
        self.env.cr.execute(SQL(
            """
            CREATE OR REPLACE VIEW %(table)s AS (
                SELECT row_number() OVER (ORDER BY pairs.reason, pairs.partner_id, pairs.duplicate_id) AS id,
                       pairs.*
                  FROM (%(pairs)s) pairs
            )
            """,
            table=SQL.identifier(self._table), pairs=pairs,
        ))

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_merge(self):
        """Open Odoo's partner merge wizard on the pair (the older customer kept by default)."""
        self.ensure_one()
        partners = self.partner_id | self.duplicate_id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Merge Customers"),
            "res_model": "base.partner.merge.automatic.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": "res.partner", "active_ids": partners.ids},
        }
