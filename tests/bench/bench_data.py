"""Benchmark data: a seeded, reproducible database of a collections department at scale.

``./crm bench`` calls :func:`main` (``python tests/bench/bench_data.py --db <template>``) on a database with the
three addons installed without demo data, when its template database is missing (or with ``--generate``).
Everything is multiplied by ``BENCH_SCALE`` (default 1; 0.02 is a 2-minute try-out):

- two companies (the second with its own chart of accounts and follow-up policy), roubles and US dollars;
- 20,000 customers (ООО/АО/ИП…, valid ИНН, e-mails, phones in mixed formats, channel preferences, collectors),
  half of them with a contact person (a quarter with a billing contact), each with a payment behaviour:
  punctual, late, very late, or a promise-breaker;
- 100,000 open receivable items: customer invoices (some partially paid), open credit notes, and imported 1C
  documents — opening entries in the "1C" journal with one receivable item per document, 1,000 per entry, as
  the 1C import posts them — in both currencies and both companies; due dates drawn per behaviour;
- paid history: one more 1C document per customer, paid (reconciled by Odoo's ``_reconcile_plan``) on a day
  drawn from the customer's behaviour, and payment promises judged by Odoo against those payments
  (kept / broken), plus open promises on open items;
- 200,000 interactions (10,000 on one customer, for the card and timeline), 100,000 knowledge articles in Russian
  and English, 5,000 complaints.

Accounting goes through the ORM (big batched entries, ``action_post``, ``_reconcile_plan``); the bulk records that
have no accounting effect (interactions, articles) are inserted set-based with ``odoo.tools.SQL``. The data is
then checked (:func:`check`): every entry balanced, open items and residuals per customer from SQL equal to what
the generator booked and to the ORM's grouped figures. Seeded (``random.Random`` and PostgreSQL's ``setseed``):
the same scale on the same day gives the same data. The figures are stored in ``ir_config_parameter``
(``crm_bench.*``) for the benchmark runner.
"""

import argparse
import json
import os
import random
import sys
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

SEED = 20260401
SCALE = float(os.environ.get("BENCH_SCALE", "1"))
CUSTOMERS = 20000
OPEN_ITEMS = 100000
INTERACTIONS = 200000
TIMELINE = 10000  # interactions of the one customer whose card and timeline are measured
ARTICLES = 100000
COMPLAINTS = 5000
COLLECTORS = 8
PER_ENTRY = 1000  # receivable items per opening entry, as the 1C import posts them
USD_RATE = 90.0  # roubles per dollar, one rate for every date (no exchange differences)

#: behaviour: (share of customers, days late of payments (low, high), due dates of open items (low, high))
PROFILES = {
    "punctual": (0.35, (-3, 2), (-6, 45)),
    "late": (0.30, (8, 40), (-60, 30)),
    "very_late": (0.15, (30, 120), (-180, 15)),
    "breaker": (0.20, (15, 60), (-90, 20)),
}
#: open items: share of customer invoices, of credit notes; the rest are 1C documents
INVOICE_SHARE = 0.05
REFUND_SHARE = 0.005
PARTIAL_SHARE = 0.25  # invoices partly paid
USD_SHARE = 0.12
COMPANY2_SHARE = 0.2  # customers whose debt is in the second company
LEGAL_FORMS = ("ООО", "АО", "ПАО", "ИП", "ООО", "ООО", "ЗАО")
NAME_WORDS = ("Север", "Вектор", "Альфа", "Стройтех", "Агро", "Логистик", "Медиа", "Техно", "Урал", "Волга",
              "Сибирь", "Фарм", "Торг", "Энерго", "Маркет", "Дизайн", "Сервис", "Пром", "Трейд", "Капитал")
FIRST_NAMES = ("Анна", "Иван", "Мария", "Сергей", "Ольга", "Дмитрий", "Елена", "Алексей", "Наталья", "Павел")
LAST_NAMES = ("Иванова", "Петров", "Смирнова", "Кузнецов", "Попова", "Соколов", "Лебедева", "Козлов", "Новикова")


def _words(text):
    return tuple(text.split())


CHANNEL_PREFS = ("", "", "", "", "", "", "sms, email", "sms, email", "call", "email, sms")
RU_WORDS = _words(
    "долг долга долгов задолженность оплата оплаты оплатил счёт счета счетов поставка поставки доставка "
    "претензия претензии договор договора акт акты сверка сверки возврат возврата товар товара склад "
    "клиент менеджер скидка скидки отгрузка накладная срок сроки пени неустойка график платёж платежа "
    "банк перевод реквизиты заказ качество брак гарантия ремонт замена упаковка курьер адрес телефон "
    "письмо напоминание просрочка рассрочка кредит лимит остаток сумма цена прайс бонус акция условия "
    "порядок инструкция жалоба"
)
EN_WORDS = _words(
    "debt overdue invoice invoices payment payments paid balance statement reconciliation delivery "
    "shipment return refund credit note discount contract claim penalty schedule instalment bank transfer "
    "order quality defect warranty repair replacement courier address phone letter reminder limit amount "
    "price bonus terms procedure instruction complaint dispute promise collector escalation account "
    "receivable customer"
)
#: syllables of filler words (a wide vocabulary, as a real knowledge base has)
RU_SYLLABLES = ("ка", "ло", "ми", "ре", "ту", "но", "ва", "се", "да", "ри", "по", "жу", "ле", "ны", "зо", "ки",
                "та", "мо", "ве", "ру", "ба", "го", "ще", "фи")
