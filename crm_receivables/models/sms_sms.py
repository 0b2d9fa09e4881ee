import logging

import requests

from odoo import api, fields, models, tools

from ..tools import sms_parts
from ..tools import smsru as smsru_tools

_logger = logging.getLogger(__name__)

GATEWAY_TIMEOUT = 15
STATUS_BATCH = 1000
STATUS_DAYS = 3  # SMS.ru gives up on an undelivered SMS well within this time
STATUS_RECHECK_MINUTES = 10  # an SMS whose status was asked is asked again after this delay at the earliest


class SmsSms(models.Model):
    """SMS of a company whose gateway is SMS.ru go through SMS.ru instead of Odoo's IAP.

    Sending keeps Odoo's states: accepted by the gateway is *Sent* (``pending``), delivered is *Delivered*
    (``sent``), refused or undelivered is *Error* (``error``) with a failure type, so everything that reads
    ``sms.sms`` states (the follow-up's fallback, the chatter's notification icons) works unchanged.
    Delivery statuses come back through the SMS.ru callback or the status cron.
    """

    _inherit = "sms.sms"

    failure_type = fields.Selection(selection_add=[
        ("sms_expired", "Expired"),
        ("sms_not_delivered", "Not Delivered"),
        ("sms_invalid_destination", "Invalid Destination"),
        ("sms_rejected", "Rejected"),
    ])
    crm_gateway = fields.Selection([("smsru", "SMS.ru")], string="Gateway", readonly=True, copy=False)
    crm_gateway_ref = fields.Char(string="Gateway Message ID", readonly=True, copy=False, index="btree_not_null")
    crm_gateway_company_id = fields.Many2one("res.company", string="Gateway Company", readonly=True, copy=False)
    crm_status_checked = fields.Datetime(string="Status Asked On", readonly=True, copy=False,
                                         help="The last time the gateway was asked for the delivery status.")
    crm_part_count = fields.Integer(
        string="Parts", compute="_compute_crm_part_count", store=True,
        help="SMS the text takes (what gateways bill): 160 Latin characters in one SMS and 153 per part, "
             "70 Cyrillic characters in one SMS and 67 per part.",
    )
    crm_encoding = fields.Selection([("gsm7", "GSM-7"), ("ucs2", "UCS-2 (Cyrillic)")], string="Encoding",
                                    compute="_compute_crm_part_count", store=True)

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.depends("body")
    def _compute_crm_part_count(self):
        for sms in self:
            counted = sms_parts.count(sms.body or "")
            sms.crm_part_count = counted["parts"]
            sms.crm_encoding = counted["encoding"]

    # ------------------------------------------------------------
    # SENDING
    # ------------------------------------------------------------

    def _send(self, unlink_failed=False, unlink_sent=True, raise_exception=False):
        """Route each SMS by its company's gateway: SMS.ru ones here, the rest to Odoo's IAP."""
        by_company = self._crm_gateway_companies()
        through_smsru = self.filtered(lambda sms: by_company[sms.id].crm_sms_gateway == "smsru")
        for company, batch in through_smsru.grouped(lambda sms: by_company[sms.id]).items():
            batch._crm_send_smsru(company, unlink_failed=unlink_failed, raise_exception=raise_exception)
        rest = self - through_smsru
        if rest:
            return super(SmsSms, rest)._send(unlink_failed=unlink_failed, unlink_sent=unlink_sent,
                                             raise_exception=raise_exception)
        return None

    def _crm_gateway_companies(self):
        """Company of each SMS: the one of the record it was posted on, else the recipient's, else the current.

        :return: dict sms id -> ``res.company``
        """
        default = self.env.company
        return {sms.id: sms.mail_message_id.record_company_id or sms.partner_id.company_id or default
                for sms in self}

    def _crm_send_smsru(self, company, unlink_failed=False, raise_exception=False):
        """Send through SMS.ru, one request per text (up to 100 numbers each), and record the answers."""
        credentials = company._crm_telephony_credentials("smsru")
        failed_values = {"state": "error", "failure_type": "sms_acc", "crm_gateway": "smsru",
                         "crm_gateway_company_id": company.id}
        if not credentials["key"]:
            self._crm_gateway_write(self, failed_values, unlink_failed)
            return
        results = {}
        for body, records in self.grouped("body").items():
            for chunk in tools.split_every(smsru_tools.MAX_NUMBERS, records.ids, self.browse):
                numbers = chunk.mapped("number")
                url, data = smsru_tools.send_request(credentials["url"], credentials["key"], numbers, body or "",
                                                     sender=credentials["sender"])
                try:
                    response = requests.post(url, data=data, timeout=GATEWAY_TIMEOUT)
                    response.raise_for_status()
                    answer = smsru_tools.parse_send_response(response.json(), numbers)
                except (requests.RequestException, ValueError) as error:
                    _logger.info("SMS.ru: batch of %s SMS failed: %s", len(chunk), error)
                    if raise_exception:
                        raise
                    answer = {number: {"ok": False, "sms_id": None, "failure_type": "sms_server"}
                              for number in numbers}
                for sms in chunk:
                    results[sms] = answer.get(sms.number) or {"ok": False, "failure_type": "sms_server"}
        common = {"crm_gateway": "smsru", "crm_gateway_company_id": company.id}
        for sms, result in results.items():
            if result["ok"]:
                self._crm_gateway_write(sms, {**common, "state": "pending", "failure_type": False,
                                              "crm_gateway_ref": result["sms_id"]}, False)
            else:
                self._crm_gateway_write(sms, {**common, "state": "error", "failure_type": result["failure_type"]},
                                        unlink_failed)
        self.mail_message_id._notify_message_notification_update()

    @api.model
    def _crm_gateway_write(self, sms, values, unlink):
        """Write the gateway's answer on the SMS and its trackers (notifications in the chatter)."""
        sms_sudo = sms.sudo().with_context(sms_skip_msg_notification=True)
        if values["state"] == "error" and values["failure_type"] not in ("sms_expired", "sms_not_delivered",
                                                                         "sms_invalid_destination", "sms_rejected"):
            sms_sudo.sms_tracker_id._action_update_from_sms_state("error", failure_type=values["failure_type"])
        elif values["state"] != "error":
            sms_sudo.sms_tracker_id._action_update_from_sms_state(values["state"])
        sms_sudo.write({**values, "to_delete": True} if unlink else values)

    # ------------------------------------------------------------
    # DELIVERY STATUS
    # ------------------------------------------------------------

    @api.model
    def _crm_smsru_apply_statuses(self, company, statuses):
        """Apply SMS.ru delivery status codes to the company's SMS.

        :param company: ``res.company``
        :param dict statuses: gateway message id -> status code
        :return: number of SMS whose state changed
        """
        if not statuses:
            return 0
        messages = self.sudo().search([
            ("crm_gateway", "=", "smsru"), ("crm_gateway_company_id", "=", company.id),
            ("crm_gateway_ref", "in", list(statuses)), ("state", "not in", ("sent", "canceled")),
        ])
        groups = messages.grouped(lambda sms: smsru_tools.state_of(statuses[sms.crm_gateway_ref]))
        changed = self.browse()
        for (state, provider_error), found in groups.items():
            group = found.filtered(lambda sms, state=state: sms.state != state)
            if not group:
                continue
            if state == "error":
                group.sms_tracker_id._action_update_from_provider_error(provider_error)
                group.write({"state": "error", "failure_type": f"sms_{provider_error}"})
            else:
                group._update_sms_state_and_trackers(state)
                if state == "sent":
                    group.to_delete = True
            changed |= group
        changed.mail_message_id._notify_message_notification_update()
        return len(changed)

    @api.model
    def _crm_smsru_status_domain(self, now):
        """SMS.ru SMS still on their way whose status was not asked in the last minutes (younger than
        :data:`STATUS_DAYS` days: older ones can no longer change)."""
        return [
            ("crm_gateway", "=", "smsru"), ("state", "=", "pending"), ("crm_gateway_ref", "!=", False),
            ("create_date", ">=", fields.Datetime.subtract(now, days=STATUS_DAYS)),
            "|", ("crm_status_checked", "=", False),
            ("crm_status_checked", "<", fields.Datetime.subtract(now, minutes=STATUS_RECHECK_MINUTES)),
        ]

    @api.model
    def _cron_crm_smsru_status(self):
        """Ask SMS.ru for the delivery status of the SMS still on their way (100 per request), one batch of
        :data:`STATUS_BATCH` per call with progress: each SMS asked is marked, so the next call asks others
        (one still pending is asked again on a later run).

        :return: the number of SMS asked about
        """
        now = fields.Datetime.now()
        domain = self._crm_smsru_status_domain(now)
        pending = self.sudo().search(domain, limit=STATUS_BATCH, order="crm_status_checked ASC NULLS FIRST, id")
        pending.write({"crm_status_checked": now})
        for company, batch in pending.grouped("crm_gateway_company_id").items():
            credentials = company._crm_telephony_credentials("smsru")
            if not credentials["key"]:
                continue
            for ids in tools.split_every(smsru_tools.MAX_NUMBERS, batch.mapped("crm_gateway_ref")):
                url, data = smsru_tools.status_request(credentials["url"], credentials["key"], list(ids))
                try:
                    response = requests.post(url, data=data, timeout=GATEWAY_TIMEOUT)
                    response.raise_for_status()
                    statuses = smsru_tools.parse_status_response(response.json())
                except (requests.RequestException, ValueError) as error:
                    _logger.warning("SMS.ru status check failed: %s", error)
                    continue
                self._crm_smsru_apply_statuses(company, statuses)
        remaining = self.sudo().search_count(domain) if len(pending) == STATUS_BATCH else 0
        self.env["ir.cron"]._notify_progress(done=len(pending), remaining=remaining)
        return len(pending)
