"""PyGameApp and DragHandler: frames drawn by mainLoop, handlers, dragging, quitting."""

from __future__ import annotations

from typing import Any

from Axon.Ipc import shutdownMicroprocess
from Kamaelia.UI.MH import DragHandler, PyGameApp
from Kamaelia.UI.Pygame._pygame import pygame

from componentharness import attach


class Square:
    def __init__(self) -> None:
        self.x, self.y = 50, 50


class SquareDrag(DragHandler):
    def __init__(self, event: Any, app: Any, square: Square) -> None:
        self.square = square
        super().__init__(event, app)

    def detect(self, pos: Any, button: int) -> Any:
        inside = 0 <= pos[0] - self.square.x < 20 and 0 <= pos[1] - self.square.y < 20
        return (self.square.x, self.square.y) if inside else False

    def drag(self, newx: int, newy: int) -> None:
        self.square.x, self.square.y = newx, newy

    def release(self, newx: int, newy: int) -> None:
        self.drag(newx, newy)
        self.app.released = (newx, newy)


class Squares(PyGameApp):
    fps = 100

    def initialiseComponent(self) -> None:
        self.square = Square()
        self.frames = 0
        self.released = None
        self.clicks: list[Any] = []
        self.addHandler(pygame.MOUSEBUTTONDOWN,
                        lambda event: SquareDrag.handle(event, self, self.square))
        self.addHandler(pygame.MOUSEBUTTONDOWN, lambda event: self.clicks.append(event.pos))

    def mainLoop(self) -> int:
        self.frames += 1
        self.screen.fill((255, 255, 255))
        self.screen.fill((200, 0, 0), (self.square.x, self.square.y, 20, 20))
        return 1


def test_mainloop_draws_frames_and_handlers_get_events(screen: Any) -> None:
    app = Squares((300, 200), caption="Squares", position=(10, 10))
    attach(app)
    screen.until(lambda: getattr(app, "frames", 0) > 2, "a few frames")
    screen.settle()
    assert pygame.display.get_caption()[0] == "Squares"
    assert screen.pixel((65, 65)) == (200, 0, 0)
    screen.click((200, 150))                  # not on the square: the next handler hears it
    screen.until(lambda: app.clicks, "the click")
    assert app.clicks == [(190, 140)]         # relative to the app's surface


def test_a_drag_moves_the_square_and_claims_the_press(screen: Any) -> None:
    app = Squares((300, 200), position=(0, 0))
    attach(app)
    screen.until(lambda: getattr(app, "frames", 0) > 2, "a few frames")
    screen.settle()
    # Press first: the drag starts listening for motion only when it sees the press.
    screen.post(pygame.MOUSEBUTTONDOWN, pos=(55, 55), button=1)
    screen.settle()
    screen.post(pygame.MOUSEMOTION, pos=(105, 75), rel=(50, 20), buttons=(1, 0, 0))
    screen.post(pygame.MOUSEBUTTONUP, pos=(155, 105), button=1)
    screen.until(lambda: app.released, "the release")
    assert app.released == (150, 100) and app.clicks == []
    screen.until(lambda: screen.pixel((160, 110)) == (200, 0, 0), "the square moved")
    assert app.eventHandlers[pygame.MOUSEMOTION] == []        # the drag let go


def test_closing_the_window_ends_the_app(screen: Any) -> None:
    app = Squares((100, 100), position=(0, 0))
    sink = attach(app)
    screen.until(lambda: getattr(app, "frames", 0) > 0, "a frame")
    screen.settle()
    screen.post(pygame.QUIT)
    screen.until(lambda: sink.control, "the app to end")
    assert app.quitting and app._isStopped()


def test_shutdown_on_control_ends_the_app_and_is_passed_on(screen: Any) -> None:
    other = Squares((100, 100), position=(0, 0))
    otherSink = attach(other)
    screen.until(lambda: getattr(other, "frames", 0) > 0, "a frame")
    message = shutdownMicroprocess()
    other.inboxes["control"].append(message)
    other.unpause()
    screen.until(lambda: otherSink.control, "the app to end")
    assert otherSink.control == [message]
