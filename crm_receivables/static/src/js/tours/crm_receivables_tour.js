/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("crm_receivables_open_app", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Receivables app from the home menu",
            trigger: '.o_app[data-menu-xmlid="crm_receivables.crm_receivables_menu_root"]',
            run: "click",
        },
        {
            content: "Open the interaction history",
            trigger: '.o_main_navbar a[data-menu-xmlid="crm_receivables.crm_interaction_menu"]',
            run: "click",
        },
        {
            content: "The logged call is in the history",
            trigger: ".o_list_view .o_data_cell:contains('Tour call: promised to pay')",
        },
    ],
});
