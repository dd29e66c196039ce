"""The preview answers this machine only.

`site-builder serve` listens on 127.0.0.1, but a web page elsewhere can still reach it
through the browser: with a DNS name that resolves to 127.0.0.1 (DNS rebinding) it can
read the preview, error pages with their paths included; with a cross-site request it can
open the live-reload websocket or call /forcereload. So every request must name a loopback
host (`localhost`, `*.localhost`, 127.0.0.0/8, ::1), and the websocket and /forcereload
accept only requests from the preview's own origin.
"""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

from tornado import web

FORBIDDEN = b"403 Forbidden: the preview answers only http://127.0.0.1 or http://localhost.\n"


def loopback_host(host: str) -> bool:
    """True for a Host header naming this machine: localhost, *.localhost, 127.x, ::1."""
    name = host.strip().lower()
    if name.startswith("["):  # [::1]:8000
        name = name[1 : name.find("]")] if "]" in name else ""
    elif name.count(":") == 1:
        name = name.split(":", 1)[0]
    name = name.rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def same_origin(url: str | None, host: str) -> bool:
    """True when `url` (an Origin or Referer) is http://<the host this request named>."""
    if not url:
        return False
    parts = urlsplit(url)
    return parts.scheme == "http" and parts.netloc.lower() == host.lower()


def cross_site(headers: Any, host: str) -> bool:
    """A request sent by a page of another site (Origin, Referer or Sec-Fetch-Site say so)."""
    origin = headers.get("Origin")
    if origin is not None and not same_origin(origin, host):
        return True
    referer = headers.get("Referer")
    if referer and not same_origin(
        f"{urlsplit(referer).scheme}://{urlsplit(referer).netloc}", host
    ):
        return True
    fetch_site = headers.get("Sec-Fetch-Site")
    return fetch_site is not None and fetch_site not in ("same-origin", "none")


class LoopbackOnly(web.RequestHandler):
    """Mixin: 403 for any request whose Host is not a loopback name."""

    def prepare(self) -> Any:
        if not loopback_host(self.request.host or ""):
            self.set_status(403)
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish(FORBIDDEN)
            return None
        return super().prepare()


def guarded_handlers(live_handlers: list[Any], web_handlers: list[Any]) -> list[Any]:
    """livereload's handlers, each made to answer only loopback hosts and same-origin
    websocket / forcereload requests."""
    from livereload.handlers import ForceReloadHandler, LiveReloadHandler

    class SafeLiveReload(LoopbackOnly, LiveReloadHandler):
        def check_origin(self, origin: str) -> bool:
            return same_origin(origin, self.request.host or "")

    class SafeForceReload(LoopbackOnly, ForceReloadHandler):
        def get(self) -> None:
            if cross_site(self.request.headers, self.request.host or ""):
                self.set_status(403)
                self.finish(b"403 Forbidden: only the preview itself may ask for a reload.\n")
                return
            super().get()

    replace = {LiveReloadHandler: SafeLiveReload, ForceReloadHandler: SafeForceReload}
    out = []
    for pattern, handler, *rest in [*live_handlers, *web_handlers]:
        handler = replace.get(handler) or type(
            "Safe" + handler.__name__, (LoopbackOnly, handler), {}
        )
        out.append((pattern, handler, *rest))
    return out
