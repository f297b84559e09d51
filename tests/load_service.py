"""The assessment service as its own process for load and fault tests: the real tornado app of
service.py, the real store (SETS_DB_URL) and keys (SETS_KEYS_DIR), hub tokens answered from a
table (a JSON file) instead of a hub. Loopback only.

    python tests/load_service.py PORT TOKENS.json
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys

from jupyterhub.services.auth import HubAuth
from tornado.httpserver import HTTPServer

from sets_courseware.assessment import AssessmentService
from sets_courseware.service import make_app


class TokenTable(HubAuth):
    def __init__(self, users: dict, **kwargs):
        super().__init__(**kwargs)
        self._users = users

    def user_for_token(self, token, use_cache=True, session_id="", *, sync=True):
        model = self._users.get(token)
        if sync:
            return model

        async def answer():
            return model
        return answer()


async def serve(port: int, users: dict) -> None:
    service = AssessmentService()
    service.store  # open and migrate before listening
    auth = TokenTable(users, api_token="unused", api_url="http://127.0.0.1:9/hub/api")
    server = HTTPServer(make_app(service, auth))
    server.listen(port, "127.0.0.1")
    print("ready", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("tornado.access").setLevel(logging.ERROR)
    port, tokens = int(sys.argv[1]), sys.argv[2]
    with open(tokens, encoding="utf-8") as fh:
        table = json.load(fh)
    asyncio.run(serve(port, table))
