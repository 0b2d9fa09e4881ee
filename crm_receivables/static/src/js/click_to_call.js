/** @odoo-module **/
/**
 * Click-to-call on every phone field: when the current company has a click-to-call provider (Mango Office,
 * Zadarma) and the user has a PBX extension, a "Call" button next to the number asks the server to place
 * the call through the exchange (the user's phone rings first, then the customer's number is dialled) and
 * tells the result in a notification. Otherwise the field keeps its ordinary tel: link.
 */

import { Component } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { user } from "@web/core/user";
import { useService } from "@web/core/utils/hooks";
import { patch } from "@web/core/utils/patch";
import { session } from "@web/session";
import { PhoneField } from "@web/views/fields/phone/phone_field";

/**
 * Whether calls of the current company go through the exchange (session info, see ir_http.py).
 * @returns {boolean}
 */
export function crmClickToCallEnabled() {
    const companyIds = session.crm_click_to_call_company_ids || [];
    const current = user.context.allowed_company_ids?.[0] ?? session.user_companies?.current_company;
    return companyIds.includes(current);
}

export class CrmClickToCallButton extends Component {
    static template = "crm_receivables.ClickToCallButton";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.notification = useService("notification");
        this.title = _t("Call through the telephone exchange");
        this.calling = false;
    }

    get number() {
        return this.props.record.data[this.props.name] || "";
    }

    async onClick() {
        if (this.calling) {
            return;
        }
        const record = this.props.record;
        if (record.isDirty && !(await record.save())) {
            return;
        }
        this.calling = true;
        try {
            const action = await this.orm.call("crm.telephony.call", "crm_click_to_call", [this.number], {
                res_model: record.resModel,
                res_id: record.resId || false,
            });
            await this.action.doAction(action);
        } catch (error) {
            const message = error?.data?.message || error?.message || String(error);
            this.notification.add(message, { title: _t("The call was not placed"), type: "danger" });
        } finally {
            this.calling = false;
        }
    }
}

patch(PhoneField, {
    components: { ...PhoneField.components, CrmClickToCallButton },
});

patch(PhoneField.prototype, {
    get crmClickToCall() {
        return Boolean(this.props.record.data[this.props.name]) && crmClickToCallEnabled();
    },
});
