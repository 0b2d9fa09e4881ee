/** @odoo-module **/

import { registry } from "@web/core/registry";
import { uploadOneCFile } from "@crm_receivables/js/tours/tour_steps";

const MAPPING = ".modal .o_field_widget[name=mapping_ids]";

/** Map the column titled `title` to `field` in the editable Column Mapping list. */
function mapColumn(title, field) {
    return [
        {
            content: `Edit the mapping of column “${title}”`,
            trigger: `${MAPPING} tr.o_data_row:has(td[name=column_label]:contains('${title}')) td[name=field]`,
            run: "click",
        },
        {
            content: `Import column “${title}” as ${field}`,
            trigger: `${MAPPING} tr.o_selected_row:has(td[name=column_label]:contains('${title}')) td[name=field] select`,
            run: `select "${field}"`,
        },
    ];
}

/**
 * Receivables → Import → Import from 1C with a report whose header detection cannot find (the test stores it as
 * the attachment crm_import_1c_mapping_tour.xlsx): the wizard shows the first rows, the user picks the header
 * row, maps the columns, previews, saves the mapping and imports.
 */
registry.category("web_tour.tours").add("crm_import_1c_mapping_tour", {
    url: "/odoo",
    steps: () => [
        ...uploadOneCFile("crm_import_1c_mapping_tour.xlsx", "debitorka.xlsx"),
        {
            content: "No header found: the wizard says so and shows the first rows",
            trigger: ".modal .o_crm_import_1c_header_message:contains('No header found')",
        },
        {
            content: "Use the row with the column titles as the header",
            trigger: ".modal .o_field_widget[name=header_line_ids] tr:has(.o_data_cell:contains('Организация-плательщик')) button[name=action_use_as_header]",
            run: "click",
        },
        {
            content: "The picked row is the header",
            trigger: ".modal .o_field_widget[name=manual_header_row] input:value(3)",
        },
        {
            content: "Open the column mapping",
            trigger: ".modal .o_notebook a.nav-link:contains('Column Mapping')",
            run: "click",
        },
        ...mapColumn("Организация-плательщик", "name"),
        ...mapColumn("Рег. номер налогоплательщика", "inn"),
        ...mapColumn("Счёт-фактура", "document"),
        ...mapColumn("К оплате, руб.", "amount"),
        {
            content: "Preview with the picked header and mapping",
            trigger: ".modal-footer button[name=action_preview]",
            run: "click",
        },
        {
            content: "The preview shows the customer's documents",
            trigger: ".modal .o_field_widget[name=line_ids] tr:has(.o_data_cell:contains('ООО «Листопад»')) .o_data_cell:contains('00ЛП-000019')",
        },
        {
            content: "Open the column mapping to save it",
            trigger: ".modal .o_notebook a.nav-link:contains('Column Mapping')",
            run: "click",
        },
        {
            content: "Name the mapping",
            trigger: ".modal .o_field_widget[name=mapping_name] input",
            run: "edit Дебиторка ТД",
        },
        {
            content: "Save the mapping",
            trigger: ".modal button[name=action_save_mapping]",
            run: "click",
        },
        {
            content: "The mapping is saved",
            trigger: ".modal .o_crm_import_1c_mapping_note:contains('Дебиторка ТД')",
        },
        {
            content: "Import",
            trigger: ".modal-footer button[name=action_import]",
            run: "click",
        },
        {
            content: "The import reports what it wrote",
            trigger: ".modal .o_crm_import_1c_result:contains('Customers created: 2')",
        },
    ],
});
