"""Draw to filter on the dashboard's map: the drawing toolbar and the area filter in force.

The toolbar (Leaflet.draw: rectangle and polygon, edit, delete; vendored) belongs to the base map,
which the browser keeps across filter changes; its shapes are the global ``drawnItems`` group whose
GeoJSON streamlit-folium reports after each draw, edit or delete. The area in force travels with the
event layer instead (``AreaShapes``), because it changes without a page reload: when it came from a
link it becomes the drawn shapes, ready to edit; a cleared area empties them; an uploaded file's area
is drawn as a dashed outline (it is edited in its file). Code: webmap/static/js/draw-area.js.
"""

from __future__ import annotations

from folium.elements import JSCSSMixin
from jinja2 import Template

from dashboard import style
from dashboard.geo.areas import Area
from dashboard.webmap.assets import DRAW_SCRIPTS, DRAW_STYLESHEETS, LOCAL_ASSETS
from dashboard.webmap.elements import ScriptElement


class DrawControl(JSCSSMixin, ScriptElement):
    """The drawing toolbar at the map's top left: rectangle and polygon (no markers, lines or circles),
    edit and delete; added to the base map.

    Its shapes are the page's global ``drawnItems``, the name streamlit-folium reads them from; a map script
    without that name gets ``var drawnItems = []`` appended by streamlit-folium, which would hide them.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var drawnItems = L.ccmArea.control({{ this._parent.get_name() }}, {{ this.look|tojson }});
        {% endmacro %}
        """
    )
    # folium's JSCSSMixin reads these class lists; the files are named once, in assets.LOCAL_ASSETS.
    default_js = [(name, LOCAL_ASSETS[name]) for name in DRAW_SCRIPTS]  # noqa: RUF012
    default_css = [(name, LOCAL_ASSETS[name]) for name in DRAW_STYLESHEETS]  # noqa: RUF012

    def __init__(self) -> None:
        super().__init__()
        self._name = "DrawControl"
        self.look = style.AREA_FILTER.leaflet()


class AreaShapes(ScriptElement):
    """The area filter in force (or none), added to the event layer: the map's drawn shapes follow it.

    ``revision`` counts the dashboard's changes of the area. streamlit-folium runs an event layer's script only
    when it differs from the last one the map ran; with the revision in it, a change always reaches the map,
    even when the rerun that carried it was cut short and the next one sends the same shapes as before the
    shape now drawn on the map (a cleared drawing), or the shapes were refused.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.ccmArea.show(
            {{ this._parent._parent.get_name() }}, {{ this._parent.get_name() }},
            {{ this.shapes|tojson }}, {{ this.editable|tojson }}, {{ this.look|tojson }}, {{ this.revision|tojson }}
        );
        {% endmacro %}
        """
    )

    def __init__(self, area: Area | None, revision: int = 0) -> None:
        super().__init__()
        self._name = "AreaShapes"
        self.revision = revision
        self.shapes = area_shapes(area)
        self.editable = area is None or not area.from_file  # a file's area is edited in its file
        look = style.AREA_FILTER.leaflet()
        if not self.editable:
            look.update(dashArray=" ".join(f"{d:g}" for d in style.AREA_FILE_DASH_PX), interactive=False)
        self.look = look


def area_shapes(area: Area | None) -> list[list[list[list[float]]]]:
    """The area's polygons as Leaflet takes them: rings of [lat, lon], written open (Leaflet closes them);
    a file's detailed outline simplified (Area.outline)."""
    if area is None:
        return []
    return [[[[lat, lon] for lon, lat in ring[:-1]] for ring in rings] for rings in area.outline]
