"""Native HTML drag and drop as event triggers (Reflex's div does not expose them)."""

from __future__ import annotations

from reflex.event import EventHandler, no_args_event_spec
from reflex_components_core.el.elements.typography import Div


class DragArea(Div):
    """A div that can be dragged (a card) or dropped on (a column)."""

    on_drag_start: EventHandler[no_args_event_spec]
    on_drag_over: EventHandler[no_args_event_spec]
    on_drop: EventHandler[no_args_event_spec]


drag_area = DragArea.create
