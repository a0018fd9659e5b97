"""ParticleSystem: the physics does what the laws say, the index and the bonds
stay consistent as particles come and go, and 1.14's viewers' usage runs."""

from __future__ import annotations

import doctest
import importlib
import random
from typing import Any

import pytest
from hypothesis import given, settings, strategies as st

from Kamaelia.Support.Particles import MultipleLaws, Particle, ParticleSystem, SimpleLaws


def atRest(sim: ParticleSystem) -> bool:
    return all(v == 0.0 for p in sim.particles for v in p.velocity)


def settle(sim: ParticleSystem, limit: int = 3000) -> int:
    """Run until every particle has been still for 3 cycles; the cycles it took."""
    still = 0
    for cycles in range(1, limit + 1):
        sim.run(1)
        still = still + 1 if atRest(sim) else 0
        if still == 3:
            return cycles
    raise AssertionError(f"still moving after {limit} cycles")


def distance(a: Particle, b: Particle) -> float:
    return float(a.distSquared(b.getLoc()) ** 0.5)


def bondRestBand(laws: SimpleLaws) -> float:
    """How far from its length a lone bond can be at rest: where its pull
    no longer beats the dampening cutoff."""
    return laws.dampcutoff / laws.bondForce


def lawOf(laws: Any, ptype: Any) -> Any:
    """The law that damps particles of this type."""
    return laws.laws[(ptype, ptype)] if isinstance(laws, MultipleLaws) else laws


def assertBalanced(sim: ParticleSystem) -> None:
    """At rest means what the laws say: on every particle, the net force of
    its bonds and of the particles within its reach, worked out here pair by
    pair, is too small to get past the dampening cutoff."""
    laws = sim.laws
    for p in sim.particles:
        net = [0.0] * len(p.pos)
        bonded = p.bondedTo + p.bondedFrom
        for q in sim.particles:
            ds = p.distSquared(q.getLoc())
            if q is p or ds == 0:
                continue
            dist = ds ** 0.5
            if q in bonded:
                force = laws.bonded(p.ptype, q.ptype, dist, ds)
            elif dist <= laws.particleMaxInteractRadius(p.ptype):
                force = laws.unbonded(p.ptype, q.ptype, dist, ds)
            else:
                continue
            for axis in range(len(net)):
                net[axis] += (q.pos[axis] - p.pos[axis]) * force / dist
        assert sum(map(abs, net)) < lawOf(laws, p.ptype).dampcutoff, (p.ID, net)


# ---------------------------------------------------------------- the physics

@pytest.mark.parametrize("start", [0.5, 10, 50, 150, 199])
def test_two_strangers_push_apart_until_the_push_fades_below_the_cutoff(start: float) -> None:
    laws = SimpleLaws(bondLength=100)
    sim = ParticleSystem(laws, [Particle((0.0, 0.0)), Particle((start, 0.0))])
    settle(sim)
    a, b = sim.particles
    assert distance(a, b) > 0.8 * laws.maxInteractRadius
    assertBalanced(sim)
    assert a.pos[0] + b.pos[0] == pytest.approx(start)   # about their midpoint
    assert a.pos[1] == b.pos[1] == 0.0


@pytest.mark.parametrize("length, start", [(100, 1), (100, 60), (100, 300), (100, 1000),
                                           (37, 5), (250, 900)])
def test_bonded_particles_settle_at_the_bond_length(length: float, start: float) -> None:
    laws = SimpleLaws(bondLength=length)
    a, b = Particle((0.0, 0.0), ID="a"), Particle((start * 0.6, start * 0.8), ID="b")
    sim = ParticleSystem(laws, [a, b])
    a.makeBond(sim.particleDict, "b")
    settle(sim)
    assert abs(distance(a, b) - length) <= bondRestBand(laws)
    assert bondRestBand(laws) <= 0.02 * length
    assertBalanced(sim)


def test_a_bonded_triangle_settles_equilateral() -> None:
    laws = SimpleLaws(bondLength=80)
    sim = ParticleSystem(laws, [Particle(p, ID=i) for i, p in enumerate([(0, 0), (5, 1), (2, 7)])])
    for i in range(3):
        sim.particleDict[i].makeBond(sim.particleDict, (i + 1) % 3)
    settle(sim)
    a, b, c = sim.particles
    for p, q in [(a, b), (b, c), (c, a)]:
        assert abs(distance(p, q) - 80) <= bondRestBand(laws)
    assertBalanced(sim)


