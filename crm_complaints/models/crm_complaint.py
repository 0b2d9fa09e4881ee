from datetime import timedelta

import pytz
from markupsafe import Markup

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError

from odoo.addons.crm_receivables.const import COMPLAINT_CHANNELS

from ..const import PRIORITIES
from ..tools import complaint as complaint_tools
from ..tools import sla as sla_tools

SLA_STATUSES = [
    (sla_tools.SLA_NONE, "No Deadline"),
    (sla_tools.SLA_OK, "On Time"),
    (sla_tools.SLA_WARNING, "Deadline Approaching"),
    (sla_tools.SLA_BREACHED, "Overdue"),
    (sla_tools.SLA_PAUSED, "Paused"),
    (sla_tools.SLA_MET, "Deadline Met"),
    (sla_tools.SLA_MISSED, "Deadline Missed"),
]
# how far the working calendar is read ahead when looking for a deadline (days), and how many times it doubles
CALENDAR_LOOKAHEAD_DAYS = 30
CALENDAR_LOOKAHEAD_STEPS = 5


class CrmComplaint(models.Model):
    """A customer complaint; ``crm.complaint`` is a public name used by integrations.

    The deadline is counted in working hours of the company's calendar from ``date_open`` and shifts by
    the working hours spent in waiting stages (``sla_pause_ids``).
    """

    _name = "crm.complaint"
    _description = "Complaint"
    _inherit = ["portal.mixin", "mail.thread.cc", "mail.activity.mixin", "rating.mixin",
                "crm.knowledge.suggestion.mixin"]
    _order = "priority desc, deadline, id desc"
    _rec_names_search = ["name", "subject"]
    _primary_email = "email_from"
    _mail_post_access = "read"
    _check_company_auto = True
    _crm_suggestion_fields = ("subject", "description")

    # ------------------------------------------------------------
    # FIELDS (``groups="base.group_user"``: internal handling, never shown to the customer on the portal)
    # ------------------------------------------------------------

    name = fields.Char(string="Number", required=True, readonly=True, copy=False, default="/", index=True)
    subject = fields.Char(required=True, tracking=True)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True, tracking=True)
    commercial_partner_id = fields.Many2one(related="partner_id.commercial_partner_id", store=True, index=True,
                                            string="Customer Company")
    contact_id = fields.Many2one("res.partner", index="btree_not_null",
                                 domain="[('commercial_partner_id', '=', commercial_partner_id)]")
    email_from = fields.Char(string="Email", help="The address the complaint came from.")
    channel = fields.Selection(COMPLAINT_CHANNELS, required=True, default="phone", tracking=True)
    type_id = fields.Many2one("crm.complaint.type", required=True, tracking=True, index=True, check_company=True)
    team_id = fields.Many2one(
        "crm.complaint.team", tracking=True, index=True, check_company=True,
        compute="_compute_team_id", store=True, readonly=False, precompute=True, groups="base.group_user",
    )
    user_id = fields.Many2one(
        "res.users", string="Responsible", tracking=True, index=True,
        compute="_compute_user_id", store=True, readonly=False, precompute=True, groups="base.group_user",
    )
    priority = fields.Selection(PRIORITIES, default="0", tracking=True, groups="base.group_user")
    stage_id = fields.Many2one(
        "crm.complaint.stage", tracking=True, index=True, copy=False, ondelete="restrict",
        compute="_compute_stage_id", store=True, readonly=False, precompute=True,
        group_expand="_read_group_stage_ids", domain="['|', ('team_ids', '=', False), ('team_ids', 'in', [team_id])]",
    )
    is_waiting = fields.Boolean(related="stage_id.is_waiting", store=True, string="Waiting for Customer")
    is_closed = fields.Boolean(related="stage_id.is_closed", store=True, string="Closed")
    description = fields.Html()
    invoice_ids = fields.Many2many(
        "account.move", "crm_complaint_account_move_rel", "complaint_id", "move_id", string="Invoices",
        domain="[('move_type', 'in', ('out_invoice', 'out_refund')), ('state', '=', 'posted'),"
               " ('commercial_partner_id', '=', commercial_partner_id)]",
        groups="base.group_user",
    )
    is_dispute = fields.Boolean(
        string="Disputes Invoices", tracking=True,
        help="The customer disputes the invoices: their follow-up is blocked until the complaint is closed.",
        groups="base.group_user",
    )
    sale_order_id = fields.Many2one("sale.order", string="Sales Order", index="btree_not_null",
                                    domain="[('partner_id.commercial_partner_id', '=', commercial_partner_id)]",
                                    groups="base.group_user")
    product_id = fields.Many2one("product.product", index="btree_not_null", groups="base.group_user")
    document_ref = fields.Reference(selection="_selection_document_ref", string="Related Document",
                                    groups="base.group_user")
    root_cause = fields.Text(groups="base.group_user")
    corrective_action = fields.Text(groups="base.group_user")
    resolution = fields.Html()
    date_open = fields.Datetime(string="Received", default=fields.Datetime.now, required=True, copy=False)
    deadline = fields.Datetime(compute="_compute_deadline", store=True, precompute=True, tracking=True,
                               help="Working hours of the company's calendar; waiting for the customer "
                                    "does not count.")
    date_first_response = fields.Datetime(string="First Response", readonly=True, copy=False,
                                          groups="base.group_user")
    date_closed = fields.Datetime(string="Closed On", readonly=True, copy=False)
    sla_pause_ids = fields.One2many("crm.complaint.sla.pause", "complaint_id", string="Pauses",
                                    groups="base.group_user")
    sla_status = fields.Selection(SLA_STATUSES, compute="_compute_sla_status", string="Deadline Status",
                                  groups="base.group_user")
    is_overdue = fields.Boolean(compute="_compute_sla_status", search="_search_is_overdue", string="Overdue",
                                groups="base.group_user")
    sla_warning_date = fields.Datetime(
        string="Warning From", compute="_compute_sla_warning_date", store=True, precompute=True, index=True,
        groups="base.group_user",
        help="The deadline minus the type's warning hours: from then on the responsible is warned.",
    )
    sla_warned = fields.Boolean(string="Deadline Warning Sent", copy=False, readonly=True, groups="base.group_user")
    sla_escalated = fields.Boolean(string="Escalated", copy=False, readonly=True, groups="base.group_user")
    suggested_article_ids = fields.Many2many(groups="base.group_user")
    knowledge_article_id = fields.Many2one("crm.knowledge.article", copy=False,
                                           readonly=True, groups="base.group_user")
    company_id = fields.Many2one("res.company", required=True, index=True,
                                 default=lambda self: self.env.company)
    color = fields.Integer(groups="base.group_user")

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.model
    def _selection_document_ref(self):
        """Hook: the documents a complaint may refer to."""
        return [
            ("account.move", self.env._("Invoice")),
            ("sale.order", self.env._("Sales Order")),
            ("product.product", self.env._("Product")),
            ("res.partner", self.env._("Contact")),
        ]

    @api.depends("type_id")
    def _compute_team_id(self):
        for complaint in self:
            if not complaint.team_id and complaint.type_id.team_id:
                complaint.team_id = complaint.type_id.team_id

    @api.depends("type_id", "team_id")
    def _compute_user_id(self):
        default_user = self.env.user if not self.env.su and self.env.user._is_internal() else False
        for complaint in self:
            if not complaint.user_id:
                complaint.user_id = complaint.type_id.user_id or default_user

    @api.depends("team_id")
    def _compute_stage_id(self):
        for complaint in self:
            stage = complaint.stage_id
            if not stage or (stage.team_ids and complaint.team_id not in stage.team_ids):
                complaint.stage_id = complaint._get_default_stage(complaint.team_id)

    @api.depends("type_id", "type_id.sla_hours", "type_id.sla_ids.hours", "priority", "date_open", "company_id",
                 "sla_pause_ids.date_start", "sla_pause_ids.date_end")
    def _compute_deadline(self):
        for complaint in self:
            hours = complaint.type_id._get_sla_hours(complaint.priority) if complaint.type_id else 0.0
            if not hours or not complaint.date_open:
                complaint.deadline = False
                continue
            complaint.deadline = complaint._sla_compute_deadline(hours)

    @api.depends("deadline", "type_id.warning_hours")
    def _compute_sla_warning_date(self):
        for complaint in self:
            complaint.sla_warning_date = sla_tools.warning_start(complaint.deadline, complaint.type_id.warning_hours)

    @api.depends("deadline", "date_closed", "is_waiting", "is_closed", "type_id.warning_hours")
    @api.depends_context("crm_complaint_now")
    def _compute_sla_status(self):
        now = self._sla_now()
        for complaint in self:
            complaint.sla_status = sla_tools.sla_status(
                now, complaint.deadline, complaint.type_id.warning_hours, complaint.is_waiting,
                complaint.date_closed if complaint.is_closed else None,
            )
            complaint.is_overdue = complaint.sla_status in sla_tools.OVERDUE_STATUSES

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(self.env._("Unsupported search on %(field)s.", field="is_overdue"))
        domain = self._get_overdue_domain(self._sla_now())
        return domain if (operator == "=") == value else ["!", *domain]

    @api.model
    def _get_overdue_domain(self, now):
        """Domain of the complaints overdue at ``now`` (:func:`crm_complaints.tools.sla.is_overdue`).

        "Closed after the deadline" compares two columns, which a domain cannot: the rule is the SQL of
        :meth:`_get_overdue_sql`, selected as a subquery.
        """
        query = self.env["crm.complaint"]._search([])
        query.add_where(self._get_overdue_sql(tools.SQL.identifier(query.table), now))
        return [("id", "in", query)]

    @api.model
    def _get_overdue_sql(self, alias, now):
        """SQL condition "the complaint is overdue", for the domain of ``is_overdue`` and SQL reports.

        The same rule as :func:`crm_complaints.tools.sla.is_overdue`: a deadline, and either open, not
        waiting for the customer and past the deadline, or closed after it.

        :param alias: ``SQL`` naming the ``crm_complaint`` table (or its alias) in the query
        :param now: the current moment: a naive UTC datetime, or an ``SQL`` expression
        :return: ``SQL`` boolean expression (never NULL)
        """
        def column(name):
            return tools.SQL("%s.%s", alias, tools.SQL.identifier(name))

        now_sql = now if isinstance(now, tools.SQL) else tools.SQL("%s", now)
        is_closed = tools.SQL("COALESCE(%s, FALSE)", column("is_closed"))
        return tools.SQL(
            "(%(deadline)s IS NOT NULL AND ((%(is_closed)s AND %(date_closed)s > %(deadline)s)"
            " OR (NOT %(is_closed)s AND NOT COALESCE(%(is_waiting)s, FALSE) AND %(deadline)s < %(now)s)))",
            deadline=column("deadline"), is_closed=is_closed, date_closed=column("date_closed"),
            is_waiting=column("is_waiting"), now=now_sql,
        )

    def _compute_access_url(self):
        for complaint in self:
            complaint.access_url = f"/my/complaints/{complaint.id}"

    @api.depends("name", "subject")
    def _compute_display_name(self):
        for complaint in self:
            complaint.display_name = " ".join(filter(None, [complaint.name, complaint.subject]))

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.constrains("invoice_ids", "partner_id", "company_id")
    def _check_invoice_ids(self):
        """The invoices of a complaint are the customer's own, of the complaint's company."""
        for complaint in self.sudo():
            wrong = complaint.invoice_ids.filtered(
                lambda move, c=complaint: move.commercial_partner_id != c.commercial_partner_id
                or move.company_id != c.company_id
                or move.move_type not in ("out_invoice", "out_refund")
            )
            if wrong:
                raise ValidationError(self.env._(
                    "Complaint %(number)s: the invoice %(invoice)s is not a customer invoice of %(customer)s "
                    "in %(company)s.",
                    number=complaint.name, invoice=wrong[0].display_name,
                    customer=complaint.commercial_partner_id.display_name, company=complaint.company_id.name,
                ))

    def _check_dispute_access(self, vals):
        """Marking invoices as disputed stops their follow-up: only who may block the follow-up does it."""
        if self.env.su or not (vals.get("is_dispute") or ("invoice_ids" in vals and any(self.mapped("is_dispute")))):
            return
        if not self.env["crm.followup.block"].has_access("create"):
            raise AccessError(self.env._(
                "Only users allowed to block the follow-up of invoices (Receivables users, billing) can mark a "
                "complaint as disputing its invoices.",
            ))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self.browse()._check_dispute_access(vals)
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("crm.complaint") or "/"
            if vals.get("partner_id") and not vals.get("contact_id"):
                # a person of a customer company: the company is the customer, the person the contact
                partner = self.env["res.partner"].browse(vals["partner_id"])
                if partner.commercial_partner_id != partner:
                    vals["contact_id"] = partner.id
                    vals["partner_id"] = partner.commercial_partner_id.id
        complaints = super().create(vals_list)
        for complaint in complaints:
            customer = complaint.contact_id or complaint.partner_id
            complaint.message_subscribe(partner_ids=customer.ids)
            if complaint.is_waiting:
                complaint._sla_pause_start()
            if complaint.is_closed and not complaint.date_closed:
                complaint.date_closed = fields.Datetime.now()
        complaints._sync_followup_blocks()
        complaints._log_interaction(
            lambda c: self.env._("Complaint %(number)s received: %(subject)s",
                                 number=c.name, subject=complaint_tools.summarize(c.subject)),
            direction="incoming",
        )
        if not self.env.context.get("crm_complaint_no_acknowledgement"):
            complaints._send_acknowledgement()
        return complaints

    def write(self, vals):
        self._check_dispute_access(vals)
        stage_changed = "stage_id" in vals
        old_stages = {complaint: complaint.stage_id for complaint in self} if stage_changed else {}
        res = super().write(vals)
        if stage_changed:
            self._on_stage_changed(old_stages)
        if stage_changed or {"invoice_ids", "is_dispute", "name", "subject"} & set(vals):
            self._sync_followup_blocks()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_lift_followup_blocks(self):
        for complaint in self:
            complaint.invoice_ids.sudo()._crm_followup_unblock(origin=complaint)

    def _order_to_sql(self, order, query, alias=None, reverse=False):
        """Customers may not read the internal fields of the default order (priority): sorted without them."""
        if not self.env.su and self.env.user.share:
            parts = [part for part in (order or self._order).split(",") if part.strip()]
            allowed = [part for part in parts if self._field_readable(part.split()[0])]
            order = ",".join(allowed) or "id desc"
        return super()._order_to_sql(order, query, alias=alias, reverse=reverse)

    def _field_readable(self, fname):
        field = self._fields.get(fname.split(".")[0])
        return bool(field) and (not field.groups or self.env.user.has_groups(field.groups))

    # ------------------------------------------------------------
    # MAIL / PORTAL / RATING
    # ------------------------------------------------------------

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """Create a complaint from an email to a team alias, matched to the customer by the sender's email."""
        values = dict(custom_values or {})
        author = self.env["res.partner"].browse(msg_dict.get("author_id") or [])
        # the sender's address may be forged: only a sender known before this email gets the acknowledgement,
        # so that the intake never mails strangers on behalf of whoever wrote their address
        known_sender = bool(author)
        if not author and msg_dict.get("email_from"):
            author = self._mail_find_partner_from_emails([msg_dict["email_from"]], force_create=True)[0]
            if author:
                # the email is theirs: posted (by the mail gateway, from this very dict) as its author, it is
                # not mailed back to them as a follower
                msg_dict["author_id"] = author.id
        team = self.env["crm.complaint.team"].browse(values.get("team_id") or [])
        if not values.get("type_id"):
            values["type_id"] = self.env["crm.complaint.type"].search(
                [("team_id", "in", [team.id, False])], order="team_id, sequence", limit=1,
            ).id
        values.setdefault("subject", msg_dict.get("subject") or self.env._("No Subject"))
        values.setdefault("channel", "email")
        values.setdefault("description", msg_dict.get("body"))
        if author:
            values.setdefault("partner_id", author.commercial_partner_id.id)
            if author.commercial_partner_id != author:
                values.setdefault("contact_id", author.id)
        if team.company_id:
            values.setdefault("company_id", team.company_id.id)
        values.setdefault("name", "/")  # else mail.thread names the record after the email's subject
        # the email itself is posted next on the new complaint: it is the complaint, not a reply
        context = {"crm_complaint_intake": True}
        if not known_sender:
            context["crm_complaint_no_acknowledgement"] = True
        return super(CrmComplaint, self.with_context(**context)).message_new(msg_dict, custom_values=values)

    @api.returns("mail.message", lambda value: value.id)
    def message_post(self, **kwargs):
        """Portal and public users post as themselves: the author (and its address) is never theirs to choose,
        so a customer cannot post in the name of an employee (which would also fake the first response)."""
        if not self.env.su and self.env.user.share:
            kwargs.pop("email_from", None)
            kwargs.pop("author_guest_id", None)
            kwargs["author_id"] = self.env.user.partner_id.id
        return super().message_post(**kwargs)

    def _message_post_after_hook(self, message, msg_values):
        """Log customer replies in the interaction history, note the first response of our side."""
        res = super()._message_post_after_hook(message, msg_values)
        if (
            message.message_type not in ("comment", "email")
            or message.subtype_id != self.env.ref("mail.mt_comment")
            or self.env.context.get("crm_complaint_intake")
            or self.env.context.get("crm_complaint_automatic")
        ):
            return res
        author = message.author_id
        for complaint in self:
            customers = complaint.commercial_partner_id
            if author and author.commercial_partner_id == customers:
                complaint._log_interaction(
                    lambda c: self.env._("Customer replied on complaint %(number)s", number=c.name),
                    direction="incoming", via_email=message.message_type == "email", note=message.body,
                )
                if complaint.is_waiting:
                    # the customer of this very complaint answered: resume it, whoever posted on their behalf
                    complaint_sudo = complaint.sudo()
                    complaint_sudo.stage_id = complaint_sudo._get_resume_stage()
            elif author.user_ids.filtered(lambda user: not user.share) and not complaint.sudo().date_first_response:
                complaint.sudo().date_first_response = message.date or fields.Datetime.now()
        return res

    def _mail_get_partners(self, introspect_fields=False):
        """The person to write to: the contact, else the customer."""
        return {complaint.id: complaint.contact_id or complaint.partner_id for complaint in self}

    def _rating_get_partner(self):
        return self.contact_id or self.partner_id

    def _rating_apply_get_default_subtype_id(self):
        return self.env["ir.model.data"]._xmlid_to_res_id("crm_complaints.mt_complaint_rating")

    def _get_customer_portal_partners(self):
        """The partners who see the complaint on the portal: the whole customer company."""
        return self.commercial_partner_id

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_close(self):
        """Move the complaints to the first closed stage."""
        for complaint in self:
            complaint.stage_id = complaint._get_closed_stage()
        return True

    def action_reopen(self):
        """Move closed complaints back to the first open stage."""
        for complaint in self:
            complaint.stage_id = complaint._get_resume_stage()
        return True

    def action_open_reply(self, body=False):
        """Open the email composer to answer the customer, the body pre-filled with ``body``."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reply to the customer"),
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_composition_mode": "comment",
                "default_subtype_xmlid": "mail.mt_comment",
                "default_partner_ids": (self.contact_id or self.partner_id).ids,
                "default_body": body or "",
            },
        }

    def action_insert_article(self, article_id):
        """Open the reply composer with the body of a suggested article."""
        self.ensure_one()
        article = self.env["crm.knowledge.article"].browse(article_id).exists()
        if not article:
            raise UserError(self.env._("The article no longer exists."))
        article.check_access("read")
        return self.action_open_reply(body=article.body)

    def action_create_knowledge_article(self):
        """Turn the resolution of a closed complaint into a draft FAQ article (knowledge editors only)."""
        self.ensure_one()
        if not self.is_closed or tools.is_html_empty(self.resolution):
            raise UserError(self.env._(
                "Complaint %(number)s: only a closed complaint with a resolution can become an article.",
                number=self.name,
            ))
        Article = self.env["crm.knowledge.article"]
        if not Article.has_access("create"):
            raise UserError(self.env._("Only knowledge editors can create articles."))
        body = Markup("<h3>%s</h3>%s<h3>%s</h3>%s") % (
            self.env._("Question"), self.description or Markup("<p>%s</p>") % self.subject,
            self.env._("Answer"), self.resolution,
        )
        article = Article.create({
            "name": self.subject, "kind": "faq", "body": body, "owner_id": self.env.user.id,
            "company_id": self.company_id.id,
        })
        self.knowledge_article_id = article
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.knowledge.article",
            "res_id": article.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def action_view_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_invoice_type")
        action["domain"] = [("id", "in", self.invoice_ids.ids)]
        action["context"] = {"create": False}
        return action

    # ------------------------------------------------------------
    # BUSINESS: stages
    # ------------------------------------------------------------

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        team_id = self.env.context.get("default_team_id")
        search_domain = [("team_ids", "=", False)]
        if team_id:
            search_domain = ["|", ("team_ids", "in", [team_id]), *search_domain]
        return stages.search(search_domain)

    @api.model
    def _get_stages(self, team):
        return self.env["crm.complaint.stage"].search(["|", ("team_ids", "=", False), ("team_ids", "in", team.ids)])

    @api.model
    def _get_default_stage(self, team):
        """The first open stage of ``team``."""
        stages = self._get_stages(team)
        return stages.filtered(lambda stage: not stage.is_closed)[:1] or stages[:1]

    def _get_resume_stage(self):
        """The stage a complaint goes back to when the customer answers or it is reopened."""
        self.ensure_one()
        stages = self._get_stages(self.team_id).filtered(lambda stage: not stage.is_closed and not stage.is_waiting)
        later = stages.filtered(lambda stage: stage.sequence > stages[:1].sequence)
        return later[:1] or stages[:1]

    def _get_closed_stage(self):
        self.ensure_one()
        stage = self._get_stages(self.team_id).filtered("is_closed")[:1]
        if not stage:
            raise UserError(self.env._("No closed stage is configured for team %(team)s.",
                                       team=self.team_id.display_name or "-"))
        return stage

    def _on_stage_changed(self, old_stages):
        """Pauses, closing date, interactions and the rating request after a stage change."""
        now = fields.Datetime.now()
        closed, reopened = self.browse(), self.browse()
        for complaint in self:
            old = old_stages.get(complaint)
            new = complaint.stage_id
            if old == new:
                continue
            if old.is_waiting and not new.is_waiting:
                complaint._sla_pause_stop()
            if new.is_waiting and not old.is_waiting:
                complaint._sla_pause_start()
            if new.is_closed and not old.is_closed:
                closed |= complaint
            elif old.is_closed and not new.is_closed:
                reopened |= complaint
        if closed:
            closed.write({"date_closed": now})
        if reopened:
            reopened.write({"date_closed": False})
        changed = self.filtered(lambda c: old_stages.get(c) != c.stage_id)
        (changed - closed)._log_interaction(
            lambda c: self.env._("Complaint %(number)s moved to stage %(stage)s", number=c.name, stage=c.stage_id.name),
        )
        closed._log_interaction(
            lambda c: self.env._("Complaint %(number)s closed: %(resolution)s", number=c.name,
                                 resolution=complaint_tools.summarize(tools.html2plaintext(c.resolution or ""))
                                 or c.stage_id.name),
            note_getter=lambda c: c.resolution,
        )
        closed._send_rating_request()

    # ------------------------------------------------------------
    # BUSINESS: deadline
    # ------------------------------------------------------------

    def _sla_now(self):
        return self.env.context.get("crm_complaint_now") or fields.Datetime.now()

    def _sla_get_calendar(self):
        return self.company_id.resource_calendar_id

    def _sla_get_work_intervals(self, start, end):
        """Working intervals of the company's calendar between two naive UTC datetimes, as naive UTC."""
        calendar = self._sla_get_calendar()
        if not calendar:
            return [(start, end)]
        intervals = calendar._work_intervals_batch(start.replace(tzinfo=pytz.utc), end.replace(tzinfo=pytz.utc))
        return [
            (i_start.astimezone(pytz.utc).replace(tzinfo=None), i_end.astimezone(pytz.utc).replace(tzinfo=None))
            for i_start, i_end, _meta in intervals[False]
        ]

    def _sla_get_pauses(self):
        return sla_tools.close_pauses(
            [(pause.date_start, pause.date_end) for pause in self.sla_pause_ids], fields.Datetime.now(),
        )

    def _sla_compute_deadline(self, hours):
        """The moment ``hours`` working hours after the complaint was received, pauses not counted."""
        self.ensure_one()
        pauses = self._sla_get_pauses()
        span = timedelta(days=CALENDAR_LOOKAHEAD_DAYS) + sum((end - start for start, end in pauses), timedelta())
        for _step in range(CALENDAR_LOOKAHEAD_STEPS):
            intervals = self._sla_get_work_intervals(self.date_open, self.date_open + span)
            deadline = sla_tools.add_working_hours(intervals, self.date_open, hours, pauses)
            if deadline:
                return deadline
            span *= 2
        return False

    def _sla_working_hours_spent(self, end=None):
        """Working hours counted against the deadline so far (pauses excluded)."""
        self.ensure_one()
        end = end or self.date_closed or fields.Datetime.now()
        intervals = self._sla_get_work_intervals(self.date_open, end)
        return sla_tools.working_hours_between(intervals, self.date_open, end, self._sla_get_pauses())

    def _sla_pause_start(self):
        self.ensure_one()
        self.env["crm.complaint.sla.pause"].sudo().create({"complaint_id": self.id, "stage_id": self.stage_id.id})

    def _sla_pause_stop(self):
        self.ensure_one()
        now = fields.Datetime.now()
        self.sla_pause_ids.filtered(lambda pause: not pause.date_end).sudo().write({"date_end": now})
        # the deadline moved: warn and escalate again against the new one
        flags = {}
        if self.deadline and self.deadline > now:
            flags["sla_escalated"] = False
            if self.deadline - timedelta(hours=self.type_id.warning_hours) > now:
                flags["sla_warned"] = False
        if flags:
            self.sudo().write(flags)

    @api.model
    def _sla_cron_domains(self, now):
        """What the deadline cron still has to do at ``now``: complaints to escalate and to warn.

        Both are filtered on stored fields, and acting sets ``sla_escalated``/``sla_warned``, so every batch
        takes complaints that no earlier batch took.

        :param datetime now: the current moment
        :return: ``(to_escalate, to_warn)`` domains on ``crm.complaint``
        """
        running = [("is_closed", "=", False), ("is_waiting", "=", False), ("deadline", "!=", False)]
        return (
            [*running, ("deadline", "<", now), ("sla_escalated", "=", False)],
            [*running, ("deadline", ">=", now), ("sla_warning_date", "<=", now), ("sla_warned", "=", False)],
        )

    @api.model
    def _cron_check_sla(self, limit=500):
        """Escalate breached complaints to the team manager, then warn responsibles before the deadline: one
        batch of ``limit`` complaints per call, with progress (Odoo's cron calls again while some remain).

        Idempotent: ``sla_warned`` and ``sla_escalated`` keep a complaint from being warned or escalated twice.

        :param int limit: complaints handled per call
        :return: the number of complaints escalated or warned
        """
        now = fields.Datetime.now()
        escalate_domain, warn_domain = self._sla_cron_domains(now)
        breached = self.search(escalate_domain, limit=limit, order="deadline, id")
        for complaint in breached:
            complaint._sla_escalate()
        to_warn = self.browse()
        if len(breached) < limit:
            to_warn = self.search(warn_domain, limit=limit - len(breached), order="deadline, id")
            to_warn._sla_warn()
        done = len(breached) + len(to_warn)
        remaining = 0
        if done == limit:
            remaining = self.search_count(escalate_domain) + self.search_count(warn_domain)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return done

    def _sla_warn(self):
        """Schedule a to-do for the responsible of each complaint: the deadline is near."""
        todo = self.env.ref("mail.mail_activity_data_todo")
        vals_list = []
        for complaint in self:
            user = complaint.user_id or complaint.team_id.manager_id
            if user:
                env = complaint.with_context(lang=user.lang or self.env.lang).env  # the reader's language
                vals_list.append({
                    "activity_type_id": todo.id,
                    "automated": True,
                    "date_deadline": fields.Date.context_today(complaint, complaint.deadline),
                    "res_model_id": self.env["ir.model"]._get_id(self._name),
                    "res_id": complaint.id,
                    "summary": env._("Deadline approaching"),
                    "note": env._("Complaint %(number)s must be resolved by %(deadline)s.",
                                  number=complaint.name,
                                  deadline=tools.format_datetime(env, complaint.deadline, tz=user.tz, dt_format=False)),
                    "user_id": user.id,
                })
        if vals_list:
            self.env["mail.activity"].create(vals_list)
        self.write({"sla_warned": True})

    def _sla_escalate(self):
        """Escalate a breached complaint: an activity and an email for the team manager."""
        self.ensure_one()
        manager = self.team_id.manager_id or self.user_id
        if manager:
            env = self.with_context(lang=manager.lang or self.env.lang).env  # the reader's language
            self.activity_schedule(
                "mail.mail_activity_data_todo", user_id=manager.id,
                summary=env._("Complaint deadline breached"),
                note=env._("Complaint %(number)s is past its deadline; responsible: %(user)s.",
                           number=self.name, user=self.user_id.name or "-"),
            )
            template = self.env.ref("crm_complaints.mail_template_complaint_escalation", raise_if_not_found=False)
            if template:
                template.send_mail(self.id, email_values={"recipient_ids": [(6, 0, manager.partner_id.ids)]})
        self.message_post(
            body=self.env._("Deadline breached: escalated to %(user)s.", user=manager.name or "-"),
            subtype_xmlid="mail.mt_note",
        )
        self.sla_escalated = True

    # ------------------------------------------------------------
    # BUSINESS: interactions, disputes, emails
    # ------------------------------------------------------------

    def _prepare_interaction(self, summary, direction="outgoing", via_email=False, note=False):
        """Values of the ``crm.interaction`` logging an event of this complaint (hook)."""
        self.ensure_one()
        values = {
            "partner_id": self.commercial_partner_id.id,
            "contact_id": self.contact_id.id,
            "user_id": (self.user_id or self.env.user).id,
            "company_id": self.company_id.id,
            "channel": complaint_tools.interaction_channel(self.channel, via_email),
            "direction": direction,
            "summary": summary,
            "note": note or False,
        }
        values["document_ref"] = f"{self._name},{self.id}"  # the history links back to the complaint
        return values

    def _log_interaction(self, summary_getter, direction="outgoing", via_email=False, note=False,
                         note_getter=None):
        """Log an event of each complaint in its customer's interaction history.

        The complaint was just created or written by the current user, who thus has access to it; the
        history belongs to crm_receivables, whose rights a complaints user may not have: hence ``sudo``.
        """
        if not self:
            return self.env["crm.interaction"]
        vals_list = [
            complaint._prepare_interaction(
                summary_getter(complaint), direction=direction, via_email=via_email,
                note=note_getter(complaint) if note_getter else note,
            )
            for complaint in self
        ]
        return self.env["crm.interaction"].sudo().create(vals_list)

    def _sync_followup_blocks(self):
        """Block the follow-up of disputed invoices while the complaint is open; lift it otherwise.

        The caller wrote the complaint, so may act on its behalf; the block belongs to crm_receivables.
        """
        Block = self.env["crm.followup.block"].sudo()
        existing = Block.search([
            ("origin_ref", "in", [f"{self._name},{complaint.id}" for complaint in self]), ("active", "=", True),
        ]) if self.ids else Block
        by_complaint = {}
        for block in existing:
            by_complaint.setdefault(block.origin_ref.id, Block)
            by_complaint[block.origin_ref.id] |= block
        for complaint in self:
            blocks = by_complaint.get(complaint.id, Block)
            disputed = complaint.is_dispute and not complaint.is_closed
            wanted = complaint.invoice_ids if disputed else self.env["account.move"]
            (blocks - blocks.filtered_domain([("move_id", "in", wanted.ids)]))._lift()
            missing = wanted.sudo() - blocks.move_id
            if missing:
                missing._crm_followup_block(
                    self.env._("Disputed in complaint %(number)s: %(subject)s",
                               number=complaint.name, subject=complaint_tools.summarize(complaint.subject)),
                    origin=complaint,
                )

    def _send_acknowledgement(self):
        """Email the customer that the complaint is registered, with a link to follow it on the portal."""
        template = self.env.ref("crm_complaints.mail_template_complaint_received", raise_if_not_found=False)
        if not template:
            return
        for complaint in self.filtered(lambda c: (c.contact_id or c.partner_id).email):
            complaint.with_context(crm_complaint_automatic=True).message_post_with_source(
                template, subtype_xmlid="mail.mt_comment", email_layout_xmlid="mail.mail_notification_light",
            )

    def _send_rating_request(self):
        template = self.env.ref("crm_complaints.mail_template_complaint_rating", raise_if_not_found=False)
        if not template:
            return
        for complaint in self.filtered(lambda c: (c.contact_id or c.partner_id).email):
            complaint.rating_send_request(template, lang=complaint.partner_id.lang, force_send=False)

    # ------------------------------------------------------------
    # BUSINESS: figures
    # ------------------------------------------------------------

    @api.model
    def _get_figures(self, domain, days=7):
        """Figures of the complaints in ``domain``: the flow of the last ``days`` days and the open stock.

        :return: dict of :func:`crm_complaints.tools.complaint.digest_figures` for the complaints received
            in the period, plus ``open_total`` and ``overdue_total`` (all open complaints of ``domain``)
        """
        now = fields.Datetime.now()
        recent = self.search_read(
            [*domain, ("date_open", ">=", now - timedelta(days=days))],
            ["date_open", "date_closed", "deadline", "is_closed", "is_waiting", "date_first_response"],
        )
        figures = complaint_tools.digest_figures(recent, now)
        figures["open_total"] = self.search_count([*domain, ("is_closed", "=", False)])
        figures["overdue_total"] = self.search_count([*domain, ("is_closed", "=", False), ("is_overdue", "=", True)])
        return figures
