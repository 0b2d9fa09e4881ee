/** @odoo-module **/

import { registry } from "@web/core/registry";
import { uploadOneCFile } from "@crm_receivables/js/tours/tour_steps";

/**
 * Receivables → Import → Import from 1C: upload the counterparty list (the test stores the sample file as an
 * attachment named crm_import_1c_tour.xlsx; the step feeds it to the file input as a browser upload would),
 * preview the rows with their fate, import.
 */
registry.category("web_tour.tours").add("crm_import_1c_tour", {
    url: "/odoo",
    steps: () => [
        ...uploadOneCFile("crm_import_1c_tour.xlsx", "counterparties.xlsx"),
        {
            content: "The preview shows a new customer",
            trigger: ".modal .o_field_widget[name=line_ids] tr:has(.o_data_cell:contains('ООО «Вектор-М»')) .o_data_cell:contains('New customer')",
        },
        {
            content: "The existing customer is matched by its INN",
            trigger: ".modal .o_field_widget[name=line_ids] .o_data_cell:contains('Matched by INN')",
        },
        {
            content: "Import",
            trigger: ".modal-footer button[name=action_import]",
            run: "click",
        },
        {
            content: "The import reports what it wrote",
            trigger: ".modal .o_crm_import_1c_result:contains('Customers created: 5')",
        },
    ],
});
