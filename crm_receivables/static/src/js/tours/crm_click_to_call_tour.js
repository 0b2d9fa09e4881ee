/** @odoo-module **/
/**
 * Click-to-call as a collector uses it (the test sets a click-to-call provider, answered by a local fake
 * exchange, and the user's extension): the "Call" button next to a phone number on the customer form and
 * in the collector's queue places the call through the exchange and says so; a number that cannot be
 * dialled gives a clear failure notification.
 */

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("crm_receivables_click_to_call_form", {
    steps: () => [
        {
            content: "Go to the customer's phone (the links of a phone field show on hover or focus)",
            timeout: 30000, // a loaded test machine needs more than the default 10 s
            trigger: ".o_form_view .o_field_widget[name='phone'] input",
            run: "click",
        },
        {
            content: "The phone has a Call button (the exchange is set, the user has an extension)",
            trigger: ".o_form_view .o_field_widget[name='phone'] .o_field_phone_crm_call",
            run: "click",
        },
        {
            content: "The exchange accepted the call: the collector's phone rings first",
            trigger: ".o_notification:has(.bg-success):contains('Тур Клик'):contains('rings first')",
        },
        {
            content: "Close the notification",
            trigger: ".o_notification:has(.bg-success) .o_notification_close",
            run: "click",
        },
        {
            content: "Go to the mobile",
            trigger: ".o_form_view .o_field_widget[name='mobile'] input",
            run: "click",
        },
        {
            content: "The mobile field has the button too",
            trigger: ".o_form_view .o_field_widget[name='mobile'] .o_field_phone_crm_call",
            run: "click",
        },
        {
            content: "A number that cannot be dialled: a clear failure",
            trigger: ".o_notification:has(.bg-danger):contains('The call was not placed'):contains('12345678901234567')",
        },
    ],
});

registry.category("web_tour.tours").add("crm_receivables_click_to_call_queue", {
    steps: () => [
        {
            content: "The queue row's phone has a Call button",
            timeout: 30000,
            trigger: ".o_list_view .o_data_row:contains('Тур Клик') .o_field_widget[name='phone'] .o_field_phone_crm_call",
            run: "click",
        },
        {
            content: "The exchange accepted the call",
            trigger: ".o_notification:has(.bg-success):contains('Тур Клик'):contains('rings first')",
        },
        {
            content: "Close the notification",
            trigger: ".o_notification:has(.bg-success) .o_notification_close",
            run: "click",
        },
        {
            content: "The row's Dial button calls the customer's mobile",
            trigger: ".o_list_view .o_data_row:contains('Тур Клик') button.o_crm_queue_dial",
            run: "click",
        },
        {
            content: "The exchange accepted that call too",
            trigger: ".o_notification:has(.bg-success):contains('Тур Клик'):contains('rings first')",
        },
        {
            content: "Close the notification",
            trigger: ".o_notification:has(.bg-success) .o_notification_close",
            run: "click",
        },
        {
            content: "Switch the queue to cards",
            trigger: ".o_switch_view.o_kanban",
            run: "click",
        },
        {
            content: "Each card's phone has the Call button too",
            trigger: ".o_kanban_record:contains('Тур Клик') .o_field_widget[name='phone'] .o_field_phone_crm_call",
            run: "click",
        },
        {
            content: "The exchange accepted the call from the card",
            trigger: ".o_notification:has(.bg-success):contains('Тур Клик'):contains('rings first')",
        },
    ],
});
