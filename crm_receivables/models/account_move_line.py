from odoo import api, fields, models


class AccountMoveLine(models.Model):
    """Open receivable items: the unit of collection.

    An open item is a posted journal item on a receivable account, not reconciled, with an amount left to pay
    and a due date — whatever its source: a customer invoice, a document imported from 1C, an opening entry
    typed by an accountant, a debit note. The follow-up, the payment promises, the statements and the customer
    figures all work on items (see :meth:`_crm_open_item_domain`).
    """

    _inherit = "account.move.line"

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    crm_followup_line_ids = fields.One2many("crm.followup.line", "move_line_id", string="Follow-up History")
    crm_followup_block_ids = fields.One2many("crm.followup.block", "move_line_id", string="Follow-up Blocks")
    crm_followup_blocked = fields.Boolean(
        string="Follow-up Blocked", compute="_compute_crm_followup_blocked",
        search="_search_crm_followup_blocked",
        help="A block on the item, or on its whole entry (a disputed invoice), is in effect.",
    )
    crm_promise_ids = fields.Many2many(
        "crm.payment.promise", "crm_payment_promise_account_move_line_rel", "line_id", "promise_id",
        string="Payment Promises", copy=False, readonly=True,
    )
    crm_document_name = fields.Char(
        string="Document", compute="_compute_crm_document",
        help="The invoice number, the number of the 1C document, or the label of the entry's item.",
    )
    crm_document_date = fields.Date(string="Document Date", compute="_compute_crm_document")
    crm_days_overdue = fields.Integer(string="Days Overdue", compute="_compute_crm_days_overdue")

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.depends("crm_followup_block_ids.active", "crm_followup_block_ids.date_end",
                 "move_id.crm_followup_block_ids.active", "move_id.crm_followup_block_ids.date_end")
    @api.depends_context("date")
    def _compute_crm_followup_blocked(self):
        ids = self._origin.ids
        blocked = set(self.search([("id", "in", ids), ("crm_followup_blocked", "=", True)]).ids) if ids else set()
        for line in self:
            line.crm_followup_blocked = line._origin.id in blocked

    def _search_crm_followup_blocked(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(self.env._("Unsupported search on %(field)s.", field="crm_followup_blocked"))
        Block = self.env["crm.followup.block"].sudo()  # whether an item is blocked is no secret
        on_items = Block._search([("is_effective", "=", True), ("move_line_id", "!=", False)])
        on_entries = Block._search([("is_effective", "=", True), ("move_line_id", "=", False)])
        if (operator == "=") == value:
            return ["|", ("id", "in", on_items.subselect("move_line_id")),
                    ("move_id", "in", on_entries.subselect("move_id"))]
        return [("id", "not in", on_items.subselect("move_line_id")),
                ("move_id", "not in", on_entries.subselect("move_id"))]

    @api.depends("move_id.move_type", "move_id.name", "move_id.invoice_date", "name", "date")
    def _compute_crm_document(self):
        documents = self._crm_get_1c_documents()
        for line in self:
            move = line.move_id
            document = documents.get(line.id)
            if move.is_invoice(include_receipts=True):
                line.crm_document_name = move.name
                line.crm_document_date = move.invoice_date or line.date
            elif document:
                line.crm_document_name = document[0] or line.name or move.name
                line.crm_document_date = document[1] or line.date
            else:
                line.crm_document_name = line.name or move.ref or move.name
                line.crm_document_date = line.date

    @api.depends("date_maturity")
    @api.depends_context("date")
    def _compute_crm_days_overdue(self):
        today = fields.Date.context_today(self)
        for line in self:
            line.crm_days_overdue = (today - line.date_maturity).days if line.date_maturity else 0

    def _crm_get_1c_documents(self):
        """Number and date of the 1C documents these items were imported for, in one query.

        :return: ``{line_id: (document number, document date)}`` (items of no 1C document are absent)
        """
        ids = [line_id for line_id in self.ids if line_id]
        if not ids:
            return {}
        Document = self.env["crm.import.1c.document"].sudo()
        result = {}
        for document in Document.search([("move_line_ids", "in", ids)]):
            for line_id in set(document.move_line_ids.ids) & set(ids):
                result.setdefault(line_id, (document.doc_number or document.name, document.doc_date))
        return result

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    @api.model
    def _crm_open_item_domain(self):
        """Domain of the open receivable items of the current companies (what is owed, item by item).

        :return: a domain on ``account.move.line``
        """
        return [
            ("parent_state", "=", "posted"),
            ("account_type", "=", "asset_receivable"),
            ("reconciled", "=", False),
            ("amount_residual", ">", 0.0),
            ("date_maturity", "!=", False),
            ("partner_id", "!=", False),
            ("company_id", "in", self.env.companies.ids),
        ]

    def _crm_get_followup_policy(self, defaults=None):
        """The follow-up policy of the item: its entry's, else its customer's, else its company's default.

        :param dict defaults: ``{res.company: crm.followup.policy}`` already read (batch callers)
        :return: ``crm.followup.policy`` (possibly empty)
        """
        self.ensure_one()
        policy = self.move_id.crm_followup_policy_id or \
            self.partner_id.commercial_partner_id.with_company(self.company_id).crm_followup_policy_id
        if policy:
            return policy
        if defaults is not None and self.company_id in defaults:
            return defaults[self.company_id]
        return self.env["crm.followup.policy"]._get_company_default(self.company_id)

    def _crm_followup_block(self, reason, date_end=False, origin=False):
        """Block the follow-up of these items only (not the other items of their entries); see
        :meth:`crm.followup.block._block`."""
        return self.env["crm.followup.block"]._block(self, reason, date_end=date_end, origin=origin)

    def _crm_followup_unblock(self, origin=False):
        """Lift the blocks of these items (only those of ``origin`` when given)."""
        return self.env["crm.followup.block"]._unblock(self, origin=origin)

    def action_crm_followup_block(self):
        """Open the form of a new follow-up block of this item."""
        return self.env["crm.followup.block"]._action_new(self)
