import base64
from datetime import timedelta

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request
from odoo.tools import plaintext2html
from odoo.tools.mimetypes import guess_mimetype

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..tools import upload as upload_tools

MAX_ATTACHMENT_SIZE = upload_tools.MAX_FILE_SIZE  # bytes per uploaded file


class ComplaintPortal(CustomerPortal):
    """Customers list, follow, submit and answer their company's complaints."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "complaint_count" in counters:
            Complaint = request.env["crm.complaint"]
            values["complaint_count"] = Complaint.search_count([]) if Complaint.has_access("read") else 0
        return values

    def _complaint_get_searchbar_sortings(self):
        return {
            "date": {"label": request.env._("Newest"), "order": "date_open desc, id desc"},
            "name": {"label": request.env._("Number"), "order": "name desc"},
            "stage": {"label": request.env._("Stage"), "order": "stage_id, id desc"},
        }

    def _complaint_get_searchbar_filters(self):
        return {
            "all": {"label": request.env._("All"), "domain": []},
            "open": {"label": request.env._("Open"), "domain": [("is_closed", "=", False)]},
            "closed": {"label": request.env._("Closed"), "domain": [("is_closed", "=", True)]},
        }

    @http.route(["/my/complaints", "/my/complaints/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_complaints(self, page=1, sortby="date", filterby="all", **kw):
        Complaint = request.env["crm.complaint"]
        sortings = self._complaint_get_searchbar_sortings()
        filters = self._complaint_get_searchbar_filters()
        sortby = sortby if sortby in sortings else "date"
        filterby = filterby if filterby in filters else "all"
        domain = filters[filterby]["domain"]
        count = Complaint.search_count(domain)
        pager = portal_pager(url="/my/complaints", url_args={"sortby": sortby, "filterby": filterby},
                             total=count, page=page, step=self._items_per_page)
        complaints = Complaint.search(domain, order=sortings[sortby]["order"], limit=self._items_per_page,
                                      offset=pager["offset"])
        request.session["my_complaints_history"] = complaints.ids[:100]
        values = self._prepare_portal_layout_values()
        values.update({
            "complaints": complaints, "page_name": "complaint", "pager": pager, "default_url": "/my/complaints",
            "searchbar_sortings": sortings, "sortby": sortby, "searchbar_filters": filters, "filterby": filterby,
        })
        return request.render("crm_complaints.portal_my_complaints", values)

    @http.route(["/my/complaints/<int:complaint_id>"], type="http", auth="public", website=True)
    def portal_my_complaint(self, complaint_id, access_token=None, **kw):
        try:
            complaint_sudo = self._document_check_access("crm.complaint", complaint_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = {"complaint": complaint_sudo, "page_name": "complaint", "token": access_token}
        if complaint_sudo.is_closed and complaint_sudo._rating_get_partner():
            values["rating_token"] = complaint_sudo._rating_get_access_token()
        values = self._get_page_view_values(complaint_sudo, access_token, values, "my_complaints_history", False,
                                            **kw)
        return request.render("crm_complaints.portal_my_complaint", values)

    @http.route(["/my/complaints/new"], type="http", auth="user", website=True, methods=["GET", "POST"])
    def portal_complaint_new(self, **post):
        """Submit a complaint; the customer is the portal user's company, the contact the user."""
        error = {}
        if request.httprequest.method == "POST":
            subject = (post.get("subject") or "").strip()
            if not subject:
                error["subject"] = request.env._("Please give a subject.")
            files = self._complaint_read_uploads(request.httprequest.files.getlist("attachments"))
            problem = upload_tools.check_uploads(files, max_size=MAX_ATTACHMENT_SIZE)
            if problem:
                error["attachments"] = self._complaint_upload_error(*problem)
            if self._complaint_rate_exceeded():
                error["rate"] = request.env._(
                    "You have submitted %(count)s complaints in the last hour: please wait before sending "
                    "another one, or write to us.", count=upload_tools.MAX_COMPLAINTS_PER_HOUR,
                )
            if not error:
                complaint = self._complaint_create_from_portal(subject, post.get("description") or "", files)
                return request.redirect(complaint.get_portal_url())
        values = self._prepare_portal_layout_values()
        values.update({
            "page_name": "complaint_new", "error": error, "post": post,
            "complaint_types": request.env["crm.complaint.type"].sudo().search(
                [("company_id", "in", [request.env.user.company_id.id, False])]),
        })
        return request.render("crm_complaints.portal_complaint_new", values)

    def _complaint_read_uploads(self, uploads):
        """``(name, data, mimetype)`` of the uploaded files: at most one byte more than the limit is read (the
        size a browser announces is not trusted), the type is guessed from the bytes."""
        files = []
        for upload in uploads:
            if not upload.filename:
                continue
            data = upload.read(MAX_ATTACHMENT_SIZE + 1)
            files.append((upload.filename, data, guess_mimetype(data, default="application/octet-stream")))
        return files

    def _complaint_upload_error(self, code, name):
        if code == upload_tools.TOO_MANY:
            return request.env._("Attach at most %(count)s files.", count=upload_tools.MAX_FILES)
        if code == upload_tools.TOO_LARGE:
            return request.env._("The file %(name)s is too large (at most %(size)s MB).", name=name,
                                 size=MAX_ATTACHMENT_SIZE // (1024 * 1024))
        if code == upload_tools.EMPTY:
            return request.env._("The file %(name)s is empty.", name=name)
        return request.env._(
            "The file %(name)s is not accepted: attach PDF, images, text, Word, Excel or OpenDocument files.",
            name=name,
        )

    def _complaint_rate_exceeded(self):
        """Whether the portal user's company submitted too many complaints from the portal in the last hour."""
        count = request.env["crm.complaint"].sudo().search_count([
            ("commercial_partner_id", "=", request.env.user.partner_id.commercial_partner_id.id),
            ("channel", "=", "portal"),
            ("create_date", ">=", fields.Datetime.now() - timedelta(hours=1)),
        ])
        return upload_tools.rate_exceeded(count)

    def _complaint_create_from_portal(self, subject, description, files):
        """Create the complaint and its attachments on behalf of the portal user (checked: logged-in user).

        :param files: ``(name, data, mimetype)`` of the checked uploads (:meth:`_complaint_read_uploads`)
        """
        user = request.env.user
        partner = user.partner_id
        type_id = request.params.get("type_id")
        Type = request.env["crm.complaint.type"].sudo()
        complaint_type = Type.browse(int(type_id)).exists() if type_id and type_id.isdigit() else Type
        if not complaint_type or complaint_type.company_id not in (user.company_id, Type.company_id):
            complaint_type = Type.search([("company_id", "in", [user.company_id.id, False])], limit=1)
        complaint_sudo = request.env["crm.complaint"].sudo().create({
            "subject": subject,
            "description": plaintext2html(description),
            "partner_id": partner.commercial_partner_id.id,
            "contact_id": partner.id if partner.commercial_partner_id != partner else False,
            "email_from": partner.email,
            "channel": "portal",
            "type_id": complaint_type.id,
            "company_id": user.company_id.id,
        })
        attachments = [
            {"name": name, "datas": base64.b64encode(data), "mimetype": mimetype, "res_model": "crm.complaint",
             "res_id": complaint_sudo.id}
            for name, data, mimetype in files
        ]
        if attachments:
            attachments_sudo = request.env["ir.attachment"].sudo().create(attachments)
            complaint_sudo.message_post(
                body=request.env._("Documents attached by the customer."), attachment_ids=attachments_sudo.ids,
                author_id=partner.id, subtype_xmlid="mail.mt_note",
            )
        return complaint_sudo
