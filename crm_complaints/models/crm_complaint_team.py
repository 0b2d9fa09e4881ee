from ast import literal_eval

from odoo import api, fields, models


class CrmComplaintTeam(models.Model):
    """A team handling complaints: its members, its manager (escalations, digest) and its email alias."""

    _name = "crm.complaint.team"
    _description = "Complaint Team"
    _inherit = ["mail.alias.mixin", "mail.thread"]
    _order = "sequence, name"

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, index=True,
                                 default=lambda self: self.env.company)
    manager_id = fields.Many2one("res.users", string="Team Manager", tracking=True,
                                 help="Receives escalations of breached deadlines and the weekly digest.")
    member_ids = fields.Many2many("res.users", "crm_complaint_team_member_rel", "team_id", "user_id",
                                  string="Members", domain="[('share', '=', False)]")
    alias_id = fields.Many2one(help="Incoming emails sent to this address create complaints of this team.")
    color = fields.Integer()
    complaint_open_count = fields.Integer(compute="_compute_complaint_counts", string="Open Complaints")
    complaint_overdue_count = fields.Integer(compute="_compute_complaint_counts", string="Overdue Complaints")

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    def _compute_complaint_counts(self):
        Complaint = self.env["crm.complaint"]
        domain = [("team_id", "in", self.ids), ("is_closed", "=", False)]
        open_counts = dict(Complaint._read_group(domain, ["team_id"], ["__count"]))
        overdue_counts = dict(Complaint._read_group([*domain, ("is_overdue", "=", True)], ["team_id"], ["__count"]))
        for team in self:
            team.complaint_open_count = open_counts.get(team, 0)
            team.complaint_overdue_count = overdue_counts.get(team, 0)

    # ------------------------------------------------------------
    # ALIAS
    # ------------------------------------------------------------

    def _alias_get_creation_values(self):
        """Mails to the team's alias create complaints of that team."""
        values = super()._alias_get_creation_values()
        values["alias_model_id"] = self.env["ir.model"]._get_id("crm.complaint")
        if self.id:
            values["alias_defaults"] = defaults = literal_eval(self.alias_defaults or "{}")
            defaults["team_id"] = self.id
        return values

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_open_complaints(self):
        """Open the team's open complaints."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_complaints.crm_complaint_action")
        action["domain"] = [("team_id", "=", self.id)]
        action["context"] = {"default_team_id": self.id, "search_default_open": 1}
        return action

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    @api.model
    def _cron_send_digest(self):
        """Weekly digest: every team manager gets the figures of the team's complaints."""
        template = self.env.ref("crm_complaints.mail_template_complaint_digest", raise_if_not_found=False)
        if not template:
            return
        teams = self.search([("manager_id", "!=", False)])
        for team in teams:
            template.send_mail(team.id, email_values={"recipient_ids": [(6, 0, team.manager_id.partner_id.ids)]})
        # one e-mail per team (a handful): all done in one call
        self.env["ir.cron"]._notify_progress(done=len(teams), remaining=0)

    def _get_digest_figures(self, days=7):
        """Figures of the team's complaints for the digest.

        :param int days: the period (received in the last ``days`` days) for the flow figures
        :return: dict (see :func:`crm_complaints.tools.complaint.digest_figures`) plus ``open_total``
            and ``overdue_total`` over all the team's open complaints
        """
        self.ensure_one()
        return self.env["crm.complaint"]._get_figures(
            [("team_id", "=", self.id)], days=days,
        )
