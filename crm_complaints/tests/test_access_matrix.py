"""Access matrix of the three addons (issue 12, "Then prove it").

Roles × every model of crm_knowledge, crm_receivables and crm_complaints × read/write/create/unlink, with the
expected answer written down in :data:`EXPECTED`; checked with real users (``has_access``). Models are listed
from the registry: a new model of one of the addons without a line here fails the test. The same roles are then
checked across two companies: a user of company A finds nothing of company B in any model with a company.
"""

from datetime import date, timedelta

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged

OUR_MODULES = ("crm_knowledge", "crm_receivables", "crm_complaints")
OPERATIONS = (("r", "read"), ("w", "write"), ("c", "create"), ("u", "unlink"))

#: role -> groups of its test user ("public" is Odoo's public user)
ROLES = {
    "internal": "base.group_user",
    "rec_user": "crm_receivables.crm_receivables_group_user",
    "rec_all": "crm_receivables.crm_receivables_group_user_all",
    "rec_manager": "crm_receivables.crm_receivables_group_manager",
    "cmp_user": "crm_complaints.crm_complaints_group_user",
    "cmp_manager": "crm_complaints.crm_complaints_group_manager",
    "kb_reader": "crm_knowledge.crm_knowledge_group_reader",
    "kb_editor": "crm_knowledge.crm_knowledge_group_editor",
    "kb_approver": "crm_knowledge.crm_knowledge_group_approver",
    "portal": "base.group_portal",
    "public": None,
}
ROLE_ORDER = tuple(ROLES)

