"""Tests for Axon.Linkage: what a linkage records and how it wires boxes."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest

from Axon.Box import BoxNotFound
from Axon.Component import component
from Axon.Linkage import linkage
from Axon.Postoffice import postoffice


# ------------------------------------------------------------------ records
def test_defaults_link_outbox_to_inbox() -> None:
    a, b = component(), component()
    L = linkage(a, b)
    assert L.sourcePair() == (a, "outbox")
    assert L.sinkPair() == (b, "inbox")
    assert L.passthrough == 0
    assert not L.synchronous


def test_pairs_name_the_given_boxes() -> None:
    a, b = component(), component()
    L = linkage(a, b, "signal", "control")
    assert L.sourcePair() == (a, "signal")
    assert L.sinkPair() == (b, "control")


def test_passthrough_0_boxes_are_source_outbox_and_sink_inbox() -> None:
    a, b = component(), component()
    L = linkage(a, b, "signal", "control", passthrough=0)
    assert L.getSourcebox() is a.outboxes["signal"]
    assert L.getSinkbox() is b.inboxes["control"]


def test_passthrough_1_boxes_are_parent_inbox_and_child_inbox() -> None:
    parent, child = component(), component()
    L = linkage(parent, child, "control", "inbox", passthrough=1)
    assert L.getSourcebox() is parent.inboxes["control"]
    assert L.getSinkbox() is child.inboxes["inbox"]


def test_passthrough_2_boxes_are_child_outbox_and_parent_outbox() -> None:
    child, parent = component(), component()
    L = linkage(child, parent, "signal", "outbox", passthrough=2)
    assert L.getSourcebox() is child.outboxes["signal"]
    assert L.getSinkbox() is parent.outboxes["outbox"]


@pytest.mark.parametrize("bad", [3, -1, "1"])
def test_bad_passthrough_raises_value_error(bad: Any) -> None:
    a, b = component(), component()
    with pytest.raises(ValueError, match=re.escape(f"passthrough must be 0, 1 or 2, not {bad!r}")):
        linkage(a, b, passthrough=bad)


def test_passthrough_None_is_taken_as_an_ordinary_link_with_a_warning(
        caplog: pytest.LogCaptureFixture) -> None:
    a, b = component(), component()
    with caplog.at_level(logging.WARNING, logger="Axon.Linkage"):
        L = linkage(a, b, passthrough=None)  # type: ignore[arg-type]
    assert L.passthrough == 0
    assert "passthrough=None taken as 0" in caplog.text


def test_getSourcebox_of_missing_box_raises_BoxNotFound() -> None:
    a, b = component(), component()
    L = linkage(a, b, "inbox", "inbox")        # passthrough 0: "inbox" is no outbox
    with pytest.raises(BoxNotFound, match=re.escape(f"{a.name} has no outbox 'inbox'")):
        L.getSourcebox()


def test_str_names_both_ends_and_kind() -> None:
    a, b = component(), component()
    assert str(linkage(a, b)) == \
        f"Link( source:[{a.name},outbox] -> sink:[{b.name},inbox] )"
    assert "=>(in)" in str(linkage(a, b, "inbox", "inbox", passthrough=1))
    assert "=>(out)" in repr(linkage(a, b, "outbox", "outbox", passthrough=2))


# ------------------------------------------------------------------- wiring
def test_linkage_without_postoffice_is_only_a_record() -> None:
    a, b = component(), component()
    L = linkage(a, b)
    assert L.postoffice is None
    a.send("held")
    assert b.dataReady() == 0
    assert len(a.outboxes["outbox"]) == 1


def test_linkage_with_postoffice_is_live_and_registered() -> None:
    a, b = component(), component()
    po = postoffice("test")
    L = linkage(a, b, postoffice=po)
    assert L.postoffice is po
    assert po.islinkageregistered(L)
    a.send("through")
    assert b.recv() == "through"


@pytest.mark.parametrize("passthrough, source_is_inbox, sink_is_inbox",
                         [(0, False, True), (1, True, True), (2, False, False)])
def test_live_linkage_makes_source_box_lead_to_sink_box(
        passthrough: int, source_is_inbox: bool, sink_is_inbox: bool) -> None:
    a, b = component(), component()
    L = linkage(a, b, "inbox" if source_is_inbox else "outbox",
                "inbox" if sink_is_inbox else "outbox",
                postoffice=postoffice(), passthrough=passthrough)
    source, sink = L.getSourcebox(), L.getSinkbox()
    assert source.isInbox is source_is_inbox and sink.isInbox is sink_is_inbox
    assert source.sink is sink
    source.append("m")
    assert list(sink) == ["m"]


# --------------------------------------------------------------- synchrony
def test_setSynchronous_without_pipewidth_lifts_the_limit_as_in_1_14() -> None:
    a, b = component(), component()
    L = a.link((a, "outbox"), (b, "inbox"), synchronous=True)
    assert b.inboxes["inbox"].getSize() == 1
    assert L.setSynchronous() is None
    assert not L.synchronous
    assert b.inboxes["inbox"].getSize() is None


def test_setSynchronous_with_pipewidth_limits_sink_to_it() -> None:
    a, b = component(), component()
    L = a.link((a, "outbox"), (b, "inbox"))
    assert L.setSynchronous(3) == 3
    assert b.inboxes["inbox"].getSize() == 3
    assert L.pipewidth == 3 and L.synchronous
    a.send(1), a.send(2), a.send(3)
    assert a.outboxes["outbox"].isFull()


def test_setSynchronous_before_linking_applies_when_linked() -> None:
    a, b = component(), component()
    L = linkage(a, b)
    L.setSynchronous(2)
    assert b.inboxes["inbox"].getSize() is None
    postoffice().registerlinkage(L)
    assert b.inboxes["inbox"].getSize() == 2


def test_pipewidth_argument_makes_linkage_synchronous() -> None:
    a, b = component(), component()
    L = a.link((a, "outbox"), (b, "inbox"), pipewidth=2)
    assert L.synchronous
    assert b.inboxes["inbox"].getSize() == 2


def test_synchronous_argument_limits_sink_to_one() -> None:
    a, b = component(), component()
    a.link((a, "outbox"), (b, "inbox"), synchronous=True)
    assert b.inboxes["inbox"].getSize() == 1


# ------------------------------------------------------------ show transit
def test_setShowTransit_logs_arrivals_in_sink(caplog: pytest.LogCaptureFixture) -> None:
    a, b = component(), component()
    L = a.link((a, "outbox"), (b, "inbox"))
    L.setShowTransit(tag="WATCH")
    with caplog.at_level(logging.INFO, logger="Axon.Linkage"):
        a.send("seen")
        L.setShowTransit(False)
        a.send("unseen")
    messages = [r.getMessage() for r in caplog.records if r.name == "Axon.Linkage"]
    assert messages == [f"WATCH: 'seen' arrives in inbox 'inbox' of {b.name}"]
    assert list(b.Inbox()) == ["seen", "unseen"]


def test_setShowTransit_before_linking_uses_linkage_description(
        caplog: pytest.LogCaptureFixture) -> None:
    a, b = component(), component()
    L = linkage(a, b)
    L.setShowTransit()
    postoffice().registerlinkage(L)
    with caplog.at_level(logging.INFO, logger="Axon.Linkage"):
        a.send("seen")
    assert f"{L}: 'seen' arrives" in caplog.text


# ------------------------------------------------------------- 1.14 shape
def test_parameters_are_in_1_14s_order() -> None:
    parent, child = component(), component()
    L = linkage(parent, child, "inbox", "inbox", 1, 4, None)
    assert (L.passthrough, L.pipewidth) == (1, 4)
    po = postoffice()
    po.registerlinkage(L)
    assert child.inboxes["inbox"].getSize() == 4


def test_component_link_passes_positional_passthrough_as_1_14_did() -> None:
    parent, child = component(), component()
    L = parent.link((parent, "inbox"), (child, "inbox"), 1)
    assert L.passthrough == 1
    parent.inboxes["inbox"].append("through")
    assert child.recv("inbox") == "through"


def test_linkage_is_an_AxonObject() -> None:
    from Axon.Base import AxonObject
    assert isinstance(linkage(component(), component()), AxonObject)


def test_short_str_uses_short_component_names() -> None:
    a, b = component(), component()
    L = linkage(a, b, "signal", "control")
    short = lambda c: c.name[c.name.rfind(".") + 1:]  # noqa: E731
    assert L.short_str() == f"({short(a)},signal):({short(b)},control)"


def test_setShowTransit_prints_1_14s_delivery_line(capsys: pytest.CaptureFixture[str]) -> None:
    a, b = component(), component()
    L = a.link((a, "outbox"), (b, "inbox"))
    L.setShowTransit(True, "T")
    a.send("x")
    assert capsys.readouterr().out == "Delivery via [ T ] of  'x'\n"


def test_ShowAllTransits_tags_new_linkages_with_their_short_str(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import Axon.Box
    a, b = component(), component()
    monkeypatch.setattr(Axon.Box, "ShowAllTransits", True)
    L = a.link((a, "outbox"), (b, "inbox"))
    monkeypatch.setattr(Axon.Box, "ShowAllTransits", False)
    a.send(7)
    assert capsys.readouterr().out == f"Delivery via [ {L.short_str()} ] of  7\n"
