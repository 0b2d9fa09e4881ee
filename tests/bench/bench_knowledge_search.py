"""Benchmark: knowledge base full-text search over 100,000 articles against a naive ILIKE scan.

Run by ``./crm bench`` (venv Python, ``ODOO_SRC`` set). Self-contained: an embedded PostgreSQL in a temporary
folder, a database with ``crm_knowledge`` (no demo), 100,000 generated Russian articles inserted by SQL,
then ``_suggest`` timed in-process next to a naive ``ILIKE`` query, and the query plan printed to show
that the GIN indexes answer. Prints figures; exits 1 only if the set-up fails.
"""

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from harness import pg  # noqa: E402

ODOO_SRC = Path(os.environ.get("ODOO_SRC") or Path.home() / ".cache" / "odoo-18.0")
ARTICLES = int(os.environ.get("CRM_BENCH_ARTICLES", "100000"))
RUNS = 7
QUERIES = ("долгов", "претензия по договору", "акт сверки", "задолжность", "возврат товара на склад",
           "скидк", "отгрузка накладная")
VOCABULARY = (
    "долг долга долгов задолженность оплата оплаты оплатил счёт счета счетов поставка поставки доставка "
    "доставки претензия претензии договор договора акт акты сверка сверки возврат возврата товар товара "
    "товаров склад склада клиент клиента клиентов менеджер скидка скидки отгрузка отгрузки накладная "
    "накладные срок сроки пени неустойка график платёж платежа платежей банк перевод реквизиты ИНН КПП "
    "заказ заказа качество брак гарантия ремонт замена упаковка курьер самовывоз адрес телефон почта "
    "звонок письмо напоминание просрочка просрочки рассрочка кредит лимит остаток сумма суммы цена цены "
    "прайс каталог бонус акция условия порядок правила инструкция вопрос ответ решение жалоба отзыв"
)
WORDS = tuple(VOCABULARY.split())
#: syllables of the filler words (24² + 24³ ≈ 14,000 distinct words)
SYLLABLES = ("ка", "ло", "ми", "ре", "ту", "но", "ва", "се", "да", "ри", "по", "жу", "ле", "ны", "зо", "ки",
             "та", "мо", "ве", "ру", "ба", "го", "ще", "фи")


def say(msg):
    print(f"[bench knowledge] {msg}", flush=True)


def ms(seconds):
    return f"{seconds * 1000:.1f} ms"


def timed(func, runs=RUNS):
    times = []
    result = None
    for _ in range(runs):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def install(server, db, data_dir):
    cmd = [
        sys.executable, str(ODOO_SRC / "odoo-bin"), f"--addons-path={ODOO_SRC / 'addons'},{ROOT}",
        f"--data-dir={data_dir}", "-d", db, *server.odoo_args(), "-i", "crm_knowledge",
        "--without-demo=all", "--stop-after-init", "--log-level=warn", "--max-cron-threads=0",
    ]
    subprocess.run(cmd, check=True, cwd=ROOT)


def fill(cr, count):
    """``count`` published articles: titles with one word of a Russian domain vocabulary and two filler
    words, 40-word bodies with one domain word in ten, the others filler words (a real knowledge base has a
    wide vocabulary: here each domain word is in about 1% of the titles and 4% of the texts)."""
    from odoo.tools import SQL  # noqa: PLC0415 - Odoo is importable only once ODOO_SRC is on the path

    cr.execute(SQL("DROP INDEX IF EXISTS crm_knowledge_article_search_vector_idx"))
    cr.execute(SQL("DROP INDEX IF EXISTS crm_knowledge_article_name_trgm_idx"))
    cr.execute(SQL("DROP INDEX IF EXISTS crm_knowledge_article_title_vector_idx"))
    cr.execute(SQL("""
        INSERT INTO crm_knowledge_article (name, body, kind, audience, state, active, sequence, company_id)
        SELECT initcap(w[1 + floor(random() * cardinality(w))::int]) || ' '
                   || s[1 + floor(random() * 24)::int] || s[1 + floor(random() * 24)::int] || ' '
                   || s[1 + floor(random() * 24)::int] || s[1 + floor(random() * 24)::int]
                   || s[1 + floor(random() * 24)::int] || ' №' || n,
               '<p>' || array_to_string(ARRAY(
                   SELECT CASE WHEN mod(g, 10) = 0 THEN w[1 + floor(random() * cardinality(w))::int]
                          ELSE s[1 + floor(random() * 24)::int] || s[1 + floor(random() * 24)::int]
                               || s[1 + floor(random() * 24)::int] END
                     FROM generate_series(1, 40) g WHERE g > n * 0
               ), ' ') || '.</p>',
               'faq', (ARRAY['internal', 'portal', 'public'])[1 + mod(n, 3)], 'published', TRUE, 10, 1
          FROM generate_series(1, %s) AS n, (SELECT %s::text[] AS w, %s::text[] AS s) AS vocabulary
    """, count, list(WORDS), list(SYLLABLES)))


