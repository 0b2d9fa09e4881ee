from odoo import api, fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    # ------------------------------------------------------------
    # FOLLOW-UP: POLICY, HISTORY AND BLOCKS
    # ------------------------------------------------------------

    crm_followup_policy_id = fields.Many2one(
        "crm.followup.policy", string="Follow-up Policy", copy=False,
        help="Overrides the customer's and the company's follow-up policy for this invoice.",
    )
    crm_followup_line_ids = fields.One2many("crm.followup.line", "move_id", string="Follow-up History")
    crm_followup_block_ids = fields.One2many("crm.followup.block", "move_id", string="Follow-up Blocks")
    crm_followup_blocked = fields.Boolean(
        string="Follow-up Blocked", compute="_compute_crm_followup_blocked",
        search="_search_crm_followup_blocked",
    )

    @api.depends("crm_followup_block_ids.active", "crm_followup_block_ids.date_end")
    @api.depends_context("date")
    def _compute_crm_followup_blocked(self):
        blocked = set()
        if self.ids:
            blocked = {
                move.id for [move] in self.env["crm.followup.block"]._read_group(
                    [("move_id", "in", self.ids), ("is_effective", "=", True)], ["move_id"],
                )
            }
        for move in self:
            move.crm_followup_blocked = move.id in blocked

    def _search_crm_followup_blocked(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(self.env._("Unsupported search on %(field)s.", field="crm_followup_blocked"))
        query = self.env["crm.followup.block"]._search([("is_effective", "=", True)])
        in_operator = "in" if (operator == "=") == value else "not in"
        return [("id", in_operator, query.subselect("move_id"))]

    def _crm_followup_block(self, reason, date_end=False, origin=False):
        """Block the follow-up of these entries: every receivable item of each (a disputed invoice); see
        :meth:`crm.followup.block._block`.

        :return: the new ``crm.followup.block`` records
        """
        return self.env["crm.followup.block"]._block(self, reason, date_end=date_end, origin=origin)

    def _crm_followup_unblock(self, origin=False):
        """Lift the blocks of these entries and of their items (only those of ``origin`` when given)."""
        return self.env["crm.followup.block"]._unblock(self, origin=origin)

    def action_crm_followup_block(self):
        """Open the form of a new follow-up block of this invoice."""
        return self.env["crm.followup.block"]._action_new(self)

    # ------------------------------------------------------------
    # HISTORY: INTERACTIONS AND PAYMENT PROMISES
    # ------------------------------------------------------------

    crm_promise_ids = fields.Many2many(
        "crm.payment.promise", "crm_payment_promise_account_move_rel", "move_id", "promise_id",
        string="Payment Promises", copy=False, readonly=True,
    )
    crm_has_broken_promise = fields.Boolean(
        related="commercial_partner_id.crm_has_broken_promise", string="Customer Broke a Promise",
    )

    def _crm_get_receivable_items(self):
        """The items these entries put on the customer's receivable (debit side): what a promise can cover.

        :return: the open ones when there are some, else all of them (an entry already paid keeps its items)
        """
        items = self.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable" and line.balance > 0 and line.partner_id)
        open_items = items.filtered(lambda line: not line.reconciled)
        # an entry whose items are all paid still keeps them
        return open_items | items.filtered(lambda line: line.move_id not in open_items.move_id)

    # ------------------------------------------------------------
    # COLLECTIONS WORKBENCH: CREDIT HOLD BANNER
    # ------------------------------------------------------------

    crm_credit_hold_reason = fields.Text(related="commercial_partner_id.crm_credit_hold_reason",
                                         string="Customer on Credit Hold")
