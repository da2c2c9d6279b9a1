// @ts-check
/*
 * Caucasus Conflict Map: playback of the shown events through time, in the browser.
 *
 * The frames (windows of days, with their labels) come from dashboard/timeframes.py; this
 * script only steps through them and asks the event layer to show one window's events. A layer
 * that can be played has setDayWindow(first, last) (days since 1970-01-01, both included; null
 * for every event), shownCount() and whenReady(): the packed points and heatmap
 * (packed-events.js) and the event markers (map-elements.js). Nothing is sent to the server per
 * frame: the dashboard's filters define the set being played, the control only what of it shows.
 */
(function () {
    "use strict";

    /**
     * @typedef {Object} PlaybackConfig  written by dashboard/webmap/event_layers.py (playback_config)
     * @property {Object<string, Array<[number, number, string, string]>>} frames  per window unit:
     *     [first day, last day, label, label from the first frame's first day (cumulative)]
     * @property {Array<[string, string]>} units  [key, label] of the window units offered, in order
     * @property {Array<[string, string]>} modes  [key, label]: "moving" or "cumulative"
     * @property {Array<[string, number]>} speeds  [label, milliseconds per frame]
     * @property {string} unit  the unit chosen at first
     * @property {string} mode
     * @property {number} speed  index into speeds
     * @property {string} note  said under the control (e.g. how a heatmap is scaled per frame)
     */

    function element(tag, text, className, parent) {
        var node = document.createElement(tag);
        if (text) { node.textContent = text; }
        if (className) { node.className = className; }
        if (parent) { parent.appendChild(node); }
        return node;
    }

    // Icons as SVG paths in a 16-unit box: symbol fonts are not on every machine.
    var ICONS = {
        stop: "M4 4h8v8H4z",
        previous: "M3 3h2v10H3zM13 3v10L6 8z",
        play: "M4 2.5v11L13 8z",
        pause: "M4 3h3v10H4zM9 3h3v10H9z",
        next: "M11 3h2v10h-2zM3 3v10l7-5z"
    };
    var SVG = "http://www.w3.org/2000/svg";

    function setIcon(node, name) {
        var svg = document.createElementNS(SVG, "svg"), path = document.createElementNS(SVG, "path");
        svg.setAttribute("viewBox", "0 0 16 16");
        svg.setAttribute("width", "14");
        svg.setAttribute("height", "14");
        svg.setAttribute("aria-hidden", "true");
        path.setAttribute("d", ICONS[name]);
        path.setAttribute("fill", "currentColor");
        svg.appendChild(path);
        node.replaceChildren(svg);
    }

    function button(parent, icon, title, onClick) {
        var node = /** @type {HTMLButtonElement} */ (element("button", null, "ccm-play-button", parent));
        setIcon(node, icon);
        node.type = "button";
        node.title = title;
        node.setAttribute("aria-label", title);
        L.DomEvent.on(node, "click", function (e) { L.DomEvent.stop(e); onClick(); });
        return node;
    }

    function select(parent, options, chosen, title, onChange) {
        var node = /** @type {HTMLSelectElement} */ (element("select", null, "ccm-play-select", parent));
        node.title = title;
        node.setAttribute("aria-label", title);
        options.forEach(function (option) {
            var item = /** @type {HTMLOptionElement} */ (element("option", option[1], null, node));
            item.value = String(option[0]);
            item.selected = String(option[0]) === String(chosen);
        });
        L.DomEvent.on(node, "change", function () { onChange(node.value); });
        return node;
    }

    /**
     * The playback state and its control, for one event layer. Exposed on the map container as
     * ``ccmPlayback`` so that tests and benchmarks can step it and read what it shows.
     * @param {L.LayerGroup} group  the event layer (removed with it when the filters change)
     * @param {any} target  the layer that shows a window of days
     * @param {PlaybackConfig} config
     */
    function Playback(group, target, config) {
        this.group = group;
        this.target = target;
        this.config = config;
        this.unit = config.frames[config.unit] ? config.unit : config.units[0][0];
        this.mode = config.mode;
        this.speed = config.speed;
        this.index = -1;  // -1: not playing; every event of the selection is shown
        this.playing = false;
        this.timer = null;
        this.lastFrameMs = 0;  // how long the latest frame took to filter and draw
    }

    Playback.prototype = {
        frames: function () { return this.config.frames[this.unit]; },

        // The days frame ``index`` shows: its own window, or from the first frame's first day.
        windowOf: function (index) {
            var frames = this.frames(), frame = frames[index];
            return [this.mode === "cumulative" ? frames[0][0] : frame[0], frame[1]];
        },

        // Shows frame ``index`` (clamped), or every event for -1.
        show: function (index) {
            var frames = this.frames();
            this.index = index < 0 ? -1 : Math.min(index, frames.length - 1);
            var started = performance.now();
            if (this.index < 0) { this.target.setDayWindow(null, null); }
            else {
                var days = this.windowOf(this.index);
                this.target.setDayWindow(days[0], days[1]);
            }
            this.lastFrameMs = performance.now() - started;
            this.render();
        },

        play: function () {
            if (this.playing) { return; }
            this.playing = true;
            if (this.index < 0 || this.index >= this.frames().length - 1) { this.show(0); }
            this.render();
            this.schedule();
        },

        // Pausing leaves the frame on the map as it is.
        pause: function () {
            this.playing = false;
            if (this.timer) { clearTimeout(this.timer); }
            this.timer = null;
            this.render();
        },

        schedule: function () {
            var self = this;
            if (this.timer) { clearTimeout(this.timer); }
            this.timer = setTimeout(function () {
                self.timer = null;
                if (!self.playing) { return; }
                if (self.index >= self.frames().length - 1) { self.pause(); return; }
                self.show(self.index + 1);
                self.schedule();
            }, this.config.speeds[this.speed][1]);
        },

        step: function (by) {
            this.pause();
            var next = this.index < 0 ? (by > 0 ? 0 : this.frames().length - 1) : this.index + by;
            this.show(Math.max(0, Math.min(next, this.frames().length - 1)));
        },

        // Back to every event of the selection.
        stop: function () {
            this.pause();
            this.show(-1);
        },

        setUnit: function (unit) {
            if (!this.config.frames[unit]) { return; }
            var wasAt = this.index >= 0 ? this.windowOf(this.index)[1] : null;
            this.unit = unit;
            if (wasAt === null) { this.render(); return; }
            // Stay at the same point in time: the frame of the new unit that holds the old frame's last day.
            var frames = this.frames(), at = 0;
            while (at < frames.length - 1 && frames[at][1] < wasAt) { at++; }
            this.show(at);
        },

        setMode: function (mode) {
            this.mode = mode;
            if (this.index >= 0) { this.show(this.index); } else { this.render(); }
        },

        setSpeed: function (speed) {
            this.speed = speed;
            if (this.playing) { this.schedule(); }
        },

        // What the control says: the window on the map and how many events it holds.
        status: function () {
            var n = this.target.shownCount(), events = n.toLocaleString("en") + (n === 1 ? " event" : " events");
            if (this.index < 0) { return "All dates · " + events; }
            var frame = this.frames()[this.index];
            return (this.mode === "cumulative" ? frame[3] : frame[2]) + " · " + events;
        },

        build: function (container) {
            var self = this, config = this.config;
            var row = element("div", null, "ccm-play-row", container);
            this.stopButton = button(row, "stop", "Show every date again", function () { self.stop(); });
            button(row, "previous", "Previous frame", function () { self.step(-1); });
            this.playButton = button(row, "play", "Play", function () {
                if (self.playing) { self.pause(); } else { self.play(); }
            });
            button(row, "next", "Next frame", function () { self.step(1); });
            this.slider = /** @type {HTMLInputElement} */ (element("input", null, "ccm-play-slider", row));
            this.slider.type = "range";
            this.slider.min = "0";
            this.slider.setAttribute("aria-label", "Frame");
            L.DomEvent.on(this.slider, "input", function () { self.pause(); self.show(+self.slider.value); });
            this.label = element("div", null, "ccm-play-label", container);
            this.label.setAttribute("aria-live", "polite");
            var choices = element("div", null, "ccm-play-row", container);
            select(choices, config.units, this.unit, "Window", function (v) { self.setUnit(v); });
            select(choices, config.modes, this.mode, "Show", function (v) { self.setMode(v); });
            select(choices, config.speeds.map(function (s, i) { return [i, s[0]]; }), this.speed, "Speed",
                function (v) { self.setSpeed(+v); });
            if (config.note) { element("div", config.note, "ccm-legend-note", container); }
            this.render();
        },

        render: function () {
            if (!this.label) { return; }
            var frames = this.frames();
            this.slider.max = String(frames.length - 1);
            this.slider.value = String(Math.max(0, this.index));
            if (this.playButton.dataset.icon !== (this.playing ? "pause" : "play")) {
                this.playButton.dataset.icon = this.playing ? "pause" : "play";
                setIcon(this.playButton, this.playButton.dataset.icon);
            }
            this.playButton.title = this.playing ? "Pause" : "Play";
            this.playButton.setAttribute("aria-label", this.playButton.title);
            this.stopButton.disabled = this.index < 0;
            this.label.textContent = this.status();
        }
    };

    /**
     * A playback control on the map while ``group`` is on it (bottom left); it goes, and shows
     * every event again, when the group is removed.
     * @param {L.LayerGroup} group
     * @param {any} target
     * @param {PlaybackConfig} config
     */
    L.ccm.playback = function (group, target, config) {
        var control = null, layer = /** @type {any} */ (group), playback = null;
        function added() {
            if (control) { return; }
            var map = layer._map;
            playback = new Playback(group, target, config);
            control = new L.Control({position: "bottomleft"});
            control.onAdd = function () {
                var div = L.DomUtil.create("div", "ccm-panel ccm-playback");
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                playback.build(div);
                return div;
            };
            control.addTo(map);
            map.getContainer().ccmPlayback = playback;
            target.whenReady().then(function () { if (playback) { playback.render(); } });
        }
        group.on("add", added);
        group.on("remove", function () {
            if (!control) { return; }
            playback.pause();
            var container = layer._map.getContainer();
            if (container.ccmPlayback === playback) { delete container.ccmPlayback; }
            control.remove();
            control = null;
            playback = null;
        });
        if (layer._map) { added(); }
    };
})();
