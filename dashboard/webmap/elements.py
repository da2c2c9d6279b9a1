"""Page elements whose output goes into the page verbatim.

branca adds each element's rendered script to the page by compiling it as a
new Jinja template. For our layers that script carries text from the data, so
a note containing "{{" or "{%" would be evaluated or would break the page, and
parsing hundreds of kilobytes of event data a second time costs more than
producing them. Every element the project writes derives from ``ScriptElement``.
"""

from __future__ import annotations

from typing import cast

from branca.element import Element, Figure, MacroElement


class Verbatim(Element):
    """Text placed in the page as it is."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def render(self, **kwargs: object) -> str:
        return self.text


class ScriptElement(MacroElement):
    """A MacroElement with a ``script`` macro whose output is added to the page verbatim."""

    def render(self, **kwargs: object) -> str:
        script = self._template.module.__dict__["script"]
        figure = cast(Figure, self.get_root())
        figure.script.add_child(Verbatim(script(self, kwargs)), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)
        return ""  # like MacroElement: the output went into the page's script section
