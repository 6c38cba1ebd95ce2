"""Command line of the replica: `python -m portal_replica` and `portal-ingest replica`."""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from portal_replica.catalog import Catalog
from portal_replica.faults import FaultPlan
from portal_replica.server import ReplicaServer, ReplicaState, run_live, truth_lines

DESCRIPTION = """\
Serve the offline replica of the Hung Yen provincial portal (English edition) on
127.0.0.1: the real seed letter (article 2718, channel 14) plus N generated articles,
deterministic for a seed. Prints one line "replica serving http://HOST:PORT/
(N articles, layout L, seed S)" once listening; N counts every article served, the
--articles generated ones plus the seed letter. From 50 articles up, eight of the
generated ones are the articles the seed letter's "Latest new" box links to.

Test controls (loopback only, never faulted): /__replica__/publish?n=K,
/__replica__/edit?id=ID, /__replica__/withdraw?id=ID,
/__replica__/layout?name=sharepoint|modern|unknown, /__replica__/stats[?reset=1],
/__replica__/truth. robots.txt is never faulted either.
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:
        # One line on stderr, no usage block (CONTRACT: one-line errors).
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        raise SystemExit(2)


def _rate(value: str) -> float:
    rate = float(value)
    if not 0.0 <= rate <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {value}")
    return rate


def _non_negative(value: str) -> float:
    number = float(value)
    if number < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {value}")
    return number


def _article_count(value: str) -> int:
    count = int(value)
    if count < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {value}")
    return count


def build_parser(prog: str = "portal-replica") -> argparse.ArgumentParser:
    parser = _Parser(prog=prog, description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8765, help="port to listen on; 0 picks a free one (default 8765)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--articles", type=_article_count, default=300,
                        help="number of generated articles besides the seed letter (default 300)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the corpus, faults and live changes (default 1)")
    parser.add_argument("--layout", choices=["sharepoint", "modern"], default="sharepoint",
                        help="page layout at start (default sharepoint); /__replica__/layout switches it")
    parser.add_argument("--fail-rate", type=_rate, default=0.0,
                        help="share of requests answered 500/502/503, 429 with Retry-After, or a reset connection")
    parser.add_argument("--slow-rate", type=_rate, default=0.0,
                        help="share of requests delayed by --slow-seconds before answering")
    parser.add_argument("--slow-seconds", type=_non_negative, default=30.0,
                        help="delay of a slow request, past a typical client timeout (default 30)")
    parser.add_argument("--live", type=_non_negative, default=0.0, metavar="SECONDS",
                        help="publish a new article every SECONDS; every 5th tick edit an old one, "
                             "every 12th withdraw one (default 0: off)")
    parser.add_argument("--crawl-delay", type=_non_negative, default=0.0,
                        help="Crawl-delay announced in robots.txt; 0 leaves it out (default 0)")
    parser.add_argument("--dump-truth", metavar="PATH",
                        help="write the expected answers (JSON lines, one per article, URLs on --host/--port) "
                             "to PATH ('-' = stdout) and exit without serving")
    return parser


def main(argv: list[str] | None = None, prog: str = "portal-replica") -> int:
    args = build_parser(prog).parse_args(argv)
    catalog = Catalog(args.seed, args.articles)
    state = ReplicaState(
        catalog=catalog,
        faults=FaultPlan(args.seed, args.fail_rate, args.slow_rate),
        layout=args.layout,
        crawl_delay=args.crawl_delay,
        slow_seconds=args.slow_seconds,
    )
    if args.dump_truth:
        return _dump_truth(state, args, prog)
    try:
        server = ReplicaServer((args.host, args.port), state)
    except OSError as exc:
        sys.stderr.write(f"{prog}: error: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}\n")
        return 1
    stop = threading.Event()
    # SIGTERM (tests' Replica.stop, make) ends serve_forever like Ctrl-C does.
    signal.signal(signal.SIGTERM, _interrupt)
    if args.live > 0:
        threading.Thread(target=run_live, args=(server, args.live, stop), daemon=True).start()
    print(f"replica serving {server.base_url}/ ({len(catalog)} articles, layout {args.layout}, seed {args.seed})",
          flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
    return 0


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def _dump_truth(state: ReplicaState, args: argparse.Namespace, prog: str) -> int:
    lines = truth_lines(state, f"http://{args.host}:{args.port or 8765}")
    if args.dump_truth == "-":
        sys.stdout.writelines(lines)
        sys.stdout.flush()
        return 0
    try:
        with open(args.dump_truth, "w", encoding="utf-8") as out:
            out.writelines(lines)
    except OSError as exc:
        sys.stderr.write(f"{prog}: error: cannot write {args.dump_truth}: {exc.strerror or exc}\n")
        return 1
    return 0
