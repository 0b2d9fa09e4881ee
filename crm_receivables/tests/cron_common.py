"""Running a batch cron the way Odoo's cron worker does (``ir.cron._run_job``), in a test transaction."""


class CronBatchCase:
    """Mixin for ``TransactionCase`` classes: run a cron batch after batch until it reports nothing left."""

    def _run_cron_until_done(self, xmlid, max_batches=100):
        """Call the cron's server action with a fresh ``ir.cron.progress`` each time, as ``ir.cron._run_job``
        does, until the cron notifies ``remaining=0``.

        :param str xmlid: the cron's external id
        :param int max_batches: give up (test failure) after this many calls
        :return: list of ``(done, remaining)`` notified by each call
        """
        cron = self.env.ref(xmlid)
        batches = []
        for _call in range(max_batches):
            cron_with_progress, progress = cron.with_user(cron.user_id)._add_progress()
            cron_with_progress.ir_actions_server_id.run()
            batches.append((progress.done, progress.remaining))
            self.assertGreater(progress.done, 0, f"call {len(batches)} of {xmlid} made no progress: {batches}")
            if not progress.remaining:
                return batches
        self.fail(f"{xmlid} did not finish in {max_batches} calls: {batches[-3:]}")

    def assertBatchesProgress(self, batches, total):
        """Each call did work, the remaining count went down each time, and everything was done once."""
        self.assertEqual(sum(done for done, _remaining in batches), total, batches)
        remainings = [remaining for _done, remaining in batches]
        self.assertEqual(remainings, sorted(remainings, reverse=True), "remaining never grows")
        self.assertEqual(len(set(remainings)), len(remainings), "remaining shrinks at each call")
        self.assertEqual(remainings[-1], 0)