def main():
    if not (ODOO_SRC / "odoo-bin").exists():
        say(f"no Odoo source at {ODOO_SRC}: set ODOO_SRC")
        return 1
    work = Path(tempfile.mkdtemp(prefix="crm-bench-knowledge-"))
    server = pg.start(work / "pgdata", cleanup_mode="delete")
    db = "crm_bench_knowledge"
    try:
        say("installing crm_knowledge in a fresh database")
        install(server, db, work / "data")

        sys.path.insert(0, str(ODOO_SRC))
        import odoo  # noqa: PLC0415
        from odoo.tools import SQL  # noqa: PLC0415

        odoo.tools.config.parse_config([
            f"--addons-path={ODOO_SRC / 'addons'},{ROOT}", f"--data-dir={work / 'data'}", "-d", db,
            *server.odoo_args(), "--log-level=warn",
        ])
        registry = odoo.modules.registry.Registry(db)
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            Article = env["crm.knowledge.article"]
            start = time.perf_counter()
            fill(cr, ARTICLES)
            say(f"inserted {ARTICLES} articles (search vectors by trigger) in {time.perf_counter() - start:.1f} s")
            start = time.perf_counter()
            Article.init()  # recreates the GIN indexes
            say(f"built the GIN indexes in {time.perf_counter() - start:.1f} s")
            cr.commit()
        with registry.cursor() as cr:
            cr._cnx.autocommit = True
            cr.execute(SQL("VACUUM ANALYZE crm_knowledge_article"))
            cr._cnx.autocommit = False

        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            Article = env["crm.knowledge.article"]
            rows = []
            for text in QUERIES:
                fts, found = timed(lambda text=text: Article._suggest(text, limit=10).ids)
                pattern = f"%{text}%"
                naive, naive_ids = timed(lambda pattern=pattern: [row[0] for row in env.execute_query(SQL(
                    "SELECT id FROM crm_knowledge_article WHERE state = 'published' "
                    "AND (name ILIKE %s OR body ILIKE %s)", pattern, pattern,
                ))], runs=3)
                rows.append((text, fts, len(found), naive, len(naive_ids)))
            say(f"{'query':<28} {'_suggest':>13} {'found':>6} {'naive ILIKE':>12} {'matches':>8} {'ratio':>6}")
            for text, fts, found, naive, matches in rows:
                say(f"{text:<28} {ms(fts):>13} {found:>6} {ms(naive):>12} {matches:>8} {naive / fts:>5.0f}x")
            say(f"median _suggest: {ms(statistics.median(r[1] for r in rows))}; "
                f"median naive ILIKE: {ms(statistics.median(r[3] for r in rows))}")

            tsquery = Article._tsquery_sql(["долгов"])
            cr.execute(SQL(
                "EXPLAIN (ANALYZE, BUFFERS) SELECT id FROM crm_knowledge_article "
                "WHERE title_vector @@ %s ORDER BY ts_rank_cd(search_vector, %s, 32) DESC LIMIT 10",
                tsquery, tsquery,
            ))
            say("plan of the ranked title query (first step of _suggest):")
            for (line,) in cr.fetchall():
                print("    " + line, flush=True)
            cr.execute(SQL(
                "EXPLAIN (ANALYZE, BUFFERS) SELECT id FROM crm_knowledge_article "
                "WHERE search_vector @@ %s LIMIT 1000",
                tsquery,
            ))
            say("plan of the text candidates (second step, when titles are not enough):")
            for (line,) in cr.fetchall():
                print("    " + line, flush=True)
            cr.execute(SQL("SELECT set_config('pg_trgm.word_similarity_threshold', '0.5', true)"))
            cr.execute(SQL(
                "EXPLAIN (ANALYZE, BUFFERS) SELECT id FROM crm_knowledge_article "
                "WHERE crm_knowledge_word_match(%s, name) ORDER BY word_similarity(%s, name) DESC LIMIT 10",
                "задолжность", "задолжность",
            ))
            say("plan of the typo fallback (trigram index):")
            for (line,) in cr.fetchall():
                print("    " + line, flush=True)
        return 0
    finally:
        odoo_module = sys.modules.get("odoo")
        if odoo_module is not None:
            odoo_module.modules.registry.Registry.delete_all()
            odoo_module.sql_db.close_all()
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
