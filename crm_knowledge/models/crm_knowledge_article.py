from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from ..tools import ru_format, search_query

KINDS = [
    ("article", "Article"),
    ("faq", "FAQ"),
    ("script", "Call Script"),
    ("template", "Document Template"),
]
AUDIENCES = [
    ("internal", "Internal"),
    ("portal", "Portal Customers"),
    ("public", "Public"),
]
STATES = [
    ("draft", "Draft"),
    ("review", "In Review"),
    ("published", "Published"),
    ("archived", "Archived"),
]
#: audiences visible from each audience level (a portal customer also sees public answers)
AUDIENCE_SCOPES = {
    "internal": ("internal", "portal", "public"),
    "portal": ("portal", "public"),
    "public": ("public",),
}
#: fields whose change creates a version and, on a published article, needs an approver
CONTENT_FIELDS = ("name", "body", "template_body")
#: fields deciding who reads a published article or what it says: changed by approvers only (or with the
#: article sent back to draft or review in the same write)
APPROVAL_FIELDS = (*CONTENT_FIELDS, "audience", "company_id", "kind", "category_id", "template_model_id", "active")
#: models a document template may be written for; the addons that bring other models add them through
#: :meth:`CrmKnowledgeArticle._get_template_model_names`
TEMPLATE_MODELS = ("res.partner",)
#: minimal trigram word similarity for the typo fallback
TRIGRAM_THRESHOLD = 0.5
#: matches of the text (not the title) ranked at most, per search
RANK_CANDIDATES = 1000
DEFAULT_REVIEW_MONTHS = 6
#: the partner's КПП: a field of crm_receivables, absent when this base addon is installed alone
KPP_FIELD = "crm_kpp"


