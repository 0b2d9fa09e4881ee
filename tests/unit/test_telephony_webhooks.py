"""Mango Office and Zadarma webhooks: signatures as each provider documents them, parsing, merging in any order."""

import base64
import hashlib
import hmac
import itertools
import json
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from crm_receivables.tools import mango, telephony, zadarma

DATA = Path(__file__).resolve().parents[2] / "crm_receivables" / "tests" / "data" / "telephony"
SECRET = "c5b2a2f1f0e14e0d"  # noqa: S105 - test fixture


def _load(name):
    return json.loads((DATA / name).read_text(encoding="utf-8"))["events"]


# ---------------------------------------------------------------- Mango Office

def test_mango_sign_is_sha256_of_key_json_salt():
    expected = hashlib.sha256(b'key1{"a":1}salt1').hexdigest()
    assert mango.sign("key1", '{"a":1}', "salt1") == expected
    assert len(expected) == 64


def test_mango_verify_right_and_wrong():
    form = mango.command("key1", "salt1", {"entry_id": "E1"})
    assert mango.verify(form, "key1", "salt1")
    assert not mango.verify(form, "key1", "salt2"), "wrong salt"
    assert not mango.verify(form, "key2", "salt1"), "another company's key"
    assert not mango.verify({**form, "json": form["json"] + " "}, "key1", "salt1"), "json changed after signing"
    assert not mango.verify({**form, "sign": None}, "key1", "salt1")
    assert not mango.verify(form, "", ""), "no credentials: never valid"
    assert mango.verify({**form, "sign": form["sign"].upper()}, "key1", "salt1"), "hex case does not matter"


def _mango_events(name):
    return [mango.parse(item["path"].split("/", 1)[1].replace("/", "_"), json.dumps(item["json"]))
            for item in _load(name)]


def test_mango_incoming_sequence_parsed():
    events = _mango_events("mango_incoming.json")
    kinds = [event["kind"] for event in events]
    assert kinds == ["ringing", "ringing", "answered", "ended", "summary", "recording"]
    assert {event["call_ref"] for event in events} == {"MjY2NjQ1NzU1NTo0MDE="}
    assert events[0]["extension"] is None, "the voice menu leg rings no one"
    assert events[1]["extension"] == "101"
    assert events[1]["number"] == "79161234567" and events[1]["direction"] == "incoming"
    assert events[1]["at"] == datetime(2026, 3, 2, 6, 30, 4)
    assert events[4]["duration"] == 120 and events[4]["answered"] is True
    assert events[5]["recording_ref"] == "MToxMDE0NTY0NDo0MDE6NjY3OTkxODI1OjE="
    assert len({event["event_key"] for event in events}) == len(events), "each event has its own key"


def test_mango_connected_in_voice_menu_is_not_an_answer():
    data = {"entry_id": "E", "call_id": "C", "seq": 2, "timestamp": 1, "call_state": "Connected",
            "location": "ivr", "from": {"number": "79161234567"}, "to": {"number": "74951112233"}}
    assert mango.parse("call", json.dumps(data)) is None


def test_mango_outgoing_and_internal_calls():
    outgoing = {"entry_id": "E", "call_id": "C", "seq": 1, "timestamp": 1, "call_state": "Appeared",
                "location": "abonent", "from": {"extension": "101"}, "to": {"number": "79161234567"}}
    event = mango.parse("call", json.dumps(outgoing))
    assert (event["direction"], event["number"], event["extension"]) == ("outgoing", "79161234567", "101")
    internal = dict(outgoing, to={"extension": "102"})
    assert mango.parse("call", json.dumps(internal)) is None, "calls between employees are no customer's"


@pytest.mark.parametrize("kind,payload,field", [
    ("call", "{not json", "json"),
    ("call", "[1]", "json"),
    ("call", json.dumps({"call_state": "Appeared"}), "entry_id"),
    ("call", json.dumps({"entry_id": "E", "call_state": "Exploded"}), "call_state"),
    ("call", json.dumps({"entry_id": "E", "call_state": "Appeared", "from": "x"}), "from"),
    ("summary", json.dumps({"entry_id": "E", "call_direction": "in"}), "call_direction"),
    ("recording", json.dumps({"entry_id": "E"}), "recording_id"),
    ("hangup", json.dumps({"entry_id": "E"}), "event"),
])
def test_mango_malformed(kind, payload, field):
    with pytest.raises(telephony.EventError) as error:
        mango.parse(kind, payload)
    assert error.value.field == field


