/** @odoo-module **/

import { registry } from "@web/core/registry";
import { openReceivablesApp } from "@crm_receivables/js/tours/tour_steps";

// A collector without accounting rights works their customers' debt: the open items and the customer card,
// and never sees another collector's customer (issue 12, item 8).
registry.category("web_tour.tours").add("crm_collector_accounting", {
    url: "/odoo",
    steps: () => [
        ...openReceivablesApp(),
        {
            content: "The queue lists my customer",
            timeout: 30000,
            trigger: ".o_list_view .o_data_row .o_data_cell[name='partner_id']:contains('Тур Мой клиент')",
        },
        {
            content: "Follow-up menu",
            trigger: '.o_main_navbar [data-menu-xmlid="crm_receivables.crm_followup_menu"]',
            run: "click",
        },
        {
            content: "Open Items",
            trigger: '.dropdown-menu [data-menu-xmlid="crm_receivables.account_move_line_menu_crm_open_items"]',
            run: "click",
        },
        {
            content: "My customer's 1C document is an open item",
            timeout: 30000,
            trigger: ".o_list_view .o_data_row:contains('Реализация 4242')",
        },
        {
            content: "Its invoice too",
            trigger: ".o_list_view .o_data_row:contains('Тур Мой клиент'):contains('INV/')",
        },
        {
            content: "Another collector's customer is not there",
            trigger: ".o_list_view:not(:has(.o_data_row:contains('Тур Чужой клиент')))",
        },
        {
            content: "Customers",
            trigger: '.o_main_navbar [data-menu-xmlid="crm_receivables.crm_receivables_menu_customers"]',
            run: "click",
        },
        {
            content: "Open my customer",
            timeout: 30000,
            trigger: ".o_kanban_record:contains('Тур Мой клиент')",
            run: "click",
        },
        {
            content: "Customer history tab",
            timeout: 30000,
            trigger: ".o_notebook a.nav-link[name='crm_history']",
            run: "click",
        },
        {
            content: "The overdue amount is shown to the collector",
            trigger: ".o_field_widget[name='crm_overdue_amount']:contains('12,345.00')",
        },
    ],
});
