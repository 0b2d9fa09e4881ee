from datetime import timedelta
from unittest.mock import patch

from odoo.tests import tagged

from .test_followup import DUE, TestFollowupCommon


@tagged("post_install", "-at_install")
class TestFollowupChannelExtension(TestFollowupCommon):
    """A channel is added the documented way: ``_get_channel_selection`` plus a ``_send_<channel>`` method."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer_chat = cls._customer("ООО «Мессенджер»", channels="messenger, email",
                                          email="buh@chat.example.com")
        cls.Engine = type(cls.env["crm.followup.engine"])

    def _patch_selection(self):
        original = self.Engine._get_channel_selection

        def get_channel_selection(engine):
            return [*original(engine), ("messenger", "Messenger")]

        return patch.object(self.Engine, "_get_channel_selection", get_channel_selection)

    def test_added_channel_sends(self):
        sent = []

        def send_messenger(engine, messages):
            sent.extend((message.id, message.channel, message.contact_id) for message in messages)

        self._invoice(self.customer_chat)
        with self._patch_selection(), patch.object(self.Engine, "_send_messenger", send_messenger, create=True):
            self.assertEqual(self.env["crm.followup.engine"]._get_channels(),
                             ("email", "sms", "letter", "call", "messenger"))
            self._run(DUE + timedelta(days=3), partners=self.customer_chat)
            message = self._messages(self.customer_chat)
            self.assertEqual(len(message), 1)
            self.assertEqual(message.channel, "messenger", "the customer's first channel")
            self.assertEqual(message.state, "sent")
            self.assertEqual(sent, [(message.id, "messenger", self.customer_chat)], "sent through the new channel")
            self.assertFalse(message.mail_id, "no email on the way")
            self.assertEqual(message.interaction_id.channel, "messenger", "logged under its own channel")
            self.assertEqual(message.interaction_id.partner_id, self.customer_chat)

    def test_channel_without_send_method_is_not_used(self):
        self._invoice(self.customer_chat)
        with self._patch_selection():
            self.assertNotIn("messenger", self.env["crm.followup.engine"]._get_channels())
            self._run(DUE + timedelta(days=3), partners=self.customer_chat)
        message = self._messages(self.customer_chat)
        self.assertEqual(message.channel, "email", "the next preference that can send")
        self.assertTrue(message.mail_id)

    def test_built_in_channels_are_interaction_channels(self):
        engine = self.env["crm.followup.engine"]
        self.assertEqual(engine._get_channels(), ("email", "sms", "letter", "call"))
        labels = dict(self.env["crm.interaction"]._fields["channel"]._description_selection(self.env))
        self.assertEqual(engine._get_channel_selection(), [(key, labels[key]) for key in engine._get_channels()])
        self.assertEqual(self.env["res.partner"]._fields["crm_preferred_channel"].get_values(self.env),
                         list(engine._get_channels()))
