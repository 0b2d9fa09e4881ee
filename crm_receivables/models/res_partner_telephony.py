from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..tools import phone as phone_tools


class ResPartner(models.Model):
    _inherit = "res.partner"

    # ------------------------------------------------------------
    # TELEPHONY: LOOK-UP, CARD, CLICK-TO-CALL
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        """A customer created from the screen pop of an unknown number gets the call linked."""
        partners = super().create(vals_list)
        call_id = self.env.context.get("crm_telephony_call_id")
        if call_id and len(partners) == 1:
            call = self.env["crm.telephony.call"].browse(call_id).exists()
            if call and not call.partner_id and call.company_id == self.env.company:
                call.partner_id = partners.commercial_partner_id
        return partners

    @api.model
    def _crm_telephony_find_customer(self, number, company):
        """The customer (commercial entity) of one company that has this number, typed in any format.

        Only partners of ``company`` or shared ones (no company) are considered, whoever calls the method.

        :param str number: the number as the exchange reported it
        :param company: ``res.company`` the call belongs to
        :return: ``res.partner`` (one commercial partner, the lowest id on ties) or empty
        """
        region = company.country_id.code or "RU"
        term = phone_tools.search_term(number, region)
        if not term:
            return self.browse()
        candidates = self.sudo().with_context(active_test=True).search([
            ("phone_mobile_search", "ilike", term), ("company_id", "in", [company.id, False]),
        ], order="id", limit=200)
        matching = candidates.filtered(
            lambda partner: phone_tools.match_numbers(number, [partner.phone, partner.mobile], region)
        ).commercial_partner_id.filtered(lambda partner: not partner.company_id or partner.company_id == company)
        return self.browse(matching.sorted("id")[:1].ids)

    def _crm_screen_pop_card(self):
        """What a collector needs to see while the customer's phone rings (plain data for the bus).

        :return: dict with ``id``, ``name``, ``overdue`` (formatted amount), ``promises`` (list of
            ``{"date", "amount"}``), ``contacts`` (last 3 interactions ``{"date", "channel", "summary"}``)
        """
        self.ensure_one()
        partner = self.commercial_partner_id.sudo().with_company(self.env.company)
        currency = self.env.company.currency_id
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

    def action_crm_click_to_call(self):
        """Call the customer: through the company's exchange (the collector's phone rings first), or a
        ``tel:`` link when the company has no exchange or the collector no extension."""
        self.ensure_one()
        number = self.mobile or self.phone
        if not number:
            raise UserError(_("%(name)s has no phone number.", name=self.display_name))
        company = self.env.company
        if not company.crm_telephony_provider or not self.env.user.crm_pbx_extension:
            return {"type": "ir.actions.act_url", "url": f"tel:{self._crm_e164(number, company)}", "target": "self"}
        self.env["crm.telephony.call"]._crm_request_callback(company, self.env.user, number)
        return {
            "type": "ir.actions.client", "tag": "display_notification",
            "params": {
                "type": "success", "sticky": False,
                "message": _("Your phone (extension %(extension)s) rings first, then %(number)s is dialled.",
                             extension=self.env.user.crm_pbx_extension, number=number),
            },
        }

    @api.model
    def _crm_e164(self, number, company):
        """The number in E.164 for the company's country, else its digits with a leading ``+`` kept."""
        return phone_tools.normalize(number, company.country_id.code or "RU") or "".join(
            char for char in number if char.isdigit() or char == "+")
