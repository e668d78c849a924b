"""A staff member's browser tab, reduced to the websocket: Reflex's own protocol, no browser.

It speaks what the compiled frontend (`.web/utils/state.js`) speaks: Socket.IO over the
websocket transport at `/_event?token=<tab token>`, the page's `hydrate_and_load` event
riding in the CONNECT packet, and then `event` messages {name, payload, router_data}.
A navigation inside the app sends the browser's cookies (`update_vars_internal`) and
`on_load_internal`, which runs the page's on_load handlers on the server.

The server answers with `event` messages carrying a state delta or frontend events
(`_redirect`, `_call_function`...). Reflex no longer marks the last reply of an event
(`final` is deprecated), so each action waits for the reply that only its end sends:
a page is done when the server sets `is_hydrated` after the page's last on_load handler;
a dashboard change is done when its `replaceState` script arrives (the dashboard sends
one after every view change); signing in is done at its redirect.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Callable

import socketio

ROOT = "reflex___state____state"
AUTH = f"{ROOT}.immigration_app___state___auth____auth_state"
DASHBOARD = f"{ROOT}.immigration_app___state___dashboard____dashboard_state"
CASE = f"{ROOT}.immigration_app___state___cases____case_state"
HYDRATE = f"{ROOT}.hydrate_and_load"
ON_LOAD = f"{ROOT}.reflex___state____on_load_internal_state.on_load_internal"
UPDATE_VARS = f"{ROOT}.reflex___state____update_vars_internal_state.update_vars_internal"
# The session cookie, as the browser's client storage names it for `update_vars_internal`.
SESSION_COOKIE_VAR = f"{AUTH}.session_token_rx_state_"
HYDRATED = "is_hydrated_rx_state_"
NAMESPACE = "/_event"  # Reflex serves its namespace at the same path as the socket

Update = dict  # one `event` message from the server: {"delta": ..., "events": [...]}


class ActionFailed(Exception):
    """The server answered, but not as a working app would (sent to sign in, an error toast)."""


def _page_loaded(update: Update) -> bool:
    return update.get("delta", {}).get(ROOT, {}).get(HYDRATED) is True


def _view_changed(update: Update) -> bool:
    return any(
        event["name"] == "_call_script" and "replaceState" in json.dumps(event["payload"])
        for event in update.get("events") or []
    )


def _redirected(update: Update) -> bool:
    return any(event["name"] == "_redirect" for event in update.get("events") or [])


def _failure(update: Update) -> str | None:
    """Why this reply means the action failed, if it does."""
    for event in update.get("events") or []:
        payload = event.get("payload") or {}
        if event["name"] == "_redirect" and payload.get("path", "").startswith("/login"):
            return f"sent to sign in: {payload['path']}"
        # rx.toast.error(...) arrives as a script: (() => (refs['__toast']?.["error"](...)))
        script = str(payload.get("function", "")) + str(payload.get("javascript_code", ""))
        if "__toast" in script and '["error"]' in script:
            return f"error toast: {script[:200]}"
    sign_in_error = update.get("delta", {}).get(AUTH, {}).get("sign_in_error_rx_state_")
    if sign_in_error:
        return f"sign-in refused: {sign_in_error}"
    if update.get("delta", {}).get(CASE, {}).get("status_rx_state_") == "missing":
        return "case not found"
    return None


class StaffTab:
    """One browser tab of one staff member: a socket, its cookie and what the page shows."""

    def __init__(self, base_url: str, timeout_s: float):
        self.base_url = base_url  # also the Origin the app allows: http://127.0.0.1:<port>
        self.timeout_s = timeout_s
        self.token = str(uuid.uuid4())  # the tab's token, as sessionStorage keeps it
        self.session_cookie = ""
        self.case_references: list[str] = []  # the dashboard's rows now on screen
        self.path = "/login"
        self._socket = socketio.AsyncClient(reconnection=False)
        self._socket.on("event", self._received, namespace=NAMESPACE)
        self._socket.on("disconnect", self._disconnected, namespace=NAMESPACE)
        self._waiting: tuple[Callable[[Update], bool], asyncio.Future] | None = None

    # --- replies ------------------------------------------------------------------------

    async def _received(self, update: Update) -> None:
        delta = update.get("delta") or {}
        if cookie := delta.get(AUTH, {}).get("session_token_rx_state_"):
            self.session_cookie = cookie  # the browser stores it; later events send it back
        if (rows := delta.get(DASHBOARD, {}).get("rows_rx_state_")) is not None:
            self.case_references = [row["reference"] for row in rows]
        if self._waiting is None:
            return
        done, future = self._waiting
        if future.done():
            return
        if (why := _failure(update)) is not None:
            future.set_exception(ActionFailed(why))
        elif done(update):
            future.set_result(None)

    async def _disconnected(self, *reason) -> None:
        if self._waiting and not self._waiting[1].done():
            self._waiting[1].set_exception(ActionFailed(f"disconnected {reason}"))

    async def _until(self, done: Callable[[Update], bool], send) -> float:
        """Milliseconds from sending to the reply that `done` recognises."""
        future = asyncio.get_running_loop().create_future()
        self._waiting = (done, future)
        started = time.perf_counter()
        try:
            await send()
            await asyncio.wait_for(future, self.timeout_s)
        finally:
            self._waiting = None
        return (time.perf_counter() - started) * 1000

    # --- what the frontend sends ---------------------------------------------------------

    def _router_data(self, query: dict[str, str] | None = None) -> dict:
        path = self.path.split("?")[0]
        return {"pathname": path, "asPath": self.path, **({"query": query} if query else {})}

    def _cookies(self) -> dict[str, str]:
        return {SESSION_COOKIE_VAR: self.session_cookie} if self.session_cookie else {}

    async def _emit(self, name: str, payload: dict, query: dict[str, str] | None = None):
        event = {"name": name, "payload": payload, "router_data": self._router_data(query)}
        await self._socket.emit("event", event, namespace=NAMESPACE)

    # --- actions -------------------------------------------------------------------------

    async def open_app(self, path: str) -> float:
        """Load `path` afresh: connect, with the hydrate event in the CONNECT packet."""
        self.path = path
        boot = {"name": HYDRATE, "payload": {}, "router_data": self._router_data()}
        if cookies := self._cookies():
            boot["payload"]["vars"] = cookies

        async def connect():
            await self._socket.connect(
                f"{self.base_url}?token={self.token}",
                headers={"Origin": self.base_url},
                auth={"event": boot},
                transports=["websocket"],
                namespaces=[NAMESPACE],
                socketio_path="/_event",
                wait_timeout=self.timeout_s,
            )

        return await self._until(_page_loaded, connect)

    async def sign_in(self, email: str, password: str) -> float:
        form = {"email": email, "password": password}
        return await self._until(
            _redirected, lambda: self._emit(f"{AUTH}.submit_sign_in", {"form_data": form})
        )

    async def navigate(self, path: str, query: dict[str, str] | None = None) -> float:
        """Follow a link inside the app: the page's on_load handlers run on the server."""
        self.path = path

        async def send():
            if cookies := self._cookies():
                await self._emit(UPDATE_VARS, {"vars": cookies}, query)
            await self._emit(ON_LOAD, {}, query)

        return await self._until(_page_loaded, send)

    async def dashboard(self, handler: str, **payload) -> float:
        """A control on the dashboard: a page button, the search box..."""
        return await self._until(
            _view_changed, lambda: self._emit(f"{DASHBOARD}.{handler}", payload)
        )

    async def open_case(self, reference: str) -> float:
        return await self.navigate(f"/cases/{reference}", {"ref": reference})

    async def reopen(self) -> float:
        """Reload the page after a failure: a new connection, hydrated with the cookie."""
        await self.close()
        return await self.open_app("/")

    async def close(self) -> None:
        await self._socket.disconnect()
