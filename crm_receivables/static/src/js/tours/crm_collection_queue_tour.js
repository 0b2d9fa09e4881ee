/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("crm_collection_queue_next_call", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "The Receivables app opens on the collector's queue",
            trigger: '.o_app[data-menu-xmlid="crm_receivables.crm_receivables_menu_root"]',
            run: "click",
        },
        {
            content: "My queue, first call on top",
            timeout: 30000, // a loaded test machine needs more than the default 10 s
            trigger: ".o_list_view .o_data_row:first-child .o_data_cell[name='partner_id']:contains('Тур Должник')",
        },
        {
            content: "The second customer follows",
            trigger: ".o_list_view .o_data_row:nth-child(2) .o_data_cell[name='partner_id']:contains('Тур Второй')",
        },
        {
            content: "Open the next-call screen of the first customer",
            trigger: ".o_list_view .o_data_row:first-child .o_data_cell[name='partner_id']",
            run: "click",
        },
        {
            content: "The customer's phone is click-to-call",
            timeout: 30000,
            trigger: ".o_crm_next_call .o_field_widget[name='phone'] a[href^='tel:']",
        },
        {
            content: "Its open items are listed",
            trigger: ".o_crm_next_call .o_field_widget[name='line_ids'] .o_data_row:contains('INV/')",
        },
        {
            content: "Open the call script",
            trigger: ".o_crm_next_call .o_notebook a.nav-link:contains('Call Script')",
            run: "click",
        },
        {
            content: "The script of the knowledge base is shown",
            timeout: 30000,
            trigger: ".o_crm_next_call .o_field_widget[name='script_body']:contains('Тур-скрипт: назовите сумму')",
        },
        {
            content: "Outcome: no answer",
            trigger: ".o_crm_next_call .o_form_statusbar button:contains('No Answer')",
            run: "click",
        },
        {
            content: "The dialog asks for a next step",
            timeout: 30000,
            trigger: ".modal .o_form_view .alert-info:contains('next step')",
        },
        {
            content: "The outcome planned its next activity: log the call",
            trigger: ".modal .o_field_widget[name='activity_date'] input:value()",
        },
        {
            content: "Log",
            trigger: ".modal button[name='action_log']",
            run: "click",
        },
        {
            content: "The next customer of the queue opens",
            timeout: 30000,
            trigger: ".o_crm_next_call .oe_title:contains('Тур Второй')",
        },
    ],
});
