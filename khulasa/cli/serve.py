"""``khulasa serve [--host H] [--port P] [--workers N] [--max-body-mb M] [--max-articles N] ...``."""

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
            "page at / (needs the [serve] extra). Limits apply per request; see docs/http.md."
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
    )


def run(args: argparse.Namespace) -> int:
    from khulasa.errors import require

    settings = settings_from_args(args)
    require("fastapi", feature="khulasa serve", extra="serve")
    require("uvicorn", feature="khulasa serve", extra="serve")
    from khulasa.serve.app import run as serve

    serve(settings)
    return 0