EN_SYLLABLES = ("ka", "lo", "mi", "re", "tu", "no", "va", "se", "da", "ri", "po", "ju", "le", "ny", "zo", "ki",
                "ta", "mo", "ve", "ru", "ba", "go", "sh", "fi")
COMPLAINT_SUBJECTS = ("Брак в поставке", "Задержка доставки", "Неверная сумма в счёте", "Late delivery")
SUMMARIES = ("Звонок по просроченной задолженности", "Клиент обещал оплатить", "Отправлен акт сверки",
             "Не дозвонились", "Клиент оспаривает счёт", "Встреча с бухгалтером", "Письмо о задолженности",
             "Payment reminder call", "Customer asked for a statement", "Voicemail left", "Disputed invoice")


def sized(count):
    """``count`` at the current ``BENCH_SCALE`` (at least 1)."""
    return max(1, round(count * SCALE))


def say(msg):
    print(f"[bench data] {msg}", flush=True)


def inn10(number):
    """A valid 10-digit ИНН (prefix 50…, apart from the 77… ones of the 1C import benchmark's file)."""
    prefix = f"{500000000 + number:09d}"
    weights = (2, 4, 10, 3, 5, 9, 4, 6, 8)
    return prefix + str(sum(int(d) * w for d, w in zip(prefix, weights, strict=True)) % 11 % 10)


def phone(rng, number):
    """A Russian mobile number in one of the formats people type."""
    code, rest = 900 + rng.randrange(100), f"{number % 10000000:07d}"
    formats = (
        f"+7 ({code}) {rest[:3]}-{rest[3:5]}-{rest[5:]}", f"8 {code} {rest[:3]} {rest[3:5]} {rest[5:]}",
        f"8{code}{rest}", f"+7{code}{rest}", f"({code}) {rest[:3]}-{rest[3:]}", f"7-{code}-{rest}",
    )
    return formats[number % len(formats)]


def profile_of(rng):
    roll, total = rng.random(), 0.0
    for name, (share, _late, _due) in PROFILES.items():
        total += share
        if roll < total:
            return name
    return "punctual"