def test_mango_callback_command_signed():
    url, form = mango.callback_request("http://127.0.0.1:1/vpbx/", "key1", "salt1", "101", "79161234567",
                                       command_id="cmd-1")
    assert url == "http://127.0.0.1:1/vpbx/commands/callback"
    assert json.loads(form["json"]) == {"command_id": "cmd-1", "from": {"extension": "101"},
                                        "to_number": "79161234567"}
    assert mango.verify(form, "key1", "salt1")
    assert mango.parse_command_result({"result": 1000}) is True
    assert mango.parse_command_result({"result": 3102}) == 3102


# ---------------------------------------------------------------- Zadarma

def _php_signature(secret, data):
    """Zadarma's PHP: base64_encode(hash_hmac('sha1', $data, $secret)) — hash_hmac gives hex."""
    return base64.b64encode(hmac.new(secret.encode(), data.encode(), hashlib.sha1).hexdigest().encode()).decode()


@pytest.mark.parametrize("form,signed", [
    ({"event": "NOTIFY_START", "caller_id": "7916", "called_did": "7495", "call_start": "2026-03-02 09:30:00"},
     "791674952026-03-02 09:30:00"),
    ({"event": "NOTIFY_END", "caller_id": "7916", "called_did": "7495", "call_start": "X", "internal": "101"},
     "79167495X"),
    ({"event": "NOTIFY_ANSWER", "caller_id": "7916", "destination": "101", "call_start": "X"}, "7916101X"),
    ({"event": "NOTIFY_OUT_START", "internal": "101", "destination": "7916", "call_start": "X"}, "1017916X"),
    ({"event": "NOTIFY_OUT_END", "internal": "101", "destination": "7916", "call_start": "X", "caller_id": "1"},
     "1017916X"),
    ({"event": "NOTIFY_RECORD", "pbx_call_id": "in_1", "call_id_with_rec": "77.1"}, "in_177.1"),
])
def test_zadarma_signed_fields_as_documented(form, signed):
    assert zadarma.signature_string(form) == signed
    signature = _php_signature(SECRET, signed)
    assert zadarma.sign(SECRET, form) == signature
    assert zadarma.verify(form, signature, SECRET)
    assert not zadarma.verify(form, signature, "another-secret")
    assert not zadarma.verify(form, _php_signature(SECRET, signed + "1"), SECRET)


def test_zadarma_verify_refuses_missing_parts():
    form = {"event": "NOTIFY_START", "caller_id": "7916", "called_did": "7495", "call_start": "X"}
    signature = zadarma.sign(SECRET, form)
    assert not zadarma.verify(form, None, SECRET)
    assert not zadarma.verify(form, signature, "")
    assert not zadarma.verify({**form, "event": "NOTIFY_UNKNOWN"}, signature, SECRET)


def test_zadarma_incoming_sequence_parsed():
    events = [zadarma.parse(form, "Europe/Moscow") for form in _load("zadarma_incoming.json")]
    assert [event["kind"] for event in events] == ["ringing", "ringing", "answered", "ended", "recording"]
    assert events[0]["started_at"] == datetime(2026, 3, 2, 6, 30), "Moscow time to UTC"
    assert events[1]["extension"] == "101" and events[0]["extension"] is None
    assert events[3]["duration"] == 95 and events[3]["answered"] is True
    assert events[3]["recording_ref"] == events[4]["recording_ref"] == "1772433000.123456"
    assert {event["call_ref"] for event in events} == {"in_7e1b2c3d4f5a"}


def test_zadarma_outgoing_parsed():
    start, end = (zadarma.parse(form) for form in _load("zadarma_outgoing.json"))
    assert (start["direction"], start["number"], start["extension"]) == ("outgoing", "89161234567", "101")
    assert end["duration"] == 240 and end["answered"] is True


