import json
import logging
from datetime import datetime
from functools import reduce

import requests

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..const import DIRECTIONS, TELEPHONY_PROVIDERS
from ..tools import click_to_call, telephony
from ..tools import mango as mango_tools
from ..tools import phone as phone_tools
from ..tools import zadarma as zadarma_tools

_logger = logging.getLogger(__name__)

# calls reported to our own JSON endpoint (controllers/pbx.py) are stored too: the call id makes them idempotent
CALL_SOURCES = [*TELEPHONY_PROVIDERS, ("pbx", "Telephone Exchange (JSON)")]
CALL_STATES = [("ringing", "Ringing"), ("answered", "Answered"), ("missed", "Missed")]
PROVIDER_TIMEOUT = 10
SCREEN_POP = "crm_receivables/screen_pop"
EVENT_KINDS = [("ringing", "Ringing"), ("answered", "Answered"), ("ended", "Ended"), ("summary", "Summary"),
               ("recording", "Recording")]
USER_WRITABLE = {"partner_id"}


def _encode(event):
    """A normalised event as JSON (datetimes as ISO strings)."""
    return json.dumps({key: value.isoformat() if isinstance(value, datetime) else value
                       for key, value in event.items()})


def _decode(payload):
    event = dict(payload)
    for key in ("at", "started_at"):
        if event.get(key):
            event[key] = datetime.fromisoformat(event[key])
    return event


