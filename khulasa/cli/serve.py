"""``khulasa serve [--host H] [--port P] [--workers N] [--max-body-mb M] [--max-articles N] ...``.

Every flag is a ``ServeSettings`` field (validated there); docs/http.md has the table.
"""

from __future__ import annotations

import argparse

from khulasa.serve.settings import ServeSettings

_DEFAULTS = ServeSettings()


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "serve",
        help="run the HTTP API and the web page",
        description=(
            "Serve POST /v1/summarize, POST /v1/stories, GET /healthz, the OpenAPI docs at /docs and a web "
            "page at / (needs the [serve] extra). Limits apply per request and per connection; see docs/http.md."
        ),
    )
    parser.add_argument("--host", default=_DEFAULTS.host, help="address to listen on (default %(default)s)")
    parser.add_argument("--port", type=int, default=_DEFAULTS.port, help="port (default %(default)s)")
    parser.add_argument(
        "--workers", type=int, default=_DEFAULTS.workers, metavar="N",
        help="worker processes; about one per CPU core (default %(default)s)",
    )
    parser.add_argument(
        "--max-body-mb", type=float, default=_DEFAULTS.max_body_mb, metavar="MB",
        help="largest request body in MiB; larger gets 413 (default %(default)s)",
    )
    parser.add_argument(
        "--max-articles", type=int, default=_DEFAULTS.max_articles, metavar="N",
        help="most articles in one request; more gets 413 (default %(default)s)",
    )
    parser.add_argument(
        "--max-words", type=int, default=_DEFAULTS.max_words, metavar="N",
        help="most words over all articles of one request; more gets 413 (default %(default)s)",
    )
    parser.add_argument(
        "--timeout-seconds", type=float, default=_DEFAULTS.timeout_seconds, metavar="S",
        help="time one request may take, queueing included; longer gets 503 (default %(default)s)",
    )
    parser.add_argument(
        "--header-timeout-seconds", type=float, default=_DEFAULTS.header_timeout_seconds, metavar="S",
        help="time a connection has to send its request line and headers; longer gets 408 (default %(default)s)",
    )
    parser.add_argument(
        "--keep-alive-seconds", type=int, default=_DEFAULTS.keep_alive_seconds, metavar="S",
        help="an idle connection closes after this (default %(default)s)",
    )
    parser.add_argument(
        "--max-connections", type=int, default=_DEFAULTS.max_connections, metavar="N",
        help="open connections per worker; past it a new one replaces the longest-waiting idle one, or gets "
             "503 (default %(default)s, lowered to fit the open-file limit)",
    )
    parser.add_argument(
        "--backlog", type=int, default=_DEFAULTS.backlog, metavar="N",
        help="connections the kernel queues before they are accepted (default %(default)s)",
    )
    parser.add_argument(
        "--log-max-lines", type=int, default=_DEFAULTS.log_max_lines, metavar="N",
        help="error-log lines of one kind per interval; the rest are counted (default %(default)s)",
    )
    parser.add_argument(
        "--log-interval-seconds", type=float, default=_DEFAULTS.log_interval_seconds, metavar="S",
        help="the interval of --log-max-lines (default %(default)s)",
    )
    parser.set_defaults(func=run)


def settings_from_args(args: argparse.Namespace) -> ServeSettings:
    return ServeSettings(
        host=args.host,
        port=args.port,
        workers=args.workers,
        max_body_mb=args.max_body_mb,
        max_articles=args.max_articles,
        max_words=args.max_words,
        timeout_seconds=args.timeout_seconds,
        header_timeout_seconds=args.header_timeout_seconds,
        keep_alive_seconds=args.keep_alive_seconds,
        max_connections=args.max_connections,
        backlog=args.backlog,
        log_max_lines=args.log_max_lines,
        log_interval_seconds=args.log_interval_seconds,
    )


def run(args: argparse.Namespace) -> int:
    from khulasa.errors import require

    settings = settings_from_args(args)
    require("fastapi", feature="khulasa serve", extra="serve")
    require("uvicorn", feature="khulasa serve", extra="serve")
    from khulasa.serve.app import run as serve

    serve(settings)
    return 0
