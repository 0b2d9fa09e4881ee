from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.crm_followup_message import OPEN_STATES


class CrmCollectorReassignWizard(models.TransientModel):
    """Hand a collector's customers over to another collector in one action, with everything still open:
    planned activities, open payment promises, follow-up communications not sent yet and today's queue."""

    _name = "crm.collector.reassign.wizard"
    _description = "Reassign a Collector's Customers"

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    user_from_id = fields.Many2one("res.users", string="From Collector", required=True,
                                   domain="[('share', '=', False)]")
    user_to_id = fields.Many2one("res.users", string="To Collector", required=True,
                                 domain="[('share', '=', False)]")
    scope = fields.Selection([("all", "All Their Customers"), ("selected", "Selected Customers")],
                             required=True, default="all")
    partner_ids = fields.Many2many("res.partner", string="Customers",
                                   domain="[('is_company', '=', True)]")
    partner_count = fields.Integer(compute="_compute_partner_count", string="Customers to Reassign")

    # ------------------------------------------------------------
    # DEFAULTS AND COMPUTE
    # ------------------------------------------------------------

    @api.model
    def default_get(self, fields_list):
        """Opened on selected customers: those customers, their collector as the origin."""
        result = super().default_get(fields_list)
        if self.env.context.get("active_model") == "res.partner" and self.env.context.get("active_ids"):
            partners = self.env["res.partner"].browse(self.env.context["active_ids"]).commercial_partner_id
            result["scope"] = "selected"
            result["partner_ids"] = [fields.Command.set(partners.ids)]
            collectors = partners.crm_collector_id | partners.filtered(lambda p: not p.crm_collector_id).user_id
            if len(collectors) == 1:
                result["user_from_id"] = collectors.id
        return result

    @api.depends("scope", "partner_ids", "user_from_id")
    def _compute_partner_count(self):
        for wizard in self:
            wizard.partner_count = len(wizard._get_partners())

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_reassign(self):
        """Reassign the customers and all their open work; report what moved."""
        self.ensure_one()
        if self.user_from_id == self.user_to_id:
            raise UserError(self.env._("Choose two different collectors."))
        partners = self._get_partners()
        if not partners:
            raise UserError(self.env._("%(collector)s has no customers to reassign.",
                                       collector=self.user_from_id.name))
        counts = self._reassign(partners)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "%(customers)s customers, %(activities)s activities, %(promises)s promises and "
                    "%(messages)s communications moved to %(collector)s.",
                    customers=len(partners), collector=self.user_to_id.name, **counts,
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _get_partners(self):
        """The customers concerned: the selected ones, or all those of the collector (own or as salesperson)."""
        self.ensure_one()
        if self.scope == "selected":
            return self.partner_ids.commercial_partner_id
        if not self.user_from_id:
            return self.env["res.partner"]
        return self.env["res.partner"].search([
            ("is_company", "=", True),
            "|", ("crm_collector_id", "=", self.user_from_id.id),
            "&", ("crm_collector_id", "=", False), ("user_id", "=", self.user_from_id.id),
        ])

    def _reassign(self, partners):
        """Move the customers and their open work from one collector to the other (hook).

        :return: dict of counters ``activities``, ``promises``, ``messages``
        """
        old, new = self.user_from_id, self.user_to_id
        partners.write({"crm_collector_id": new.id})
        contacts = self.env["res.partner"].with_context(active_test=False)._search(
            [("commercial_partner_id", "in", partners.ids)])
        interactions = self.env["crm.interaction"]._search([("partner_id", "in", partners.ids)])
        promises = self.env["crm.payment.promise"].search([("partner_id", "in", partners.ids)])
        activities = self.env["mail.activity"].search([
            ("user_id", "=", old.id),
            "|", "|",
            "&", ("res_model", "=", "res.partner"), ("res_id", "in", contacts),
            "&", ("res_model", "=", "crm.interaction"), ("res_id", "in", interactions),
            "&", ("res_model", "=", "crm.payment.promise"), ("res_id", "in", promises.ids),
        ])
        activities.write({"user_id": new.id})
        open_promises = promises.filtered(lambda p: p.state == "open" and p.user_id == old)
        open_promises.write({"user_id": new.id})
        messages = self.env["crm.followup.message"].search([
            ("partner_id", "in", partners.ids), ("state", "in", OPEN_STATES), ("user_id", "=", old.id),
        ])
        messages.write({"user_id": new.id})
        self.env["crm.collection.queue"].sudo().search([("partner_id", "in", partners.ids)]).write(
            {"user_id": new.id})
        return {"activities": len(activities), "promises": len(open_promises), "messages": len(messages)}
