// @ts-check
/*
 * Caucasus Conflict Map: the project's small Leaflet factories.
 *
 * The Python side (dashboard/webmap/base_map.py, event_layers.py) writes one call per
 * element with its data as JSON; what the element does lives here. Text from the data is
 * set with textContent or arrives as HTML escaped in Python (popups), never spliced into
 * script source. Styles are classes of static/css/map.css.
 */
(function () {
    "use strict";

    /** @typedef {{lat: number, lon: number, r: number, c: string, p: string, t: string, u: number, d: number}} EventRecord */
    /** @typedef {{color: string, weight: number, fillColor: string, fillOpacity: number}} CircleStyle */
    /** @typedef {{lat: number, lon: number, r: number, c: string, n: number, t: string}} CellRecord */
    /** @typedef {{text: string, kind: string, lat: number, lon: number}} Label */


    function span(text, className) {
        var node = document.createElement("span");
        node.textContent = text;
        if (className) { node.className = className; }
        return node;
    }

    /**
     * A PMTiles-like source over tiles inlined in the page ("z/x/y" -> base64, gzip-compressed
     * when ``gzip``): what protomaps-leaflet reads when the page is opened from file://.
     * @param {{tiles: Object<string, string>, gzip: boolean}} inlined
     */
    function inlinedTiles(inlined) {
        return {
            getZxy: function (z, x, y) {
                var text = inlined.tiles[z + "/" + x + "/" + y];
                if (!text) { return Promise.resolve(undefined); }
                var bytes = Uint8Array.from(atob(text), function (c) { return c.charCodeAt(0); });
                if (!inlined.gzip) { return Promise.resolve({data: bytes.buffer}); }
                var inflated = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
                return new Response(inflated).arrayBuffer().then(function (data) { return {data: data}; });
            }
        };
    }

    /**
     * The largest town under a click that the map names at this zoom (the query itself knows
     * nothing of the label rules): protomaps-leaflet's query result, filtered by ``named``.
     */
    function townUnderClick(found, named) {
        var best = null;
        found.forEach(function (features) {
            features.forEach(function (hit) {
                var props = hit.feature.props;
                if (props.kind === "town" && named(props) && (!best || props.population > best.population)) {
                    best = props;
                }
            });
        });
        return best;
    }

    /** A town's name, other names and population, as text, with the credit its names need. */
    function townPopup(town, credit) {
        var box = document.createElement("div");
        box.className = "ccm-popup";
        var title = document.createElement("b");
        title.textContent = town.name;
        box.appendChild(title);
        if (town.other_names) {
            var others = document.createElement("div");
            others.textContent = "Also: " + town.other_names;
            box.appendChild(others);
        }
        var source = document.createElement("div");
        source.className = "ccm-muted";
        source.textContent = (town.population ? "Population " + town.population.toLocaleString("en") + " · " : "")
            + credit;
        box.appendChild(source);
        return box;
    }

    // Panes of the event markers and their circles of uncertainty, created with every map (the
    // markers may reach a map before any script of theirs runs). The offline basemap's land and
    // the boundary lines are in the overlay pane (400): the circles go just above them, the
    // markers above the circles, and both below the place names (440, 450) as the markers were.
    // The circles' pane takes no pointer events, so every click reaches the markers.
    var UNCERTAINTY_PANE = "ccm-uncertainty", EVENTS_PANE = "ccm-events";
    // Choropleth units and boundary lines: the fills of a choropleth (and the heatmap's canvas, in the
    // overlay pane) lie over the offline basemap's land and water (overlay pane, 400) and under the
    // boundary lines, which shapes() puts in a pane of their own, so that borders stay readable.
    var UNITS_PANE = "ccm-units", LINES_PANE = "ccm-lines";
    L.Map.addInitHook(function () {
        this.createPane(UNITS_PANE).style.zIndex = "401";
        this.createPane(LINES_PANE).style.zIndex = "403";
        var circles = this.createPane(UNCERTAINTY_PANE);
        circles.style.zIndex = "405";
        circles.style.pointerEvents = "none";
        this.createPane(EVENTS_PANE).style.zIndex = "410";
    });

    /**
     * Keeps the circles of ``circled`` on the map while their events are drawn on their own (see
     * eventMarkers), re-checked whenever marker clustering may have changed what it shows.
     * @param {any} target  the event markers' cluster group (or plain group: always on their own)
     * @param {Array<{markers: L.CircleMarker[], circle: L.Circle}>} circled  each circle and the events it is for
     */
    function uncertaintyCircles(target, circled) {
        var shown = L.layerGroup(), onePlace = new WeakMap(), map = /** @type {any} */ (null);
        function atOnePlace(cluster) {
            if (!onePlace.has(cluster)) {
                var children = cluster.getAllChildMarkers(), first = children[0].getLatLng();
                onePlace.set(cluster, children.every(function (m) { return m.getLatLng().equals(first); }));
            }
            return onePlace.get(cluster);
        }
        function standsAlone(marker) {
            if (!target.hasLayer(marker)) { return false; }  // left out of the playback's frame
            if (map.hasLayer(marker) || !target.getVisibleParent) { return map.hasLayer(marker); }
            var cluster = target.getVisibleParent(marker);  // the badge that counts it now, if shown
            return Boolean(cluster && cluster.getAllChildMarkers && atOnePlace(cluster));
        }
        function update() {
            if (!map || target._inZoomAnimation) { return; }
            circled.forEach(function (c) {
                var alone = c.markers.some(standsAlone);
                if (alone !== shown.hasLayer(c.circle)) {
                    if (alone) { shown.addLayer(c.circle); } else { shown.removeLayer(c.circle); }
                }
            });
        }
        // A playback frame changed which markers the clusters hold.
        function refiltered() {
            onePlace = new WeakMap();
            update();
        }
        // Registered after the cluster group's own handlers, so they see what it has just shown.
        function attach() {
            map = target._map;
            shown.addTo(map);
            map.on("zoomend moveend", update);
            target.on("animationend spiderfied unspiderfied", update);
            target.on("ccmfiltered", refiltered);
            update();
        }
        target.on("add", attach);
        target.on("remove", function () {
            map.off("zoomend moveend", update);
            target.off("animationend spiderfied unspiderfied", update);
            target.off("ccmfiltered", refiltered);
            shown.clearLayers();
            shown.remove();
            map = null;
        });
        if (target._map) { attach(); }
    }

    /**
     * leaflet.heat's layer with the project's scaling: a heat point's weight is its number of events
     * at every zoom (leaflet.heat would otherwise fade them by zoom), and the darkest colour is reached
     * by the densest ``saturationShare`` of the heat cells the data fills at the current zoom, so that
     * one busy town does not wash out the rest. ``isDrawn`` is true once drawn for a settled view.
     */
    L.CcmHeat = L.HeatLayer.extend({
        options: {maxZoom: 0, minOpacity: 0.25, saturationShare: 0.05},

        initialize: function (points, options) {
            L.HeatLayer.prototype.initialize.call(this, points, options);
            this._saturation = {};
            this._drawn = false;
        },

        onAdd: function (map) {
            L.HeatLayer.prototype.onAdd.call(this, map);
            // Leaflet stacks a pane's canvases (100) under its SVG (200), which holds the offline
            // basemap's land: the heat goes above the land, and stays under the boundary lines' pane.
            this._canvas.style.zIndex = "250";
            map.on("zoomstart", this._unsettle, this);
        },

        onRemove: function (map) {
            map.off("zoomstart", this._unsettle, this);
            this._drawn = false;
            L.HeatLayer.prototype.onRemove.call(this, map);
        },

        isDrawn: function () { return this._drawn; },

        _unsettle: function () { this._drawn = false; },

        // The cell total reached by the densest saturationShare of cells at ``zoom`` (cells as leaflet.heat bins).
        _saturationAt: function (zoom) {
            if (this._saturation[zoom] === undefined) {
                var cell = (this.options.radius || 25) / 2, totals = new Map(), map = this._map;
                this._latlngs.forEach(function (p) {
                    var point = map.project([p[0], p[1]], zoom);
                    // One number per cell (cheaper than a string key: playback recomputes this per frame).
                    var key = Math.floor(point.x / cell) * 67108864 + Math.floor(point.y / cell);
                    totals.set(key, (totals.get(key) || 0) + p[2]);
                });
                var sorted = Array.from(totals.values()).sort(function (a, b) { return a - b; });
                var at = Math.floor((sorted.length - 1) * (1 - this.options.saturationShare));
                this._saturation[zoom] = Math.max(1, sorted.length ? sorted[at] : 1);
            }
            return this._saturation[zoom];
        },

        /**
         * New heat points, drawn at once (a playback frame) unless the map is zooming; the colour
         * scale is worked out again for them.
         * @param {Array<[number, number, number]>} points
         */
        setPoints: function (points) {
            this._latlngs = points;
            this._saturation = {};
            if (this._map && !this._map._animating) { this._redraw(); } else { this.redraw(); }
        },

        _redraw: function () {
            if (!this._map) { return; }
            this.options.max = this._saturationAt(this._map.getZoom());
            this._heat.max(this.options.max);
            L.HeatLayer.prototype._redraw.call(this);
            this._drawn = true;
        }
    });
    L.ccmHeat = function (points, options) { return new L.CcmHeat(points, options); };

    /**
     * A legend box shown while its layer (a choropleth or heatmap) is on the map; its HTML is built and
     * escaped in Python. While shown, the base legend's event types and sizes are hidden (map.css):
     * they describe points, which are not drawn.
     * @param {L.LayerGroup} group
     * @param {string} html
     */
    function layerLegend(group, html) {
        var control = null, layer = /** @type {any} */ (group);
        function added() {
            var map = layer._map;
            if (control) { return; }
            control = new L.Control({position: "topright"});
            control.onAdd = function () {
                var div = L.DomUtil.create("div", "ccm-legend ccm-layer-legend");
                div.innerHTML = html;
                L.DomEvent.disableClickPropagation(div);
                return div;
            };
            control.addTo(map);
            map.getContainer().classList.add("ccm-aggregate-on");
        }
        group.on("add", added);
        group.on("remove", function () {
            if (!control) { return; }
            layer._map.getContainer().classList.remove("ccm-aggregate-on");
            control.remove();
            control = null;
        });
        if (layer._map) { added(); }
    }

    L.ccm = {
        layerLegend: layerLegend,

        /**
         * Grid cells (selections above the packed layer's limit) as the heat points of a heatmap,
         * each weighted by its number of events.
         * @param {L.LayerGroup} group
         * @param {Array<[number, number, number]>} points  [lat, lon, events] per cell
         * @param {Object} options  L.CcmHeat options (dashboard/style.py)
         */
        cellHeat: function (group, points, options) {
            L.ccmHeat(points, options).addTo(group);
        },

        /**
         * A choropleth over the unit shapes the base map registered under ``unitsKey`` (see shapes):
         * the geometry is in the page once, and this layer sends only each unit's colour and hover
         * text (plain text lines, set with textContent).
         * @param {L.LayerGroup} group
         * @param {string} unitsKey  "provinces" or "sectors"
         * @param {string} idProperty  the feature property holding the unit id
         * @param {Object<string, {c: (string|null), t: string[]}>} units  colour (null: no events) and hover lines
         * @param {{edge: string, weight: number, fillOpacity: number, noEvents: L.PathOptions}} look
         */
        choropleth: function (group, unitsKey, idProperty, units, look) {
            var drawn = null, layer = /** @type {any} */ (group);
            function style(feature) {
                var unit = units[feature.properties[idProperty]];
                if (!unit || !unit.c) { return look.noEvents; }
                return {color: look.edge, weight: look.weight, fill: true, fillColor: unit.c,
                        fillOpacity: look.fillOpacity};
            }
            function added() {
                var shapes = layer._map.ccmUnits && layer._map.ccmUnits[unitsKey];
                if (!shapes || drawn) { return; }
                drawn = L.geoJSON(shapes, {style: style, pane: UNITS_PANE});
                drawn.bindTooltip(function (shape) {
                    var unit = units[shape.feature.properties[idProperty]];
                    var box = document.createElement("div");
                    box.className = "ccm-unit-tip";
                    (unit ? unit.t : [String(shape.feature.properties[idProperty])]).forEach(function (line, i) {
                        var row = document.createElement("div");
                        row.textContent = line;
                        if (i === 0) { row.className = "ccm-popup-head"; }
                        box.appendChild(row);
                    });
                    return box;
                }, {sticky: true});
                group.addLayer(drawn);
            }
            group.on("add", added);
            group.on("remove", function () {
                if (drawn) { group.removeLayer(drawn); }
                drawn = null;
            });
            if (layer._map) { added(); }
        },
        /**
         * Colours shared with the snapshots, as CSS custom properties on the map container.
         * @param {L.Map} map
         * @param {Object<string, string>} properties  e.g. {"--ccm-place-label": "#8a8a8a"}
         */
        theme: function (map, properties) {
            var container = map.getContainer();
            Object.keys(properties).forEach(function (name) { container.style.setProperty(name, properties[name]); });
        },

        /**
         * Events as circle markers with popup and tooltip (HTML escaped in Python). An event whose
         * location is approximate (``u``: radius in metres) gets its circle of uncertainty while it
         * is drawn on its own: its marker stands alone, or its cluster badge stands for events at
         * that one point only (stacked events at one place cluster until spiderfied).
         * @param {L.LayerGroup} target  a marker cluster group or a feature group
         * @param {EventRecord[]} events
         * @param {{edge: string, uncertainty: (CircleStyle|null)}} style  from dashboard/style.py;
         *        uncertainty null: no circles (the sidebar's toggle is off)
         */
        eventMarkers: function (target, events, style) {
            var circled = {};  // one circle per point and radius, however many events share it
            var markers = events.map(function (e) {
                var marker = L.circleMarker([e.lat, e.lon], {
                    radius: e.r, color: style.edge, weight: 1, fillColor: e.c, fillOpacity: 0.85, pane: EVENTS_PANE
                }).bindPopup(e.p, {maxWidth: 360}).bindTooltip(e.t, {sticky: true});
                if (e.u > 0 && style.uncertainty) {
                    var key = e.lat + "," + e.lon + "," + e.u;
                    circled[key] = circled[key] || {markers: [], circle: L.circle([e.lat, e.lon], L.extend({
                        radius: e.u, interactive: false, pane: UNCERTAINTY_PANE
                    }, style.uncertainty))};
                    circled[key].markers.push(marker);
                }
                return marker;
            });
            var group = /** @type {any} */ (target);
            function add(some) {
                if (group.addLayers) { group.addLayers(some); }  // L.MarkerClusterGroup: one re-clustering
                else { some.forEach(function (m) { target.addLayer(m); }); }
            }
            function remove(some) {
                if (group.removeLayers) { group.removeLayers(some); }
                else { some.forEach(function (m) { target.removeLayer(m); }); }
            }
            add(markers);
            var circles = Object.keys(circled).map(function (key) { return circled[key]; });
            if (circles.length) { uncertaintyCircles(target, circles); }
            var shown = markers.length;
            // What playback.js steps: the markers of a window of days (``d``: the event's day since 1970-01-01).
            return {
                whenReady: function () { return Promise.resolve(); },
                shownCount: function () { return shown; },
                setDayWindow: function (first, last) {
                    var show = [], hide = [];
                    shown = 0;
                    markers.forEach(function (marker, i) {
                        var wanted = first === null || (events[i].d >= first && events[i].d <= last);
                        if (wanted) { shown++; }
                        var on = group.hasLayer(marker);
                        if (wanted && !on) { show.push(marker); } else if (!wanted && on) { hide.push(marker); }
                    });
                    if (hide.length) { remove(hide); }
                    if (show.length) { add(show); }
                    target.fire("ccmfiltered");
                }
            };
        },

        /**
         * Neutral cluster badges: markercluster's green/yellow/orange would read as event types.
         * @param {{getChildCount: function(): number}} cluster
         */
        clusterIcon: function (cluster) {
            var n = cluster.getChildCount(), size = n < 10 ? 28 : (n < 100 ? 34 : 40);
            var badge = span(n.toLocaleString("en"), "ccm-cluster-badge");
            badge.style.width = badge.style.height = size + "px";
            badge.style.lineHeight = (size - 4) + "px";
            badge.style.display = "block";
            return L.divIcon({html: badge.outerHTML, className: "ccm-cluster", iconSize: L.point(size, size)});
        },

        /**
         * Grid cells as circles, the larger ones labelled with their count; tooltips are plain text.
         * @param {L.LayerGroup} target
         * @param {CellRecord[]} cells
         * @param {{edge: string}} style  the marker outline (dashboard/style.py)
         */
        cellMarkers: function (target, cells, style) {
            cells.forEach(function (cell) {
                var tip = document.createElement("div");
                tip.textContent = cell.t;
                tip.className = "ccm-cell-tip";
                L.circleMarker([cell.lat, cell.lon], {
                    radius: cell.r, color: style.edge, weight: 1, fillColor: cell.c, fillOpacity: 0.55
                }).bindTooltip(tip, {sticky: true}).addTo(target);
                if (cell.r < 11) { return; }  // a count on every small circle would be unreadable
                L.marker([cell.lat, cell.lon], {
                    interactive: false, keyboard: false,
                    icon: L.divIcon({className: "", html: span(cell.n.toLocaleString("en"), "ccm-cell-count").outerHTML,
                                     iconSize: [48, 14], iconAnchor: [24, 7]})
                }).addTo(target);
            });
        },

        /**
         * Shows the legend's circle-of-uncertainty entry while ``group`` is on the map and draws
         * circles, hides it otherwise: the legend belongs to the base map, which the dashboard keeps
         * (and the view with it) when only the event layer changes.
         * @param {L.LayerGroup} group  the event layer
         * @param {boolean} shown
         */
        uncertaintyLegend: function (group, shown) {
            var layer = /** @type {any} */ (group);
            function added() {
                var container = layer._map.getContainer();
                container.ccmUncertaintyLayer = group;  // the latest event layer decides
                container.classList.toggle("ccm-uncertainty-on", shown);
            }
            group.on("add", added);
            // Leaflet fires "remove" before it forgets the layer's map.
            group.on("remove", function () {
                var container = layer._map.getContainer();
                if (container.ccmUncertaintyLayer === group) { container.classList.remove("ccm-uncertainty-on"); }
            });
            if (layer._map) { added(); }
        },

        /**
         * A fixed box on the map (legend, info); its HTML is built and escaped in Python.
         * @param {L.Map} map
         * @param {string} html
         * @param {string} position  a Leaflet control position
         * @param {string} className
         */
        htmlControl: function (map, html, position, className) {
            var control = new L.Control({position: /** @type {L.ControlPosition} */ (position)});
            control.onAdd = function () {
                var div = L.DomUtil.create("div", className);
                div.innerHTML = html;
                L.DomEvent.disableClickPropagation(div);
                return div;
            };
            control.addTo(map);
        },

        /**
         * Credit the boundary data in Leaflet's attribution control, whatever the basemap.
         * @param {L.Map} map
         * @param {string} attribution
         */
        attribution: function (map, attribution) {
            map.attributionControl.setPrefix(false);
            map.attributionControl.addAttribution(attribution);
        },

        /**
         * Place names of the offline basemap, in a pane above the land fill and below the markers.
         * @param {L.Map} map
         * @param {L.LayerGroup} group
         * @param {Label[]} labels
         */
        labels: function (map, group, labels) {
            if (!map.getPane("ccm-labels")) {
                var pane = map.createPane("ccm-labels");
                pane.style.zIndex = "450";
                pane.style.pointerEvents = "none";
            }
            labels.forEach(function (label) {
                var text = span(label.text, "ccm-label ccm-label-" + label.kind);
                L.marker([label.lat, label.lon], {
                    pane: "ccm-labels", interactive: false, keyboard: false,
                    // @ts-ignore  null, not a size: the label is as wide as its text
                    icon: L.divIcon({html: text.outerHTML, className: "", iconSize: null})
                }).addTo(group);
            });
        },

        /**
         * The offline place basemap: GeoNames towns (denser as one zooms in, largest first) and
         * province names over the land, drawn by protomaps-leaflet on canvas with labels that never
         * collide. Above the boundary lines, below the events; not interactive.
         * @param {L.Map} map
         * @param {L.LayerGroup} group
         * @param {string | {tiles: Object<string, string>, gzip: boolean}} source  a .pmtiles URL, or inlined tiles
         * @param {{town: string, dot: string, province: string, line: string, halo: string,
         *          minPopulation: Array<[number, number]>, credit: string}} look
         */
        placeBasemap: function (map, group, source, look) {
            if (!map.getPane("ccm-places")) {
                var pane = map.createPane("ccm-places");
                pane.style.zIndex = "440";
                pane.style.pointerEvents = "none";
            }
            var P = /** @type {any} */ (window).protomapsL;
            /** The smallest population named at zoom z: [[zoom, population], ...] ascending by zoom. */
            function smallest(z) {
                var found = Infinity;
                look.minPopulation.forEach(function (step) { if (z >= step[0]) { found = step[1]; } });
                return found;
            }
            var layer = P.leafletLayer({
                url: typeof source === "string" ? source : inlinedTiles(source),
                pane: "ccm-places",
                maxDataZoom: 12,
                attribution: "",
                paintRules: [{
                    dataLayer: "places",
                    minzoom: 7,
                    symbolizer: new P.LineSymbolizer({color: look.line, width: 0.6}),
                    filter: function (z, f) { return f.props.kind === "province_line"; }
                }],
                labelRules: [{
                    dataLayer: "places",
                    symbolizer: new P.GroupSymbolizer([
                        new P.CircleSymbolizer({radius: 2, fill: look.dot, stroke: look.halo, width: 1}),
                        new P.OffsetTextSymbolizer({
                            labelProps: ["name"], fill: look.town, stroke: look.halo, width: 2.5,
                            fontFamily: "sans-serif", fontSize: 11, offsetX: 3, offsetY: 3
                        })
                    ]),
                    filter: function (z, f) { return f.props.kind === "town" && f.props.population >= smallest(z); },
                    sort: function (a, b) { return b.population - a.population; }
                }, {
                    dataLayer: "places",
                    minzoom: 7,
                    maxzoom: 10,
                    symbolizer: new P.CenteredTextSymbolizer({
                        labelProps: ["name"], fill: look.province, stroke: look.halo, width: 2,
                        fontFamily: "sans-serif", fontSize: 10, fontStyle: "italic"
                    }),
                    filter: function (z, f) { return f.props.kind === "province"; }
                }]
            });
            layer.addTo(group);
            // A click on the map away from any event names the town there, with its other names.
            map.on("click", function (e) {
                var original = /** @type {any} */ (e.originalEvent);
                var target = original && original.target;
                if (!map.hasLayer(layer) || (target && target.closest
                        && target.closest(".leaflet-interactive, .leaflet-marker-icon, .leaflet-popup"))) {
                    return;
                }
                // Event layers drawn on their own canvas mark the clicks they take, in the same dispatch.
                setTimeout(function () {
                    if (original && original.ccmHandled) { return; }
                    var zoom = map.getZoom();
                    var town = townUnderClick(layer.queryTileFeaturesDebug(e.latlng.lng, e.latlng.lat, 12),
                        function (props) { return props.population >= smallest(zoom); });
                    if (town) {
                        L.popup({maxWidth: 320}).setLatLng(e.latlng).setContent(townPopup(town, look.credit)).openOn(map);
                    }
                }, 0);
            });
            return layer;
        },

        /**
         * A GeoJSON boundary layer with one fixed style; a tooltip joins the named properties as text.
         * @param {L.LayerGroup} group
         * @param {Object} data  a FeatureCollection
         * @param {L.PathOptions} style
         * @param {string[]} fields
         * @param {string} attribution  credited in the map's attribution while the layer is shown ("" for none)
         * @param {L.Map} [map]  with ``unitsKey``: the map on which ``data`` is registered as a choropleth's units
         * @param {string} [unitsKey]
         */
        shapes: function (group, data, style, fields, attribution, map, unitsKey) {
            if (map && unitsKey) {
                /** @type {any} */ (map).ccmUnits = /** @type {any} */ (map).ccmUnits || {};
                /** @type {any} */ (map).ccmUnits[unitsKey] = data;
            }
            var options = {style: style, interactive: fields.length > 0};
            // Outlines over the choropleth's fills; filled areas stay in the overlay pane.
            if (!style.fill) { options.pane = LINES_PANE; }
            // Leaflet writes an attribution as HTML: it is escaped here, as it is plain text.
            if (attribution) { options.attribution = span(attribution).outerHTML; }
            var layer = L.geoJSON(/** @type {any} */ (data), options);
            if (fields.length) {
                layer.bindTooltip(function (shape) {
                    // @ts-ignore  every layer of a GeoJSON group has its feature
                    var properties = shape.feature.properties;
                    return span(fields.map(function (f) { return properties[f]; }).join(" · "));
                }, {sticky: true});
            }
            layer.addTo(group);
        },

        /**
         * Keep two maps on the same view: moving or zooming one moves the other (two periods side by side).
         * @param {L.Map} left
         * @param {L.Map} right
         */
        syncMaps: function (left, right) {
            var following = false;
            function follow(leader, other) {
                leader.on("move zoom", function () {
                    if (following) { return; }
                    following = true;  // the other map's own move event must not move the leader back
                    other.setView(leader.getCenter(), leader.getZoom(), {animate: false});
                    following = false;
                });
            }
            follow(left, right);
            follow(right, left);
        }
    };
})();