class Generator:
    """Builds the benchmark data in ``env`` (superuser, both companies allowed)."""

    def __init__(self, env, today=None):
        self.env = env
        self.rng = random.Random(SEED)
        self.today = today or date.today()
        self.expected = defaultdict(float)  # (commercial partner id, company id) -> open residual, company currency
        self.expected_items = 0
        self.counts = {}
        self.timings = {}

    # ------------------------------------------------------------------ helpers
    def step(self, label, func):
        start = time.perf_counter()
        result = func()
        self.env.flush_all()
        self.env.cr.commit()
        self.env.invalidate_all()
        elapsed = time.perf_counter() - start
        self.timings[label] = round(elapsed, 1)
        say(f"{label}: {elapsed:.0f} s ({result})")
        return result

    @property
    def quiet(self):
        return {"tracking_disable": True, "mail_create_nolog": True, "mail_create_nosubscribe": True,
                "mail_notrack": True, "no_reset_password": True, "crm_bench": True}

    # ------------------------------------------------------------------ companies, currencies, users
    def setup(self):
        env = self.env
        rub, usd = env.ref("base.RUB"), env.ref("base.USD")
        (rub | usd).write({"active": True})
        company1 = env.ref("base.main_company")
        if company1.currency_id != rub:
            company1.currency_id = rub
        company1.name = "ООО «Бенчмарк»"
        company1.partner_id.email = "billing@bench.example.com"
        company2 = env["res.company"].search([("name", "=", "АО «Бенчмарк Юг»")], limit=1) or \
            env["res.company"].create({"name": "АО «Бенчмарк Юг»", "currency_id": rub.id})
        # on the partners: an e-mail given to a new company would ask the partner autocomplete service (IAP)
        company2.partner_id.email = "billing@south.bench.example.com"
        if not company2.chart_template:
            env["account.chart.template"].try_loading(company1.chart_template or "generic_coa", company2,
                                                      install_demo=False)
        if company2.currency_id != rub:  # the chart template sets its own currency
            company2.currency_id = rub
        self.companies = company1 | company2
        env.user.company_ids |= self.companies
        self.env = env = env(context=dict(env.context, allowed_company_ids=self.companies.ids, **self.quiet))
        for company in self.companies:
            env["res.currency.rate"].search([("currency_id", "=", usd.id), ("company_id", "=", company.id)]).unlink()
            env["res.currency.rate"].create({"currency_id": usd.id, "company_id": company.id,
                                             "name": date(2000, 1, 1), "rate": 1 / USD_RATE})
        self.rub, self.usd = rub, usd
        # follow-up: the default policy in both companies; no invoice PDFs rendered (wkhtmltopdf per invoice
        # would be measured instead of the follow-up)
        policy = env.ref("crm_receivables.crm_followup_policy_default")
        policy.level_ids.write({"attach_invoices": False})
        policy2 = env["crm.followup.policy"].search([("company_id", "=", company2.id), ("is_default", "=", True)])
        if not policy2:
            policy2 = policy.copy({"company_id": company2.id, "is_default": True, "name": policy.name})
            if not policy2.level_ids:
                for level in policy.level_ids:
                    level.copy({"policy_id": policy2.id, "name": level.name})
        self.journals = {}
        for company in self.companies:
            Journal = env["account.journal"].with_company(company)
            onec = Journal.search([("code", "=", "1C"), ("company_id", "=", company.id)], limit=1) or \
                Journal.create({"name": "1C Opening Balances", "code": "1C", "type": "general",
                                "company_id": company.id})
            self.journals[company.id] = {
                "1c": onec,
                "sale": Journal.search([("type", "=", "sale"), ("company_id", "=", company.id)], limit=1),
                "misc": Journal.search([("type", "=", "general"), ("code", "!=", "1C"),
                                        ("company_id", "=", company.id)], limit=1),
                "bank": Journal.search([("type", "=", "bank"), ("company_id", "=", company.id)], limit=1),
            }
        group = env.ref("account.group_account_invoice")
        self.collectors = env["res.users"].create([
            {"name": f"{FIRST_NAMES[i % len(FIRST_NAMES)]} Коллектор {i + 1}", "login": f"bench.collector{i + 1}",
             "email": f"collector{i + 1}@bench.example.com", "company_id": company1.id,
             "company_ids": [(6, 0, self.companies.ids)],
             "groups_id": [(4, group.id), (4, env.ref("base.group_user").id)]}
            for i in range(COLLECTORS)
        ])
        return f"{len(self.companies)} companies, {len(self.collectors)} collectors"

    # ------------------------------------------------------------------ customers
    def customers(self):
        env, rng = self.env, self.rng
        count = sized(CUSTOMERS)
        ru = env.ref("base.ru")
        vals, self.profile, self.company_of = [], {}, {}
        for i in range(count):
            words = f"{NAME_WORDS[i % 20]}{NAME_WORDS[(i // 20) % 20].lower()}"
            form = LEGAL_FORMS[i % len(LEGAL_FORMS)]
            name = f"ИП {LAST_NAMES[i % 9]} {FIRST_NAMES[i % 10][0]}. {i:05d}" if form == "ИП" \
                else f"{form} «{words} {i:05d}»"
            vals.append({
                "name": name, "is_company": True, "vat": inn10(i), "country_id": ru.id,
                "email": f"buh{i}@client{i % 997}.example.ru" if i % 11 else False,
                "phone": phone(rng, i * 7919), "mobile": phone(rng, i * 104729) if i % 3 else False,
                "city": "Москва" if i % 4 else "Екатеринбург", "street": f"ул. Ленина, д. {1 + i % 150}",
                "crm_followup_channels": CHANNEL_PREFS[i % len(CHANNEL_PREFS)] or False,
                "crm_collector_id": self.collectors[i % COLLECTORS].id, "customer_rank": 1, "lang": "en_US",
            })
        Partner = env["res.partner"]
        # the defaults are the same for every customer: computed once (per record they cost a query each)
        defaults = Partner.default_get([name for name, field in Partner._fields.items() if field.default])
        vals = [{**defaults, **values} for values in vals]
        partners = Partner.browse()
        for start in range(0, count, 1000):
            partners |= Partner.create(vals[start:start + 1000])
            env.flush_all()
        say(f"  {len(partners)} customers created; contacts")
        contacts = []
        for index, partner in enumerate(partners):
            self.profile[partner.id] = profile_of(rng)
            self.company_of[partner.id] = self.companies[1] if rng.random() < COMPANY2_SHARE else self.companies[0]
            if index % 2 == 0:
                contacts.append({
                    "name": f"{FIRST_NAMES[index % 10]} {LAST_NAMES[index % 9]}", "parent_id": partner.id,
                    "type": "invoice" if index % 4 == 0 else "contact", "email": f"contact{index}@example.ru",
                    "mobile": phone(rng, index * 31337), "lang": "en_US",
                })
        for start in range(0, len(contacts), 1000):
            Partner.create([{**defaults, "is_company": False, "customer_rank": 0, **values}
                            for values in contacts[start:start + 1000]])
            env.flush_all()
        self.partners = partners
        self.counts.update(customers=len(partners), contacts=len(contacts))
        return f"{len(partners)} customers, {len(contacts)} contacts"

    # ------------------------------------------------------------------ receivable items
    def _due(self, partner_id):
        low, high = PROFILES[self.profile[partner_id]][2]
        return self.today + timedelta(days=self.rng.randint(low, high))

    def _amount(self):
        return round(self.rng.lognormvariate(10.3, 1.0), 2)  # median ≈ 30,000 ₽

    def items(self):
        """Open items (invoices, credit notes, 1C documents) and the paid documents of the history."""
        rng, partners = self.rng, self.partners
        total = sized(OPEN_ITEMS)
        n_invoices, n_refunds = round(total * INVOICE_SHARE), round(total * REFUND_SHARE)
        # every customer has at least one open item, the rest spread at random
        owners = [partners[i % len(partners)].id for i in range(total)]
        rng.shuffle(owners)
        self.invoice_specs = [self._spec(pid) for pid in owners[:n_invoices]]
        self.refund_specs = [self._spec(pid) for pid in owners[n_invoices:n_invoices + n_refunds]]
        onec = [self._spec(pid) for pid in owners[n_invoices + n_refunds:]]
        # paid history: one more 1C document per customer, paid at the customer's lateness
        self.paid_specs = []
        for partner in partners:
            spec = self._spec(partner.id)
            spec["due"] = self.today - timedelta(days=rng.randint(40, 330))
            low, high = PROFILES[self.profile[partner.id]][1]
            spec["paid_on"] = min(spec["due"] + timedelta(days=rng.randint(low, high)), self.today - timedelta(1))
            self.paid_specs.append(spec)
        lines = self._post_onec(onec + self.paid_specs)
        say(f"  {len(lines)} 1C documents posted; invoices and credit notes")
        for spec, line in zip(onec + self.paid_specs, lines, strict=True):
            spec["line"] = line
        for spec in onec:
            self._expect(spec, spec["balance"])
        self._post_invoices()
        self.counts.update(onec_documents=len(onec) + len(self.paid_specs), invoices=n_invoices,
                           credit_notes=n_refunds)
        return f"{len(onec)} open and {len(self.paid_specs)} paid 1C documents, {n_invoices} invoices, " \
               f"{n_refunds} credit notes"

    def _spec(self, partner_id):
        currency = self.usd if self.rng.random() < USD_SHARE else self.rub
        amount = self._amount() if currency == self.rub else round(self._amount() / USD_RATE, 2) or 1.0
        return {"partner": partner_id, "company": self.company_of[partner_id], "currency": currency,
                "amount": amount, "balance": round(amount * (USD_RATE if currency == self.usd else 1), 2),
                "due": self._due(partner_id)}

    def _expect(self, spec, residual):
        self.expected[(spec["partner"], spec["company"].id)] += residual
        self.expected_items += 1

    def _post_onec(self, specs):
        """Opening entries of 1C documents: one receivable item per document, ``PER_ENTRY`` per entry, posted as
        the 1C import service posts them (through the ORM item by item if the service's methods are gone)."""
        Command = __import__("odoo").Command
        env = self.env
        result = {}
        Service = env["crm.import.1c.service"]
        fast = hasattr(Service, "_insert_items") and hasattr(Service, "_set_items_posted")
        by_company = defaultdict(list)
        for index, spec in enumerate(specs):
            by_company[spec["company"]].append((index, spec))
        for company, entries in by_company.items():
            Move = env["account.move"].with_company(company)
            receivable = env["res.partner"].with_company(company).browse(entries[0][1]["partner"]) \
                .property_account_receivable_id
            counterpart = company.get_unaffected_earnings_account()
            for start in range(0, len(entries), PER_ENTRY):
                batch = entries[start:start + PER_ENTRY]
                labels = {}
                for index, spec in batch:
                    doc_date = spec["due"] - timedelta(days=self.rng.choice((10, 14, 30, 45)))
                    labels[index] = f"Реализация товаров и услуг {index:08d} от {doc_date.strftime('%d.%m.%Y')}"
                total = round(sum(spec["balance"] for _i, spec in batch), 2)
                move_vals = {"move_type": "entry", "journal_id": self.journals[company.id]["1c"].id,
                             "date": self.today - timedelta(days=365), "ref": "1С: расчёты с покупателями"}
                counterpart_vals = {"account_id": counterpart.id, "name": "Ввод остатков из 1С", "balance": -total,
                                    "amount_currency": -total, "currency_id": company.currency_id.id}
                if fast:
                    # as the 1C import posts them: the entry with its balancing item, the receivable items
                    # inserted set-based by the import service (the ORM recomputes what depends on them), posted
                    move = Move.with_context(check_move_validity=False).create(
                        {**move_vals, "line_ids": [Command.create(counterpart_vals)]})
                    ids = Service._insert_items(move, [
                        (receivable.id, spec["partner"], labels[index], spec["balance"], spec["amount"],
                         spec["currency"].id, spec["due"]) for index, spec in batch])
                    move.action_post()
                    Service._set_items_posted(move, ids)
                else:
                    move = Move.create({**move_vals, "line_ids": [Command.create({
                        "account_id": receivable.id, "partner_id": spec["partner"], "name": labels[index],
                        "balance": spec["balance"], "date_maturity": spec["due"], "currency_id": spec["currency"].id,
                        "amount_currency": spec["amount"],
                    }) for index, spec in batch] + [Command.create(counterpart_vals)]})
                    move.action_post()
                    ids = move.line_ids.filtered(lambda ln, acc=receivable: ln.account_id == acc).sorted("id").ids
                for (index, _spec), line_id in zip(batch, ids, strict=True):
                    result[index] = line_id
                env.flush_all()
                env.invalidate_all()
        return [result[index] for index in range(len(specs))]

    def _post_invoices(self):
        """Customer invoices and credit notes, created and posted through the ORM in batches of 250."""
        Command = __import__("odoo").Command
        env = self.env
        for kind, specs in (("out_invoice", self.invoice_specs), ("out_refund", self.refund_specs)):
            by_company = defaultdict(list)
            for spec in specs:
                by_company[spec["company"]].append(spec)
            for company, company_specs in by_company.items():
                Move = env["account.move"].with_company(company)
                journal = self.journals[company.id]["sale"]
                for start in range(0, len(company_specs), 250):
                    batch = company_specs[start:start + 250]
                    moves = Move.create([{
                        "move_type": kind, "partner_id": spec["partner"], "journal_id": journal.id,
                        "currency_id": spec["currency"].id,
                        "invoice_date": min(spec["due"] - timedelta(days=30), self.today),
                        "invoice_date_due": spec["due"] if kind == "out_invoice" else None,
                        "invoice_line_ids": [Command.create({
                            "name": "Поставка товаров по договору" if kind == "out_invoice" else "Возврат товара",
                            "quantity": 1, "price_unit": spec["amount"], "tax_ids": [Command.clear()]})],
                    } for spec in batch])
                    moves.action_post()
                    for spec, move in zip(batch, moves, strict=True):
                        line = move.line_ids.filtered(lambda ln: ln.account_id.account_type == "asset_receivable")
                        spec["line"] = line.id
                        self._expect(spec, line.balance)
                    env.flush_all()
                    env.invalidate_all()

    # ------------------------------------------------------------------ payments
    def payments(self):
        """Payment entries (one per company and week) reconciled by ``_reconcile_plan``: the paid history in
        full, a quarter of the invoices in part."""
        Command = __import__("odoo").Command
        env, rng = self.env, self.rng
        to_pay = [(spec, spec["amount"], spec["balance"], spec["paid_on"]) for spec in self.paid_specs]
        for spec in self.invoice_specs:
            if rng.random() < PARTIAL_SHARE:
                share = rng.choice((0.2, 0.3, 0.5, 0.7))
                amount = round(spec["amount"] * share, 2)
                balance = round(amount * (USD_RATE if spec["currency"] == self.usd else 1), 2)
                paid_on = min(self.today - timedelta(days=rng.randint(1, 20)), self.today)
                to_pay.append((spec, amount, balance, paid_on))
                self.expected[(spec["partner"], spec["company"].id)] -= balance
        by_day = defaultdict(list)  # one bank entry per company and week, dated its Monday
        for spec, amount, balance, paid_on in to_pay:
            monday = paid_on - timedelta(days=paid_on.weekday())
            if "paid_on" in spec:
                spec["paid_on"] = monday
            by_day[(spec["company"], monday)].append((spec, amount, balance, monday))
        plan = []
        Line = env["account.move.line"]
        Service = env["crm.import.1c.service"]
        fast = hasattr(Service, "_insert_items") and hasattr(Service, "_set_items_posted")
        for (company, day), entries in sorted(by_day.items(), key=lambda kv: (kv[0][0].id, kv[0][1])):
            journals = self.journals[company.id]
            receivable = Line.browse(entries[0][0]["line"]).account_id
            bank_vals = {"account_id": journals["bank"].default_account_id.id, "name": "Поступления на расчётный счёт",
                         "balance": round(sum(e[2] for e in entries), 2)}
            move_vals = {"move_type": "entry", "journal_id": journals["misc"].id, "date": day, "ref": "Выписка банка"}
            Move = env["account.move"].with_company(company)
            if fast:  # the credit items set-based, as the 1C import adds its items (see _post_onec)
                move = Move.with_context(check_move_validity=False).create(
                    {**move_vals, "line_ids": [Command.create(bank_vals)]})
                credits = Line.browse(Service._insert_items(move, [
                    (receivable.id, spec["partner"], "Оплата от покупателя", -balance, -amount, spec["currency"].id,
                     day)
                    for spec, amount, balance, _day in entries]))
                move.action_post()
                Service._set_items_posted(move, credits.ids)
            else:
                move = Move.create({**move_vals, "line_ids": [Command.create({
                    "account_id": receivable.id, "partner_id": spec["partner"], "name": "Оплата от покупателя",
                    "balance": -balance, "currency_id": spec["currency"].id, "amount_currency": -amount,
                }) for spec, amount, balance, _day in entries] + [Command.create(bank_vals)]})
                move.action_post()
                credits = move.line_ids.filtered(lambda ln, acc=receivable: ln.account_id == acc).sorted("id")
            plan += [(entry[0]["line"], credit.id) for entry, credit in zip(entries, credits, strict=True)]
        say(f"  {len(plan)} payment items posted in {len(by_day)} bank entries; reconciling")
        for start in range(0, len(plan), 2000):
            Line._reconcile_plan([Line.browse(pair) for pair in plan[start:start + 2000]])
            env.flush_all()
            env.invalidate_all()
        self.counts.update(payments=len(plan))
        return f"{len(plan)} payments reconciled"

    # ------------------------------------------------------------------ promises
    def promises(self):
        """Promises judged by Odoo against the payments (kept by punctual payers, broken by breakers), and
        open promises on open items (the follow-up pauses them)."""
        env, rng = self.env, self.rng
        vals = []
        for spec in self.paid_specs:
            profile = self.profile[spec["partner"]]
            keeps = (profile == "punctual" and rng.random() < 0.1) \
                or (profile in ("late", "very_late") and rng.random() < 0.2)
            if keeps:
                made = spec["paid_on"] - timedelta(days=7)
                vals.append(self._promise(spec, made, spec["paid_on"] + timedelta(days=rng.randint(0, 2))))
            elif profile == "breaker":
                made = spec["paid_on"] - timedelta(days=rng.randint(40, 60))
                vals.append(self._promise(spec, made, made + timedelta(days=rng.randint(3, 10))))
        open_specs = [spec for spec in self.invoice_specs if spec["due"] < self.today and rng.random() < 0.5]
        for spec in open_specs:
            vals.append({**self._promise(spec, self.today - timedelta(days=2),
                                         self.today + timedelta(days=rng.randint(1, 14))),
                         "line_ids": [(6, 0, [spec["line"]])]})
        Promise = env["crm.payment.promise"]
        for start in range(0, len(vals), 500):
            Promise.create(vals[start:start + 500])
            env.flush_all()
            env.invalidate_all()
        env.cr.execute("SELECT state, COUNT(*) FROM crm_payment_promise GROUP BY state ORDER BY state")
        states = dict(env.cr.fetchall())
        self.counts.update(promises=len(vals), promise_states=states)
        return f"{len(vals)} promises: {states}"

    def _promise(self, spec, made, promised):
        return {"partner_id": spec["partner"], "company_id": spec["company"].id, "currency_id": spec["currency"].id,
                "amount": spec["amount"], "date_made": made, "promised_date": promised,
                "user_id": self.collectors[spec["partner"] % COLLECTORS].id, "note": "Обещал оплатить"}

    # ------------------------------------------------------------------ set-based bulk
    def interactions(self):
        """Interactions inserted set-based: ``TIMELINE`` on one customer, the rest spread over all."""
        from odoo.tools import SQL  # noqa: PLC0415

        cr = self.env.cr
        count, timeline = sized(INTERACTIONS), sized(TIMELINE)
        partner_ids = self.partners.ids
        companies = [self.company_of[pid].id for pid in partner_ids]
        big = partner_ids[0]
        outcomes = self.env["crm.interaction.outcome"].search([]).ids or [None]
        cr.execute(SQL("SELECT setseed(%s)", 0.4242))
        cr.execute(SQL(
            """INSERT INTO crm_interaction (partner_id, company_id, user_id, date, channel, direction, summary, note,
                                            duration, outcome_id, source, create_uid, create_date,
                                            write_uid, write_date)
               SELECT p.partner, p.company, u.ids[1 + mod(n, cardinality(u.ids))],
                      (now() at time zone 'UTC') - (random() * 730 || ' days')::interval,
                      (ARRAY['call', 'call', 'call', 'email', 'email', 'sms', 'meeting', 'letter', 'messenger',
                             'visit'])[1 + floor(random() * 10)::int],
                      CASE WHEN random() < 0.7 THEN 'outgoing' ELSE 'incoming' END,
                      s.summaries[1 + floor(random() * cardinality(s.summaries))::int],
                      '<p>' || s.summaries[1 + floor(random() * cardinality(s.summaries))::int] || ' №' || n || '</p>',
                      round((random() * 0.5)::numeric, 2),
                      (%(outcomes)s::int[])[1 + floor(random() * cardinality(%(outcomes)s::int[]))::int],
                      (ARRAY['manual', 'manual', 'pbx', 'mail', 'followup'])[1 + floor(random() * 5)::int],
                      1, now() at time zone 'UTC', 1, now() at time zone 'UTC'
                 FROM generate_series(1, %(count)s) AS n
                 CROSS JOIN (SELECT %(summaries)s::varchar[] AS summaries) AS s
                 CROSS JOIN (SELECT %(users)s::int[] AS ids) AS u
                 CROSS JOIN LATERAL (
                     SELECT CASE WHEN n <= %(timeline)s THEN %(big)s
                                 ELSE (%(partners)s::int[])[1 + floor(random() * %(npartners)s)::int] END AS partner
                 ) AS pick
                 JOIN (SELECT unnest(%(partners)s::int[]) AS partner, unnest(%(companies)s::int[]) AS company) AS p
                   ON p.partner = pick.partner""",
            count=count, timeline=timeline, big=big, partners=partner_ids, npartners=len(partner_ids),
            companies=companies, users=self.collectors.ids, outcomes=outcomes, summaries=list(SUMMARIES),
        ))
        inserted = cr.rowcount
        self.counts.update(interactions=inserted, timeline_partner_id=big, timeline_interactions=timeline)
        return f"{inserted} interactions, {timeline} on customer {big}"

    def articles(self):
        """Published articles, Russian and English, inserted set-based (search vectors by the addon's trigger);
        the GIN indexes dropped during the insert and rebuilt by the model's ``init``."""
        from odoo.tools import SQL  # noqa: PLC0415

        cr = self.env.cr
        count = sized(ARTICLES)
        for index in ("crm_knowledge_article_search_vector_idx", "crm_knowledge_article_name_trgm_idx",
                      "crm_knowledge_article_title_vector_idx"):
            cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(index)))
        cr.execute(SQL("SELECT setseed(%s)", 0.1717))
        english = count // 4
        for words, syllables, amount, offset in ((RU_WORDS, RU_SYLLABLES, count - english, 0),
                                                 (EN_WORDS, EN_SYLLABLES, english, count - english)):
            cr.execute(SQL(
                """INSERT INTO crm_knowledge_article (name, body, kind, audience, state, active, sequence,
                                                      company_id, create_uid, create_date, write_uid, write_date)
                   SELECT initcap(w[1 + floor(random() * cardinality(w))::int]) || ' '
                              || s[1 + floor(random() * 24)::int] || s[1 + floor(random() * 24)::int] || ' '
                              || w[1 + floor(random() * cardinality(w))::int] || ' '
                              || s[1 + floor(random() * 24)::int] || s[1 + floor(random() * 24)::int]
                              || s[1 + floor(random() * 24)::int] || ' №' || (n + %(offset)s),
                          '<p>' || array_to_string(ARRAY(
                              SELECT CASE WHEN mod(g, 8) = 0 THEN w[1 + floor(random() * cardinality(w))::int]
                                     ELSE s[1 + floor(random() * 24)::int] || s[1 + floor(random() * 24)::int]
                                          || s[1 + floor(random() * 24)::int] END
                                FROM generate_series(1, 40) g WHERE g > n * 0
                          ), ' ') || '.</p>',
                          (ARRAY['faq', 'article', 'script'])[1 + mod(n, 3)],
                          (ARRAY['internal', 'portal', 'public'])[1 + mod(n, 3)], 'published', TRUE, 10, NULL,
                          1, now() at time zone 'UTC', 1, now() at time zone 'UTC'
                     FROM generate_series(1, %(amount)s) AS n, (SELECT %(w)s::text[] AS w, %(s)s::text[] AS s) AS v""",
                offset=offset, amount=amount, w=list(words), s=list(syllables),
            ))
        self.env["crm.knowledge.article"].init()
        self.counts.update(articles=count, articles_english=english)
        return f"{count} articles ({english} in English)"

    def complaints(self):
        """Complaints through the ORM (numbers from the sequence, SLA deadlines computed), in batches."""
        env, rng = self.env, self.rng
        Type = env["crm.complaint.type"]
        types = Type.search([])
        for name in ("Качество товара", "Сроки доставки", "Ошибка в счёте"):
            if name not in types.mapped("name"):
                types |= Type.create({"name": name})
        count = sized(COMPLAINTS)
        # filed from history: no acknowledgement e-mail to the customer (2/3 of the time of a create)
        Complaint = env["crm.complaint"].with_context(crm_complaint_no_acknowledgement=True)
        channels = [key for key, _label in Complaint._fields["channel"].selection]
        vals = []
        for n in range(count):
            partner_id = self.partners[rng.randrange(len(self.partners))].id
            vals.append({
                "subject": f"{rng.choice(COMPLAINT_SUBJECTS)} №{n}",
                "partner_id": partner_id, "type_id": types[n % len(types)].id, "channel": channels[n % len(channels)],
                "company_id": self.company_of[partner_id].id,
            })
        for start in range(0, count, 500):
            batch = vals[start:start + 500]
            for company in self.companies:
                part = [v for v in batch if v["company_id"] == company.id]
                if part:
                    Complaint.with_company(company).create(part)
            env.flush_all()
            env.invalidate_all()
        self.counts.update(complaints=count)
        return f"{count} complaints"

    # ------------------------------------------------------------------ all
    def run(self):
        self.step("companies, currencies, policies, collectors", self.setup)
        self.step("customers and contacts (ORM)", self.customers)
        self.step("receivable items: 1C opening entries, invoices, credit notes (ORM)", self.items)
        self.step("payments reconciled (ORM _reconcile_plan)", self.payments)
        self.step("payment promises (ORM, judged by Odoo)", self.promises)
        self.step("interactions (SQL)", self.interactions)
        self.step("knowledge articles (SQL + GIN indexes)", self.articles)
        self.step("complaints (ORM)", self.complaints)
        self.counts.update(open_items=self.expected_items)
        return self.counts


