/** @odoo-module **/

import { registry } from "@web/core/registry";
import { uploadOneCFile } from "@crm_receivables/js/tours/tour_steps";

/**
 * From a 1C file to the first reminder (issue 11): Receivables → Import → Import from 1C, upload a settlements
 * export (the test stores it as the attachment crm_import_to_reminder_tour.xlsx; the step feeds it to the file
 * input as a browser upload would), preview, import, see the imported document, run the follow-up, open the
 * reminder waiting in the review queue: it names the 1C document number; send it.
 */
const CUSTOMER = "ООО «Тур из 1С»";
const NUMBER = "00009301";

registry.category("web_tour.tours").add("crm_import_to_reminder_tour", {
    url: "/odoo",
    steps: () => [
        ...uploadOneCFile("crm_import_to_reminder_tour.xlsx", "settlements.xlsx"),
        {
            content: "The preview shows the document as a new receivable of a new customer",
            trigger: `.modal .o_field_widget[name=line_ids] tr:has(.o_data_cell:contains('${NUMBER}')):has(.o_data_cell:contains('New customer'))`,
            timeout: 30000,
        },
        {
            content: "Import",
            trigger: ".modal-footer button[name=action_import]",
            run: "click",
        },
        {
            content: "The import reports the new customer and document",
            trigger: ".modal .o_crm_import_1c_result:contains('Customers created: 1'):contains('Documents: 1 new')",
            timeout: 60000,
        },
        {
            content: "Open the imported documents",
            trigger: ".modal-footer button[name=action_view_documents]",
            run: "click",
        },
        {
            content: "The 1C document is there with its customer",
            trigger: `.o_list_view .o_data_row:has(.o_data_cell:contains('${NUMBER}')):has(.o_data_cell:contains('${CUSTOMER}'))`,
            timeout: 30000,
        },
        {
            content: "Open the follow-up menu",
            trigger: '.o_main_navbar button[data-menu-xmlid="crm_receivables.crm_followup_menu"]',
            run: "click",
        },
        {
            content: "Run the follow-up now",
            trigger: '.dropdown-item[data-menu-xmlid="crm_receivables.crm_followup_message_menu_run"]',
            run: "click",
        },
        {
            content: "The reminder waits in the review queue",
            trigger: `.o_kanban_view .o_kanban_record:contains('${CUSTOMER}')`,
            timeout: 60000,
            run: "click",
        },
        {
            content: "The reminder names the 1C document number",
            trigger: `.o_form_view .o_field_widget[name=body]:contains('${NUMBER}')`,
        },
        {
            content: "Its documents tab lists the 1C document",
            trigger: ".o_form_view .o_notebook a.nav-link:contains('Documents')",
            run: "click",
        },
        {
            content: "The document line carries the 1C number",
            trigger: `.o_form_view .o_field_widget[name=line_ids] .o_data_cell:contains('${NUMBER}')`,
        },
        {
            content: "Send the reminder",
            trigger: ".o_form_view .o_form_statusbar button[name=action_send]",
            run: "click",
        },
        {
            content: "Sent",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Sent')",
            timeout: 30000,
        },
    ],
});