class CrmKnowledgeArticle(models.Model):
    _name = "crm.knowledge.article"
    _description = "Knowledge Article"
    _inherit = ["mail.thread", "mail.activity.mixin", "mail.render.mixin"]
    _order = "sequence, name, id"
    # templates are trusted once saved: create/write check that only template editors store unsafe code
    _unrestricted_rendering = True

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    name = fields.Char(string="Title", required=True, tracking=True)
    sequence = fields.Integer(default=10)
    body = fields.Html(sanitize=True, sanitize_style=True)
    kind = fields.Selection(KINDS, required=True, default="article", tracking=True)
    audience = fields.Selection(AUDIENCES, required=True, default="internal", tracking=True)
    state = fields.Selection(STATES, required=True, default="draft", tracking=True, copy=False)
    category_id = fields.Many2one("crm.knowledge.category", index=True, tracking=True)
    tag_ids = fields.Many2many("crm.knowledge.tag", string="Tags")
    owner_id = fields.Many2one("res.users", default=lambda self: self.env.user, tracking=True)
    reviewer_id = fields.Many2one(
        "res.users", tracking=True,
        help="Approver who checks the article before publication and on each review date.",
    )
    published_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    published_date = fields.Datetime(string="Published On", readonly=True, copy=False)
    next_review_date = fields.Date(
        tracking=True, copy=False, index="btree_not_null",
        help="The reviewer (or the owner) gets a to-do on this date to check that the article is still right.",
    )
    company_id = fields.Many2one("res.company", index=True,
                                 default=lambda self: self.env.company)
    active = fields.Boolean(default=True)
    color = fields.Integer()
    related_ids = fields.Many2many(
        "crm.knowledge.article", "crm_knowledge_article_related_rel", "article_id", "related_id",
        string="Related Articles",
    )
    # usage
    view_count = fields.Integer(string="Views", readonly=True, copy=False)
    vote_ids = fields.One2many("crm.knowledge.article.vote", "article_id", string="Votes")
    helpful_count = fields.Integer(string="Helpful", compute="_compute_vote_counts")
    unhelpful_count = fields.Integer(string="Not Helpful", compute="_compute_vote_counts")
    my_vote = fields.Selection(
        [("yes", "Helpful"), ("no", "Not helpful")], compute="_compute_my_vote",
    )
    # history
    version_ids = fields.One2many("crm.knowledge.article.version", "article_id", string="Versions")
    version_count = fields.Integer(compute="_compute_version_count")
    # document templates
    template_model_id = fields.Many2one(
        "ir.model", string="Template For", ondelete="cascade",
        domain=lambda self: [("model", "in", self._get_template_model_names())],
        help="Records the document is generated for: a customer, a sale order, an invoice, a complaint.",
    )
    template_model = fields.Char(related="template_model_id.model", string="Template Model", store=True)
    template_body = fields.Html(
        render_engine="qweb", sanitize="email_outgoing",
        help="QWeb body of the document: <t t-out=\"object.name\"/>, ru.amount_words(...), ru.date(...)",
    )
    # search
    search_query = fields.Char(
        string="Full-Text Search", store=False, search="_search_search_query",
        help="Searches titles and texts by word forms (долг, долга, долгов) and tolerates typos.",
    )

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.depends("vote_ids.vote")
    def _compute_vote_counts(self):
        """Helpful / not helpful counters of everyone's votes, in one grouped query."""
        counts = {
            (article.id, vote): count
            for article, vote, count in self.env["crm.knowledge.article.vote"].sudo()._read_group(
                [("article_id", "in", self.ids)], ["article_id", "vote"], ["__count"],
            )
        }
        for article in self:
            article.helpful_count = counts.get((article.id, "yes"), 0)
            article.unhelpful_count = counts.get((article.id, "no"), 0)

    @api.depends("vote_ids.vote")
    @api.depends_context("uid")
    def _compute_my_vote(self):
        mine = {
            vote.article_id.id: vote.vote
            for vote in self.env["crm.knowledge.article.vote"].sudo().search(
                [("article_id", "in", self.ids), ("user_id", "=", self.env.uid)],
            )
        }
        for article in self:
            article.my_vote = mine.get(article.id, False)

    def _compute_version_count(self):
        counts = dict(self.env["crm.knowledge.article.version"]._read_group(
            [("article_id", "in", self.ids)], ["article_id"], ["__count"],
        ))
        for article in self:
            article.version_count = counts.get(article, 0)

    @api.depends("template_model")
    def _compute_render_model(self):
        for article in self:
            article.render_model = article.template_model

    def _search_search_query(self, operator, value):
        """Domain of the full-text search: FTS on titles and texts, trigram similarity on titles."""
        if operator not in ("ilike", "like", "=") or not isinstance(value, str):
            raise UserError(self.env._("The full-text search only supports “contains”."))
        words = search_query.tokenize(value)
        if not words:
            return [("id", "=", 0)]
        # words too short for a typo never match by trigrams: an impossible threshold
        trigram_limit = TRIGRAM_THRESHOLD if search_query.trigram_text(words) else 2
        table = SQL.identifier(self._table)
        return [("id", "in", SQL(
            "(SELECT id FROM %(table)s WHERE search_vector @@ %(tsquery)s UNION "
            "SELECT id FROM %(table)s WHERE crm_knowledge_word_match(%(text)s, name) "
            "AND word_similarity(%(text)s, name) >= %(limit)s)",
            table=table, tsquery=self._tsquery_sql(words),
            text=search_query.trigram_text(words), limit=trigram_limit,
        ))]

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    @api.constrains("kind", "template_model_id")
    def _check_template_model(self):
        for article in self:
            if article.kind == "template" and not article.template_model_id:
                raise ValidationError(self.env._(
                    "The document template “%(name)s” needs the model it is written for (Template For).",
                    name=article.name,
                ))

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    def init(self):
        """Full-text search columns, their trigger and indexes.

        ``search_vector`` combines the title (weight A) and the text of the body stripped of its tags
        (weight B); ``title_vector`` holds the title alone, so that title matches are found from their own
        small index. A trigger keeps both up to date on every insert and on each change of the title or the
        body, including rows written by plain SQL.
        """
        res = super().init()
        cr = self.env.cr
        table = SQL.identifier(self._table)
        cr.execute(SQL("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
        cr.execute(SQL("ALTER TABLE %s ADD COLUMN IF NOT EXISTS search_vector tsvector", table))
        cr.execute(SQL("ALTER TABLE %s ADD COLUMN IF NOT EXISTS title_vector tsvector", table))
        cr.execute(SQL("""
            CREATE OR REPLACE FUNCTION crm_knowledge_html_text(html text) RETURNS text
            LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
                SELECT replace(replace(replace(replace(replace(
                    regexp_replace(coalesce(html, ''), '<[^>]*>', ' ', 'g'),
                    '&nbsp;', ' '), '&lt;', '<'), '&gt;', '>'), '&quot;', '"'), '&amp;', '&')
            $$
        """))
        # the 'russian' configuration stems Russian words with the Russian Snowball stemmer and Latin words
        # with the English one: one configuration serves both languages
        cr.execute(SQL("""
            CREATE OR REPLACE FUNCTION crm_knowledge_search_vector(title text, html text) RETURNS tsvector
            LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
                SELECT setweight(to_tsvector('russian', coalesce(title, '')), 'A')
                    || setweight(to_tsvector('russian', crm_knowledge_html_text(html)), 'B')
            $$
        """))
        # "q <% t" (word similarity above the threshold, served by the trigram index) wrapped in an inlinable
        # SQL function: the operator's percent sign cannot be written in Odoo's SQL objects
        cr.execute(SQL("""
            DO $do$ BEGIN EXECUTE
                'CREATE OR REPLACE FUNCTION crm_knowledge_word_match(q text, t text) RETURNS boolean '
                'LANGUAGE sql STABLE PARALLEL SAFE AS $f$ SELECT q <' || chr(37) || ' t $f$';
            END $do$
        """))
        cr.execute(SQL("""
            CREATE OR REPLACE FUNCTION crm_knowledge_article_search_vector_trigger() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                NEW.title_vector := to_tsvector('russian', coalesce(NEW.name, ''));
                NEW.search_vector := crm_knowledge_search_vector(NEW.name, NEW.body);
                RETURN NEW;
            END
            $$
        """))
        cr.execute(SQL("DROP TRIGGER IF EXISTS crm_knowledge_article_search_vector_update ON %s", table))
        cr.execute(SQL("""
            CREATE TRIGGER crm_knowledge_article_search_vector_update
            BEFORE INSERT OR UPDATE OF name, body ON %s
            FOR EACH ROW EXECUTE FUNCTION crm_knowledge_article_search_vector_trigger()
        """, table))
        cr.execute(SQL(
            "UPDATE %s SET search_vector = crm_knowledge_search_vector(name, body), "
            "title_vector = to_tsvector('russian', coalesce(name, '')) WHERE title_vector IS NULL",
            table,
        ))
        # fastupdate off: articles change rarely, and without a pending list every search reads the index
        # alone (the planner keeps choosing it right after bulk imports)
        cr.execute(SQL(
            "CREATE INDEX IF NOT EXISTS crm_knowledge_article_search_vector_idx ON %s USING gin (search_vector) "
            "WITH (fastupdate = off)",
            table,
        ))
        cr.execute(SQL("ALTER INDEX crm_knowledge_article_search_vector_idx SET (fastupdate = off)"))
        cr.execute(SQL(
            "CREATE INDEX IF NOT EXISTS crm_knowledge_article_title_vector_idx ON %s USING gin (title_vector) "
            "WITH (fastupdate = off)",
            table,
        ))
        cr.execute(SQL(
            "CREATE INDEX IF NOT EXISTS crm_knowledge_article_name_trgm_idx ON %s USING gin (name gin_trgm_ops) "
            "WITH (fastupdate = off)",
            table,
        ))
        cr.execute(SQL("ALTER INDEX crm_knowledge_article_name_trgm_idx SET (fastupdate = off)"))
        return res

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("state") == "published" for vals in vals_list):
            self._check_can_publish()
        articles = super().create(vals_list)
        articles._create_versions()
        return articles

    def write(self, vals):
        if vals.get("state") == "published":
            self._check_can_publish()
        content_changed = any(fname in vals for fname in CONTENT_FIELDS)
        self._check_approval_write(vals)
        if content_changed:
            before = {article.id: tuple(article[f] for f in CONTENT_FIELDS) for article in self}
        result = super().write(vals)
        if content_changed:
            self.filtered(
                lambda a: tuple(a[f] for f in CONTENT_FIELDS) != before[a.id]
            )._create_versions()
        return result

    def _check_approval_write(self, vals):
        """Refuse a change of who reads a published article, or of what it says, from a non-approver.

        Audience, company, kind, category, texts and template all decide what a published article shows and
        to whom: an editor changes them only by sending the article back to draft or review in the same
        write, so that an approver publishes the new version.

        :raise AccessError: a non-approver changes a field of :data:`APPROVAL_FIELDS` of a published article
        """
        if self._can_approve() or vals.get("state") in ("draft", "review"):
            return
        # archiving hides an article from everyone: editors may; bringing one back needs an approver
        changed = [fname for fname in APPROVAL_FIELDS if fname in vals and (fname != "active" or vals[fname])]
        if not changed:
            return
        for article in self.filtered(lambda a: a.state == "published"):
            for fname in changed:
                field = self._fields[fname]
                new_value = field.convert_to_record(field.convert_to_cache(vals[fname], article), article)
                if new_value != article[fname]:
                    raise AccessError(self.env._(
                        "Only an approver can change the published article “%(name)s” (%(field)s): "
                        "set it back to draft or ask an approver.",
                        name=article.name, field=field._description_string(self.env),
                    ))

    def _create_versions(self):
        """Snapshot the current title and texts of the articles as a new version."""
        if not self:
            return self.env["crm.knowledge.article.version"]
        return self.env["crm.knowledge.article.version"].sudo().create([
            article._prepare_version_values() for article in self
        ])

    def _prepare_version_values(self):
        self.ensure_one()
        return {
            "article_id": self.id,
            "name": self.name,
            "body": self.body,
            "template_body": self.template_body,
            "author_id": self.env.uid,
        }

    def _has_unsafe_expression(self):
        """Only the template body is rendered: check it alone, against the model it is written for."""
        for article in self.sudo():
            if article.template_body and self._has_unsafe_expression_template_qweb(
                article.template_body, article.template_model or "res.partner",
            ):
                return True
        return False

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_submit(self):
        """Editor: send the drafts to review (the reviewer gets a to-do)."""
        if not self.env.su and not self.env.user.has_group("crm_knowledge.crm_knowledge_group_editor"):
            raise AccessError(self.env._("Only knowledge editors can submit articles for review."))
        wrong = self.filtered(lambda a: a.state != "draft")
        if wrong:
            raise UserError(self.env._(
                "Only drafts can be submitted for review; “%(name)s” is not a draft.", name=wrong[0].name,
            ))
        self.write({"state": "review"})
        for article in self.filtered("reviewer_id"):
            article.activity_schedule(
                "mail.mail_activity_data_todo", user_id=article.reviewer_id.id,
                summary=self.env._("Review the article before publication"),
            )
        return True

    def action_publish(self):
        """Approver: publish the articles (checked here, not only by the buttons' groups)."""
        self._check_can_publish()
        self.write({
            "state": "published",
            "published_by_id": self.env.uid,
            "published_date": fields.Datetime.now(),
        })
        for article in self.filtered(lambda a: not a.next_review_date):
            article.next_review_date = fields.Date.context_today(article) + relativedelta(
                months=DEFAULT_REVIEW_MONTHS,
            )
        self.activity_feedback(["mail.mail_activity_data_todo"])
        return True

    def action_archive_article(self):
        self.write({"state": "archived"})
        return True

    def action_reset_draft(self):
        self.write({"state": "draft"})
        return True

    def action_mark_reviewed(self):
        """Reviewer: the article is still right; next review in six months."""
        self.ensure_one()
        self.next_review_date = fields.Date.context_today(self) + relativedelta(months=DEFAULT_REVIEW_MONTHS)
        self.activity_feedback(["mail.mail_activity_data_todo"])
        return True

    def action_vote_helpful(self):
        return self._vote("yes")

    def action_vote_unhelpful(self):
        return self._vote("no")

    def action_view_versions(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Versions"),
            "res_model": "crm.knowledge.article.version",
            "view_mode": "list,form",
            "domain": [("article_id", "=", self.id)],
            "context": {"default_article_id": self.id},
        }

    def action_open_render_wizard(self):
        """Open the document wizard of this template (the record is chosen in the wizard)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Generate Document"),
            "res_model": "crm.knowledge.render.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_article_id": self.id},
        }

    # ------------------------------------------------------------
    # BUSINESS: approval, votes, views, reviews
    # ------------------------------------------------------------

    def _can_approve(self):
        return self.env.su or self.env.user.has_group("crm_knowledge.crm_knowledge_group_approver")

    def _check_can_publish(self):
        if not self._can_approve():
            raise AccessError(self.env._("Only knowledge approvers can publish articles."))

    def _vote(self, vote):
        """Record the current user's "was this helpful" vote (one per user and article, last one wins)."""
        self.ensure_one()
        self.check_access("read")
        Vote = self.env["crm.knowledge.article.vote"]
        existing = Vote.search([("article_id", "=", self.id), ("user_id", "=", self.env.uid)])
        if existing:
            existing.vote = vote
        else:
            Vote.create({"article_id": self.id, "user_id": self.env.uid, "vote": vote})
        return True

    def _register_view(self):
        """Count one view of each article; readers may not write articles, so a direct increment is used
        once read access is checked."""
        if not self:
            return
        self.check_access("read")
        self.env.cr.execute(SQL(
            "UPDATE %s SET view_count = coalesce(view_count, 0) + 1 WHERE id IN %s",
            SQL.identifier(self._table), tuple(self.ids),
        ))
        self.invalidate_recordset(["view_count"])

    @api.model
    def _cron_review_reminders_domain(self, today):
        """Published articles due for review that have someone to remind and no review to-do yet."""
        todo_type = self.env.ref("mail.mail_activity_data_todo")
        return [
            ("state", "=", "published"),
            ("next_review_date", "<=", today),
            "|", ("reviewer_id", "!=", False), ("owner_id", "!=", False),
            ("activity_ids", "not any", [("activity_type_id", "=", todo_type.id)]),
        ]

    @api.model
    def _cron_review_reminders(self, limit=500):
        """To-do for the reviewer (or owner) of each published article whose review date has come: one batch of
        ``limit`` articles per call, with progress (an article reminded leaves the selection).

        :param int limit: articles per call
        :return: the number of articles reminded
        """
        today = fields.Date.context_today(self)
        domain = self._cron_review_reminders_domain(today)
        articles = self.search(domain, limit=limit, order="next_review_date, id")
        todo_type = self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id(self._name)
        self.env["mail.activity"].create([
            {
                "activity_type_id": todo_type.id,
                "automated": True,
                "date_deadline": article.next_review_date,
                "res_model_id": model_id,
                "res_id": article.id,
                "summary": self.env._("Review the article: is it still right?"),
                "user_id": (article.reviewer_id or article.owner_id).id,
            }
            for article in articles
        ])
        remaining = self.search_count(domain) if len(articles) == limit else 0
        self.env["ir.cron"]._notify_progress(done=len(articles), remaining=remaining)
        return len(articles)

    # ------------------------------------------------------------
    # BUSINESS: search
    # ------------------------------------------------------------

    @api.model
    def _get_published_domain(self):
        """Hook: the articles a reader may see in answers and suggestions."""
        return [("state", "=", "published")]

    @api.model
    def _audience_domain(self, audience):
        if not audience:
            return []
        if audience not in AUDIENCE_SCOPES:
            raise UserError(self.env._("Unknown audience “%(audience)s”.", audience=audience))
        return [("audience", "in", AUDIENCE_SCOPES[audience])]

    @api.model
    def _tsquery_sql(self, words, operator="&"):
        return SQL("to_tsquery('russian', %s)", search_query.build_tsquery(words, operator=operator))

    @api.model
    def _search_ranked(self, text, limit=5, domain=None):
        """Ids of the articles matching ``text`` in ``domain`` (record rules applied), best first.

        For all the words (word forms by stemming, the last word as a prefix), then for any of them:

        1. articles whose title matches (found from the title index, usually few), ranked by ``ts_rank_cd``
           on title and text;
        2. if more are needed, articles whose text matches, ranking at most :data:`RANK_CANDIDATES` of them
           (a word present in a large part of the base does not make the search scan it all);

        and when no text matches at all, titles similar to the text by trigrams (typos).
        """
        words = search_query.tokenize(text)
        if not words:
            return []
        domain = list(domain or [])
        ids = []
        for operator in ("&", "|") if len(words) > 1 else ("&",):
            tsquery = self._tsquery_sql(words, operator)
            for column, candidates in (("title_vector", None), ("search_vector", RANK_CANDIDATES)):
                if len(ids) >= limit:
                    break
                ids += self._ranked_ids(domain, ids, column, tsquery, limit - len(ids), candidates)
        text_sql = search_query.trigram_text(words)
        if not ids and text_sql:
            self.env.cr.execute(SQL(
                "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)", str(TRIGRAM_THRESHOLD),
            ))
            query = self._search(domain)
            name = SQL.identifier(query.table, "name")
            query.add_where(SQL("crm_knowledge_word_match(%s, %s)", text_sql, name))
            query.order = SQL("word_similarity(%s, %s) DESC, %s", text_sql, name,
                              SQL.identifier(query.table, "id"))
            query.limit = limit
            ids += query.get_result_ids()
        return ids

    @api.model
    def _ranked_ids(self, domain, exclude_ids, column, tsquery, limit, candidates=None):
        """Ids of the articles of ``domain`` (but ``exclude_ids``) whose ``column`` matches ``tsquery``,
        best ``limit`` first; with ``candidates``, only that many matches are ranked."""
        query = self._search([*domain, ("id", "not in", exclude_ids)])
        query.add_where(SQL("%s @@ %s", SQL.identifier(query.table, column), tsquery))
        if candidates:
            query.limit = candidates
            query = self._search([("id", "in", query)])
        vector = SQL.identifier(query.table, "search_vector")
        query.order = SQL("ts_rank_cd(%s, %s, 32) DESC, %s", vector, tsquery, SQL.identifier(query.table, "id"))
        query.limit = limit
        return list(query.get_result_ids())

    @api.model
    def _suggest(self, text, limit=5, audience=None):
        """Published articles answering ``text``, most relevant first.

        Public API used by the complaint and interaction forms and by the help centre.

        :param str text: what the user typed (any words; operators are ignored)
        :param int limit: maximum number of articles
        :param str audience: ``None`` for every audience (internal users), ``"portal"`` for portal customers
            (portal and public articles), ``"public"`` for anonymous visitors
        :return: ``crm.knowledge.article`` recordset ordered by relevance
        """
        domain = self._get_published_domain() + self._audience_domain(audience)
        return self.browse(self._search_ranked(text, limit=limit, domain=domain))

    def _search_snippets(self, text, max_words=30):
        """Highlighted excerpts of the articles' texts around the words of ``text``.

        :return: ``{article id: Markup}`` — escaped text with ``<mark>`` around the matches
        """
        words = search_query.tokenize(text)
        if not self or not words:
            return {}
        options = (
            f"StartSel={search_query.HIGHLIGHT_START}, StopSel={search_query.HIGHLIGHT_STOP}, "
            f"MaxWords={int(max_words)}, MinWords={max(int(max_words) // 3, 1)}, MaxFragments=2, "
            "FragmentDelimiter=\" … \""
        )
        rows = self.env.execute_query(SQL(
            "SELECT id, ts_headline('russian', crm_knowledge_html_text(body), %s, %s) FROM %s WHERE id IN %s",
            self._tsquery_sql(words, "|"), options, SQL.identifier(self._table), tuple(self.ids),
        ))
        return {article_id: search_query.headline_to_html(headline) for article_id, headline in rows}

    # ------------------------------------------------------------
    # BUSINESS: documents from templates
    # ------------------------------------------------------------

    @api.model
    def _get_template_model_names(self):
        """Hook: models a document template may be written for.

        An addon that brings a model to write documents for extends the list::

            @api.model
            def _get_template_model_names(self):
                return [*super()._get_template_model_names(), "sale.order"]

        :return: list of model names
        """
        return list(TEMPLATE_MODELS)

    @api.model
    def _render_helpers(self):
        """Names available in template bodies besides ``object``: Russian formatting helpers."""
        return {
            "ru": RuFormatHelpers(self.env),
            "today": fields.Date.context_today(self),
        }

    def _render_document(self, res_ids):
        """Render this template for the records ``res_ids`` of its model.

        Rendering runs with the current user's rights on the records; unsafe code cannot reach a template
        because create/write refuse it from users outside the template editors.

        :return: ``{res_id: Markup}``
        """
        self.ensure_one()
        if self.kind != "template" or not self.template_model:
            raise UserError(self.env._("“%(name)s” is not a document template.", name=self.name))
        if not self.env.user.has_group("crm_knowledge.crm_knowledge_group_editor"):
            # editors preview their drafts; everyone else renders approved templates only
            self._check_template_published()
        records = self.env[self.template_model].browse(res_ids)
        records.check_access("read")
        return self._render_template(
            self.template_body or "", self.template_model, list(res_ids), engine="qweb",
            add_context=self._render_helpers(),
        )


    def _check_template_published(self):
        """Documents are made from approved templates only.

        :raise UserError: the template is not published (a draft, in review or archived)
        """
        for article in self:
            if article.state != "published" or not article.active:
                raise UserError(self.env._(
                    "The template “%(name)s” is not published: an approver must publish it before documents "
                    "are made from it.", name=article.name,
                ))


class RuFormatHelpers:
    """Russian formatting helpers given to templates as ``ru`` (``ru.amount_words(object.amount_total)``)."""

    def __init__(self, env):
        self._env = env

    def amount_words(self, amount, currency=None):
        """Amount in Russian words: ``Сто двадцать рублей 50 копеек``."""
        code = currency.name if hasattr(currency, "name") else (currency or "RUB")
        return ru_format.amount_to_words_ru(amount, code)

    def money(self, amount, currency=None):
        """``1 234,50 ₽``"""
        symbol = currency.symbol if hasattr(currency, "symbol") else (currency or "")
        return ru_format.format_amount_ru(amount, symbol)

    def qty(self, value):
        """``10``, ``2,5``"""
        return ru_format.format_quantity_ru(value)

    def date(self, value):
        """``27 ноября 2026 г.``"""
        return ru_format.format_date_ru(value)

    def inn_kpp(self, partner):
        """``ИНН 7708123450 / КПП 770801001`` of a partner (its commercial entity)."""
        partner = partner.commercial_partner_id
        kpp = partner[KPP_FIELD] if KPP_FIELD in partner._fields else ""
        return ru_format.format_inn_kpp(partner.vat, kpp)