def check(env, expected, expected_items):
    """Check the accounting: entries balanced; open items and residual per customer and company equal in
    SQL, in the ORM's grouped read and in what the generator booked. Returns a list of problems (empty: ok)."""
    from odoo.tools import SQL  # noqa: PLC0415

    problems = []
    env.flush_all()
    unbalanced = env.execute_query(SQL(
        "SELECT move_id FROM account_move_line GROUP BY move_id HAVING ABS(SUM(balance)) > 0.005 LIMIT 5"))
    if unbalanced:
        problems.append(f"unbalanced entries: {unbalanced}")
    rows = env.execute_query(SQL(
        """SELECT rp.commercial_partner_id, l.company_id, ROUND(SUM(l.amount_residual), 2), COUNT(*)
             FROM account_move_line l
             JOIN account_account a ON a.id = l.account_id AND a.account_type = 'asset_receivable'
             JOIN res_partner rp ON rp.id = l.partner_id
            WHERE l.parent_state = 'posted' AND NOT l.reconciled AND l.amount_residual != 0
            GROUP BY rp.commercial_partner_id, l.company_id"""))
    sql = {(pid, cid): float(amount) for pid, cid, amount, _n in rows}
    sql_items = sum(n for *_rest, n in rows)
    orm = defaultdict(float)
    Line = env["account.move.line"].with_context(active_test=False)
    for partner, company, amount in Line._read_group(
        [("account_id.account_type", "=", "asset_receivable"), ("parent_state", "=", "posted"),
         ("reconciled", "=", False), ("amount_residual", "!=", 0)],
        ["partner_id", "company_id"], ["amount_residual:sum"],
    ):
        orm[(partner.commercial_partner_id.id, company.id)] += amount
    keys = set(sql) | set(orm) | {k for k, v in expected.items() if abs(v) > 0.005}
    wrong = [(k, expected.get(k, 0.0), sql.get(k, 0.0), orm.get(k, 0.0)) for k in sorted(keys)
             if abs(expected.get(k, 0.0) - sql.get(k, 0.0)) > 0.02 or abs(sql.get(k, 0.0) - orm.get(k, 0.0)) > 0.02]
    if wrong:
        problems.append(f"{len(wrong)} customers' residuals differ (booked, SQL, ORM), e.g. {wrong[:3]}")
    if sql_items != expected_items:
        problems.append(f"{sql_items} open receivable items in SQL, {expected_items} booked")
    return problems, {"customers_with_debt": len(sql), "open_items": sql_items,
                      "open_residual": round(sum(sql.values()), 2)}


