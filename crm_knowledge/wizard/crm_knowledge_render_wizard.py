import base64

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError


class CrmKnowledgeRenderWizard(models.TransientModel):
    _name = "crm.knowledge.render.wizard"
    _description = "Generate a Document from a Template"

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    article_id = fields.Many2one(
        "crm.knowledge.article", string="Template", required=True,
        domain="[('kind', '=', 'template'), ('state', '=', 'published')]",
    )
    template_model_id = fields.Many2one(related="article_id.template_model_id")
    record_ref = fields.Reference(selection="_selection_record_ref", string="Record")
    preview = fields.Html(compute="_compute_preview", sanitize=False)

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.model
    def _selection_record_ref(self):
        models_sudo = self.env["ir.model"].sudo().search(
            [("model", "in", self.env["crm.knowledge.article"]._get_template_model_names())],
        )
        return [(model.model, model.name) for model in models_sudo]

    @api.model
    def default_get(self, fields_list):
        """From a record (action bound to partners, orders, invoices): that record and its first template."""
        values = super().default_get(fields_list)
        context = self.env.context
        model, res_id = context.get("active_model"), context.get("active_id")
        allowed = self.env["crm.knowledge.article"]._get_template_model_names()
        if model in allowed and res_id and "record_ref" in fields_list:
            values.setdefault("record_ref", f"{model},{int(res_id)}")
            if not values.get("article_id"):
                values["article_id"] = self.env["crm.knowledge.article"].search([
                    ("kind", "=", "template"), ("state", "=", "published"), ("template_model", "=", model),
                ], limit=1).id
        return values

    @api.depends("article_id", "record_ref")
    def _compute_preview(self):
        for wizard in self:
            record = wizard._get_record()
            if not record or not wizard.article_id or wizard.article_id.template_model != record._name:
                wizard.preview = False
                continue
            wizard.preview = wizard.article_id._render_document([record.id])[record.id]

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_attach_pdf(self):
        """Render the document to PDF and attach it to the record (and its chatter)."""
        self.ensure_one()
        attachment = self._create_pdf_attachment()
        record = self._get_record()
        if hasattr(record, "message_post") and attachment.res_model == record._name:
            # posted with the user's own rights: only who may write the record leaves a note in its chatter
            record.message_post(
                body=self.env._("Document “%(name)s” generated.", name=self.article_id.name),
                attachment_ids=attachment.ids,
                author_id=self.env.user.partner_id.id,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    def action_send_email(self):
        """Open the email composer on the record with the document as body and its PDF attached."""
        self.ensure_one()
        record = self._get_record()
        if not hasattr(record, "message_post"):
            raise UserError(self.env._("Documents of this kind of record cannot be sent by email."))
        attachment = self._create_pdf_attachment()
        return {
            "type": "ir.actions.act_window",
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_model": record._name,
                "default_res_ids": record.ids,
                "default_composition_mode": "comment",
                "default_subject": self._get_document_title(),
                "default_body": self.preview,
                "default_attachment_ids": attachment.ids,
            },
        }

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _get_record(self):
        self.ensure_one()
        return self.record_ref.exists() if self.record_ref else None

    def _get_document_title(self):
        self.ensure_one()
        return f"{self.article_id.name} — {self.record_ref.display_name}"

    def _create_pdf_attachment(self):
        """PDF of the rendered document (``ir.actions.report``), attached to the record.

        Only published templates make documents. Attaching needs write access to the record, as in Odoo: a
        user who may only read the record gets the document as a download, kept on this wizard (created
        as superuser once the read access is checked), and nothing is added to the record.
        """
        self.ensure_one()
        record = self._get_record()
        if not record:
            raise UserError(self.env._("Choose the record to generate the document for."))
        if self.article_id.template_model != record._name:
            raise UserError(self.env._(
                "The template “%(name)s” is not written for this kind of record.", name=self.article_id.name,
            ))
        self.article_id._check_template_published()
        record.check_access("read")
        owner = record if record.has_access("write") else self
        content, _report_type = self.env["ir.actions.report"]._render_qweb_pdf(
            "crm_knowledge.crm_knowledge_document_report", res_ids=self.ids,
        )
        attachment_sudo = self.env["ir.attachment"].sudo().create({
            "name": f"{self._get_document_title()}.pdf",
            "type": "binary",
            "datas": base64.b64encode(content),
            "res_model": owner._name,
            "res_id": owner.id,
            "mimetype": "application/pdf",
        })
        return attachment_sudo.sudo(False)

    def _get_report_body(self):
        """Body printed by the PDF report (already rendered and escaped by QWeb)."""
        self.ensure_one()
        return self.preview or Markup()
