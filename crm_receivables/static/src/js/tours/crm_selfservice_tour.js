/** @odoo-module **/

import { registry } from "@web/core/registry";

function isoDay(offset) {
    const day = new Date(Date.now() + offset * 86400000);
    return day.toISOString().slice(0, 10);
}

/** Set a date or date-time input like the browser's picker does (the tour's "edit" types text). */
function setValue(selector, value) {
    return () => {
        const input = document.querySelector(selector);
        input.value = value;
        input.dispatchEvent(new Event("input", { bubbles: true }));
        input.dispatchEvent(new Event("change", { bubbles: true }));
    };
}

/**
 * The customer opens the personal link of a reminder (no login), promises to pay the oldest invoice,
 * asks for a call back and confirms the statement of account; ``thanks`` is the success text in the
 * customer's language.
 */
function selfServiceSteps(thanks) {
    return [
        {
            content: "The open items are listed",
            trigger: ".o_crm_selfservice_items tbody tr",
        },
        {
            content: "Keep only the first item in the promise",
            trigger: ".o_crm_selfservice_promise .form-check:nth-child(2) input[name=line_ids]",
            run: "click",
        },
        {
            content: "Payment date",
            trigger: ".o_crm_selfservice_promise input[name=promised_date]",
            run: setValue(".o_crm_selfservice_promise input[name=promised_date]", isoDay(7)),
        },
        {
            content: "Amount",
            trigger: ".o_crm_selfservice_promise input[name=amount]",
            run: "edit 1000",
        },
        {
            content: "Promise",
            trigger: ".o_crm_selfservice_promise_submit",
            run: "click",
        },
        {
            content: "The promise is recorded",
            trigger: `.o_crm_selfservice_done[data-done=promise]:contains(${thanks})`,
            timeout: 60000, // the page reloads after the form is posted
        },
        {
            content: "Call back time",
            trigger: ".o_crm_selfservice_callback input[name=when]",
            run: setValue(".o_crm_selfservice_callback input[name=when]", `${isoDay(2)}T11:00`),
        },
        {
            content: "Ask for a call",
            trigger: ".o_crm_selfservice_callback_submit",
            run: "click",
        },
        {
            content: "The call back is recorded",
            // not the promise's message still shown before the page reloads
            trigger: `.o_crm_selfservice_done[data-done=callback]:contains(${thanks})`,
            timeout: 60000, // the page reloads after the form is posted
        },
        {
            content: "Who confirms the statement",
            trigger: ".o_crm_selfservice_statement_confirm input[name=name]",
            run: "edit Ivanova, chief accountant",
        },
        {
            content: "Confirm the statement",
            trigger: ".o_crm_selfservice_statement_confirm_submit",
            run: "click",
        },
        {
            content: "The statement is confirmed",
            trigger: ".o_crm_selfservice_statement_confirmed",
            timeout: 60000, // the page reloads after the form is posted
        },
    ];
}

registry.category("web_tour.tours").add("crm_selfservice_en", {
    steps: () => selfServiceSteps("Thank you"),
});

registry.category("web_tour.tours").add("crm_selfservice_ru", {
    steps: () => selfServiceSteps("Спасибо"),
});
