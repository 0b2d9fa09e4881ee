/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

/**
 * Receivables → Import → Import from 1C: upload the counterparty list (the test stores the sample file as an
 * attachment named crm_import_1c_tour.xlsx; the step feeds it to the file input as a browser upload would),
 * preview the rows with their fate, import.
 */
registry.category("web_tour.tours").add("crm_import_1c_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Receivables app",
            trigger: '.o_app[data-menu-xmlid="crm_receivables.crm_receivables_menu_root"]',
            run: "click",
        },
        {
            content: "Open the Import menu",
            trigger: '.o_main_navbar button[data-menu-xmlid="crm_receivables.crm_import_1c_menu"]',
            run: "click",
        },
        {
            content: "Start the import from 1C",
            trigger: '.dropdown-item[data-menu-xmlid="crm_receivables.crm_import_1c_wizard_menu"]',
            run: "click",
        },
        {
            content: "Upload the 1C counterparty list",
            trigger: ".modal .o_field_widget[name=file] .o_select_file_button",
            async run() {
                const orm = odoo.__WOWL_DEBUG__.root.env.services.orm;
                const [attachment] = await orm.searchRead(
                    "ir.attachment", [["name", "=", "crm_import_1c_tour.xlsx"]], ["datas"]
                );
                const bytes = Uint8Array.from(atob(attachment.datas), (c) => c.charCodeAt(0));
                const file = new File([bytes], "counterparties.xlsx", {
                    type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                });
                const transfer = new DataTransfer();
                transfer.items.add(file);
                const input = document.querySelector(".modal .o_field_widget[name=file] input[type=file]");
                input.files = transfer.files;
                input.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "The file is uploaded",
            trigger: ".modal .o_field_widget[name=file] .o_clear_file_button",
        },
        {
            content: "Preview the rows",
            trigger: ".modal-footer button[name=action_preview]",
            run: "click",
        },
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