@pytest.mark.parametrize("form,field", [
    ({"event": "NOTIFY_NOTHING", "pbx_call_id": "x"}, "event"),
    ({"event": "NOTIFY_START", "caller_id": "7916", "call_start": "2026-03-02 09:30:00"}, "pbx_call_id"),
    ({"event": "NOTIFY_START", "pbx_call_id": "x", "call_start": "2026-03-02 09:30:00"}, "caller_id"),
    ({"event": "NOTIFY_START", "pbx_call_id": "x", "caller_id": "1", "call_start": "02.03.2026"}, "call_start"),
    ({"event": "NOTIFY_END", "pbx_call_id": "x", "caller_id": "1", "call_start": "", "duration": "-5"}, "duration"),
    ({"event": "NOTIFY_RECORD", "pbx_call_id": "x"}, "call_id_with_rec"),
])
def test_zadarma_malformed(form, field):
    with pytest.raises(telephony.EventError) as error:
        zadarma.parse(form)
    assert error.value.field == field


def test_zadarma_api_request_signature():
    url, headers = zadarma.callback_request("http://127.0.0.1:1", "key1", SECRET, "101", "79161234567")
    parts = urlsplit(url)
    assert parts.path == "/v1/request/callback/"
    assert dict(parse_qsl(parts.query)) == {"from": "101", "to": "79161234567"}
    query = "from=101&to=79161234567"
    assert parts.query == query, "parameters sorted by name"
    data = "/v1/request/callback/" + query + hashlib.md5(query.encode()).hexdigest()  # noqa: S324
    assert headers["Authorization"] == f"key1:{_php_signature(SECRET, data)}"
    assert zadarma.verify_api_signature(headers["Authorization"], "key1", SECRET, parts.path, parts.query)


# ---------------------------------------------------------------- merging in any order

def _fold(events):
    state = telephony.empty_state()
    for event in events:
        state = telephony.merge(state, event)
    return state


@pytest.mark.parametrize("name,parser", [
    ("zadarma_incoming.json", zadarma.parse),
    ("mango_incoming.json", lambda item: mango.parse(item["path"].split("/", 1)[1], json.dumps(item["json"]))),
])
def test_any_order_gives_the_same_call(name, parser):
    events = [parser(item) for item in _load(name)]
    results = set()
    for order in itertools.permutations(events):
        state = _fold(order)
        results.add((telephony.outcome(state), telephony.duration(state), state["direction"], state["extension"],
                     state["recording_ref"], state["number"]))
    assert len(results) == 1, results
    outcome, duration, direction, extension, recording, number = results.pop()
    assert (outcome, direction, extension, number) == ("answered", "incoming", "101", "79161234567")
    assert duration == (95 if name.startswith("zadarma") else 120)
    assert recording


def test_missed_call_in_any_order():
    events = [zadarma.parse(item) for item in _load("zadarma_missed.json")]
    for order in itertools.permutations(events):
        state = _fold(order)
        assert telephony.outcome(state) == "missed" and telephony.duration(state) == 0
    mango_events = [mango.parse(item["path"].split("/", 1)[1], json.dumps(item["json"]))
                    for item in _load("mango_missed.json")]
    for order in itertools.permutations(mango_events):
        assert telephony.outcome(_fold(order)) == "missed"


def test_not_finished_call_is_ringing_and_summary_wins():
    ringing = _fold([zadarma.parse(_load("zadarma_incoming.json")[0])])
    assert telephony.outcome(ringing) == "ringing" and telephony.duration(ringing) == 0
    summary = telephony.make_event("mango", "E", "summary", "summary", answered=False, duration=0)
    connected = telephony.make_event("mango", "E", "c", "answered", answered=True,
                                     at=datetime(2026, 1, 1, 10, 0), extension="101")
    assert telephony.outcome(_fold([connected, summary])) == "missed"
    assert telephony.outcome(_fold([summary, connected])) == "missed", "the provider's summary is authoritative"


def test_duration_from_answer_to_end_without_provider_figure():
    answered = telephony.make_event("mango", "E", "a", "answered", answered=True, at=datetime(2026, 1, 1, 10, 0))
    ended = telephony.make_event("mango", "E", "e", "ended", at=datetime(2026, 1, 1, 10, 2, 5))
    assert telephony.duration(_fold([ended, answered])) == 125


def test_make_event_refuses_unknown_values():
    with pytest.raises(ValueError):
        telephony.make_event("x", "1", "k", "exploded")
    with pytest.raises(ValueError):
        telephony.make_event("x", "1", "k", "ringing", colour="red")
