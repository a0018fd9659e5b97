"""ERVisualiser / ERVisualiserServer: 1.14-style ER commands drawn, in a Pipeline and over TCP.

The UI tests run on Xvfb and on SDL's dummy driver (the ``screen``
fixture). Screenshots go to ``KAMAELIA_TEST_ARTIFACTS`` (else tmp_path).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Internet.TCPClient import TCPClient
from Kamaelia.UI.Pygame._pygame import pygame
from Kamaelia.Util.DataSource import DataSource
from Kamaelia.Visualisation.ER.ERLaws import AxonLaws
from Kamaelia.Visualisation.ER.ERVisualiserServer import (ERVisualiser, ERVisualiserServer,
                                                          particleTypes, text_to_token_lists)
from Kamaelia.Visualisation.ER.ExtraWindowFurniture import ExtraWindowFurniture
from Kamaelia.Visualisation.ER.PAttribute import PAttribute
from Kamaelia.Visualisation.ER.PEntity import PEntity
from Kamaelia.Visualisation.ER.PISA import PISA
from Kamaelia.Visualisation.ER.PRelation import PRelation
from Kamaelia.Visualisation.PhysicsGraph.TopologyViewer import TopologyViewer

#: Part of the model in 1.14's Kamaelia.Experimental.ERParsing documentation,
#: and a subtype as its ERModel2Visualiser writes one.
MODEL = b"""\
ADD NODE Artist Artist auto entity
ADD NODE artisticname artisticname auto attribute
ADD NODE genre genre auto attribute
ADD NODE Manager Manager auto entity
ADD NODE telephone telephone auto attribute
ADD NODE ManagedBy ManagedBy auto relation
ADD NODE Soloist Soloist auto entity
ADD NODE ISA1 isa auto isa
ADD LINK Artist artisticname
ADD LINK Artist genre
ADD LINK Manager telephone
ADD LINK Artist ManagedBy
ADD LINK Manager ManagedBy
ADD LINK ISA1 Artist
ADD LINK Soloist ISA1
"""
ENTITIES = ("Artist", "Manager", "Soloist")
#: The same model placed by hand ("x,y" positions), to be drawn without physics.
PLACED = b"""\
ADD NODE Artist Artist 200,300 entity
ADD NODE genre genre 200,380 attribute
ADD NODE Manager Manager 560,300 entity
ADD NODE ManagedBy ManagedBy 380,300 relation
ADD NODE Soloist Soloist 200,100 entity
ADD NODE ISA1 isa 200,200 isa
ADD LINK Artist genre
ADD LINK Artist ManagedBy
ADD LINK Manager ManagedBy
ADD LINK ISA1 Artist
ADD LINK Soloist ISA1
"""
WHITE, BLACK, GREY = (255, 255, 255), (0, 0, 0), (192, 192, 192)


def artifacts(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("KAMAELIA_TEST_ARTIFACTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def nodes(viewer: TopologyViewer) -> dict[Any, Any]:
    return viewer.physics.particleDict


def loaded(screen: Any, viewer: TopologyViewer) -> dict[Any, Any]:
    """Run until the model's last link is in the viewer and on the window."""
    screen.until(lambda: "Soloist" in nodes(viewer) and nodes(viewer)["Soloist"].bondedTo,
                 "the model")
    screen.until(lambda: not viewer.changed, "the model to be drawn")
    screen.settle()
    return nodes(viewer)


def test_ERVisualiser_is_a_gridless_topology_viewer_set_up_for_er_diagrams() -> None:
    viewer = ERVisualiser(caption="model", laws="ignored")
    assert isinstance(viewer, TopologyViewer) and viewer.caption == "model"
    assert viewer.particleTypes == {"entity": PEntity, "relation": PRelation.Relation,
                                    "isa": PISA.Isa, "attribute": PAttribute.Attribute} \
        == particleTypes
    assert isinstance(viewer.laws, AxonLaws) and viewer.simCyclesPerRedraw == 3
    assert [type(thing) for thing in viewer.graphicalFurniture] == [ExtraWindowFurniture]
    assert len(ERVisualiser(showGrid=True).graphicalFurniture) == 2


def test_an_er_model_is_read_into_its_particles(screen: Any, tmp_path: Path) -> None:
    viewer = ERVisualiser(screensize=(800, 600))
    Pipeline(DataSource([MODEL]), text_to_token_lists(), viewer).activate()
    model = loaded(screen, viewer)
    assert all(type(model[name]) is PEntity for name in ENTITIES)
    assert [type(model[n]) for n in ("genre", "ManagedBy", "ISA1")] == [PAttribute, PRelation,
                                                                        PISA]
    assert model["genre"].name == "genre" and model["ISA1"].name == "isa"
    assert set(model["Artist"].bondedTo) == {model["artisticname"], model["genre"],
                                             model["ManagedBy"]}
    assert model["ISA1"].bondedTo == [model["Artist"]]
    viewer.physics.run(300)                 # what the physics makes of it, for the eye
    viewer._deliver(["FREEZE", "ALL"], "inbox")
    screen.until(lambda: all(p.static for p in viewer.physics.particles) and
                 not viewer.moving and not viewer.changed, "the layout to freeze")
    screen.settle()
    pygame.image.save(screen.window(), str(artifacts(tmp_path) / "er-visualiser.png"))


def test_each_kind_of_node_is_drawn_where_it_is(screen: Any, tmp_path: Path) -> None:
    # No physics steps: the nodes stay where the commands put them.
    viewer = ERVisualiser(screensize=(800, 600), simCyclesPerRedraw=0)
    Pipeline(DataSource([PLACED]), text_to_token_lists(), viewer).activate()
    model = loaded(screen, viewer)
    pygame.image.save(screen.window(), str(artifacts(tmp_path) / "er-visualiser-placed.png"))
    pixel = screen.pixel
    for name, (x, y) in [("Artist", (200, 300)), ("Manager", (560, 300)),
                         ("Soloist", (200, 100))]:
        assert pixel((x - 30, y + 16)) == pixel((x + 30, y - 16)) == model[name].colour
        assert pixel((x - 41, y - 10)) == model[name].bordercolour     # the rectangle's side
    ellipse = int(model["genre"].label[2].get_width() * 1.4)
    assert pixel((200 - ellipse // 2 + 3, 380)) == WHITE               # the attribute
    assert BLACK in {pixel((x, 380)) for x in range(200 - ellipse // 2 - 1,
                                                    200 - ellipse // 2 + 2)}
    assert pixel((380, 300 - 16)) == pixel((380, 300 + 16)) == GREY   # the diamond's corners
    assert pixel((200 - int(model["ISA1"].radius) + 1, 200)) == GREY   # the "is a" circle
    assert pixel((290, 300)) == GREY                 # Artist -> ManagedBy, a grey line
    assert pixel((200, 225)) == GREY                 # ISA1 -> Artist, a grey line ...
    assert pixel((197, 247)) == GREY                 # ... with an arrowhead half way (y=250)
    assert GREY in (pixel((197, 163)), pixel((197, 164)))   # Soloist -> ISA1: arrow 2/3 along


def test_the_server_draws_a_model_sent_over_tcp(screen: Any) -> None:
    server = ERVisualiserServer(serverPort=0, serverHost="127.0.0.1", screensize=(640, 480))
    server.activate()
    viewer = server.components[2]
    Pipeline(DataSource([MODEL]), TCPClient("127.0.0.1", server.server.port)).activate()
    screen.until(lambda: "Soloist" in nodes(viewer) and nodes(viewer)["Soloist"].bondedTo,
                 "the model")
    assert type(nodes(viewer)["telephone"]) is PAttribute
