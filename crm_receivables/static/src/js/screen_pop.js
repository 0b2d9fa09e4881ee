/** @odoo-module **/
/**
 * Screen pop: when the exchange reports that a customer's call rings on the user's extension, the server
 * sends "crm_receivables/screen_pop" on the user's bus channel; this service shows the caller's card
 * (overdue debt, open promises, last contacts) with a button to open the customer, or, for an unknown
 * number, "Create Customer" and "Link to Customer".
 */

import { markup } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { escape } from "@web/core/utils/strings";

/**
 * HTML of the caller's card (every value escaped).
 * @param {Object} payload the bus message
 * @returns {string}
 */
export function screenPopCardHtml(payload) {
    const partner = payload.partner;
    const phone = `<div class="o_crm_screen_pop_phone fw-bold">${escape(payload.phone || "")}</div>`;
    if (!partner) {
        return `${phone}<div class="o_crm_screen_pop_unknown">${escape(_t("Unknown number"))}</div>`;
    }
    const lines = [
        phone,
        `<div class="o_crm_screen_pop_name fs-5">${escape(partner.name)}</div>`,
        `<div class="o_crm_screen_pop_overdue ${partner.has_overdue ? "text-danger" : ""}">` +
            `${escape(_t("Overdue"))}: ${escape(partner.overdue)}</div>`,
    ];
    if (partner.promises.length) {
        const promises = partner.promises.map((p) => `${escape(p.date)} — ${escape(p.amount)}`).join("<br/>");
        lines.push(`<div class="o_crm_screen_pop_promises"><b>${escape(_t("Open promises"))}</b><br/>${promises}</div>`);
    }
    if (partner.contacts.length) {
        const contacts = partner.contacts
            .map((c) => `${escape(c.date)} · ${escape(c.channel)} · ${escape(c.summary)}`)
            .join("<br/>");
        lines.push(`<div class="o_crm_screen_pop_contacts"><b>${escape(_t("Last contacts"))}</b><br/>${contacts}</div>`);
    }
    return lines.join("");
}

export const screenPopService = {
    dependencies: ["bus_service", "notification", "action", "orm"],

    start(env, { bus_service, notification, action, orm }) {
        const show = (payload) => {
            const partner = payload.partner;
            const buttons = [];
            let close = () => {};
            if (partner) {
                buttons.push({
                    name: _t("Open Customer"),
                    primary: true,
                    onClick: () => {
                        close();
                        action.doAction({
                            type: "ir.actions.act_window",
                            res_model: "res.partner",
                            res_id: partner.id,
                            views: [[false, "form"]],
                            target: "current",
                        });
                    },
                });
            } else {
                buttons.push({
                    name: _t("Create Customer"),
                    primary: true,
                    onClick: async () => {
                        close();
                        const created = await orm.call("crm.telephony.call", "action_create_customer", [
                            [payload.call_id],
                        ]);
                        await action.doAction(created);
                    },
                });
                buttons.push({
                    name: _t("Link to Customer"),
                    onClick: () => {
                        close();
                        action.doAction({
                            type: "ir.actions.act_window",
                            res_model: "crm.telephony.call",
                            res_id: payload.call_id,
                            views: [[false, "form"]],
                            target: "current",
                        });
                    },
                });
            }
            close = notification.add(markup(screenPopCardHtml(payload)), {
                title: _t("Incoming call"),
                type: partner ? "info" : "warning",
                sticky: true,
                className: "o_crm_screen_pop",
                buttons,
            });
        };
        bus_service.subscribe("crm_receivables/screen_pop", show);
        bus_service.start();
        return { show };
    },
};

registry.category("services").add("crm_receivables_screen_pop", screenPopService);
