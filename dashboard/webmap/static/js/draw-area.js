// @ts-check
/*
 * Caucasus Conflict Map: draw to filter (dashboard/webmap/area_draw.py).
 *
 * L.ccmArea.control puts Leaflet.draw's toolbar on the map (rectangle and polygon, edit, delete) and
 * returns the group of shapes, which the page holds as the global ``drawnItems``: streamlit-folium
 * reports its GeoJSON after every draw:created, draw:edited and draw:deleted. The dashboard turns that report into the area
 * filter and sends the area in force back with each event layer: L.ccmArea.show makes the drawn
 * shapes follow it (an area opened from a link becomes shapes to edit, a cleared one empties them),
 * or draws an uploaded file's area as an outline that is not edited here.
 */
(function () {
    "use strict";

    // Under the event markers (410) and the circles of uncertainty (405), over the boundary lines (403):
    // events inside the area stay clickable, and the area's edge stays visible over the borders.
    var AREA_PANE = "ccm-area";
    // Coordinates come back from the dashboard rounded to 5 decimals (about 1 m); within this, a shape is
    // the one already drawn and is left alone.
    var TOLERANCE = 1.1e-5;

    function texts() {
        var draw = L.drawLocal.draw.toolbar.buttons, edit = L.drawLocal.edit.toolbar.buttons;
        draw.rectangle = "Draw a rectangle: only the events inside it are kept";
        draw.polygon = "Draw a polygon: only the events inside it are kept";
        edit.edit = "Edit the area's shapes";
        edit.editDisabled = "No area drawn to edit";
        edit.remove = "Delete shapes of the area";
        edit.removeDisabled = "No area drawn to delete";
    }

    /** @param {Array<Array<number>>} ring */
    function isBox(ring) {
        if (ring.length !== 4) { return false; }
        var lats = {}, lons = {};
        ring.forEach(function (point) { lats[point[0]] = true; lons[point[1]] = true; });
        return Object.keys(lats).length === 2 && Object.keys(lons).length === 2;
    }

    function near(a, b) { return Math.abs(a - b) <= TOLERANCE; }

    /** Whether a drawn layer is the polygon ``rings`` ([lat, lon] rings, written open). */
    function sameShape(layer, rings) {
        if (layer instanceof L.Rectangle && rings.length === 1 && isBox(rings[0])) {
            var bounds = layer.getBounds(), box = L.latLngBounds(rings[0]);
            return near(bounds.getSouth(), box.getSouth()) && near(bounds.getNorth(), box.getNorth())
                && near(bounds.getWest(), box.getWest()) && near(bounds.getEast(), box.getEast());
        }
        var drawn = layer.getLatLngs();
        if (drawn.length && !Array.isArray(drawn[0])) { drawn = [drawn]; }
        return drawn.length === rings.length && drawn.every(function (ring, i) {
            return ring.length === rings[i].length && ring.every(function (point, k) {
                return near(point.lat, rings[i][k][0]) && near(point.lng, rings[i][k][1]);
            });
        });
    }

    function setShapes(drawn, shapes, look) {
        drawn.clearLayers();
        shapes.forEach(function (rings) {
            var options = L.extend({}, look, {pane: AREA_PANE});
            drawn.addLayer(rings.length === 1 && isBox(rings[0])
                ? L.rectangle(L.latLngBounds(rings[0]), options) : L.polygon(rings, options));
        });
    }

    L.ccmArea = {
        /**
         * The drawing toolbar; returns the group of drawn shapes (the page's drawnItems, read by streamlit-folium).
         * @param {L.Map} map
         * @param {L.PathOptions} look  dashboard/style.py AREA_FILTER
         * @returns {L.FeatureGroup}
         */
        control: function (map, look) {
            var state = /** @type {any} */ (map);
            map.createPane(AREA_PANE).style.zIndex = "404";
            texts();
            var shape = L.extend({}, look, {pane: AREA_PANE});
            var drawn = new L.FeatureGroup();
            map.addLayer(drawn);
            state.ccmDrawn = drawn;
            var DrawControl = /** @type {any} */ (L.Control).Draw;
            // Kept on the map for the browser tests, which wait on its drawing state as a hand would.
            state.ccmDrawControl = new DrawControl({
                position: "topleft",
                draw: {
                    polyline: false, marker: false, circle: false, circlemarker: false,
                    // Leaflet.draw 1.0.4's area readout fails on rectangles; the sidebar gives the area in km².
                    rectangle: {shapeOptions: shape, showArea: false},
                    polygon: {shapeOptions: shape, allowIntersection: false, showArea: false}
                },
                edit: {
                    featureGroup: drawn,
                    edit: {selectedPathOptions: L.extend({}, shape, {dashArray: "6 4", maintainColor: true})},
                    remove: true
                }
            });
            map.addControl(state.ccmDrawControl);
            var events = /** @type {any} */ (L).Draw.Event;
            // Before streamlit-folium's own handler (added after this script), so that its report holds the shape.
            map.on(events.CREATED, function (e) { drawn.addLayer(/** @type {any} */ (e).layer); });
            // While a shape is being edited or picked for deletion, the shapes are the analyst's: an event
            // layer arriving meanwhile does not reset them (the edit's own report follows).
            map.on(events.EDITSTART + " " + events.DELETESTART, function () { state.ccmAreaBusy = true; });
            map.on(events.EDITSTOP + " " + events.DELETESTOP, function () { state.ccmAreaBusy = false; });
            return drawn;
        },

        /**
         * The area filter in force, sent with each event layer: the drawn shapes follow it, or a file's
         * area is drawn in ``group`` (which goes with the event layer).
         * @param {L.Map} map
         * @param {L.LayerGroup} group  the event layer
         * @param {Array<Array<Array<Array<number>>>>} shapes  polygons: rings of [lat, lon], written open
         * @param {boolean} editable  false for an uploaded file's area
         * @param {L.PathOptions} look
         * @param {number} revision  the dashboard's count of area changes: it makes each change's script new to
         *     streamlit-folium, which runs an event layer's script only when it differs from the last one
         */
        show: function (map, group, shapes, editable, look, revision) {
            var state = /** @type {any} */ (map), drawn = state.ccmDrawn;
            if (!drawn) { return; }
            if (!editable) {
                if (drawn.getLayers().length) { drawn.clearLayers(); }
                shapes.forEach(function (rings) {
                    L.polygon(rings, L.extend({}, look, {pane: AREA_PANE})).addTo(group);
                });
                return;
            }
            if (state.ccmAreaBusy) { return; }
            var layers = drawn.getLayers();
            var same = layers.length === shapes.length && layers.every(function (layer, i) {
                return sameShape(layer, shapes[i]);
            });
            if (!same) { setShapes(drawn, shapes, look); }
        }
    };
}());