#: model -> rights of each role, in the order of :data:`ROLE_ORDER` ("r" read, "w" write, "c" create, "u" unlink)
EXPECTED = {
    # model: (internal, rec_user, rec_all, rec_manager, cmp_user, cmp_manager, kb_reader, kb_editor,
    #         kb_approver, portal, public)
    "crm.aging.report": ('', 'r', 'r', 'r', '', '', '', '', '', '', ''),
    "crm.cashin.backtest": ('', 'rwcu', 'rwcu', 'rwcu', '', '', '', '', '', '', ''),
    "crm.cashin.backtest.line": ('', 'rwcu', 'rwcu', 'rwcu', '', '', '', '', '', '', ''),
    "crm.cashin.forecast": ('', 'r', 'r', 'r', '', '', '', '', '', '', ''),
    "crm.cashin.forecast.customer": ('', 'r', 'r', 'rwcu', '', '', '', '', '', '', ''),
    "crm.collection.queue": ('', 'rw', 'rw', 'rwcu', '', '', '', '', '', '', ''),
    "crm.collector.reassign.wizard": ('', '', '', 'rwcu', '', '', '', '', '', '', ''),
    "crm.credit.hold.wizard": ('', '', '', 'rwcu', '', '', '', '', '', '', ''),
    "crm.import.1c.alias": ('', 'r', 'r', 'rwcu', '', '', '', '', '', '', ''),
    "crm.kpi.dashboard": ('', 'rwcu', 'rwcu', 'rwcu', '', '', '', '', '', '', ''),
    "crm.kpi.dashboard.channel": ('', 'rwcu', 'rwcu', 'rwcu', '', '', '', '', '', '', ''),
    "crm.kpi.dashboard.collector": ('', 'rwcu', 'rwcu', 'rwcu', '', '', '', '', '', '', ''),
    "crm.selfservice.request": ('', 'r', 'r', 'ru', '', '', '', '', '', '', ''),
    "crm.selfservice.token": ('', 'r', 'r', 'rwu', '', '', '', '', '', '', ''),
    "crm.telephony.call": ('', 'rw', 'rw', 'rwcu', '', '', '', '', '', '', ''),
    "crm.telephony.event": ('', 'r', 'r', 'rwcu', '', '', '', '', '', '', ''),
    "crm.complaint": ('', '', '', '', 'rwc', 'rwcu', '', '', '', 'r', ''),
    "crm.complaint.report": ('', '', '', '', 'r', 'r', '', '', '', '', ''),
    "crm.complaint.sla": ('', '', '', '', 'r', 'rwcu', '', '', '', '', ''),
    "crm.complaint.sla.pause": ('', '', '', '', 'r', 'rwcu', '', '', '', '', ''),
    "crm.complaint.stage": ('', '', '', '', 'r', 'rwcu', '', '', '', 'r', ''),
    "crm.complaint.team": ('', '', '', '', 'r', 'rwcu', '', '', '', '', ''),
    "crm.complaint.type": ('', '', '', '', 'r', 'rwcu', '', '', '', 'r', ''),
    "crm.followup.block": ('', 'rwc', 'rwc', 'rwcu', '', '', '', '', '', '', ''),
    "crm.followup.level": ('', 'r', 'r', 'rwcu', '', '', '', '', '', '', ''),
    "crm.followup.line": ('', 'r', 'r', 'rwcu', '', '', '', '', '', '', ''),
    "crm.followup.message": ('', 'rw', 'rw', 'rwcu', '', '', '', '', '', '', ''),
    "crm.followup.policy": ('', 'r', 'r', 'rwcu', '', '', '', '', '', '', ''),
    "crm.followup.policy.threshold": ('', 'r', 'r', 'rwcu', '', '', '', '', '', '', ''),
    "crm.import.1c.document": ('', 'r', 'r', 'rwcu', '', '', '', '', '', '', ''),
    "crm.import.1c.mapping": ('', 'r', 'r', 'rwcu', '', '', '', '', '', '', ''),
    "crm.import.1c.mapping.line": ('', 'r', 'r', 'rwcu', '', '', '', '', '', '', ''),
    "crm.import.1c.wizard": ('', '', '', 'rwcu', '', '', '', '', '', '', ''),
    "crm.import.1c.wizard.header": ('', '', '', 'rwcu', '', '', '', '', '', '', ''),
    "crm.import.1c.wizard.line": ('', '', '', 'rwcu', '', '', '', '', '', '', ''),
    "crm.import.1c.wizard.mapping": ('', '', '', 'rwcu', '', '', '', '', '', '', ''),
    "crm.interaction": ('', 'rwc', 'rwc', 'rwcu', '', '', '', '', '', '', ''),
    "crm.interaction.log.wizard": ('', 'rwc', 'rwc', 'rwc', '', '', '', '', '', '', ''),
    "crm.interaction.outcome": ('r', 'r', 'r', 'rwcu', 'r', 'r', 'r', 'r', 'r', '', ''),
    "crm.knowledge.article": ('', 'r', 'r', 'r', 'r', 'rwc', 'r', 'rwc', 'rwcu', '', ''),
    "crm.knowledge.article.version": ('', '', '', '', '', 'r', '', 'r', 'ru', '', ''),
    "crm.knowledge.article.vote": ('', 'rwc', 'rwc', 'rwc', 'rwc', 'rwc', 'rwc', 'rwc', 'rwcu', '', ''),
    "crm.knowledge.category": ('', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'rwcu', '', ''),
    "crm.knowledge.render.wizard": ('', 'rwcu', 'rwcu', 'rwcu', 'rwcu', 'rwcu', 'rwcu', 'rwcu', 'rwcu', '', ''),
    "crm.knowledge.search": ('', 'rwcu', 'rwcu', 'rwcu', 'rwcu', 'rwcu', 'rwcu', 'rwcu', 'rwcu', '', ''),
    "crm.knowledge.search.result": ('', 'rwcu', 'rwcu', 'rwcu', 'rwcu', 'rwcu', 'rwcu', 'rwcu', 'rwcu', '', ''),
    "crm.knowledge.tag": ('', 'r', 'r', 'r', 'r', 'rwc', 'r', 'rwc', 'rwcu', '', ''),
    "crm.partner.duplicate": ('', '', '', 'r', '', '', '', '', '', '', ''),
    "crm.payment.promise": ('', 'rwc', 'rwc', 'rwcu', '', '', '', '', '', '', ''),
    "crm.statement": ('', 'rwc', 'rwc', 'rwcu', '', '', '', '', '', '', ''),
    "crm.statement.wizard": ('', 'rwcu', 'rwcu', 'rwcu', '', '', '', '', '', '', ''),
}


