/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("crm_complaints_backend_create", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Complaints app from the home menu",
            trigger: '.o_app[data-menu-xmlid="crm_complaints.crm_complaints_menu_root"]',
            run: "click",
        },
        {
            content: "Create a complaint",
            timeout: 30000, // the kanban loads slowly on a loaded test machine
            trigger: ".o-kanban-button-new",
            run: "click",
        },
        {
            content: "Subject",
            trigger: ".o_field_widget[name=subject] input",
            run: "edit Tour complaint: wrong colour",
        },
        {
            content: "Customer",
            trigger: ".o_field_widget[name=partner_id] input",
            run: "edit Tour Complaint Customer",
        },
        {
            content: "Pick the customer",
            trigger: ".ui-autocomplete .dropdown-item:contains('Tour Complaint Customer')",
            run: "click",
        },
        {
            content: "Type",
            trigger: ".o_field_widget[name=type_id] input",
            run: "edit Tour type",
        },
        {
            content: "Pick the type",
            trigger: ".ui-autocomplete .dropdown-item:contains('Tour type')",
            run: "click",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The complaint got its number",
            trigger: ".o_form_saved .o_field_widget[name=name]:contains('CMP/')",
        },
    ],
});

registry.category("web_tour.tours").add("crm_complaints_portal_submit", {
    url: "/my/complaints",
    steps: () => [
        {
            content: "Start a new complaint",
            trigger: "a.o_complaint_portal_new",
            run: "click",
        },
        {
            content: "Subject",
            trigger: "input[name=subject]",
            run: "edit Tour portal complaint: late delivery",
        },
        {
            content: "Description",
            trigger: "textarea[name=description]",
            run: "edit The goods came a week late.",
        },
        {
            content: "Submit",
            trigger: "button.o_complaint_portal_submit",
            run: "click",
        },
        {
            content: "The complaint page is shown",
            trigger: ".o_complaint_portal_title:contains('Tour portal complaint: late delivery')",
        },
    ],
});
