/** @odoo-module **/

import { registry } from "@web/core/registry";
import { openReceivablesApp } from "@crm_receivables/js/tours/tour_steps";

const { DateTime } = luxon;

registry.category("web_tour.tours").add("crm_receivables_log_call", {
    url: "/odoo",
    steps: () => [
        ...openReceivablesApp(),
        {
            content: "Open the customers",
            trigger: '.o_main_navbar a[data-menu-xmlid="crm_receivables.crm_receivables_menu_customers"]',
            run: "click",
        },
        {
            content: "Search the customer",
            trigger: ".o_searchview_input",
            run: "edit Тур Клиент",
        },
        {
            content: "Validate the search",
            trigger: ".o_searchview_input",
            run: "press Enter",
        },
        {
            content: "Open the customer",
            trigger: ".o_kanban_record:contains('Тур Клиент')",
            run: "click",
        },
        {
            content: "Open the customer history page",
            timeout: 30000, // the form loads slowly on a loaded test machine
            trigger: ".o_form_view .o_notebook a.nav-link:contains('Customer History')",
            run: "click",
        },
        {
            content: "Log a call",
            trigger: ".o_notebook .tab-pane.active button:contains('Log Call')",
            run: "click",
        },
        {
            content: "The customer promised to pay",
            trigger: ".modal .o_field_widget[name=outcome_id] .o_selection_badge:contains('Promised to pay')",
            run: "click",
        },
        {
            content: "Promised amount",
            trigger: ".modal .o_field_widget[name=promise_amount] input",
            run: "edit 5000",
        },
        {
            content: "Promised date: in a week",
            trigger: ".modal .o_field_widget[name=promise_date] input",
            run: `edit ${DateTime.now().plus({ days: 7 }).toFormat("MM/dd/yyyy")}`,
        },
        {
            content: "Log it",
            trigger: ".modal button[name=action_log]",
            run: "click",
        },
        {
            content: "The open promise appears on the customer",
            trigger: ".o_notebook .tab-pane.active .o_field_widget[name=crm_open_promise_ids] .o_data_row",
        },
    ],
});
