import hmac
import json
import logging

from odoo import http
from odoo.http import request

from ..tools import pbx as pbx_tools

_logger = logging.getLogger(__name__)


class CrmPbxController(http.Controller):
    """Telephony: the company's exchange reports each call; it is logged as an interaction.

    ``POST /crm_receivables/pbx/call`` with ``Authorization: Bearer <company PBX token>`` and a JSON body
    (see :mod:`crm_receivables.tools.pbx`). Answers JSON: ``{"ok": true, "interaction_id", "replay", "partner":
    {"id", "name"}, "url"}``, or ``{"ok": false, "error", "message"}`` with status 401 (bad token),
    400 (malformed payload) or 404 (number of no customer); errors write nothing. A call reported again
    with the same ``call_id`` (a retry, or the same call sent several times at once) is logged once:
    ``replay`` is true and the first interaction is answered.
    """

    @http.route("/crm_receivables/pbx/call", type="http", auth="public", methods=["POST"], csrf=False,
                save_session=False)
    def pbx_call(self, **_kwargs):
        company_sudo = self._authenticate(request.httprequest.headers.get("Authorization"))
        if not company_sudo:
            return self._error(401, "invalid_token", "Missing or invalid PBX token.")
        try:
            data = json.loads(request.httprequest.get_data(as_text=True) or "null")
        except ValueError:
            return self._error(400, "malformed", "The body is not valid JSON.")
        try:
            call = pbx_tools.parse_call(data)
        except pbx_tools.PayloadError as error:
            return self._error(400, "malformed", error.message, field=error.field)
        # the token identifies the company: from here on, act for it with superuser rights
        env = request.env(su=True, context=dict(request.env.context, allowed_company_ids=company_sudo.ids))
        partner = env["res.partner"].with_company(company_sudo)._crm_find_by_phone(call["phone"], company_sudo)
        if not partner:
            return self._error(404, "unknown_number", "No customer has this phone number.", phone=call["phone"])
        interaction, is_replay = env["crm.telephony.call"].with_company(company_sudo)._process_pbx_call(
            company_sudo, partner[:1], call,
        )
        return self._json(200, {
            "ok": True,
            "interaction_id": interaction.id,
            "replay": is_replay,
            "partner": {"id": partner[0].id, "name": partner[0].name},
            "matches": len(partner),
            "url": f"{company_sudo.get_base_url()}/odoo/res.partner/{partner[0].id}",
        })

    def _authenticate(self, header):
        """The company whose PBX token is the bearer token, compared in constant time; else ``None``."""
        token = pbx_tools.bearer_token(header)
        if not token:
            return None
        companies_sudo = request.env["res.company"].sudo().search([("crm_pbx_token", "!=", False)])
        for company_sudo in companies_sudo:
            if hmac.compare_digest(company_sudo.crm_pbx_token.encode(), token.encode()):
                return company_sudo
        _logger.info("PBX call refused: invalid token from %s", request.httprequest.remote_addr)
        return None

    def _json(self, status, payload):
        return request.make_json_response(payload, status=status)

    def _error(self, status, code, message, **extra):
        return self._json(status, {"ok": False, "error": code, "message": message, **extra})
