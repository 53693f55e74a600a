"""`tidings alerts redrive [--stage STAGE]`: send the alerts the notifier gave up on again.

Run it once the cause is fixed (a Slack outage over, a webhook URL replaced): the messages in
the notifier's DLQ go back through the mentions topic; delivered ones are not posted twice.
"""

from __future__ import annotations

import argparse
import os
import sys


def _redrive(args: argparse.Namespace) -> int:
    from chalicelib import services
    from chalicelib.aws.redrive import queue_url_for, redrive, topic_arn_for
    from chalicelib.settings import get_settings

    os.environ.update({"POWERTOOLS_LOG_LEVEL": "ERROR", "POWERTOOLS_METRICS_DISABLED": "true"})
    if args.stage:
        os.environ["TIDINGS_STAGE"] = args.stage
        os.environ.pop("TIDINGS_PREFIX", None)
        services.reset()
    settings = get_settings()
    try:
        dlq = args.queue_url or queue_url_for(settings.notifier_dlq_name)
        topic = settings.mentions_topic_arn or topic_arn_for(settings.mentions_topic_name)
        moved = redrive(dlq, topic, limit=args.limit)
    except Exception as error:  # boto3's errors: say which, never a traceback
        print(f"tidings: cannot redrive: {error}", file=sys.stderr)
        return 2
    print(f"moved {moved} alert{'s' if moved != 1 else ''} from the DLQ back to {topic}")
    return 0


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    alerts = commands.add_parser("alerts", help="alert delivery: redrive the notifier's DLQ")
    actions = alerts.add_subparsers(dest="action", required=True)
    redrive = actions.add_parser("redrive", help="move the notifier's DLQ back to the topic")
    redrive.add_argument("--stage", help="the deployment stage (default: TIDINGS_STAGE or dev)")
    redrive.add_argument("--queue-url", help="the DLQ's URL (default: {prefix}-notifier-dlq)")
    redrive.add_argument("--limit", type=int, default=1000, help="at most this many (1000)")
    redrive.set_defaults(run=_redrive)
