"""Preheated kernels for the Voilà pages served by the product's Jupyter server.

Voilà's own preheating (`VoilaConfiguration.preheat_kernel`, `VoilaKernelManager.kernel_pools_config`)
only exists in the standalone `voila` application: in the Jupyter server extension, which
serves our pages beside JupyterLab in one server, the handler falls back to a cold kernel
(voila/handler.py: "For server extension case"), and Voilà refuses preheating together with
a `prelaunch_hook` anyway (we need ours to set the _xsrf cookie that frees kernels on page
close). It also pre-renders the whole notebook before any request, so a page would show the
state of the moment the kernel was started (a learner's saved answers missing after a
reload).

So the server's kernel manager keeps its own small pool, for the folders listed in
`pool_dirs`: each pooled kernel is started in that folder and has run `warmup` (imports,
catalog and banks parsed, store opened); the page's notebook itself runs only when a
browser asks for the page, so what it shows is current. A Voilà request for a page in such a
folder gets a pooled kernel (its request variables passed in first); anything else (a
notebook opened in JupyterLab, another Voilà page) starts a kernel as usual. Pooled kernels
are never culled; the pool refills `fill_delay` seconds after a kernel is taken.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os

import time
from queue import Empty

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from traitlets import Float, Int, List, Unicode

WARMUP = "import sets_courseware.app as _sets_app; _sets_app.warm(); del _sets_app"


class PreheatedKernelClient(AsyncKernelClient):
    """The client Voilà opens on a preheated kernel: ready as soon as both channels answer.

    jupyter_client's wait_for_ready ends by draining IOPub until it has been silent for 0.2 s
    (plus 0.2 s to see IOPub at all), a fixed cost on every page. A kernel that has already run
    its warm-up needs less: one kernel_info request, its reply on the shell channel and its
    `idle` status on IOPub (which proves IOPub is connected, so no output of the page is lost).
    """

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (timeout or 60)
        while time.monotonic() < deadline:
            msg_id = self.kernel_info()
            try:
                reply = await self.shell_channel.get_msg(timeout=1)
                while reply["parent_header"].get("msg_id") != msg_id:
                    reply = await self.shell_channel.get_msg(timeout=1)
                while True:
                    msg = await self.iopub_channel.get_msg(timeout=0.5)
                    if (msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status"
                            and msg["content"].get("execution_state") == "idle"):
                        self._handle_kernel_info_reply(reply)
                        return
            except Empty:
                continue  # IOPub was not connected yet when the kernel answered: ask again
        raise RuntimeError(f"kernel did not answer within {timeout} s")


class PooledKernelManager(AsyncMappingKernelManager):
    """AsyncMappingKernelManager with preheated kernels for the Voilà pages of `pool_dirs`."""

    pool_dirs = List(Unicode(), ["voila_app"], config=True,
                     help="Server-relative folders whose Voilà pages get a preheated kernel.")
    pool_size = Int(1, config=True, help="Preheated kernels kept ready per folder (0 disables the pool).")
    pool_kernel_name = Unicode("python3", config=True, help="Kernel spec of the pooled kernels.")
    warmup = Unicode(WARMUP, config=True, help="Code each pooled kernel runs before it is handed out.")
    fill_delay = Float(1.0, config=True, help="Seconds before a taken kernel is replaced (lets the page render first).")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._pools: dict[str, list[asyncio.Future]] = {}
        self._pooled: set[str] = set()
        self._clients: dict = {}
        if self.pool_size > 0:
            from tornado.ioloop import IOLoop
            IOLoop.current().add_callback(self._fill_all)

    # -- the pool ----------------------------------------------------------------
    def _fill_all(self) -> None:
        for folder in self.pool_dirs:
            self._fill(folder.strip("/"), delay=0)

    def _fill(self, folder: str, delay: float) -> None:
        pool = self._pools.setdefault(folder, [])
        while len(pool) < self.pool_size:
            pool.append(asyncio.ensure_future(self._preheat(folder, delay)))

    async def _preheat(self, folder: str, delay: float) -> str:
        if delay:
            await asyncio.sleep(delay)
        env = {**os.environ, "VOILA_PREHEAT": "True"}
        kernel_id = await super().start_kernel(path=folder, kernel_name=self.pool_kernel_name, env=env)
        self._pooled.add(kernel_id)
        try:
            await self._run(kernel_id, self.warmup, keep=True)
        except Exception as exc:  # a failed warm-up still leaves a started kernel: better than none
            self.log.warning("SETS kernel pool: warm-up of %s failed: %s", kernel_id, exc)
        self.log.info("SETS kernel pool: kernel %s ready for %s/", kernel_id, folder)
        return kernel_id

    async def _run(self, kernel_id: str, code: str, timeout: float = 120, keep: bool = False) -> None:
        """Execute `code` silently in a kernel and wait for its reply.

        The first call opens a client and waits for the kernel (jupyter_client's wait_for_ready
        costs a few hundred milliseconds); with `keep` the client stays open, so that the
        hand-over to a page, later, is one round trip.
        """
        client = self._clients.pop(kernel_id, None)
        if client is None:
            client = self.get_kernel(kernel_id).client()
            client.start_channels()
            await client.wait_for_ready(timeout=timeout)
        try:
            msg_id = client.execute(code, silent=True, store_history=False)
            while True:
                reply = await client.get_shell_msg(timeout=timeout)
                if reply["parent_header"].get("msg_id") == msg_id:
                    if reply["content"].get("status") != "ok":
                        raise RuntimeError(reply["content"].get("evalue", "error"))
                    return
        finally:
            if keep:
                self._clients[kernel_id] = client
            else:
                client.stop_channels()

    def _take(self, folder: str) -> asyncio.Future | None:
        pool = self._pools.get(folder)
        while pool:
            future = pool.pop(0)
            if not (future.done() and (future.cancelled() or future.exception())):
                return future
        return None

    # -- kernel manager API ----------------------------------------------------------
    async def start_kernel(self, *, kernel_id: str | None = None, path: str | None = None, **kwargs) -> str:
        env = kwargs.get("env") or {}
        folder = (path or "").strip("/")
        wants_pool = (kernel_id is None and env.get("VOILA_PREHEAT") == "False" and folder in self._pools
                      and kwargs.get("kernel_name", self.pool_kernel_name) == self.pool_kernel_name)
        future = self._take(folder) if wants_pool else None
        if future is not None:
            try:
                kid = await future
            except Exception as exc:
                self.log.warning("SETS kernel pool: preheated kernel unavailable (%s); starting one", exc)
            else:
                self._pooled.discard(kid)
                self._fill(folder, delay=self.fill_delay)
                self.get_kernel(kid).client_class = f"{__name__}.PreheatedKernelClient"
                request = {k: str(v) for k, v in env.items() if os.environ.get(k) != v}
                blob = base64.b64encode(json.dumps(request).encode()).decode()
                await self._run(kid, f"import base64, json, os; os.environ.update(json.loads(base64.b64decode('{blob}')))")
                return kid
        return await super().start_kernel(kernel_id=kernel_id, path=path, **kwargs)

    async def cull_kernel_if_idle(self, kernel_id):
        if kernel_id in self._pooled:
            return None
        return await super().cull_kernel_if_idle(kernel_id)

    async def shutdown_kernel(self, kernel_id, *args, **kwargs):
        self._pooled.discard(kernel_id)
        client = self._clients.pop(kernel_id, None)
        if client is not None:
            client.stop_channels()
        return await super().shutdown_kernel(kernel_id, *args, **kwargs)
