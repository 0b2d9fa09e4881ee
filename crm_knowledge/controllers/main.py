from odoo import http
from odoo.http import request

HELP_LIMIT = 20


class CrmKnowledgeHelpCentre(http.Controller):
    """Help centre: ``/help`` for everyone (public articles), ``/my/help`` for portal customers (portal and
    public articles). Articles are read with ``sudo()`` only through :meth:`_get_visible_article`, which checks
    state and audience first."""

    # ------------------------------------------------------------
    # HELPERS
    # ------------------------------------------------------------

    def _get_help_company_ids(self, audience):
        """Companies whose articles the visitor may read: the portal user's companies, else the current
        company (the website's, for anonymous visitors); articles without a company are shared."""
        if audience == "portal" and not request.env.user._is_public():
            return [*request.env.user.company_ids.ids, False]
        return [request.env.company.id, False]

    def _get_visible_domain(self, audience):
        """Domain of the articles ``audience`` may read: published, active, of the visitor's companies."""
        Article = request.env["crm.knowledge.article"]
        return [
            *Article._get_published_domain(), *Article._audience_domain(audience),
            ("active", "=", True), ("company_id", "in", self._get_help_company_ids(audience)),
        ]

    def _get_visible_article(self, article_id, audience):
        """The published article ``article_id`` if ``audience`` may read it, else ``None``."""
        article_sudo = request.env["crm.knowledge.article"].sudo().browse(int(article_id)).exists()
        if not article_sudo or not article_sudo.filtered_domain(self._get_visible_domain(audience)):
            return None
        return article_sudo

    def _prepare_help_values(self, audience, search=None, category_id=None):
        Article = request.env["crm.knowledge.article"].sudo()
        domain = self._get_visible_domain(audience)
        snippets = {}
        if search:
            ids = Article._search_ranked(search, limit=HELP_LIMIT, domain=domain)
            articles_sudo = Article.browse(ids)
            snippets = articles_sudo._search_snippets(search)
        else:
            # a category id from the address: anything but an existing category is ignored
            category = str(category_id or "")
            category_sudo = request.env["crm.knowledge.category"].sudo().browse(
                int(category) if category.isdigit() and int(category) < 2**31 else [],
            ).exists()
            if category_sudo:
                domain += [("category_id", "child_of", category_sudo.id)]
            articles_sudo = Article.search(domain, limit=HELP_LIMIT * 5)
        return {
            "articles": articles_sudo,
            "snippets": snippets,
            "search": search or "",
            "audience": audience,
            "base_url": "/my/help" if audience == "portal" else "/help",
            "page_name": "crm_knowledge_help",
        }

    def _render_article(self, article_sudo, audience):
        article_sudo._register_view()
        related_sudo = article_sudo.related_ids.filtered_domain(self._get_visible_domain(audience))
        return request.render("crm_knowledge.help_article_page", {
            "article": article_sudo,
            "related_articles": related_sudo,
            "audience": audience,
            "base_url": "/my/help" if audience == "portal" else "/help",
            "page_name": "crm_knowledge_help",
        })

    # ------------------------------------------------------------
    # ROUTES
    # ------------------------------------------------------------

    @http.route("/help", type="http", auth="public", website=True, sitemap=False, readonly=True)
    def help_public(self, search=None, category=None, **kwargs):
        return request.render("crm_knowledge.help_index_page", self._prepare_help_values(
            "public", search=search, category_id=category,
        ))

    @http.route("/help/article/<int:article_id>", type="http", auth="public", website=True, sitemap=False)
    def help_public_article(self, article_id, **kwargs):
        article_sudo = self._get_visible_article(article_id, "public")
        if not article_sudo:
            raise request.not_found()
        return self._render_article(article_sudo, "public")

    @http.route("/my/help", type="http", auth="user", website=True, sitemap=False, readonly=True)
    def help_portal(self, search=None, category=None, **kwargs):
        return request.render("crm_knowledge.help_index_page", self._prepare_help_values(
            "portal", search=search, category_id=category,
        ))

    @http.route("/my/help/article/<int:article_id>", type="http", auth="user", website=True, sitemap=False)
    def help_portal_article(self, article_id, **kwargs):
        article_sudo = self._get_visible_article(article_id, "portal")
        if not article_sudo:
            raise request.not_found()
        return self._render_article(article_sudo, "portal")
