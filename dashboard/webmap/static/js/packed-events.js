// @ts-check
/*
 * Caucasus Conflict Map: the packed event layer.
 *
 * Draws many events on one canvas from the compact encoding written by
 * dashboard/webmap/packing.py. Events are clustered on a pixel grid, once per zoom
 * level; a click on a cluster zooms in, a click on a place lists its events.
 * Popups and tooltips are built with textContent, so no text from the data
 * is ever parsed as HTML. Typed arrays are read in the platform's byte order,
 * which is little-endian on every browser platform in use.
 */
(function () {
    "use strict";

    // The payload, as written by dashboard/webmap/packing.py (its Packed TypedDict).
    /** @typedef {{t: ("u8"|"u16"|"u32"), z: string}} Column  zlib-compressed little-endian integers, base64 */
    /**
     * @typedef {Object} PackedEvents
     * @property {number} version  PACKED_VERSION; a page refuses a layout it does not know
     * @property {number} n  number of events
     * @property {number} scale  coordinates are integers of degrees * scale
     * @property {number} x0
     * @property {number} y0
     * @property {string} day0  ISO date of day 0
     * @property {Array<[string, string]>} types  [name, colour] per type code
     * @property {string[]} places
     * @property {string[]} regions
     * @property {Array<[string, number]>} precisions  [text, radius of the circle of uncertainty in metres (0: none)] per code
     * @property {string[]} actors
     * @property {Array<[string, number, string]>} fatalities  [text, marker radius, claims one per line] per code
     * @property {Array<[string, (string|null)]>} sources  [label, http(s) URL or null] per code
     * @property {{x: Column, y: Column, place: Column, region: Column, precision: Column}} loc
     * @property {{loc: Column, day: Column, type: Column, actors: Column, fatal: Column, source: Column}} ev
     */
    var PACKED_VERSION = 2;

    var ARRAY_TYPES = {u8: Uint8Array, u16: Uint16Array, u32: Uint32Array};
    var CLUSTER_PX = 45;    // places closer than this on screen share a badge
    var MAX_LISTED = 25;    // events listed in one popup; the rest are counted
    var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    var DAY_MS = 86400000;
    var EARTH_CIRCUMFERENCE_M = 2 * Math.PI * 6378137;  // Web Mercator's sphere (L.CRS.EPSG3857)

    function inflate(column) {
        var binary = atob(column.z);
        var bytes = new Uint8Array(binary.length);
        for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
        var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
        return new Response(stream).arrayBuffer().then(function (buffer) {
            return new ARRAY_TYPES[column.t](buffer);
        });
    }

    function inflateAll(columns) {
        var names = Object.keys(columns);
        return Promise.all(names.map(function (name) { return inflate(columns[name]); })).then(function (arrays) {
            var out = {};
            names.forEach(function (name, i) { out[name] = arrays[i]; });
            return out;
        });
    }

    function element(tag, text, className) {
        var node = document.createElement(tag);
        if (text !== undefined && text !== null) { node.textContent = text; }
        if (className) { node.className = className; }  // classes of static/css/map.css
        return node;
    }

    // A pixel-grid bin as one number (cheaper than a string key): gy stays below 2^22 up to zoom 19.
    function binKey(gx, gy) { return gx * 4194304 + gy; }

    function countLabel(n) {
        return n < 10000 ? n.toLocaleString("en") : Math.round(n / 1000) + "k";
    }

    function badgeRadius(n) {
        return n < 10 ? 14 : n < 100 ? 17 : n < 1000 ? 20 : 23;
    }

    /**
     * The payload's columns inflated, with what both packed layers (points and heatmap) read: each
     * location's position, the events of each location in date order, and day 0.
     * @param {PackedEvents} p
     */
    function decodePacked(p) {
        if (p.version !== PACKED_VERSION) {
            return Promise.reject(new Error(
                "This page's events layer has format version " + p.version + "; this script reads version "
                + PACKED_VERSION + ". Export the map again."));
        }
        if (typeof DecompressionStream === "undefined") {
            return Promise.reject(new Error(
                "This browser cannot unpack the events layer (it needs DecompressionStream: "
                + "Chrome/Edge 80+, Firefox 113+, Safari 16.4+)."));
        }
        return Promise.all([inflateAll(p.loc), inflateAll(p.ev)]).then(function (parts) {
            var loc = parts[0], ev = parts[1], nLoc = loc.x.length;
            var lat = new Float64Array(nLoc), lng = new Float64Array(nLoc);
            for (var i = 0; i < nLoc; i++) {
                lat[i] = (p.y0 + loc.y[i]) / p.scale;
                lng[i] = (p.x0 + loc.x[i]) / p.scale;
            }
            // Events of each location, in date order (the events arrive sorted by date).
            var start = new Uint32Array(nLoc + 1);
            for (var e = 0; e < ev.loc.length; e++) { start[ev.loc[e] + 1]++; }
            for (i = 0; i < nLoc; i++) { start[i + 1] += start[i]; }
            var fill = start.slice(0, nLoc), byLocation = new Uint32Array(ev.loc.length);
            for (e = 0; e < ev.loc.length; e++) { byLocation[fill[ev.loc[e]]++] = e; }
            var d = p.day0.split("-"), day0 = Date.UTC(+d[0], +d[1] - 1, +d[2]);
            return {
                _lat: lat, _lng: lng, _loc: loc, _ev: ev, _start: start, _byLocation: byLocation,
                _day0: day0, _epochDay0: Math.round(day0 / DAY_MS)
            };
        });
    }

    // The first event dated on or after ``day`` (days since day 0): events are in date order.
    function firstOnOrAfter(days, day) {
        var lo = 0, hi = days.length;
        while (lo < hi) {
            var mid = (lo + hi) >>> 1;
            if (days[mid] < day) { lo = mid + 1; } else { hi = mid; }
        }
        return lo;
    }

    /**
     * A window of days as the events it holds: [from, to) event indices (events are in date
     * order, so a window is one run of them), each location's number of events in it, and the
     * locations that have any. ``first`` and ``last`` are days since 1970-01-01, both included.
     */
    function dayWindow(decoded, first, last) {
        var days = decoded._ev.day, locOf = decoded._ev.loc;
        var from = firstOnOrAfter(days, first - decoded._epochDay0);
        var to = firstOnOrAfter(days, last + 1 - decoded._epochDay0);
        var counts = new Uint32Array(decoded._lat.length), locations = [];
        for (var e = from; e < to; e++) {
            if (counts[locOf[e]]++ === 0) { locations.push(locOf[e]); }
        }
        return {from: from, to: to, counts: counts, locations: locations};
    }

    L.CcmPackedEvents = L.Layer.extend({
        options: {
            pane: "markerPane",  // above the boundaries and the place labels
            moreHint: "",  // where the page that holds the map lists every event, if anywhere
            edge: "#222222",  // marker outlines and count labels: dashboard/style.py passes MARKER_EDGE
            // Circles of uncertainty (style.LOCATION_UNCERTAINTY as Leaflet path options), or null for none.
            uncertainty: null,
            uncertaintyMinPx: 6  // smaller circles would sit under their marker: not drawn
        },

        initialize: function (packed, options) {
            L.setOptions(this, options);
            this._packed = packed;
            this._ready = null;
            this._clusters = {};  // of every event, per zoom
            this._projected = {};  // every location's pixel position, per zoom
            this._window = null;  // the playback's window of days (dayWindow), or null for every event
            this._drawn = [];
            this._circles = [];
        },

        // Resolves when the columns are inflated; tests and the page can wait on it.
        whenReady: function () {
            if (!this._ready) { this._ready = this._decode(); }
            return this._ready;
        },

        eventCount: function () { return this._packed.n; },

        // How many events are shown: those of the playback's window, or all.
        shownCount: function () { return this._window ? this._window.to - this._window.from : this._packed.n; },

        /**
         * Shows only the events dated ``first`` to ``last`` (days since 1970-01-01, both included),
         * or every event when ``first`` is null (playback.js), and redraws at once.
         * @param {?number} first
         * @param {?number} last
         */
        setDayWindow: function (first, last) {
            if (!this._lat) {
                var self = this;
                this.whenReady().then(function () { self.setDayWindow(first, last); });
                return;
            }
            this._window = first === null ? null : dayWindow(this, first, /** @type {number} */ (last));
            this._tooltipFor = null;
            if (this._tooltip && this._map) { this._map.closeTooltip(this._tooltip); }
            this._redraw();
        },

        // Whether the events are drawn for the current, settled view (false during a zoom).
        isDrawn: function () { return this._isDrawn === true; },

        // Events per drawn cluster at the current view (for checks that nothing is lost).
        drawnClusters: function () {
            return this._drawn.map(function (c) { return {n: c.n, lat: c.latlng.lat, lng: c.latlng.lng}; });
        },

        // The circles of uncertainty drawn at the current view: centre and radius in pixels.
        drawnCircles: function () {
            return this._circles.map(function (c) { return {x: c.x, y: c.y, r: c.r}; });
        },

        _decode: function () {
            var self = this;
            return decodePacked(this._packed).then(function (decoded) { L.extend(self, decoded); });
        },

        onAdd: function (map) {
            this._canvas = L.DomUtil.create("canvas", "ccm-packed-events");
            this._canvas.style.pointerEvents = "none";
            this.getPane().appendChild(this._canvas);
            map.on("moveend", this._onMoveEnd, this);
            map.on("resize", this._redraw, this);
            map.on("zoomstart", this._hide, this);
            map.on("click", this._onClick, this);
            map.on("mousemove", this._onMouseMove, this);
            var self = this;
            this.whenReady().then(function () { if (self._map) { self._redraw(); } }, function (error) {
                self._showProblem(error.message);
            });
        },

        onRemove: function (map) {
            map.off("moveend", this._onMoveEnd, this);
            map.off("resize", this._redraw, this);
            map.off("zoomstart", this._hide, this);
            map.off("click", this._onClick, this);
            map.off("mousemove", this._onMouseMove, this);
            if (this._tooltip) { map.closeTooltip(this._tooltip); }
            L.DomUtil.remove(this._canvas);
            if (this._problem) { L.DomUtil.remove(this._problem); }
            map.getContainer().style.cursor = "";
            this._drawn = [];
            this._circles = [];
        },

        _showProblem: function (message) {
            this._problem = element("div", message, "ccm-problem");
            this._map.getContainer().appendChild(this._problem);
        },

        // From zoomstart to moveend the drawn positions are stale and Leaflet ignores a new
        // zoom while one is animating (fitBounds then does nothing): nothing is drawn or
        // clickable until the map has settled and _redraw runs again.
        _hide: function () {
            this._settling = true;
            this._drawn = [];
            this._circles = [];
            this._isDrawn = false;
            this._tooltipFor = null;
            if (this._tooltip && this._map) { this._map.closeTooltip(this._tooltip); }
            if (this._canvas) { this._canvas.style.visibility = "hidden"; }
        },

        _onMoveEnd: function () {
            this._settling = false;
            this._redraw();
        },

        // Places binned on a pixel grid, then each bin, largest first, absorbs the
        // neighbouring bins whose centre lies within CLUSTER_PX: badges do not pile up
        // the way plain grid cells do, at a fraction of pairwise clustering's cost.
        // Every event's clusters are kept per zoom; a playback window's are made per frame, from the
        // locations the window holds only, with pixel positions projected once per zoom.
        _clustersAt: function (zoom) {
            var windowed = this._window;
            if (!windowed && this._clusters[zoom]) { return this._clusters[zoom]; }
            var px = this._pixelsAt(zoom), bins = new Map(), list = [];
            var n = windowed ? windowed.locations.length : this._lat.length;
            for (var k = 0; k < n; k++) {
                var i = windowed ? windowed.locations[k] : k;
                var count = windowed ? windowed.counts[i] : this._start[i + 1] - this._start[i];
                if (!count) { continue; }
                var x = px.x[i], y = px.y[i];
                var gx = Math.floor(x / CLUSTER_PX), gy = Math.floor(y / CLUSTER_PX);
                var key = binKey(gx, gy), bin = bins.get(key);
                if (!bin) {
                    bin = {gx: gx, gy: gy, x: 0, y: 0, n: 0, locations: [], absorbed: false};
                    bins.set(key, bin);
                    list.push(bin);
                }
                bin.x += x * count;
                bin.y += y * count;
                bin.n += count;
                bin.locations.push(i);
            }
            list.forEach(function (b) { b.cx = b.x / b.n; b.cy = b.y / b.n; });
            list.sort(function (a, b) { return b.n - a.n; });
            var clusters = [];
            list.forEach(function (bin) {
                if (bin.absorbed) { return; }
                for (var dx = -1; dx <= 1; dx++) {
                    for (var dy = -1; dy <= 1; dy++) {
                        var other = (dx || dy) && bins.get(binKey(bin.gx + dx, bin.gy + dy));
                        if (!other || other.absorbed) { continue; }
                        var ox = other.cx - bin.cx, oy = other.cy - bin.cy;
                        if (ox * ox + oy * oy > CLUSTER_PX * CLUSTER_PX) { continue; }
                        other.absorbed = true;
                        bin.x += other.x;
                        bin.y += other.y;
                        bin.n += other.n;
                        Array.prototype.push.apply(bin.locations, other.locations);
                    }
                }
                bin.absorbed = true;
                clusters.push({x: bin.x / bin.n, y: bin.y / bin.n, n: bin.n, locations: bin.locations});
            });
            // Small clusters drawn first, so that the large counts stay readable on top.
            clusters.sort(function (a, b) { return a.n - b.n; });
            if (!windowed) { this._clusters[zoom] = clusters; }
            return clusters;
        },

        _pixelsAt: function (zoom) {
            if (!this._projected[zoom]) {
                var n = this._lat.length, x = new Float64Array(n), y = new Float64Array(n);
                for (var i = 0; i < n; i++) {
                    var point = this._map.project([this._lat[i], this._lng[i]], zoom);
                    x[i] = point.x;
                    y[i] = point.y;
                }
                this._projected[zoom] = {x: x, y: y};
            }
            return this._projected[zoom];
        },

        _redraw: function () {
            var map = this._map;
            if (!map || !this._lat || this._settling) { return; }
            var size = map.getSize(), ratio = window.devicePixelRatio || 1, canvas = this._canvas;
            canvas.width = size.x * ratio;
            canvas.height = size.y * ratio;
            canvas.style.width = size.x + "px";
            canvas.style.height = size.y + "px";
            L.DomUtil.setPosition(canvas, map.containerPointToLayerPoint([0, 0]));
            var ctx = canvas.getContext("2d");
            ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
            var zoom = map.getZoom(), origin = map.getPixelBounds().min, drawn = [];
            var types = this._packed.types, fatal = this._packed.fatalities;
            var clusters = this._clustersAt(zoom);
            this._circles = this._drawCircles(ctx, clusters, zoom, origin, size);
            clusters.forEach(function (c) {
                var x = c.x - origin.x, y = c.y - origin.y;
                if (x < -30 || y < -30 || x > size.x + 30 || y > size.y + 30) { return; }
                var single = c.n === 1 ? this._eventsAt(c.locations[0])[0] : -1;
                var radius = single >= 0 ? fatal[this._ev.fatal[single]][1] : badgeRadius(c.n);
                ctx.beginPath();
                ctx.arc(x, y, radius, 0, 2 * Math.PI);
                if (single >= 0) {
                    ctx.globalAlpha = 0.85;
                    ctx.fillStyle = types[this._ev.type[single]][1];
                    ctx.fill();
                    ctx.globalAlpha = 1;
                    ctx.lineWidth = 1;
                    ctx.strokeStyle = this.options.edge;
                    ctx.stroke();
                } else {
                    ctx.fillStyle = "rgba(255,255,255,0.92)";
                    ctx.fill();
                    ctx.lineWidth = 2;
                    ctx.strokeStyle = "#333333";
                    ctx.stroke();
                    ctx.fillStyle = this.options.edge;
                    ctx.font = "600 12px sans-serif";
                    ctx.textAlign = "center";
                    ctx.textBaseline = "middle";
                    ctx.fillText(countLabel(c.n), x, y + 0.5);
                }
                drawn.push({cluster: c, x: x, y: y, r: radius, latlng: map.unproject([c.x, c.y], zoom), n: c.n});
            }, this);
            this._drawn = drawn;
            this._isDrawn = true;
            canvas.style.visibility = "visible";
        },

        // The circle of uncertainty of every place drawn on its own (a badge or marker of one
        // location) where it is wider than uncertaintyMinPx: one path, filled once where circles
        // overlap, under the markers. Only the clusters of this zoom are visited (at most one per
        // place), and each costs a multiplication: cheap per frame whatever the number of events.
        _drawCircles: function (ctx, clusters, zoom, origin, size) {
            var look = this.options.uncertainty, circles = [];
            if (!look) { return circles; }
            var precisions = this._packed.precisions, precision = this._loc.precision;
            var metresPerPxAtEquator = EARTH_CIRCUMFERENCE_M / this._map.options.crs.scale(zoom);
            for (var i = 0; i < clusters.length; i++) {
                var c = clusters[i];
                if (c.locations.length !== 1) { continue; }
                var loc = c.locations[0], metres = precisions[precision[loc]][1];
                if (!metres) { continue; }
                var r = metres / (metresPerPxAtEquator * Math.cos(this._lat[loc] * Math.PI / 180));
                var x = c.x - origin.x, y = c.y - origin.y;
                if (r < this.options.uncertaintyMinPx || x < -r || y < -r || x > size.x + r || y > size.y + r) {
                    continue;
                }
                circles.push({x: x, y: y, r: r});
            }
            if (!circles.length) { return circles; }
            ctx.beginPath();
            circles.forEach(function (circle) {
                ctx.moveTo(circle.x + circle.r, circle.y);
                ctx.arc(circle.x, circle.y, circle.r, 0, 2 * Math.PI);
            });
            ctx.globalAlpha = look.fillOpacity;
            ctx.fillStyle = look.fillColor;
            ctx.fill();
            ctx.globalAlpha = 1;
            ctx.lineWidth = look.weight;
            ctx.strokeStyle = look.color;
            ctx.stroke();
            return circles;
        },

        _hit: function (containerPoint) {
            for (var i = this._drawn.length - 1; i >= 0; i--) {
                var d = this._drawn[i], dx = d.x - containerPoint.x, dy = d.y - containerPoint.y;
                if (dx * dx + dy * dy <= (d.r + 2) * (d.r + 2)) { return d; }
            }
            return null;
        },

        // The shown events at ``loc``, in date order: with a playback window, those it holds.
        _eventsAt: function (loc) {
            var events = [], from = this._window ? this._window.from : 0;
            var to = this._window ? this._window.to : this._packed.n;
            for (var k = this._start[loc]; k < this._start[loc + 1]; k++) {
                var e = this._byLocation[k];
                if (e >= from && e < to) { events.push(e); }
            }
            return events;
        },

        _eventsOf: function (cluster) {
            var events = [];
            cluster.locations.forEach(function (loc) { Array.prototype.push.apply(events, this._eventsAt(loc)); }, this);
            return events.sort(function (a, b) { return a - b; });  // event order is date order
        },

        _date: function (event) {
            var d = new Date(this._day0 + this._ev.day[event] * DAY_MS);
            return d.getUTCDate() + " " + MONTHS[d.getUTCMonth()] + " " + d.getUTCFullYear();
        },

        _onMouseMove: function (e) {
            var hit = this._hit(e.containerPoint), map = this._map;
            map.getContainer().style.cursor = hit ? "pointer" : "";
            if (!hit) {
                if (this._tooltip) { map.closeTooltip(this._tooltip); this._tooltipFor = null; }
                return;
            }
            if (this._tooltipFor === hit.cluster) { return; }
            this._tooltipFor = hit.cluster;
            var events = this._eventsOf(hit.cluster), p = this._packed, text;
            if (events.length === 1) {
                var loc = this._ev.loc[events[0]];
                text = this._date(events[0]) + " · " + p.types[this._ev.type[events[0]]][0] + " · "
                    + p.places[this._loc.place[loc]];
            } else {
                text = events.length.toLocaleString("en") + " events · " + this._date(events[0]) + " – "
                    + this._date(events[events.length - 1])
                    + (this._splits(hit.cluster) ? " · click to zoom in" : " · click to list");
            }
            this._tooltip = this._tooltip || L.tooltip({direction: "top", opacity: 0.95});
            this._tooltip.setContent(element("span", text)).setLatLng(hit.latlng);
            map.openTooltip(this._tooltip);
        },

        // Whether zooming in would separate the cluster's places.
        _splits: function (cluster) {
            return cluster.locations.length > 1 && this._map.getZoom() < this._map.getMaxZoom();
        },

        _onClick: function (e) {
            var hit = this._hit(e.containerPoint), map = this._map;
            if (!hit) { return; }
            // The click is the events': the place basemap's name popup stands back (map-elements.js).
            /** @type {any} */ (e.originalEvent).ccmHandled = true;
            if (this._splits(hit.cluster)) {
                var bounds = L.latLngBounds(hit.cluster.locations.map(function (loc) {
                    return [this._lat[loc], this._lng[loc]];
                }, this));
                map.fitBounds(bounds.pad(0.1), {maxZoom: Math.min(map.getMaxZoom(), map.getZoom() + 4)});
                return;
            }
            L.popup({maxWidth: 360}).setLatLng(hit.latlng).setContent(this._popup(hit.cluster)).openOn(map);
        },

        // What all the cluster's places share (name, region, precision) is said once at the
        // top; what differs is said per event.
        _popup: function (cluster) {
            var p = this._packed, ev = this._ev, loc = this._loc, events = this._eventsOf(cluster);
            var box = element("div", null, "ccm-popup ccm-popup-scroll");
            var precisionTexts = p.precisions.map(function (entry) { return entry[0]; });
            var fields = [["place", "Place", p.places], ["region", "Region", p.regions],
                          ["precision", "Location precision", precisionTexts]];
            var shared = fields.filter(function (f) {
                var first = loc[f[0]][cluster.locations[0]];
                return cluster.locations.every(function (l) { return loc[f[0]][l] === first; });
            });
            var varying = fields.filter(function (f) { return shared.indexOf(f) < 0; });
            shared.forEach(function (f) {
                var value = f[2][loc[f[0]][cluster.locations[0]]];
                if (!value) { return; }
                box.appendChild(f[0] === "place" ? element("div", value, "ccm-popup-head") : this._field(f[1], value));
            }, this);
            if (events.length > 1) {
                box.appendChild(element("div", events.length.toLocaleString("en") + " events"
                    + (varying.length && shared.indexOf(fields[0]) < 0 ? " at places close together" : " here")
                    + (events.length > MAX_LISTED ? "; the earliest " + MAX_LISTED + " are listed" : ""),
                    "ccm-muted"));
            }
            events.slice(0, MAX_LISTED).forEach(function (e) {
                var item = element("div", null, "ccm-popup-item");
                var head = element("div", null, "ccm-popup-head");
                var type = p.types[ev.type[e]];
                head.appendChild(element("span", this._date(e) + " "));
                var swatch = element("span", null, "ccm-swatch");
                swatch.style.background = type[1];
                head.appendChild(swatch);
                head.appendChild(element("span", type[0]));
                item.appendChild(head);
                varying.forEach(function (f) {
                    var value = f[2][loc[f[0]][ev.loc[e]]];
                    if (value) { item.appendChild(this._field(f[1], value)); }
                }, this);
                item.appendChild(this._field("Actors", p.actors[ev.actors[e]]));
                item.appendChild(this._field("Fatalities", p.fatalities[ev.fatal[e]][0]));
                if (p.fatalities[ev.fatal[e]][2]) { item.appendChild(this._claims(p.fatalities[ev.fatal[e]][2])); }
                item.appendChild(this._source(p.sources[ev.source[e]]));
                box.appendChild(item);
            }, this);
            if (events.length > MAX_LISTED) {
                box.appendChild(element("div", "… and " + (events.length - MAX_LISTED).toLocaleString("en")
                    + " later events. " + (this.options.moreHint || ""),
                    "ccm-muted ccm-gap"));
            }
            return box;
        },

        _field: function (label, value) {
            var row = element("div");
            row.appendChild(element("span", label + ": ", "ccm-muted"));
            row.appendChild(element("span", value));
            return row;
        },

        // One line per casualty claim ("Reporter: figure — about (as of, status)"), as Python wrote them.
        _claims: function (text) {
            var block = element("div", null, "ccm-claims");
            block.appendChild(element("div", "Casualty claims:", "ccm-muted"));
            text.split("\n").forEach(function (line) { block.appendChild(element("div", line, "ccm-claim")); });
            return block;
        },

        _source: function (source) {
            var row = element("div");
            row.appendChild(element("span", "Source: ", "ccm-muted"));
            // Python passes a URL only when it is absolute http(s); checked again here.
            if (source[1] && /^https?:\/\//i.test(source[1])) {
                var link = element("a", source[0]);
                link.href = source[1];
                link.target = "_blank";
                link.rel = "noopener noreferrer";
                row.appendChild(link);
            } else {
                row.appendChild(element("span", source[0]));
            }
            return row;
        }
    });

    L.ccmPackedEvents = function (packed, options) { return new L.CcmPackedEvents(packed, options); };

    /*
     * The packed events as a heatmap (L.CcmHeat, map-elements.js): the same payload as the points,
     * one heat point per location weighted by its number of events. Nothing is clickable.
     */
    L.CcmPackedHeat = L.Layer.extend({
        // Options of L.CcmHeat: radius, gradient, saturationShare (from dashboard/style.py).
        options: {},

        initialize: function (packed, options) {
            L.setOptions(this, options);
            this._packed = packed;
            this._ready = null;
            this._heat = null;
            this._decoded = null;
            this._window = null;  // the playback's window of days (dayWindow), or null for every event
        },

        // Resolves with the heat points [lat, lng, events] once the columns are inflated.
        whenReady: function () {
            if (!this._ready) {
                var self = this;
                this._ready = decodePacked(this._packed).then(function (d) {
                    self._decoded = d;
                    return self._points();
                });
            }
            return this._ready;
        },

        eventCount: function () { return this._packed.n; },

        // How many events are shown: those of the playback's window, or all.
        shownCount: function () { return this._window ? this._window.to - this._window.from : this._packed.n; },

        // One heat point per location with events shown, weighted by their number.
        _points: function () {
            var d = this._decoded, points = [], w = this._window;
            if (w) {
                w.locations.forEach(function (i) { points.push([d._lat[i], d._lng[i], w.counts[i]]); });
                return points;
            }
            for (var i = 0; i < d._lat.length; i++) {
                var n = d._start[i + 1] - d._start[i];
                if (n) { points.push([d._lat[i], d._lng[i], n]); }
            }
            return points;
        },

        /**
         * Heat of the events dated ``first`` to ``last`` only (days since 1970-01-01), or of all
         * for null (playback.js); the colours are scaled to the frame, as they are to the view.
         * @param {?number} first
         * @param {?number} last
         */
        setDayWindow: function (first, last) {
            if (!this._decoded) {
                var self = this;
                this.whenReady().then(function () { self.setDayWindow(first, last); });
                return;
            }
            this._window = first === null ? null : dayWindow(this._decoded, first, /** @type {number} */ (last));
            if (this._heat) { this._heat.setPoints(this._points()); }
        },

        // Whether the heat is drawn for the current, settled view.
        isDrawn: function () { return Boolean(this._heat && this._heat.isDrawn()); },

        onAdd: function (map) {
            var self = this;
            this.whenReady().then(function () {
                if (self._map !== map) { return; }
                self._heat = L.ccmHeat(self._points(), self.options).addTo(map);
            }, function (error) {
                self._problem = element("div", error.message, "ccm-problem");
                map.getContainer().appendChild(self._problem);
            });
        },

        onRemove: function (map) {
            if (this._heat) { map.removeLayer(this._heat); }
            this._heat = null;
            if (this._problem) { L.DomUtil.remove(this._problem); }
        }
    });

    L.ccmPackedHeat = function (packed, options) { return new L.CcmPackedHeat(packed, options); };
})();