@pytest.mark.parametrize("seed", [5, 6, 7])
def test_friction_brings_a_tangled_graph_to_a_dead_stop(seed: int) -> None:
    rnd = random.Random(seed)
    sim = ParticleSystem(SimpleLaws(), [Particle((rnd.uniform(0, 300), rnd.uniform(0, 300)), ID=i)
                                        for i in range(40)])
    for i in range(1, 40):
        sim.particleDict[i].makeBond(sim.particleDict, rnd.randrange(i))
    for _ in range(10):
        a, b = rnd.sample(range(40), 2)
        sim.particleDict[a].makeBond(sim.particleDict, b)
    settle(sim, limit=1500)
    assertBalanced(sim)
    where = [list(p.pos) for p in sim.particles]
    sim.run(10)
    assert [list(p.pos) for p in sim.particles] == where


def test_no_particle_ever_moves_faster_than_max_velocity() -> None:
    laws = SimpleLaws(maxVelocity=5)
    rnd = random.Random(3)
    # crowded: every pair pushes as hard as the law allows
    sim = ParticleSystem(laws, [Particle((rnd.uniform(0, 2), rnd.uniform(0, 2))) for _ in range(30)])
    for _ in range(50):
        before = [list(p.pos) for p in sim.particles]
        sim.run(1)
        for p, old in zip(sim.particles, before):
            assert sum(map(abs, p.velocity)) <= 5 * (1 + 1e-12)
            assert sum(abs(n - o) for n, o in zip(p.pos, old)) <= 5 * (1 + 1e-12)
    assert any(any(p.velocity) for p in sim.particles)


def test_the_layout_works_in_three_dimensions_as_1_14s_3d_viewer_uses_it() -> None:
    laws = SimpleLaws(bondLength=2)
    sim = ParticleSystem(laws, [], 0)
    sim.add(Particle(position=(-1, 0, -10), ID="1"), Particle(position=(1, 0.5, -10), ID="2"),
            Particle(position=(0, -1, -9), ID="3"))
    sim.particleDict["1"].makeBond(sim.particleDict, "2")
    sim.particleDict["1"].makeBond(sim.particleDict, "3")
    settle(sim)
    assertBalanced(sim)
    one, two, three = sim.particles
    for other in (two, three):
        assert abs(distance(one, other) - 2) <= bondRestBand(laws)
    assert distance(two, three) > 2


# ------------------------------------------------------------- the bookkeeping

def test_run_counts_ticks() -> None:
    sim = ParticleSystem(SimpleLaws(), [Particle((0, 0))], initialTick=10)
    sim.run()
    sim.run(cycles=4)
    sim.run(0)
    assert sim.tick == 15 and sim.particles[0].tick == 15


def test_the_index_is_current_after_every_cycle_of_a_long_run() -> None:
    def make() -> ParticleSystem:
        rnd = random.Random(11)
        sim = ParticleSystem(SimpleLaws(bondLength=30),
                             [Particle((rnd.uniform(0, 50), rnd.uniform(0, 50)), ID=i)
                              for i in range(25)])
        for i in range(1, 25):
            sim.particleDict[i].makeBond(sim.particleDict, rnd.randrange(i))
        return sim

    long, stepped = make(), make()
    long.run(40)
    for _ in range(40):
        stepped.run(1)
    assert [p.pos for p in long.particles] == [p.pos for p in stepped.particles]
    assertConsistent(long)


def test_a_particle_moved_by_user_code_is_found_where_it_was_put() -> None:
    sim = ParticleSystem(SimpleLaws(), [Particle((0, 0), ID="p")])
    p = sim.particleDict["p"]
    p.pos = (500, 500)
    sim.updateLoc(p)
    assert [q for q, _ in sim.withinRadius((500, 500), 1)] == [p]
    assert sim.withinRadius((0, 0), 1) == []


def test_within_radius_takes_a_filter() -> None:
    sim = ParticleSystem(SimpleLaws(), [Particle((i, 0), ID=i) for i in range(5)])
    found = sim.withinRadius((0, 0), 10, lambda p: p.ID % 2 == 0)
    assert sorted(p.ID for p, _ in found) == [0, 2, 4]


def test_an_id_in_use_is_refused_and_nothing_is_added() -> None:
    sim = ParticleSystem(SimpleLaws(), [Particle((0, 0), ID="a")])
    with pytest.raises(ValueError, match=r"particle IDs already in use: \['a'\]"):
        sim.add(Particle((1, 1), ID="b"), Particle((2, 2), ID="a"))
    with pytest.raises(ValueError, match=r"particle IDs already in use: \['c'\]"):
        sim.add(Particle((1, 1), ID="c"), Particle((2, 2), ID="c"))
    assert [p.ID for p in sim.particles] == ["a"] and list(sim.particleDict) == ["a"]
    assertConsistent(sim)


