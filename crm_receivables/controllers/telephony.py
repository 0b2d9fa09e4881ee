import hmac
import logging

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.exceptions import UserError
from odoo.http import request

from ..tools import mango as mango_tools
from ..tools import smsru as smsru_tools
from ..tools import telephony
from ..tools import zadarma as zadarma_tools

_logger = logging.getLogger(__name__)


class CrmTelephonyController(http.Controller):
    """Webhooks of cloud exchanges (Mango Office, Zadarma) and of the SMS.ru gateway. Thin: the signature
    is checked first with the company's own credentials (the company id is in the URL), the payload is
    parsed by the pure ``tools`` modules, the ``crm.telephony.call`` service does the rest.

    Answers: 200 (JSON ``{"ok": true, …}``), 401 when the signature or key is wrong, 400 when the payload
    is malformed, 404 for an unknown company. Nothing is written unless the answer is 200.
    """

    # ------------------------------------------------------------
    # MANGO OFFICE
    # ------------------------------------------------------------

    @http.route("/crm_receivables/telephony/mango/<int:company_id>/events/<path:kind>", type="http",
                auth="public", methods=["POST"], csrf=False, save_session=False)
    def mango_event(self, company_id, kind, **_kwargs):
        company_sudo = self._company(company_id)
        credentials = company_sudo._crm_telephony_credentials("mango")
        form = request.httprequest.form
        if not mango_tools.verify(form, credentials["key"], credentials["secret"]):
            return self._refuse(company_sudo, "mango")
        kind = {"record/added": "record_added"}.get(kind.strip("/"), kind.strip("/"))
        try:
            event = mango_tools.parse(kind, form.get("json"))
        except telephony.EventError as error:
            return self._error(400, "malformed", error.message, field=error.field)
        return self._process(company_sudo, event)

    @http.route("/crm_receivables/telephony/mango/<int:company_id>/ping", type="http", auth="public",
                methods=["GET", "POST"], csrf=False, save_session=False)
    def mango_ping(self, company_id, **_kwargs):
        """Mango's connection check: answers 200 for a known company."""
        self._company(company_id)
        return request.make_json_response({"ok": True})

    # ------------------------------------------------------------
    # ZADARMA
    # ------------------------------------------------------------

    @http.route("/crm_receivables/telephony/zadarma/<int:company_id>", type="http", auth="public",
                methods=["GET", "POST"], csrf=False, save_session=False)
    def zadarma_event(self, company_id, **_kwargs):
        company_sudo = self._company(company_id)
        httprequest = request.httprequest
        if httprequest.method == "GET":
            echo = httprequest.args.get("zd_echo")
            if not echo:
                return self._error(400, "malformed", "zd_echo is missing.")
            return request.make_response(echo[:200], headers=[("Content-Type", "text/plain")])
        credentials = company_sudo._crm_telephony_credentials("zadarma")
        form = httprequest.form.to_dict()
        if not zadarma_tools.verify(form, httprequest.headers.get("Signature"), credentials["secret"]):
            return self._refuse(company_sudo, "zadarma")
        try:
            event = zadarma_tools.parse(form, credentials["tz"])
        except telephony.EventError as error:
            return self._error(400, "malformed", error.message, field=error.field)
        return self._process(company_sudo, event)

    # ------------------------------------------------------------
    # RECORDINGS
    # ------------------------------------------------------------

    @http.route("/crm_receivables/telephony/recording/<int:call_id>", type="http", auth="user")
    def recording(self, call_id, **_kwargs):
        """Listen to a call's recording: the exchange's temporary link, asked now (the user must see the call)."""
        call = request.env["crm.telephony.call"].browse(call_id).exists()
        if not call:
            raise NotFound()
        call.check_access("read")
        try:
            link, content = call.sudo()._recording_link()
        except UserError as error:
            return request.make_response(str(error), status=502, headers=[("Content-Type", "text/plain")])
        if link:
            return request.redirect(link, local=False)
        data, content_type = content
        return request.make_response(data, headers=[("Content-Type", content_type)])

    # ------------------------------------------------------------
    # SMS.RU DELIVERY REPORTS
    # ------------------------------------------------------------

    @http.route("/crm_receivables/sms/smsru/<int:company_id>/<string:token>", type="http", auth="public",
                methods=["POST"], csrf=False, save_session=False)
    def smsru_status(self, company_id, token, **_kwargs):
        """SMS.ru's delivery reports; the secret token of the company is part of the URL."""
        company_sudo = self._company(company_id)
        expected = company_sudo._crm_telephony_credentials("smsru")["token"]
        if not expected or not hmac.compare_digest(token.encode(), expected.encode()):
            return self._refuse(company_sudo, "smsru")
        statuses = smsru_tools.parse_callback(list(request.httprequest.form.items(multi=True)))
        request.env["sms.sms"].sudo()._crm_smsru_apply_statuses(company_sudo, statuses)
        return request.make_response("100", headers=[("Content-Type", "text/plain")])

    # ------------------------------------------------------------
    # HELPERS
    # ------------------------------------------------------------

    def _company(self, company_id):
        company_sudo = request.env["res.company"].sudo().browse(company_id).exists()
        if not company_sudo:
            raise NotFound()
        return company_sudo

    def _process(self, company_sudo, event):
        if event is None:
            return request.make_json_response({"ok": True, "ignored": True})
        env = request.env(su=True, context=dict(request.env.context, allowed_company_ids=company_sudo.ids))
        call, is_new = env["crm.telephony.call"].with_company(company_sudo)._process_event(company_sudo, event)
        return request.make_json_response({
            "ok": True, "call_id": call.id, "replay": not is_new, "state": call.state,
            "interaction_id": call.interaction_id.id or None,
        })

    def _refuse(self, company_sudo, provider):
        _logger.info("Telephony: %s webhook for company %s refused (bad signature) from %s", provider,
                     company_sudo.id, request.httprequest.remote_addr)
        return self._error(401, "invalid_signature", "Missing or invalid signature.")

    def _error(self, status, code, message, **extra):
        return request.make_json_response({"ok": False, "error": code, "message": message, **extra}, status=status)
