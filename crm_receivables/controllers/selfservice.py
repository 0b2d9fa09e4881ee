import uuid

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request

from ..tools import selfservice as selfservice_tools


class CrmSelfServiceController(http.Controller):
    """The customer's self-service page, reached from the personal link of a reminder (no account needed).

    ``GET /crm/selfservice/<token>`` shows the open items; ``POST /crm/selfservice/<token>/<action>`` (CSRF
    protected, one idempotency key per rendered form) records an answer and redirects back. A guessed,
    revoked or expired token gets a 404 and no data. The token is checked first; only then does the
    controller act as superuser (``*_sudo``), through the token model.
    """

    @http.route("/crm/selfservice/<string:token>", type="http", auth="public", methods=["GET"], website=True,
                multilang=False, sitemap=False)
    def selfservice_page(self, token, done=None, **_kwargs):
        token_sudo = self._crm_check_token(token)
        return self._crm_render(token_sudo, token, done=done if done in selfservice_tools.ACTIONS else None)

    @http.route("/crm/selfservice/<string:token>/<string:action>", type="http", auth="public",
                methods=["POST"], website=True, multilang=False, sitemap=False)
    def selfservice_action(self, token, action, **post):
        token_sudo = self._crm_check_token(token)
        if action not in selfservice_tools.ACTIONS:
            raise NotFound()
        key = post.pop("idempotency_key", None)
        post.pop("csrf_token", None)
        post.pop("attachment", None)
        post["line_ids"] = request.httprequest.form.getlist("line_ids")
        upload = None
        file = request.httprequest.files.get("attachment")
        if file and file.filename:
            upload = (file.filename, file.read(selfservice_tools.MAX_UPLOAD_BYTES + 1))
        try:
            with request.env.cr.savepoint():
                token_sudo._selfservice_submit(action, key, post, upload=upload)
        except (UserError, ValidationError) as error:
            return self._crm_render(token_sudo, token, error=error.args[0], status=400)
        return request.redirect(f"/crm/selfservice/{token}?done={action}", local=True)

    def _crm_check_token(self, token):
        """The valid link of ``token`` in the customer's language, else 404."""
        token_sudo = request.env["crm.selfservice.token"]._check_token(token)
        if not token_sudo:
            raise NotFound()
        lang = token_sudo.partner_id.lang or token_sudo.company_id.partner_id.lang
        lang_data = request.env["res.lang"]._get_data(code=lang) if lang else None
        if lang_data and lang_data.code:
            request.lang = lang_data
            request.update_context(lang=lang_data.code)
        return token_sudo.with_context(lang=request.env.lang)

    def _crm_render(self, token_sudo, token, done=None, error=None, status=200):
        values = token_sudo._get_page_values()
        values.update({
            "done": done,
            "error": error,
            "token_value": token,
            "form_keys": {kind: uuid.uuid4().hex for kind in selfservice_tools.ACTIONS},
        })
        response = request.render("crm_receivables.crm_selfservice_page", values)
        response.status_code = status
        return response