def test_removing_takes_the_bonds_to_the_particles_that_stay_and_keeps_the_rest() -> None:
    sim = ParticleSystem(SimpleLaws(), [Particle((i * 10, 0), ID=i) for i in range(4)])
    d = sim.particleDict
    d[0].makeBond(d, 1)
    d[1].makeBond(d, 2)
    d[3].makeBond(d, 1)
    d[2].makeBond(d, 3)
    held = sim.particles
    sim.remove(d[1], d[2])
    assert held is sim.particles and [p.ID for p in held] == [0, 3]
    assert set(sim.particleDict) == {0, 3}
    zero, three = held
    assert zero.bondedTo == [] and three.bondedTo == [] and three.bondedFrom == []
    assertConsistent(sim)


def test_the_bond_between_two_particles_removed_together_survives() -> None:
    a, b, c = Particle((0, 0), ID="a"), Particle((1, 0), ID="b"), Particle((2, 0), ID="c")
    sim = ParticleSystem(SimpleLaws(), [a, b, c])
    a.makeBond(sim.particleDict, "b")
    b.makeBond(sim.particleDict, "c")
    sim.removeByID("a", "b")
    assert a.bondedTo == [b] and b.bondedFrom == [a] and b.bondedTo == [] and c.bondedFrom == []


def test_removing_what_is_not_there_fails_without_changing_anything() -> None:
    sim = ParticleSystem(SimpleLaws(), [Particle((0, 0), ID="a"), Particle((1, 0), ID="b")])
    sim.particleDict["a"].makeBond(sim.particleDict, "b")
    with pytest.raises(ValueError, match=r"particles not in this system: \['b'\]"):
        sim.remove(sim.particleDict["a"], Particle((0, 0), ID="b"))   # an impostor
    with pytest.raises(KeyError, match=r"no particles with IDs \['zz'\]"):
        sim.removeByID("a", "zz")
    assert [p.ID for p in sim.particles] == ["a", "b"]
    assert sim.particleDict["a"].bondedTo == [sim.particleDict["b"]]
    assertConsistent(sim)


def assertConsistent(sim: ParticleSystem) -> None:
    """The list, the dict, the index and the bonds all agree."""
    assert len(sim.particles) == len(sim.particleDict)
    assert all(sim.particleDict[p.ID] is p for p in sim.particles)
    assert set(sim.indexer.entities) == set(sim.particles)
    for p in sim.particles:
        cell = sim.indexer._coord2cell(*p.getLoc())
        assert sim.indexer.entities[p] == cell and p in sim.indexer.cells[cell]
        for q in p.bondedTo:
            assert q in sim.particles and p in q.bondedFrom
        for q in p.bondedFrom:
            assert q in sim.particles and p in q.bondedTo
    assert sum(map(len, sim.indexer.cells.values())) == len(sim.particles)
    for p in sim.particles:
        near = {q.ID: ds for q, ds in sim.withinRadius(p.getLoc(), 40)}
        assert near == {q.ID: q.distSquared(p.getLoc()) for q in sim.particles
                        if q.distSquared(p.getLoc()) <= 40 * 40}


operations = st.lists(st.tuples(st.sampled_from(["add", "remove", "bond", "unbond", "run", "move"]),
                                st.integers(0, 30), st.integers(0, 30)), max_size=40)


@settings(max_examples=200, deadline=None)
@given(operations)
def test_any_mix_of_changes_keeps_particles_index_and_bonds_consistent(ops) -> None:
    sim = ParticleSystem(SimpleLaws(bondLength=20))
    made = 0
    for op, x, y in ops:
        ids = list(sim.particleDict)
        if op == "add":
            sim.add(Particle((x * 7.0, y * 3.0), ID=made))
            made += 1
        elif op == "run":
            sim.run(x % 4)
        elif not ids:
            continue
        elif op == "remove":
            sim.removeByID(*{ids[x % len(ids)], ids[y % len(ids)]})
        elif op == "bond":
            sim.particleDict[ids[x % len(ids)]].makeBond(sim.particleDict, ids[y % len(ids)])
        elif op == "unbond":
            p = sim.particleDict[ids[x % len(ids)]]
            if p.bondedTo:
                p.breakBond(p.bondedTo, y % len(p.bondedTo))
        elif op == "move":
            p = sim.particleDict[ids[x % len(ids)]]
            p.pos = (y * 11.0, -x * 5.0)
            sim.updateLoc(p)
    assertConsistent(sim)


# ----------------------------------------------------- 1.14's ways of using it

