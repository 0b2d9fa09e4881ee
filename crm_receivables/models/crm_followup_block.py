from odoo import api, fields, models


class CrmFollowupBlock(models.Model):
    """A pause of the follow-up of one entry, or of one of its receivable items: why, until when, by whom,
    and on behalf of which record.

    A block without item (``move_line_id`` empty) pauses every item of the entry: an invoice disputed in a
    complaint. A block with an item pauses that item only: one document of a 1C entry that lists many.
    Other addons block invoices through :meth:`account.move._crm_followup_block` (items through
    :meth:`account.move.line._crm_followup_block`) and lift their own blocks with :meth:`_lift`
    (crm_complaints: a complaint disputing an invoice).
    """

    _name = "crm.followup.block"
    _description = "Follow-up Block"
    _order = "create_date desc, id desc"

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    move_id = fields.Many2one("account.move", string="Entry", required=True, index=True, ondelete="cascade",
                              compute="_compute_move_id", store=True, readonly=False, precompute=True,
                              domain="[('state', '=', 'posted')]")
    move_line_id = fields.Many2one(
        "account.move.line", string="Item", index="btree_not_null", ondelete="cascade",
        domain="[('move_id', '=', move_id), ('account_type', '=', 'asset_receivable')]",
        help="Only this receivable item is blocked; empty: every item of the entry.",
    )
    partner_id = fields.Many2one("res.partner", string="Customer", compute="_compute_partner_id", store=True,
                                 index=True)
    company_id = fields.Many2one(related="move_id.company_id", store=True, index=True)
    reason = fields.Char(required=True)
    date_end = fields.Date(string="Blocked Until", help="The follow-up resumes by itself after this day.")
    user_id = fields.Many2one("res.users", string="Blocked By", required=True, default=lambda self: self.env.user)
    origin_ref = fields.Reference(selection="_selection_origin_ref", string="Origin",
                                  help="The record on whose behalf the invoice is blocked.")
    active = fields.Boolean(default=True, help="Unchecked when the block is lifted.")
    date_lifted = fields.Datetime(string="Lifted On", readonly=True)
    is_effective = fields.Boolean(compute="_compute_is_effective", search="_search_is_effective",
                                  string="In Effect")

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.model
    def _selection_origin_ref(self):
        """Hook: models that may own a block (extended by crm_complaints)."""
        return [("crm.interaction", self.env._("Interaction"))]

    @api.depends("move_line_id")
    def _compute_move_id(self):
        for block in self:
            block.move_id = block.move_line_id.move_id or block.move_id

    @api.depends("move_id.commercial_partner_id", "move_line_id.partner_id")
    def _compute_partner_id(self):
        """The customer of the item, else of the entry (an entry of 1C documents has many customers)."""
        for block in self:
            block.partner_id = block.move_line_id.partner_id.commercial_partner_id or \
                block.move_id.commercial_partner_id

    @api.depends("active", "date_end")
    @api.depends_context("date")
    def _compute_is_effective(self):
        today = self._effective_day()
        for block in self:
            block.is_effective = block.active and (not block.date_end or block.date_end >= today)

    def _effective_day(self):
        """The day blocks are judged on: the context's ``date`` (a run judges them on its own day), else today
        in the user's time zone."""
        return fields.Date.to_date(self.env.context.get("date")) or fields.Date.context_today(self)

    def _search_is_effective(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(self.env._("Unsupported search on %(field)s.", field="is_effective"))
        today = self._effective_day()
        domain = ["&", ("active", "=", True), "|", ("date_end", "=", False), ("date_end", ">=", today)]
        return domain if (operator == "=") == value else ["!", *domain]

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    @api.model
    def _block(self, records, reason, date_end=False, origin=False):
        """Block the follow-up of entries (each with all its items) or of single items: the one place where
        blocks are created (``account.move._crm_followup_block``, ``account.move.line._crm_followup_block``).

        :param records: ``account.move`` (whole entries) or ``account.move.line`` (these items only)
        :param str reason: shown to collectors
        :param date_end: the follow-up resumes by itself after this date (``False``: until lifted)
        :param origin: the record on whose behalf they are blocked
        :return: the new ``crm.followup.block`` records
        """
        origin_ref = f"{origin._name},{origin.id}" if origin else False
        items = records._name == "account.move.line"
        return self.create([
            {"move_id": record.move_id.id if items else record.id, "move_line_id": items and record.id,
             "reason": reason, "date_end": date_end, "origin_ref": origin_ref}
            for record in records
        ])

    @api.model
    def _unblock(self, records, origin=False):
        """Lift the blocks of entries (all their blocks) or of items (the items' own blocks), only those of
        ``origin`` when given.

        :param records: ``account.move`` or ``account.move.line``
        :return: True
        """
        field = "move_line_id" if records._name == "account.move.line" else "move_id"
        domain = [(field, "in", records.ids)]
        if origin:
            domain.append(("origin_ref", "=", f"{origin._name},{origin.id}"))
        return self.search(domain)._lift()

    @api.model
    def _action_new(self, records):
        """The form of a new block of one entry or one item (the *Block Follow-up* buttons).

        :param records: one ``account.move`` or ``account.move.line``
        :return: an action
        """
        records.ensure_one()
        context = {"default_move_id": records.move_id.id if records._name == "account.move.line" else records.id}
        if records._name == "account.move.line":
            context["default_move_line_id"] = records.id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Block Follow-up"),
            "res_model": "crm.followup.block",
            "view_mode": "form",
            "target": "new",
            "context": context,
        }

    def _lift(self):
        """Lift the blocks (kept for the record, inactive)."""
        self.filtered("active").write({"active": False, "date_lifted": fields.Datetime.now()})
        return True

    def action_lift(self):
        return self._lift()
