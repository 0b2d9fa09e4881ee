from odoo import api, models


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    # ------------------------------------------------------------
    # HISTORY: PAYMENT PROMISES
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        """Judge the open payment promises of the customers as soon as a payment is reconciled."""
        partials = super().create(vals_list)
        partials._crm_judge_promises()
        partials._crm_score_mark_dirty()
        return partials

    def _crm_judge_promises(self):
        lines = self.debit_move_id | self.credit_move_id
        partners = lines.filtered(lambda line: line.account_type == "asset_receivable").partner_id.commercial_partner_id
        if partners:
            self.env["crm.payment.promise"].sudo().search([
                ("partner_id", "in", partners.ids), ("state", "=", "open"),
            ])._judge()

    # ------------------------------------------------------------
    # COLLECTIONS WORKBENCH: BEHAVIOUR SCORE
    # ------------------------------------------------------------

    def _crm_score_mark_dirty(self):
        """The customers of the reconciled receivable items are scored again by the scoring cron."""
        lines = self.debit_move_id | self.credit_move_id
        partners = lines.filtered(lambda line: line.account_type == "asset_receivable").partner_id.commercial_partner_id
        self.env["res.partner"].sudo()._crm_score_mark_dirty(partners.ids)