def test_1_14s_physics_demo_app_usage_runs() -> None:
    """What Examples/GraphVisualisation/BasicGraphVisualisation/PhysApp1.py
    does with the physics, without its window."""
    rnd = random.Random(19)

    class VisibleParticle(Particle):
        def __init__(self, position: Any, pname: str, radius: int) -> None:
            super(VisibleParticle, self).__init__(position=position, ID=pname)
            self.radius = radius

    laws = SimpleLaws(bondLength=100)
    physics = ParticleSystem(laws, [], 0)

    def makeParticle(label: str, position: Any, nodetype: str, particleRadius: int) -> None:
        if position == "randompos":
            position = (rnd.randrange(100, 540, 1), rnd.randrange(100, 380, 1))
        physics.add(VisibleParticle(position, label, particleRadius))

    def makeBond(source: str, dest: str) -> None:
        physics.particleDict[source].makeBond(physics.particleDict, dest)

    for node in [(str(i), "randompos", "circle", 20) for i in (1, 2, 3)]:
        makeParticle(*node)
    makeBond("1", "2")
    makeBond("2", "3")
    grid = list(range(0, 480, int(laws.maxInteractRadius)))   # its drawGrid
    nextLabel = 5
    for frame in range(300):                                  # its mainLoop + extra()
        physics.run(1)
        if rnd.randrange(0, 100) < 5:
            makeParticle(str(nextLabel), "randompos", "circle", 20)
            nextLabel += 1
        if rnd.randrange(0, 100) < 25:
            keys = list(physics.particleDict.keys())
            start = keys[rnd.randrange(0, len(keys))]
            end = start
            while end == start:
                end = keys[rnd.randrange(0, len(keys))]
            makeBond(physics.particleDict[start].ID, physics.particleDict[end].ID)
    assert grid == [0, 200, 400] and len(physics.particles) > 3
    assert all(isinstance(c, float) for p in physics.particles for c in p.pos)
    assertConsistent(physics)

    # its ParticleDragger: pick up the particle under the mouse, drag, let go
    target = physics.particles[0]
    inRange = physics.withinRadius(target.getLoc(), 20)
    assert target in [p for p, _ in inRange]
    target.freeze()
    target.pos = (1000, 1000)
    physics.updateLoc(target)
    physics.run(5)
    assert target.getLoc() == (1000, 1000)
    target.unFreeze()
    assert physics.withinRadius((1000, 1000), 1)[0][0] is target


def test_1_14s_topology_viewer_usage_runs() -> None:
    """How 1.14's TopologyViewer drives its ``self.physics`` for ADD NODE,
    ADD LINK, DEL LINK, DEL NODE, DEL ALL and GET ALL."""
    physics = ParticleSystem(SimpleLaws(bondLength=100), [], 0)

    def addNode(id: str, pos: tuple[float, float]) -> None:
        particle = Particle(position=pos, ID=id)
        particle.originaltype = "-"   # type: ignore[attr-defined]
        physics.add(particle)

    def removeParticle(*ids: str) -> None:
        for id in ids:
            physics.particleDict[id].breakAllBonds()
        physics.removeByID(*ids)

    def topology() -> list[tuple[str, ...]]:
        found = [("ADD", "NODE", p.ID) for p in physics.particles]
        return found + [("ADD", "LINK", p.ID, q.ID)
                        for p in physics.particles for q in p.getBondedTo()]

    for i, pos in enumerate([(100, 100), (200, 120), (150, 220), (300, 300)]):
        addNode(str(i), pos)
    for src, dst in [("0", "1"), ("1", "2"), ("2", "0"), ("3", "0")]:
        physics.particleDict[src].makeBond(physics.particleDict, dst)
    physics.run(10)
    physics.particleDict["2"].breakBond(physics.particleDict, "0")
    removeParticle("1")
    physics.run(10)
    assert topology() == [("ADD", "NODE", "0"), ("ADD", "NODE", "2"), ("ADD", "NODE", "3"),
                          ("ADD", "LINK", "3", "0")]
    assertConsistent(physics)
    removeParticle(*physics.particleDict.keys())
    assert physics.particles == [] and physics.indexer.cells == {}


def test_the_docstring_example_runs() -> None:
    module = importlib.import_module("Kamaelia.Support.Particles.ParticleSystem")
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


def test_multiple_laws_drive_a_system_of_several_types() -> None:
    laws = MultipleLaws({("entity", "entity"): SimpleLaws(maxBondForce=0, repulsionStrength=10),
                         ("attribute", "attribute"): SimpleLaws(bondLength=200),
                         ("entity", "attribute"): SimpleLaws(bondLength=50)})
    sim = ParticleSystem(laws)
    sim.add(Particle((0, 0), ptype="entity", ID="e"), Particle((5, 5), ptype="attribute", ID="x"),
            Particle((-5, 5), ptype="attribute", ID="y"))
    sim.particleDict["e"].makeBond(sim.particleDict, "x")
    sim.particleDict["e"].makeBond(sim.particleDict, "y")
    settle(sim)
    assertBalanced(sim)
    e, x, y = sim.particles
    assert distance(e, x) == pytest.approx(distance(e, y), rel=0.05)
    assert distance(x, y) > distance(e, x) > 50   # the attributes push each other apart
