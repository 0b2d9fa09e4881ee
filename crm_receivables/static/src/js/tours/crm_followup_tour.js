/** @odoo-module **/

import { registry } from "@web/core/registry";
import { openReceivablesApp } from "@crm_receivables/js/tours/tour_steps";

registry.category("web_tour.tours").add("crm_followup_review_queue", {
    url: "/odoo",
    steps: () => [
        ...openReceivablesApp(),
        {
            content: "Open the follow-up menu",
            trigger: '.o_main_navbar button[data-menu-xmlid="crm_receivables.crm_followup_menu"]',
            run: "click",
        },
        {
            content: "Open the review queue",
            trigger: '.dropdown-item[data-menu-xmlid="crm_receivables.crm_followup_message_menu_review"]',
            run: "click",
        },
        {
            content: "The communication waits in its level's column",
            trigger: ".o_kanban_group .o_kanban_record:contains('Tour Debtor LLC')",
            timeout: 30000,
        },
        {
            content: "Send it",
            trigger: ".o_kanban_record:contains('Tour Debtor LLC') button.o_crm_followup_send",
            run: "click",
        },
        {
            content: "Sent communications leave the review queue",
            trigger: ".o_kanban_view:not(:has(.o_kanban_record:contains('Tour Debtor LLC')))",
            // sending renders and attaches the invoice PDF (the level asks for it): slow on a loaded machine
            timeout: 30000,
        },
    ],
});
