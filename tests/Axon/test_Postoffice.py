"""Tests for Axon.Postoffice: making linkages live, recording and undoing them."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from Axon.AxonExceptions import BoxAlreadyLinkedToDestination
from Axon.Box import BoxNotFound
from Axon.Component import component
from Axon.Linkage import linkage
from Axon.Postoffice import postoffice


def test_new_postoffice_has_no_linkages() -> None:
    po = postoffice("empty")
    assert po.linkages == []
    assert po.debugname == "empty"


def test_link_makes_live_registered_linkage() -> None:
    a, b = component(), component()
    po = postoffice()
    L = po.link((a, "outbox"), (b, "inbox"))
    assert isinstance(L, linkage)
    assert po.islinkageregistered(L)
    assert L.postoffice is po
    a.send("x")
    assert b.recv() == "x"


def test_link_passes_extra_arguments_to_the_linkage() -> None:
    parent, child = component(), component()
    po = postoffice()
    L = po.link((parent, "inbox"), (child, "inbox"), passthrough=1, pipewidth=4)
    assert L.passthrough == 1
    assert child.inboxes["inbox"].getSize() == 4
    parent.inboxes["inbox"].append("in")
    assert child.recv() == "in"


@pytest.mark.parametrize("source, sink", [
    ("outbox", ("B", "inbox")),
    (("A", "outbox", "extra"), ("B", "inbox")),
    (("A", "outbox"), None),
])
def test_link_rejects_things_that_are_not_component_box_pairs(source: Any, sink: Any) -> None:
    with pytest.raises(TypeError, match=r"link\(\) takes \(component, boxname\) pairs"):
        postoffice().link(source, sink)


def test_failed_link_is_not_recorded() -> None:
    a, b, c = component(), component(), component()
    po = postoffice()
    po.link((a, "outbox"), (b, "inbox"))
    with pytest.raises(BoxAlreadyLinkedToDestination):
        po.link((a, "outbox"), (c, "inbox"))
    with pytest.raises(BoxNotFound):
        po.link((a, "signal"), (c, "nowhere"))
    assert len(po.linkages) == 1
    assert a.outboxes["signal"].target is None


def test_link_with_bad_pipewidth_is_refused_and_leaves_boxes_unlinked() -> None:
    a, b = component(), component()
    po = postoffice()
    with pytest.raises(ValueError, match="-1"):
        po.link((a, "outbox"), (b, "inbox"), pipewidth=-1)
    assert po.linkages == []
    # Nothing recorded it, so nothing could ever undo it: it must not be live.
    assert a.outboxes["outbox"].target is None
    a.send("held")
    assert b.dataReady() == 0


def test_registerlinkage_makes_an_existing_linkage_live() -> None:
    a, b = component(), component()
    po = postoffice()
    L = linkage(a, b)
    assert po.registerlinkage(L) is L
    assert po.islinkageregistered(L)
    a.send("x")
    assert b.recv() == "x"


def test_unlink_thelinkage_undoes_just_that_one() -> None:
    a, b = component(), component()
    po = postoffice()
    L1 = po.link((a, "outbox"), (b, "inbox"))
    L2 = po.link((a, "signal"), (b, "control"))
    po.unlink(thelinkage=L1)
    assert not po.islinkageregistered(L1)
    assert L1.postoffice is None
    assert po.islinkageregistered(L2)
    a.send("held")
    a.send("through", "signal")
    assert b.dataReady("inbox") == 0
    assert len(a.outboxes["outbox"]) == 1
    assert b.recv("control") == "through"


def test_unlink_thecomponent_undoes_every_linkage_involving_it() -> None:
    a, b, c = component(), component(), component()
    po = postoffice()
    a_to_b = po.link((a, "outbox"), (b, "inbox"))
    b_to_c = po.link((b, "outbox"), (c, "inbox"))
    a_to_c = po.link((a, "signal"), (c, "control"))
    po.unlink(thecomponent=b)
    assert not po.islinkageregistered(a_to_b)
    assert not po.islinkageregistered(b_to_c)
    assert po.islinkageregistered(a_to_c)
    assert a.outboxes["outbox"].target is None
    assert b.outboxes["outbox"].target is None


def test_unlink_of_linkage_it_did_not_make_does_nothing() -> None:
    a, b = component(), component()
    maker, stranger = postoffice("maker"), postoffice("stranger")
    L = maker.link((a, "outbox"), (b, "inbox"))
    stranger.unlink(thelinkage=L)
    stranger.unlink(thecomponent=a)
    assert maker.islinkageregistered(L)
    assert not stranger.islinkageregistered(L)
    a.send("still linked")
    assert b.recv() == "still linked"


def test_unlink_twice_is_harmless() -> None:
    a, b = component(), component()
    po = postoffice()
    L = po.link((a, "outbox"), (b, "inbox"))
    po.unlink(thelinkage=L)
    po.unlink(thelinkage=L)
    po.unlink()
    assert po.linkages == []


def test_unlinkAll_undoes_every_linkage() -> None:
    a, b, c = component(), component(), component()
    po = postoffice()
    links = [po.link((a, "outbox"), (b, "inbox")),
             po.link((b, "outbox"), (c, "inbox")),
             po.link((c, "signal"), (a, "control"))]
    po.unlinkAll()
    assert po.linkages == []
    assert not any(po.islinkageregistered(L) for L in links)
    assert all(L.getSourcebox().target is None for L in links)


def test_relinking_after_unlink_works() -> None:
    a, b = component(), component()
    po = postoffice()
    po.unlink(thelinkage=po.link((a, "outbox"), (b, "inbox")))
    L = po.link((a, "outbox"), (b, "inbox"))
    a.send("again")
    assert po.islinkageregistered(L)
    assert b.recv() == "again"


def test_islinkageregistered_is_by_identity() -> None:
    a, b = component(), component()
    po = postoffice()
    po.link((a, "outbox"), (b, "inbox"))
    lookalike = linkage(a, b)
    assert not po.islinkageregistered(lookalike)


def test_str_shows_debugname_and_linkages() -> None:
    a, b = component(), component()
    po = postoffice("office")
    L = po.link((a, "outbox"), (b, "inbox"))
    text = str(po)
    assert "POSTOFFICE: office" in text
    assert str(L) in text


def test_each_component_records_its_own_linkages_in_its_postoffice() -> None:
    a, b = component(), component()
    L = a.link((a, "outbox"), (b, "inbox"))
    assert a.postoffice.islinkageregistered(L)
    b.unlink(thelinkage=L)               # b did not make it
    a.send("x")
    assert b.recv() == "x"
    a.unlink(thelinkage=L)
    assert not a.postoffice.islinkageregistered(L)


def test_undoing_one_components_linkages_leaves_the_others_and_their_order() -> None:
    hub = component()
    spokes = [component() for _ in range(2000)]
    po = postoffice("hub")
    made = [po.link((spoke, "outbox"), (hub, "inbox")) for spoke in spokes]
    po.unlink(thecomponent=spokes[7])
    assert not po.islinkageregistered(made[7])
    assert po.linkages == made[:7] + made[8:]
    assert po.linkagesOf(spokes[8]) == [made[8]]
    assert po.linkagesOf(spokes[7]) == []
    assert len(po.linkagesOf(hub)) == 1999
    po.unlinkAll()
    assert po.linkages == [] and po.linkagesOf(hub) == []


def test_deregisterlinkage_warns_and_unlinks(caplog: pytest.LogCaptureFixture) -> None:
    a, b = component(), component()
    po = postoffice("old")
    L = po.link((a, "outbox"), (b, "inbox"))
    with caplog.at_level(logging.WARNING, logger="Axon.Postoffice"):
        po.deregisterlinkage(thelinkage=L)
    assert not po.islinkageregistered(L)
    assert "deregisterlinkage() is deprecated" in caplog.text
