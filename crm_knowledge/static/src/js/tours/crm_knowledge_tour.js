/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("crm_knowledge_open_app", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Knowledge app from the home menu",
            trigger: '.o_app[data-menu-xmlid="crm_knowledge.crm_knowledge_menu_root"]',
            run: "click",
        },
        {
            content: "Switch to the list of articles",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "The published article is listed",
            trigger: ".o_list_view .o_data_cell:contains('Tour article: how to pay')",
        },
    ],
});
