"""/daily: a fact of the day in a channel, at a local time the teacher picks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.core.commands.registry import Context, Handler
from bot.core.daily.cycle import left_in_cycle
from bot.core.daily.poster import DailyPoster
from bot.core.daily.records import NewSchedule, Schedule
from bot.core.daily.when import WhenError, next_after, parse_time, parse_zone, shown_local
from bot.core.messages import Channel, Reply
from bot.core.parser import Parsed
from bot.core.ports import StoreUnavailable
from bot.core.text import shorten

UNREACHABLE = "The database is not reachable just now: please try again shortly."
DEFAULT_ZONE = "UTC"


def _private(text: str, title: str = "Daily fact") -> Reply:
    return Reply(text=text, title=title, ephemeral=True)


def zone_key(place: Channel) -> str:
    """Where the server's (workspace's) default zone is kept; a DM is its own server."""
    home = place.server_id or f"dm-{place.channel_id}"
    return f"daily.zone:{place.platform}:{home}"


DailyHandler = Callable[[Context, Parsed, DailyPoster], Awaitable[list[Reply]]]


def _daily(body: DailyHandler) -> Handler:
    """A handler that needs the schedules' store: without one it says so; an outage gets "try
    again" rather than a fault."""

    async def handler(ctx: Context, args: Parsed) -> list[Reply]:
        if ctx.daily is None:
            return [_private("Daily facts need the bot's database, which is not set up here.")]
        try:
            return await body(ctx, args, ctx.daily)
        except StoreUnavailable:
            return [_private(UNREACHABLE)]

    return handler


def _topic(ctx: Context, typed: str) -> str | Reply:
    catalog = ctx.catalog
    found = catalog.find_topic(typed)
    if found is None:
        topics = ", ".join(sorted(catalog.topics))
        return ctx.spec.usage_reply(f"There is no topic “{shorten(typed, 40)}”. Topics: {topics}.")
    return found


def _describe(ctx: Context, schedule: Schedule) -> str:
    catalog = ctx.catalog
    topic = catalog.topics[schedule.topic].title if schedule.topic in catalog.topics else None
    about = f"on {topic}" if topic else "from the whole course"
    left, total = left_in_cycle(catalog, schedule)
    lines = [f"Every day at {schedule.at:%H:%M} {schedule.zone}, a fact {about}."]
    if schedule.next_run_at is not None:
        lines.append(f"Next post: {shown_local(schedule.next_run_at, schedule.zone)}.")
    lines.append(f"{left} of {total} facts left in this cycle before any repeats.")
    return "\n".join(lines)


@_daily
async def set_(ctx: Context, args: Parsed, poster: DailyPoster) -> list[Reply]:
    words = args.words
    if not words:
        return [ctx.spec.usage_reply("At what time? Write it as HH:MM, e.g. 08:00.")]
    try:
        at = parse_time(words[0])
        if len(words) > 1 and words[1].casefold() in ("am", "pm", "a.m.", "p.m."):
            at, words = parse_time(" ".join(words[:2])), words[1:]
        typed_zone = " ".join(words[1:])
        zone = parse_zone(typed_zone) if typed_zone else None
    except WhenError as problem:
        return [ctx.spec.usage_reply(str(problem))]
    topic: str | None = None
    if "topic" in args.options:
        found = _topic(ctx, args.options["topic"])
        if isinstance(found, Reply):
            return [found]
        topic = found
    place = ctx.command.channel
    note = ""
    if zone is None:
        zone = await poster.store.recall(zone_key(place))
        if zone is None:
            zone = DEFAULT_ZONE
            note = (
                "\nNo time zone was given and none is set for this server, so the time is UTC. "
                "Add one (/daily set 08:00 Europe/Oslo) or set the server's: /daily timezone."
            )
    now = ctx.command.at
    run = next_after(now, at, zone)
    schedule = await poster.store.set_schedule(
        NewSchedule(place, at, zone, topic, ctx.command.actor.user_id, run.at)
    )
    poster.changed(schedule.next_run_at)
    return [_private(f"Daily fact on.\n{_describe(ctx, schedule)}{note}", "Daily fact set")]


@_daily
async def off(ctx: Context, args: Parsed, poster: DailyPoster) -> list[Reply]:
    schedule = await poster.store.turn_off(ctx.command.channel, "turned off with /daily off")
    if schedule is None:
        return [_private("There is no daily fact in this channel to turn off.")]
    return [
        _private(
            "Daily fact off in this channel. /daily set turns it on again; the facts already "
            "posted will not repeat until the cycle is through."
        )
    ]


@_daily
async def status(ctx: Context, args: Parsed, poster: DailyPoster) -> list[Reply]:
    place = ctx.command.channel
    schedule = await poster.store.schedule_in(place)
    zone = await poster.store.recall(zone_key(place))
    default = f"\nThis server's time zone: {zone}." if zone else ""
    if schedule is None:
        return [
            _private(
                "No daily fact in this channel. A teacher can start one: "
                f"/daily set 08:00 Europe/Oslo.{default}"
            )
        ]
    if not schedule.enabled:
        why = f" ({schedule.disabled_reason})" if schedule.disabled_reason else ""
        return [
            _private(
                f"The daily fact here is off{why}. A teacher can turn it on again with "
                f"/daily set {schedule.at:%H:%M} {schedule.zone}.{default}"
            )
        ]
    history = await poster.store.posts(schedule.id, limit=1)
    last = ""
    if history:
        latest = history[0]
        last = f"\nLast: {latest.day:%a} {latest.day.day} {latest.day:%b}, {latest.status}."
    return [_private(f"{_describe(ctx, schedule)}{last}{default}")]


@_daily
async def now(ctx: Context, args: Parsed, poster: DailyPoster) -> list[Reply]:
    schedule = await poster.store.schedule_in(ctx.command.channel)
    if schedule is None or not schedule.enabled:
        return [
            _private(
                "There is no daily fact in this channel: set one first, e.g. "
                "/daily set 08:00 Europe/Oslo."
            )
        ]
    day = await poster.post_today(schedule, ctx.command.at)
    fresh = await poster.store.schedule_in(ctx.command.channel)
    upcoming = _next_text(fresh or schedule)
    if day is None:
        return [_private(f"Today's fact has already been posted here. {upcoming}")]
    return [_private(f"Posting today's fact now; it counts as today's. {upcoming}")]


def _next_text(schedule: Schedule) -> str:
    if schedule.next_run_at is None:
        return ""
    return f"The next one: {shown_local(schedule.next_run_at, schedule.zone)}."


@_daily
async def timezone(ctx: Context, args: Parsed, poster: DailyPoster) -> list[Reply]:
    key = zone_key(ctx.command.channel)
    if not args.args:
        current = await poster.store.recall(key)
        shown = current or f"none set ({DEFAULT_ZONE} is used)"
        return [ctx.spec.usage_reply(f"This server's time zone: {shown}. To set it:")]
    try:
        zone = parse_zone(args.args)
    except WhenError as problem:
        return [ctx.spec.usage_reply(str(problem))]
    await poster.store.remember(key, zone)
    local = shown_local(ctx.command.at, zone)
    return [
        _private(
            f"This server's time zone is now {zone} (it is {local} there). New daily facts use "
            "it; a channel's existing one keeps its zone until /daily set is run there again.",
            "Time zone set",
        )
    ]


async def daily_group(ctx: Context, args: Parsed) -> list[Reply]:
    """/daily alone shows the channel's schedule; anything else it does not know, the usage."""
    if not args.args:
        return await status(ctx, args)
    return [ctx.spec.usage_reply(f"I don't know /daily {shorten(args.args, 30)}.")]
