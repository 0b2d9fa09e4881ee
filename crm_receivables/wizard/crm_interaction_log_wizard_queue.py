from odoo import fields, models
from odoo.exceptions import UserError


class CrmInteractionLogWizard(models.TransientModel):
    _inherit = "crm.interaction.log.wizard"

    # ------------------------------------------------------------
    # COLLECTIONS WORKBENCH: OUTCOME OF A CALL FROM THE QUEUE
    # ------------------------------------------------------------

    crm_queue_id = fields.Many2one("crm.collection.queue", string="Queue Entry", readonly=True,
                                   help="Logged from the next-call screen: a next step is required, and the "
                                        "next customer of the queue opens afterwards.")

    def action_log(self):
        """From the queue: refuse to close without a next step (a promise or a dated activity), take the
        customer off today's queue and open the next customer."""
        self.ensure_one()
        if not self.crm_queue_id:
            return super().action_log()
        self._check_next_step()
        super().action_log()
        queue = self.crm_queue_id
        queue._mark_done()
        return queue.action_next()

    def _check_next_step(self):
        """A call from the queue ends with a payment promise or a dated next activity."""
        has_promise = bool(self.promise_amount and self.promise_date)
        has_activity = bool(self.activity_date and (self.activity_type_id or self.activity_summary))
        if not (has_promise or has_activity):
            raise UserError(self.env._(
                "Plan the next step before closing the call with %(customer)s: a payment promise (amount and "
                "date) or a next activity with its due date.",
                customer=self.partner_id.display_name,
            ))
