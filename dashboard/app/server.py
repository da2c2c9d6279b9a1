"""The dashboard's server: Streamlit serving ``main.py``, the maps' bundled front end, and downloads
that can be fetched once.

Run with:  streamlit run dashboard/app/server.py  (``make run``)

Streamlit serves a download button's file at ``/media/<digest>.<ext>`` to anyone who has the address,
for as long as the file stays in its memory store (until the session ends and a later clean-up runs,
sometimes minutes after). An export of an analyst's own upload should not outlive its download:
the download buttons are deferred (the file is stored only when the button is clicked) and this
server forgets a downloadable file ``DOWNLOAD_GRACE_S`` after it was last sent whole, and at most
``DOWNLOAD_LIFETIME_S`` after the first time. The grace is there because Streamlit's page fetches
the address twice per click (a check, then the download itself). A later click stores it again.
Images and other media the page shows are left alone.

As it starts listening, the server warms up in a background thread (app/warmup.py): the first visitor
after a start then finds the libraries imported and the bundled data loaded. The maps' scripts and
styles are one file each (webmap/assets.bundle_files), and their boundary layers one script
(webmap/base_map.layer_data_url), at ``/ccm/bundle/<name>`` where the name carries the content's digest:
sent gzip-compressed and cached by the browser for good.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Final

import streamlit as st
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from streamlit import config
from streamlit.runtime import Runtime
from streamlit.runtime.media_file_storage import MediaFileKind
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from dashboard.app.warmup import warm_up
from dashboard.webmap.assets import BUNDLE_CACHE_CONTROL, BUNDLE_URL, bundle_route_served, served_file

DOWNLOAD_GRACE_S: Final = 5.0
# However often it is fetched, a file is forgotten this long after it was first sent whole.
DOWNLOAD_LIFETIME_S: Final = 60.0


def media_prefix() -> str:
    """The path under which Streamlit serves its media files, after any ``server.baseUrlPath``."""
    base = str(config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}/media/" if base else "/media/"


def download_name(scope: Scope) -> str | None:
    """The stored file name a GET of Streamlit's media route asks for, or None for any other request."""
    if scope["type"] != "http" or scope["method"] != "GET":
        return None
    path: str = scope["path"]
    prefix = media_prefix()
    name = path[len(prefix) :] if path.startswith(prefix) else ""
    return name if name and "/" not in name else None


def forget_download(name: str) -> bool:
    """Drop the downloadable file ``name`` from Streamlit's memory store; False if it is not one."""
    if not Runtime.exists():
        return False
    manager = Runtime.instance().media_file_mgr
    if not manager.can_read_files:
        return False
    stored = manager.read_file(name)
    if stored is None or stored.kind != MediaFileKind.DOWNLOADABLE:
        return False
    # The manager has no public delete; its storage does. The manager's own clean-up later
    # deletes the same id again, which the storage treats as done.
    storage: MemoryMediaFileStorage = manager._storage  # type: ignore[assignment]
    storage.delete_file(Path(name).stem)
    return True


class OneShotDownloads:
    """ASGI middleware: a downloadable media file sent whole (status 200) is forgotten soon after.

    Streamlit names a stored file by a digest of its bytes and name, so two identical exports (two
    analysts' snapshots of one view, or one clicked twice) share one stored file: every complete
    send restarts the grace period, so a second click's download is not cut off by the first's
    timer; but never past DOWNLOAD_LIFETIME_S from the first send, so fetching the address again
    and again cannot keep it alive. ``schedule(delay_s, callback)`` returns something with
    ``cancel()`` (by default the event loop's call_later); ``clock()`` gives seconds.
    """

    def __init__(
        self,
        app: ASGIApp,
        schedule: Callable[[float, Callable[[], None]], Any] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.schedule = schedule or (lambda delay, callback: asyncio.get_running_loop().call_later(delay, callback))
        self.clock = clock
        self.expiring: dict[str, tuple[float, Any]] = {}  # stored file name -> (first sent, pending timer)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        name = download_name(scope)
        if name is None:
            await self.app(scope, receive, send)
            return
        response: dict[str, Any] = {"status": None, "complete": False}

        async def watched(message: Message) -> None:
            if message["type"] == "http.response.start":
                response["status"] = message["status"]
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                response["complete"] = response["status"] == 200
            await send(message)

        await self.app(scope, receive, watched)
        if response["complete"]:
            now = self.clock()
            first_sent, pending = self.expiring.pop(name, (now, None))
            if pending is not None:
                pending.cancel()
            delay = max(0.0, min(DOWNLOAD_GRACE_S, first_sent + DOWNLOAD_LIFETIME_S - now))
            self.expiring[name] = (first_sent, self.schedule(delay, lambda: self.expire(name)))

    def expire(self, name: str) -> None:
        """Forget the file now; the next click on its button stores it again."""
        self.expiring.pop(name, None)
        forget_download(name)


async def send_bundle(request: Request) -> Response:
    """A bundled or generated file by name; the name changes with the content, so the browser never asks twice."""
    found = served_file(request.path_params["name"])
    if found is None:
        return PlainTextResponse("No such file: the map's scripts have changed since this page was loaded.", 404)
    headers = {"Cache-Control": BUNDLE_CACHE_CONTROL, "Vary": "Accept-Encoding"}
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(found.gzipped, media_type=found.media_type, headers=headers)
    return Response(found.body, media_type=found.media_type, headers=headers)


@asynccontextmanager
async def warmed(_app: st.App) -> AsyncIterator[None]:
    """Serve at once and warm up beside it: a visitor who comes first waits on the same cache entries."""
    threading.Thread(target=warm_up, name="ccm-warm-up", daemon=True).start()
    yield


bundle_route_served()  # this process answers BUNDLE_URL (below): the maps may refer to it
app = st.App(
    Path(__file__).with_name("main.py"),
    lifespan=warmed,
    routes=[Route(f"{BUNDLE_URL}/{{name}}", send_bundle, methods=["GET"])],
    middleware=[Middleware(OneShotDownloads)],
)
