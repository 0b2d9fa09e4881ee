/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("crm_complaints_open_app", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Complaints app from the home menu",
            trigger: '.o_app[data-menu-xmlid="crm_complaints.crm_complaints_menu_root"]',
            run: "click",
        },
        {
            content: "The open complaint is on the kanban board",
            trigger: ".o_kanban_record:contains('Tour complaint: wrong colour')",
        },
    ],
});