def open_registry(db, data_dir=None):
    """An Odoo registry on ``db`` in this process (``ODOO_SRC``, the PG* connection of the harness)."""
    odoo_src = Path(os.environ.get("ODOO_SRC") or Path.home() / ".cache" / "odoo-18.0")
    sys.path.insert(0, str(odoo_src))
    import odoo  # noqa: PLC0415

    from harness import pg  # noqa: PLC0415

    server = pg.Server(host=os.environ.get("PGHOST"), port=os.environ.get("PGPORT"),
                       user=os.environ.get("PGUSER"), password=os.environ.get("PGPASSWORD"))
    args = [f"--addons-path={odoo_src / 'addons'},{ROOT}", "-d", db, *server.odoo_args(), "--log-level=warn",
            "--max-cron-threads=0"]
    if data_dir:
        args.append(f"--data-dir={data_dir}")
    odoo.tools.config.parse_config(args)
    return odoo, odoo.modules.registry.Registry(db)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--data-dir")
    parser.add_argument("--install-seconds", type=float, default=None)
    args = parser.parse_args()
    odoo, registry = open_registry(args.db, args.data_dir)
    started = time.perf_counter()
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        generator = Generator(env)
        counts = generator.run()
        env = generator.env
        problems, figures = check(env, generator.expected, generator.expected_items)
        elapsed = time.perf_counter() - started
        for problem in problems:
            say(f"CHECK FAILED: {problem}")
        if not problems:
            say(f"checked: every entry balanced; {figures['open_items']} open items of "
                f"{figures['customers_with_debt']} customer/company pairs, residuals equal in SQL, ORM and as booked")
        params = env["ir.config_parameter"].sudo()
        meta = {"scale": SCALE, "seed": SEED, "date": generator.today.isoformat(), "counts": counts,
                "check": figures, "check_problems": problems, "timings": generator.timings,
                "generated_seconds": round(elapsed, 1), "install_seconds": args.install_seconds}
        params.set_param("crm_bench.meta", json.dumps(meta, default=str))
        cr.commit()
    say(f"generated in {elapsed:.0f} s at BENCH_SCALE={SCALE}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