@tagged("post_install", "-at_install")
class TestAccessMatrix(TransactionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Matrix Company B"})
        cls.users = {}
        for role, groups in ROLES.items():
            if groups is None:
                cls.users[role] = cls.env.ref("base.public_user")
                continue
            cls.users[role] = new_test_user(
                cls.env, login=f"matrix_{role}", groups=groups,
                company_id=cls.company_a.id, company_ids=[Command.set(cls.company_a.ids)],
            )
        cls._create_company_b_data()

    @classmethod
    def _our_models(cls):
        return sorted(
            name for name in cls.env.registry
            if type(cls.env[name])._original_module in OUR_MODULES and not cls.env[name]._abstract
        )

    @classmethod
    def _create_company_b_data(cls):
        """One record of company B in each model of ours that has a company (created as superuser)."""
        env = cls.env(su=True, context={"allowed_company_ids": cls.company_b.ids,
                                        "crm_complaint_no_acknowledgement": True,
                                        "tracking_disable": True})
        b = cls.company_b
        partner_b = env["res.partner"].create({"name": "Customer of B", "is_company": True, "company_id": b.id,
                                               "phone": "+7 900 555-44-33", "vat": False})
        env["res.partner"].create({"name": "Twin of B", "is_company": True, "company_id": b.id,
                                   "phone": "+7 900 555-44-33", "email": "twin@b.example.com"})
        partner_b.email = "twin@b.example.com"  # a possible duplicate pair of company B
        team = env["crm.complaint.team"].create({"name": "Team B", "company_id": b.id})
        ctype = env["crm.complaint.type"].create({"name": "Type B", "company_id": b.id, "team_id": team.id,
                                                  "sla_hours": 8, "sla_ids": [Command.create({"priority": "2",
                                                                                              "hours": 2})]})
        stage_waiting = env.ref("crm_complaints.crm_complaint_stage_waiting")
        complaint = env["crm.complaint"].create({"subject": "Complaint of B", "partner_id": partner_b.id,
                                                 "type_id": ctype.id, "company_id": b.id})
        complaint.stage_id = stage_waiting  # a deadline pause of company B
        category = env["crm.knowledge.category"].create({"name": "Category B", "company_id": b.id})
        article = env["crm.knowledge.article"].create({"name": "Article B", "company_id": b.id, "state": "published",
                                                       "audience": "public", "category_id": category.id})
        env["crm.knowledge.article.vote"].create({"article_id": article.id, "vote": "yes",
                                                  "user_id": cls.env.ref("base.user_admin").id})
        interaction = env["crm.interaction"].create({"partner_id": partner_b.id, "summary": "Call B",
                                                     "company_id": b.id})
        env["crm.interaction.outcome"].create({"name": "Outcome B", "code": "outcome_b", "company_id": b.id})
        env["crm.payment.promise"].create({
            "partner_id": partner_b.id, "company_id": b.id, "amount": 10.0, "currency_id": b.currency_id.id,
            "promised_date": date.today() + timedelta(days=3), "interaction_id": interaction.id,
        })
        env["crm.statement"].create({"partner_id": partner_b.id, "company_id": b.id,
                                     "date_from": date(2026, 1, 1), "date_to": date(2026, 3, 31)})
        policy = env["crm.followup.policy"].create({
            "name": "Policy B", "company_id": b.id,
            "threshold_ids": [Command.create({"currency_id": b.currency_id.id, "amount_min": 1.0})],
            "level_ids": [Command.create({"name": "Level B", "delay": 3})],
        })
        env["crm.followup.message"].create({"partner_id": partner_b.id, "company_id": b.id,
                                            "level_id": policy.level_ids.id, "channel": "call",
                                            "state": "to_review"})
        journal = env["account.journal"].create({"name": "Misc B", "type": "general", "code": "MISCB",
                                                 "company_id": b.id})
        receivable_b = env["account.account"].create({"name": "Receivable B", "code": "MXB1",
                                                      "account_type": "asset_receivable", "reconcile": True,
                                                      "company_ids": [Command.set(b.ids)]})
        income_b = env["account.account"].create({"name": "Income B", "code": "MXB2", "account_type": "income",
                                                  "company_ids": [Command.set(b.ids)]})
        move = env["account.move"].create({
            "move_type": "entry", "journal_id": journal.id, "company_id": b.id, "partner_id": partner_b.id,
            "line_ids": [
                Command.create({"account_id": receivable_b.id, "partner_id": partner_b.id, "debit": 10.0,
                                "date_maturity": date.today()}),
                Command.create({"account_id": income_b.id, "credit": 10.0}),
            ],
        })
        item = move.line_ids.filtered(lambda line: line.account_id == receivable_b)
        env["crm.followup.block"].create({"move_id": move.id, "reason": "Matrix B"})
        env["crm.followup.line"].create({"move_line_id": item.id, "level_id": policy.level_ids.id,
                                         "date": date.today(), "partner_id": partner_b.id, "company_id": b.id})
        env["crm.import.1c.document"].create({"name": "Doc B", "company_id": b.id, "partner_id": partner_b.id,
                                              "external_key": "matrix-b-1", "amount": 1.0})
        env["crm.import.1c.alias"].create({"company_id": b.id, "partner_id": partner_b.id, "name": "Customer of B",
                                           "name_key": "customer of b"})
        env["crm.import.1c.mapping"].create({"name": "Mapping B", "company_id": b.id, "signature": "matrix-b",
                                             "layout": "settlements",
                                             "line_ids": [Command.create({"column_index": 0, "field": "name"})]})
        env["crm.collection.queue"].create({"partner_id": partner_b.id, "company_id": b.id, "date": date.today()})
        env["crm.cashin.forecast.customer"].create({"date_forecast": date.today(), "company_id": b.id,
                                                    "partner_id": partner_b.id, "amounts": [10.0],
                                                    "amounts_promised": [0.0]})
        token = env["crm.selfservice.token"].create({"partner_id": partner_b.id, "company_id": b.id,
                                                     "token": "matrix-b-token",
                                                     "date_expiry": date.today() + timedelta(days=30)})
        env["crm.selfservice.request"].create({"token_id": token.id, "partner_id": partner_b.id, "company_id": b.id,
                                               "kind": "callback", "idempotency_key": "matrix-b"})
        call = env["crm.telephony.call"].create({"provider": "zadarma", "call_ref": "matrix-b-call",
                                                 "company_id": b.id})
        env["crm.telephony.event"].create({"call_id": call.id, "company_id": b.id, "event_key": "matrix-b-event",
                                           "kind": "ringing"})
        cls.partner_b = partner_b

    def test_every_model_has_an_entry(self):
        """A new model of the addons must be given its line in the matrix."""
        models = self._our_models()
        missing = sorted(set(models) - set(EXPECTED))
        self.assertFalse(missing, f"models without an access-matrix entry: {missing}")
        self.assertFalse(sorted(set(EXPECTED) - set(models)), "entries of models that no longer exist")

    def test_access_rights_matrix(self):
        cells = 0
        wrong = []
        for model in self._our_models():
            expected_row = dict(zip(ROLE_ORDER, EXPECTED.get(model, ("",) * len(ROLE_ORDER)), strict=True))
            for role, user in self.users.items():
                Model = self.env[model].with_user(user)
                for letter, operation in OPERATIONS:
                    cells += 1
                    allowed = Model.has_access(operation)
                    if allowed != (letter in expected_row[role]):
                        wrong.append(f"{model} / {role} / {operation}: {'allowed' if allowed else 'refused'}")
        self.assertFalse(wrong, "\n".join(wrong))
        self.assertGreaterEqual(cells, 4 * len(ROLES) * len(EXPECTED))

    def test_nothing_of_company_b_from_company_a(self):
        """Every model with a stored company: a user of company A reads no record of company B."""
        checked = 0
        for model in self._our_models():
            Model = self.env[model]
            field = Model._fields.get("company_id")
            if Model._transient or not field or not field.store:
                continue
            if not Model._auto:
                # SQL-view reports (aging) read posted journal items, which company B of this test has not;
                # their multi-company rule is checked below and their company scoping by their own tests
                continue
            self.assertTrue(Model.sudo().search_count([("company_id", "=", self.company_b.id)]),
                            f"{model}: the test data has no record of company B")
            for role, user in self.users.items():
                if not Model.with_user(user).has_access("read"):
                    continue
                checked += 1
                found = Model.with_user(user).sudo(False).search([("company_id", "=", self.company_b.id)])
                self.assertFalse(found, f"{role} of company A finds {model} of company B: {found.ids}")
                records_b = Model.sudo().search([("company_id", "=", self.company_b.id)], limit=1)
                with self.assertRaises(AccessError, msg=f"{role} reads {model} of company B by id"):
                    records_b.with_user(user).read(["company_id"])
        self.assertGreater(checked, 20)

    def test_every_company_model_has_a_company_rule(self):
        """Each model of ours with a company field has a global multi-company rule."""
        Rule = self.env["ir.rule"].sudo()
        missing = []
        for model in self._our_models():
            Model = self.env[model]
            if Model._transient or "company_id" not in Model._fields:
                continue
            rules = Rule.search([("model_id.model", "=", model), ("global", "=", True)])
            if not any("company_ids" in (rule.domain_force or "") for rule in rules):
                missing.append(model)
        self.assertFalse(missing, f"models with a company but no multi-company rule: {missing}")
