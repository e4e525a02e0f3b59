"""A strict fake of Slack on 127.0.0.1: the Web API, response_url and a Socket Mode websocket,
for the real slack-bolt and slack-sdk.

It refuses what Slack refuses (invalid_blocks, msg_too_long, no_text, not_in_channel,
channel_not_found, is_archived, ratelimited with Retry-After, a response_url used more than 5
times), flags live mentions in anything the bot sends, and records every call. It also signs
requests as Slack does, for HTTP mode.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from aiohttp import WSMsgType, web
from slack_sdk.signature import SignatureVerifier

from tests.fake_server import CallLog, serve_loopback

_counter = itertools.count(1)
LIVE_MENTION = re.compile(r"<!(channel|here|everyone)|<@[UW]|<!subteam")
TEAM = "T0SCHOOL"


def _ts() -> str:
    return f"{int(time.time())}.{next(_counter):06d}"


@dataclass
class Call:
    method: str  # an API method ("chat.postMessage"), or "response_url"
    payload: dict[str, Any]
    at: float = field(default_factory=time.monotonic)
    ok: bool = True
    error: str = ""
    response: dict[str, Any] = field(default_factory=dict)


class Refused(Exception):
    def __init__(self, error: str, status: int = 200, headers: dict[str, str] | None = None):
        super().__init__(error)
        self.error, self.status, self.headers = error, status, headers or {}


def _text_of(obj: Any) -> list[str]:
    """Every string a block structure would show."""
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, dict):
        return [
            t for k, v in obj.items() if k not in ("action_id", "block_id") for t in _text_of(v)
        ]
    if isinstance(obj, list):
        return [t for v in obj for t in _text_of(v)]
    return []


def _length(value: Any, most: int, what: str) -> None:
    if not isinstance(value, str) or not 1 <= len(value) <= most:
        raise Refused(f"invalid_blocks: {what} must be 1 to {most} characters")


def check_blocks(blocks: list[dict[str, Any]]) -> None:
    if len(blocks) > 50:
        raise Refused("invalid_blocks: more than 50 blocks")
    ids: set[str] = set()
    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            if block["text"].get("type") != "plain_text":
                raise Refused("invalid_blocks: a header is plain_text")
            _length(block["text"].get("text"), 150, "header text")
        elif kind == "section":
            if "text" in block:
                _length(block["text"].get("text"), 3000, "section text")
            fields = block.get("fields") or []
            if len(fields) > 10:
                raise Refused("invalid_blocks: more than 10 fields")
            for f in fields:
                _length(f.get("text"), 2000, "section field")
            if "text" not in block and not fields:
                raise Refused("invalid_blocks: a section needs text or fields")
        elif kind == "context":
            if not 1 <= len(block.get("elements") or []) <= 10:
                raise Refused("invalid_blocks: context elements")
            for element in block["elements"]:
                _length(element.get("text"), 3000, "context text")
        elif kind == "actions":
            elements = block.get("elements") or []
            if not 1 <= len(elements) <= 25:
                raise Refused("invalid_blocks: 1 to 25 elements in an actions block")
            for element in elements:
                action_id = element.get("action_id", "")
                _length(action_id, 255, "action_id")
                if action_id in ids:
                    raise Refused("invalid_blocks: duplicate action_id")
                ids.add(action_id)
                if element.get("type") == "button":
                    _length(element["text"].get("text"), 75, "button text")
                    if "value" in element:
                        _length(element["value"], 2000, "button value")
                elif element.get("type") == "static_select":
                    options = element.get("options") or []
                    if not 1 <= len(options) <= 100:
                        raise Refused("invalid_blocks: 1 to 100 options")
                    for option in options:
                        _length(option["text"].get("text"), 75, "option text")
                        _length(option.get("value"), 150, "option value")
                else:
                    raise Refused(f"invalid_blocks: unknown element {element.get('type')}")
        elif kind != "input":
            raise Refused(f"invalid_blocks: unknown block {kind}")


class FakeSlack(CallLog[Call]):
    def __init__(self, signing_secret: str = "fake-signing-secret") -> None:
        self.signing_secret = signing_secret
        self.calls: list[Call] = []
        self.changed = asyncio.Condition()
        self.users: dict[str, dict[str, Any]] = {}
        self.channel_id = "C0CLASS"
        self.channel_errors: dict[str, str] = {}  # channel -> the error Slack gives there
        self.limits: list[list[Any]] = []
        self.stalls: list[tuple[str, asyncio.Event]] = []  # [method, times left, retry_after]
        self.live_mentions: list[str] = []
        self.response_uses: dict[str, int] = {}
        self.response_owner: dict[str, str] = {}  # response_url id -> request key
        self.messages: dict[str, dict[str, Any]] = {}  # ts -> message
        self.socket_acks: list[dict[str, Any]] = []
        self._acks: dict[str, asyncio.Future[dict[str, Any]]] = {}  # envelope id -> its ack
        self.ws: web.WebSocketResponse | None = None
        self.ws_connected = asyncio.Event()
        self.uploads: dict[str, bytes] = {}
        self.base = ""
        self.add_user("alice")

    # -- set-up ---------------------------------------------------------------------------

    def add_user(self, name: str, *, admin: bool = False) -> str:
        user_id = f"U{len(self.users) + 1:04d}{name.upper()[:4]}"
        self.users[user_id] = {"id": user_id, "name": name, "is_admin": admin, "is_owner": False}
        return user_id

    def fail_channel(self, channel: str, error: str) -> None:
        self.channel_errors[channel] = error

    def rate_limit(self, method: str, times: int, retry_after: int = 1) -> None:
        self.limits.append([method, times, retry_after])

    def stall(self, method: str) -> asyncio.Event:
        """Hold every call of `method` until the returned event is set."""
        gate = asyncio.Event()
        self.stalls.append((method, gate))
        return gate

    @property
    def api_url(self) -> str:
        return f"{self.base}/api/"  # slack-sdk needs the trailing slash

    # -- payloads --------------------------------------------------------------------------

    def _response_url(self, key: str) -> str:
        rid = uuid.uuid4().hex[:12]
        self.response_owner[rid] = key
        return f"{self.base}/response/{rid}"

    def slash_payload(
        self, command: str, text: str, user: str, channel: str | None = None
    ) -> dict[str, Any]:
        key = f"{next(_counter)}.trigger"
        return {
            "token": "x", "team_id": TEAM, "team_domain": "school",
            "channel_id": channel or self.channel_id, "channel_name": "class",
            "user_id": user, "user_name": self.users[user]["name"], "command": command,
            "text": text, "api_app_id": "A0LECTERN", "response_url": self._response_url(key),
            "trigger_id": key,
        }  # fmt: skip

    def action_payload(
        self, ts: str, action: dict[str, Any], user: str, value: str | None = None
    ) -> dict[str, Any]:
        message = self.messages.get(ts, {"ts": ts, "text": "", "blocks": []})
        key = f"{next(_counter)}.action"
        picked = {**action, "block_id": "b", "action_ts": key}
        if action.get("type") == "static_select":
            picked["selected_option"] = next(o for o in action["options"] if o["value"] == value)
        channel = message.get("channel", self.channel_id)
        return {
            "type": "block_actions", "team": {"id": TEAM, "domain": "school"},
            "user": {"id": user, "username": self.users[user]["name"], "team_id": TEAM},
            "api_app_id": "A0LECTERN", "token": "x", "trigger_id": key,
            "channel": {"id": channel, "name": "class"},
            "container": {"type": "message", "message_ts": ts, "channel_id": channel},
            "message": message, "response_url": self._response_url(key), "actions": [picked],
        }  # fmt: skip

    def view_payload(self, view: dict[str, Any], user: str, text: str) -> dict[str, Any]:
        values = {
            b["block_id"]: {b["element"]["action_id"]: {"type": "plain_text_input", "value": text}}
            for b in view["blocks"]
            if b["type"] == "input"
        }
        return {
            "type": "view_submission", "team": {"id": TEAM, "domain": "school"},
            "user": {"id": user, "username": self.users[user]["name"], "team_id": TEAM},
            "api_app_id": "A0LECTERN", "token": "x", "trigger_id": f"{next(_counter)}.view",
            "view": {**view, "id": f"V{next(_counter)}", "state": {"values": values}},
        }  # fmt: skip

    def signed(
        self, body: str, *, timestamp: int | None = None, secret: str | None = None
    ) -> dict[str, str]:
        ts = str(timestamp if timestamp is not None else int(time.time()))
        verifier = SignatureVerifier(secret or self.signing_secret)
        return {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": str(verifier.generate_signature(timestamp=ts, body=body)),
        }

    @staticmethod
    def form(payload: dict[str, Any]) -> str:
        if "command" in payload:
            return urlencode(payload)
        return urlencode({"payload": json.dumps(payload)})

    # -- reading ---------------------------------------------------------------------------

    def called(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def responses(self, payload: dict[str, Any]) -> list[Call]:
        url = str(payload.get("response_url", ""))
        rid = url.rsplit("/", 1)[-1]
        return [c for c in self.calls if c.method == "response_url" and c.payload["_id"] == rid]

    async def _record(self, call: Call) -> None:
        self.calls.append(call)
        async with self.changed:
            self.changed.notify_all()

    # -- Web API ---------------------------------------------------------------------------

    async def _payload(self, request: web.Request) -> dict[str, Any]:
        payload: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            payload |= await request.json()
        elif request.can_read_body:
            payload |= {k: v for k, v in (await request.post()).items() if isinstance(v, str)}
        for key in ("blocks", "view"):
            if isinstance(payload.get(key), str):
                payload[key] = json.loads(payload[key])
        return payload

    def _check_message(self, payload: dict[str, Any]) -> None:
        text, blocks = payload.get("text"), payload.get("blocks")
        if not text and not blocks:
            raise Refused("no_text")
        if text and len(text) > 40000:
            raise Refused("msg_too_long")
        if blocks:
            check_blocks(blocks)
        for shown in [text or "", *_text_of(blocks or [])]:
            if LIVE_MENTION.search(shown):
                self.live_mentions.append(shown)

    async def api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        payload = await self._payload(request)
        call = Call(method, payload)
        try:
            for stalled, gate in self.stalls:
                if stalled == method:
                    await gate.wait()  # a platform that hangs, until the test lets it go
            for limit in self.limits:
                if limit[0] == method and limit[1] > 0:
                    limit[1] -= 1
                    raise Refused("ratelimited", 429, {"Retry-After": str(limit[2])})
            call.response = {"ok": True, **self._serve(method, payload)}
        except Refused as refused:
            call.ok, call.error = False, refused.error
            call.response = {"ok": False, "error": refused.error}
            await self._record(call)
            return web.json_response(call.response, status=refused.status, headers=refused.headers)
        await self._record(call)
        return web.json_response(call.response)

    def _serve(self, method: str, p: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {"url": "https://school.slack.com/", "team": "School", "user": "lectern",
                    "team_id": TEAM, "user_id": "U0LECTERN", "bot_id": "B0LECTERN"}  # fmt: skip
        if method == "apps.connections.open":
            return {"url": f"{self.base.replace('http', 'ws')}/link"}
        if method == "users.info":
            user = self.users.get(str(p.get("user")))
            if user is None:
                raise Refused("user_not_found")
            return {"user": user}
        if method in ("chat.postMessage", "chat.update", "chat.postEphemeral"):
            channel = str(p.get("channel", ""))
            if channel in self.channel_errors:
                raise Refused(self.channel_errors[channel])
            self._check_message(p)
            if channel.startswith("U"):
                channel = "D" + channel[1:]  # the bot's DM with that user
            if method == "chat.update":
                known = self.messages.get(str(p.get("ts")))
                if known is None:
                    raise Refused("message_not_found")
                known.update(text=p.get("text"), blocks=p.get("blocks") or [])
                return {"channel": channel, "ts": p["ts"]}
            if method == "chat.postEphemeral":
                return {"message_ts": _ts()}
            ts = _ts()
            blocks = p.get("blocks") or []
            self.messages[ts] = {
                "type": "message", "ts": ts, "channel": channel, "text": p.get("text"),
                "blocks": blocks,
            }  # fmt: skip
            return {"channel": channel, "ts": ts, "message": self.messages[ts]}
        if method == "views.open":
            view = p.get("view") or {}
            if view.get("type") != "modal" or len(view["title"]["text"]) > 24:
                raise Refused("invalid_arguments")
            check_blocks(view.get("blocks") or [])
            return {"view": {**view, "id": f"V{next(_counter)}"}}
        if method == "conversations.open":
            return {"channel": {"id": "D" + str(p.get("users", ""))[1:]}}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(_counter)}"
            return {"upload_url": f"{self.base}/upload/{file_id}", "file_id": file_id}
        if method == "files.completeUploadExternal":
            files = p.get("files")
            listed = json.loads(files) if isinstance(files, str) else files or []
            return {"files": [{"id": f["id"], "title": f.get("title", "")} for f in listed]}
        if method == "files.info":
            return {"file": {"id": p.get("file"), "name": "file"}}
        raise Refused("unknown_method", 404)

    async def upload(self, request: web.Request) -> web.Response:
        self.uploads[request.match_info["id"]] = await request.read()
        await self._record(Call("upload", {"id": request.match_info["id"]}))
        return web.Response(text="OK - uploaded")

    async def response_url(self, request: web.Request) -> web.Response:
        rid = request.match_info["id"]
        payload = await request.json()
        uses = self.response_uses[rid] = self.response_uses.get(rid, 0) + 1
        call = Call("response_url", {**payload, "_id": rid})
        if uses > 5:
            call.ok, call.error = False, "used_too_many_times"
            await self._record(call)
            return web.Response(status=404, text="used_too_many_times")
        try:
            self._check_message(payload)
        except Refused as refused:
            call.ok, call.error = False, refused.error
            await self._record(call)
            return web.Response(status=400, text=refused.error)
        await self._record(call)
        return web.Response(text="ok")

    # -- Socket Mode -----------------------------------------------------------------------

    async def link(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.ws = ws
        await ws.send_str(json.dumps({"type": "hello", "num_connections": 1,
                                      "debug_info": {"host": "fake"},
                                      "connection_info": {"app_id": "A0LECTERN"}}))  # fmt: skip
        self.ws_connected.set()
        async for frame in ws:
            if frame.type == WSMsgType.TEXT:
                ack = {**json.loads(frame.data), "_at": time.monotonic()}
                self.socket_acks.append(ack)
                waiting = self._acks.get(str(ack.get("envelope_id")))
                if waiting is not None and not waiting.done():
                    waiting.set_result(ack)
        return ws

    async def push(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """A Socket Mode envelope; returns the app's ack, which must come within 3 s."""
        assert self.ws is not None, "no Socket Mode connection"
        envelope = str(uuid.uuid4())
        waiting = self._acks[envelope] = asyncio.get_running_loop().create_future()
        sent = time.monotonic()
        await self.ws.send_str(json.dumps({"envelope_id": envelope, "type": kind,
                                           "payload": payload,
                                           "accepts_response_payload": True}))  # fmt: skip
        try:
            ack = await asyncio.wait_for(waiting, 3.0)
        finally:
            self._acks.pop(envelope, None)
        return {**ack, "_latency": ack["_at"] - sent}

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> FakeSlack:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self.api)
        app.router.add_post("/response/{id}", self.response_url)
        app.router.add_post("/upload/{id}", self.upload)
        app.router.add_get("/link", self.link)
        self.runner, port = await serve_loopback(app)
        self.base = f"http://127.0.0.1:{port}"
        return self

    async def stop(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        await self.runner.cleanup()