class CrmTelephonyCall(models.Model):
    """One call reported by a cloud exchange: the events of the provider's call merged, in any order.

    The record is the call's state; the service methods below (:meth:`_process_event`) turn the
    providers' normalised events (:mod:`crm_receivables.tools.telephony`) into it, and the finished call
    into exactly one ``crm.interaction``. Replays are refused by the unique event key, concurrent events
    of one call are serialised by a row lock.
    """

    _name = "crm.telephony.call"
    _description = "Telephony Call"
    _order = "started_at desc, id desc"
    _rec_name = "call_ref"
    _check_company_auto = True

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    provider = fields.Selection(CALL_SOURCES, required=True, readonly=True)
    call_ref = fields.Char(string="Provider Call ID", required=True, readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    state = fields.Selection(CALL_STATES, string="Status", required=True, default="ringing", readonly=True)
    is_finished = fields.Boolean(string="Finished", readonly=True)
    direction = fields.Selection(DIRECTIONS, readonly=True)
    phone = fields.Char(string="Phone Number", readonly=True)
    extension = fields.Char(readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", index="btree_not_null", check_company=True,
                                 domain="[('is_company', '=', True)]")
    user_id = fields.Many2one("res.users", string="Collector", readonly=True, index="btree_not_null")
    started_at = fields.Datetime(string="Started", readonly=True)
    answered_at = fields.Datetime(string="Answered", readonly=True)
    ended_at = fields.Datetime(string="Ended", readonly=True)
    duration = fields.Integer(string="Talk Time (s)", readonly=True)
    disposition = fields.Char(readonly=True, help="The exchange's own word for how the call ended.")
    recording_ref = fields.Char(string="Recording", readonly=True)
    has_recording = fields.Boolean(compute="_compute_has_recording")
    interaction_id = fields.Many2one("crm.interaction", readonly=True, index="btree_not_null", ondelete="set null")
    callback_activity_id = fields.Many2one("mail.activity", string="Call-back Task", readonly=True,
                                           ondelete="set null")
    screen_pop_user_ids = fields.Many2many("res.users", "crm_telephony_call_screen_pop_rel", "call_id", "user_id",
                                           string="Shown To", readonly=True,
                                           help="Collectors whose screen showed the caller's card.")
    event_ids = fields.One2many("crm.telephony.event", "call_id", string="Events", readonly=True)

    _sql_constraints = [
        ("call_ref_uniq", "unique(company_id, provider, call_ref)",
         "The exchange reports each call once per company."),
    ]

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.depends("recording_ref")
    def _compute_has_recording(self):
        for call in self:
            call.has_recording = bool(call.recording_ref)

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    def write(self, vals):
        """Users only link a call to a customer (the rest comes from the exchange); linking a finished call
        logs it in the customer's history."""
        if not self.env.su and set(vals) - USER_WRITABLE:
            raise AccessError(_("Calls are written by the telephone exchange; only the customer can be set."))
        res = super().write(vals)
        if vals.get("partner_id"):
            # the user may link the call; logging it follows as the exchange's own writes do
            self.sudo().filtered(lambda call: call.is_finished and not call.interaction_id)._sync_interaction()
        return res

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_open_recording(self):
        """Listen to the recording: the exchange gives a temporary link (asked at click time)."""
        self.ensure_one()
        if not self.recording_ref:
            raise UserError(_("This call has no recording."))
        return {"type": "ir.actions.act_url", "target": "new",
                "url": f"/crm_receivables/telephony/recording/{self.id}"}

    def action_create_customer(self):
        """A customer from the unknown number: created at once with the number, linked to the call (which logs
        it in the new customer's history), then opened to complete it."""
        self.ensure_one()
        if self.partner_id:
            raise UserError(_("This call already has a customer."))
        self.env["res.partner"].check_access("create")
        partner = self.env["res.partner"].create({
            "name": _("New customer %(phone)s", phone=self.phone or ""), "is_company": True,
            "phone": self.phone, "company_id": self.company_id.id,
        })
        self.partner_id = partner
        return {
            "type": "ir.actions.act_window", "res_model": "res.partner", "res_id": partner.id, "view_mode": "form",
            "views": [(False, "form")], "target": "current",
        }

    # ------------------------------------------------------------
    # BUSINESS: EVENTS
    # ------------------------------------------------------------

    @api.model
    def _process_event(self, company, event):
        """Record one normalised event of a provider's call and bring the call and its interaction up to date.

        Runs as superuser for the company whose credentials the webhook proved. A replayed event (same
        provider call and event key) writes nothing.

        :param company: ``res.company`` the webhook belongs to
        :param dict event: a normalised event (:func:`crm_receivables.tools.telephony.make_event`)
        :return: ``(call, is_new_event)``
        """
        call_id = self._lock_call(company, event["provider"], event["call_ref"])
        self.env.cr.execute(SQL(
            """INSERT INTO crm_telephony_event (call_id, company_id, event_key, kind, payload, create_uid,
                                                write_uid, create_date, write_date)
               VALUES (%s, %s, %s, %s, %s::jsonb, %s, %s, now() at time zone 'UTC', now() at time zone 'UTC')
               ON CONFLICT (call_id, event_key) DO NOTHING RETURNING id""",
            call_id, company.id, event["event_key"], event["kind"], _encode(event), self.env.uid, self.env.uid,
        ))
        call = self.browse(call_id).with_company(company)
        if not self.env.cr.fetchone():
            _logger.info("Telephony: %s event %s of call %s already recorded", event["provider"],
                         event["event_key"], event["call_ref"])
            return call, False
        call.invalidate_recordset()
        call._apply_events(event)
        return call, True

    @api.model
    def _process_pbx_call(self, company, partner, call):
        """Log a call reported to the JSON endpoint (``controllers/pbx.py``) exactly once per call id.

        With a ``call_id`` the call is stored under the unique (company, provider, call id) key and locked
        (:meth:`_lock_call`): the same call reported again, or several times at once, gives back the
        interaction of the first report. Without a ``call_id`` every report is a new interaction.

        Runs as superuser for the company whose token the request proved.

        :param company: ``res.company`` of the token
        :param partner: ``res.partner`` found from the number (commercial entity)
        :param dict call: values from :func:`crm_receivables.tools.pbx.parse_call`
        :return: ``(interaction, is_replay)``
        """
        Interaction = self.env["crm.interaction"].with_company(company)
        if not call["call_id"]:
            return Interaction._log_pbx_call(partner, call, company), False
        record = self.browse(self._lock_call(company, "pbx", call["call_id"])).with_company(company)
        if record.interaction_id:
            _logger.info("PBX call %s of company %s already logged", call["call_id"], company.id)
            return record.interaction_id, True
        interaction = Interaction._log_pbx_call(partner, call, company)
        seconds = round(call["duration_hours"] * 3600)
        record.sudo().write({
            "direction": call["direction"], "phone": call["phone"], "partner_id": partner.id,
            "user_id": interaction.user_id.id, "started_at": interaction.date, "duration": seconds,
            "is_finished": True, "state": "answered" if seconds else "missed", "interaction_id": interaction.id,
        })
        interaction.document_ref = f"{self._name},{record.id}"
        return interaction, False

    @api.model
    def _lock_call(self, company, provider, call_ref):
        """Id of the call row, created when missing, locked until the end of the transaction.

        Several requests about one call may arrive at once (retries of the exchange, events in parallel):
        the unique key lets one of them create the row, the row lock makes the others wait for it. A waiting
        transaction whose snapshot predates the other's commit gets PostgreSQL's serialization failure,
        which Odoo answers by replaying the whole request on a fresh snapshot (``service.model.retrying``):
        an expected outcome, so it is not logged as a bad query.
        """
        self.env.cr.execute(SQL(
            """INSERT INTO crm_telephony_call (company_id, provider, call_ref, state, create_uid, write_uid,
                                               create_date, write_date)
               VALUES (%s, %s, %s, 'ringing', %s, %s, now() at time zone 'UTC', now() at time zone 'UTC')
               ON CONFLICT (company_id, provider, call_ref) DO NOTHING""",
            company.id, provider, call_ref, self.env.uid, self.env.uid,
        ), log_exceptions=False)
        self.env.cr.execute(SQL(
            "SELECT id FROM crm_telephony_call WHERE company_id = %s AND provider = %s AND call_ref = %s FOR UPDATE",
            company.id, provider, call_ref,
        ), log_exceptions=False)
        return self.env.cr.fetchone()[0]

    def _state(self):
        """The merged state of every event of the call (order of arrival does not matter)."""
        self.ensure_one()
        events = [_decode(payload) for payload in self.event_ids.mapped("payload")]
        return reduce(telephony.merge, events, telephony.empty_state())

    def _apply_events(self, new_event):
        """Write the merged state on the call, then pop the card, log the interaction, plan the call-back."""
        self.ensure_one()
        state = self._state()
        company = self.company_id
        vals = {
            "direction": state["direction"], "phone": state["number"], "extension": state["extension"],
            "started_at": state["started_at"], "answered_at": state["answered_at"], "ended_at": state["ended_at"],
            "duration": telephony.duration(state), "disposition": state["disposition"],
            "recording_ref": state["recording_ref"], "is_finished": state["final"],
            "state": telephony.outcome(state),
        }
        if not self.partner_id and state["number"]:
            vals["partner_id"] = self.env["res.partner"].sudo()._crm_find_by_phone(state["number"], company)[:1].id
        if state["extension"]:
            vals["user_id"] = self.env["res.users"]._crm_find_by_extension([state["extension"]], company).get(
                state["extension"], self.env["res.users"]).id or self.user_id.id
        self.sudo().write(vals)
        if new_event["kind"] == "ringing" and not self.is_finished:
            self._screen_pop(new_event.get("extension"))
        if self.is_finished:
            self._sync_interaction()

    # ------------------------------------------------------------
    # BUSINESS: CUSTOMER LOOK-UP AND CARD
    # ------------------------------------------------------------

    @api.model
    def _customer_card(self, partner):
        """What a collector needs to see while the customer's phone rings (plain data for the bus).

        :param partner: ``res.partner`` (its commercial entity is shown), in the call's company
        :return: dict with ``id``, ``name``, ``overdue`` (formatted amount), ``has_overdue``, ``promises``
            (up to 3 ``{"date", "amount"}``), ``contacts`` (last 3 interactions ``{"date", "channel", "summary"}``)
        """
        partner = partner.commercial_partner_id.sudo()
        currency = partner.env.company.currency_id
        promises = partner._crm_get_open_promises()[:3]
        interactions = partner.env["crm.interaction"].search(
            [("partner_id", "=", partner.id)], order="date desc, id desc", limit=3)
        channels = dict(interactions._fields["channel"]._description_selection(partner.env))
        lang = partner.env["res.lang"]._get_data(code=partner.env.lang or "en_US")
        return {
            "id": partner.id,
            "name": partner.display_name,
            "overdue": currency.format(partner.crm_overdue_amount),
            "has_overdue": not currency.is_zero(partner.crm_overdue_amount),
            "promises": [{"date": promise.promised_date.strftime(lang.date_format),
                          "amount": promise.currency_id.format(promise.amount)} for promise in promises],
            "contacts": [{"date": fields.Datetime.context_timestamp(partner, interaction.date)
                          .strftime(lang.date_format),
                          "channel": channels.get(interaction.channel, interaction.channel),
                          "summary": interaction.summary} for interaction in interactions],
        }

    # ------------------------------------------------------------
    # BUSINESS: SCREEN POP
    # ------------------------------------------------------------

    def _screen_pop(self, extension):
        """Show the caller's card to the collector whose extension rings (Odoo's bus)."""
        self.ensure_one()
        if self.direction != "incoming" or not extension:
            return
        user = self.env["res.users"]._crm_find_by_extension([extension], self.company_id).get(extension.strip())
        if not user or user in self.screen_pop_user_ids:
            return
        payload = self._screen_pop_payload()
        self.env["bus.bus"]._sendone(user.partner_id, SCREEN_POP, payload)
        self.sudo().write({"screen_pop_user_ids": [fields.Command.link(user.id)]})

    def _screen_pop_payload(self):
        """Data of the notification: the call, and the customer's card when the number is known."""
        self.ensure_one()
        partner = self.partner_id
        return {
            "call_id": self.id,
            "provider": self.provider,
            "phone": self.phone,
            "company_id": self.company_id.id,
            "partner": self._customer_card(partner.with_company(self.company_id)) if partner else False,
        }

    # ------------------------------------------------------------
    # BUSINESS: INTERACTION AND CALL-BACK
    # ------------------------------------------------------------

    def _sync_interaction(self):
        """Create or update the one interaction of each finished call that has a customer; plan or drop the
        call-back task of a missed incoming call."""
        Interaction = self.env["crm.interaction"].with_context(crm_interaction_no_outcome_activity=True)
        for call in self.filtered(lambda c: c.is_finished and c.partner_id):
            vals = call._prepare_interaction_values()
            if call.interaction_id:
                call.interaction_id.write(vals)
            else:
                interaction = Interaction.with_company(call.company_id).create(vals)
                call.sudo().write({"interaction_id": interaction.id})
            call._sync_callback_activity()

    def _prepare_interaction_values(self):
        """Values of the call's interaction (hook)."""
        self.ensure_one()
        missed = self.state == "missed"
        if self.direction == "outgoing":
            summary = (_("Unanswered call to %(phone)s", phone=self.phone) if missed
                       else _("Outgoing call to %(phone)s", phone=self.phone))
        else:
            summary = (_("Missed call from %(phone)s", phone=self.phone) if missed
                       else _("Incoming call from %(phone)s", phone=self.phone))
        outcome = self.env["crm.interaction.outcome"]
        if missed and self.direction == "outgoing":
            outcome = outcome._get_by_code("no_answer", self.company_id)
        elif not missed:
            outcome = outcome._get_by_code("reached", self.company_id)
        return {
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "user_id": self.user_id.id or self.partner_id.user_id.id or False,
            "channel": "call",
            "direction": self.direction or "incoming",
            "date": self.started_at or self.ended_at or fields.Datetime.now(),
            "duration": round(self.duration / 3600.0, 4),
            "phone": self.phone,
            "outcome_id": outcome.id,
            "summary": summary,
            "source": "pbx",
            "document_ref": f"{self._name},{self.id}",
        }

    def _sync_callback_activity(self):
        """A missed incoming call: a call-back task for the customer's collector (else the company's
        default); a later event saying the call was answered removes it."""
        self.ensure_one()
        needs = self.state == "missed" and self.direction == "incoming"
        if not needs:
            if self.callback_activity_id:
                self.callback_activity_id.unlink()
            return
        if self.callback_activity_id:
            return
        partner = self.partner_id
        user = partner.user_id if partner.user_id and not partner.user_id.share \
            else self.company_id.crm_telephony_user_id
        activity_type = self.env.ref("crm_receivables.mail_activity_type_call_back", raise_if_not_found=False)
        activity = partner.with_context(mail_activity_quick_update=True).activity_schedule(
            activity_type_id=activity_type.id if activity_type else False,
            summary=_("Call back: missed call from %(phone)s", phone=self.phone),
            user_id=(user or self.env.user).id,
            date_deadline=fields.Date.context_today(self),
        )
        self.sudo().write({"callback_activity_id": activity.id})

    # ------------------------------------------------------------
    # BUSINESS: PROVIDER API (CLICK-TO-CALL, RECORDINGS)
    # ------------------------------------------------------------

    @api.model
    def _click_to_call(self, record):
        """Call the customer of a record (the *Call* buttons of the customer form and of the collector's
        queue): its mobile, else its phone, through :meth:`crm_click_to_call`.

        :param record: one record with ``mobile``/``phone`` fields (``res.partner``, ``crm.collection.queue``)
        :return: an action (notification or ``tel:`` URL)
        """
        record.ensure_one()
        record.check_access("read")
        number = record.mobile or record.phone
        if not number:
            partner = record if record._name == "res.partner" else record.partner_id
            raise UserError(_("%(name)s has no phone number.", name=partner.display_name or record.display_name))
        return self.crm_click_to_call(number, record._name, record.id)

    @api.model
    def crm_click_to_call(self, number, res_model=False, res_id=False):
        """Call a number shown in the web client (every phone field has a *Call* button): through the
        company's exchange, the user's phone (extension) ringing first, or a ``tel:`` link when the company
        has no exchange or the user no extension.

        The record the number is shown on is checked first: the user must be allowed to read it.

        :param str number: the number as shown in the field
        :param str res_model: model of the record showing the number (optional)
        :param int res_id: id of that record (optional; 0 or False for a new record)
        :return: an action: ``display_notification`` (the exchange accepted the call) or ``act_url`` with
            the ``tel:`` link
        :raise AccessError: the user may not read the record, or is not an internal user
        :raise UserError: not a phone number, or the exchange is not configured or refuses the call
        """
        user = self.env.user
        if not user._is_internal():
            raise AccessError(_("Only internal users can place calls."))
        record = self._click_to_call_record(res_model, res_id)
        company = self.env.company
        dial = click_to_call.dial_number(number, company._crm_phone_region())
        if not dial:
            raise UserError(_("%(number)s is not a phone number.", number=number or ""))
        if click_to_call.mode(company.crm_telephony_provider, user.crm_pbx_extension) == "tel":
            return {"type": "ir.actions.act_url", "url": click_to_call.tel_url(dial), "target": "self"}
        self._request_callback(company, user, dial)
        partner = self._click_to_call_partner(record)
        if partner:
            message = _("Calling %(name)s: your phone (extension %(extension)s) rings first, then %(number)s is "
                        "dialled.", name=partner.display_name, extension=user.crm_pbx_extension, number=number)
        else:
            message = _("Your phone (extension %(extension)s) rings first, then %(number)s is dialled.",
                        extension=user.crm_pbx_extension, number=number)
        return {
            "type": "ir.actions.client", "tag": "display_notification",
            "params": {"type": "success", "sticky": False, "message": message},
        }

    @api.model
    def _click_to_call_record(self, res_model, res_id):
        """The record a number is called from, after checking the user may read it (empty when none)."""
        if not res_model:
            return None
        if res_model not in self.env:
            raise UserError(_("Unknown document type %(model)s.", model=res_model))
        record = self.env[res_model]
        if not res_id:
            record.check_access("read")
            return record
        record = record.browse(int(res_id)).exists()
        if not record:
            raise UserError(_("The document to call from no longer exists."))
        record.check_access("read")
        return record

    @api.model
    def _click_to_call_partner(self, record):
        """The customer a record stands for, for the notification (hook): the partner itself, else its
        ``partner_id``; empty when none."""
        if not record:
            return self.env["res.partner"]
        if record._name == "res.partner":
            return record
        field = record._fields.get("partner_id")
        if field and field.comodel_name == "res.partner":
            return record.partner_id
        return self.env["res.partner"]

    @api.model
    def _request_callback(self, company, user, number):
        """Ask the company's exchange to ring the user's extension, then dial ``number``.

        :raise UserError: when the exchange is not configured or refuses the request
        """
        provider = company.crm_telephony_provider
        credentials = company._crm_telephony_credentials(provider)
        if not (credentials["key"] and credentials["secret"]):
            raise UserError(_("The %(provider)s credentials of %(company)s are not set (Settings, Receivables).",
                              provider=dict(TELEPHONY_PROVIDERS)[provider], company=company.name))
        digits = phone_tools.dial_digits(number, company._crm_phone_region())
        try:
            if provider == "mango":
                url, data = mango_tools.callback_request(credentials["url"], credentials["key"],
                                                         credentials["secret"], user.crm_pbx_extension, digits)
                response = requests.post(url, data=data, timeout=PROVIDER_TIMEOUT)
                response.raise_for_status()
                accepted = mango_tools.parse_command_result(response.json())
            else:
                url, headers = zadarma_tools.callback_request(credentials["url"], credentials["key"],
                                                              credentials["secret"], user.crm_pbx_extension, digits)
                response = requests.get(url, headers=headers, timeout=PROVIDER_TIMEOUT)
                response.raise_for_status()
                answer = response.json()
                accepted = True if answer.get("status") == "success" else answer.get("message")
        except (requests.RequestException, ValueError) as error:
            _logger.warning("Click-to-call through %s failed: %s", provider, error)
            raise UserError(_("The exchange could not be reached: %(error)s", error=str(error))) from error
        if accepted is not True:
            raise UserError(_("The exchange refused the call: %(reason)s", reason=str(accepted)))
        return True

    def _recording_link(self):
        """A temporary link to the call's recording, asked from the exchange.

        :return: ``(url, None)`` to redirect to, or ``(None, (content, content_type))`` for audio served
            by the exchange directly
        """
        self.ensure_one()
        credentials = self.company_id._crm_telephony_credentials(self.provider)
        try:
            if self.provider == "mango":
                url, data = mango_tools.recording_request(credentials["url"], credentials["key"],
                                                          credentials["secret"], self.recording_ref)
                response = requests.post(url, data=data, timeout=PROVIDER_TIMEOUT, allow_redirects=False)
                if response.is_redirect:
                    return response.headers["Location"], None
                response.raise_for_status()
                return None, (response.content, response.headers.get("Content-Type", "audio/mpeg"))
            url, headers = zadarma_tools.recording_request(credentials["url"], credentials["key"],
                                                           credentials["secret"], self.recording_ref)
            response = requests.get(url, headers=headers, timeout=PROVIDER_TIMEOUT)
            response.raise_for_status()
            answer = response.json()
            link = answer.get("link") or (answer.get("links") or [None])[0]
        except (requests.RequestException, ValueError, KeyError) as error:
            _logger.warning("Recording of call %s not available: %s", self.id, error)
            raise UserError(_("The exchange did not give the recording: %(error)s", error=str(error))) from error
        if not link:
            raise UserError(_("The exchange did not give the recording."))
        return link, None


class CrmTelephonyEvent(models.Model):
    """One webhook of a provider, normalised: the unique key makes replays write nothing."""

    _name = "crm.telephony.event"
    _description = "Telephony Event"
    _order = "id"
    _rec_name = "event_key"

    call_id = fields.Many2one("crm.telephony.call", required=True, ondelete="cascade", index=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    event_key = fields.Char(required=True, readonly=True)
    kind = fields.Selection(EVENT_KINDS, required=True, readonly=True)
    payload = fields.Json(readonly=True)

    _sql_constraints = [
        ("event_key_uniq", "unique(call_id, event_key)", "An event of a call is recorded once."),
    ]
