"""JupyterLab for the browser tests: its own server on 127.0.0.1, stopped whatever happens.

``jupyter lab`` from this Python environment, on a free port with a random token, serving a
temporary copy of the notebooks (runs never touch the committed files), with its own config,
settings, runtime and workspace folders.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    """Ask the OS for a free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# User settings written into the private settings folder: no autosave, no empty screen below
# the last cell in screenshots. The notebook's windowing is left at JupyterLab's default, as
# a learner has it ("contentVisibility" in 4.4: every cell in the DOM, those out of view not
# rendered); rendering every cell ("none") made a key press's picture 48 ms against 29 ms
# (median, 24 presses, notebook 05).
# News and update checks are off through the course's own settings
# (binder/overrides.json, installed by tasks.py), which these tests thus check.
LAB_USER_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {
        "scrollPastEnd": False,
    },
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/extensionmanager-extension/plugin.jupyterlab-settings": {"enabled": False},
}


@dataclass
class LabServer:
    """A running ``jupyter lab`` on 127.0.0.1, owned by the test session."""

    base: Path  # private temporary folder: root dir, settings, logs
    root: Path  # the server's root dir (a copy of the notebooks)
    port: int
    token: str
    process: subprocess.Popen | None = None
    log_path: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def api(self, method: str, path: str, timeout: float = 10) -> object:
        """Call the REST API with the token; return the decoded JSON (or None)."""
        req = urllib.request.Request(
            self.url + path, method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path or not self.log_path.exists():
            return ""
        text = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def start(self, notebooks: Path, timeout: float = 90) -> None:
        """Copy *notebooks* into a private root dir and start JupyterLab on it.

        If another process took the free port in the meantime, retry on a new one.
        """
        if notebooks.is_dir():
            ignore = shutil.ignore_patterns(".ipynb_checkpoints")
            shutil.copytree(notebooks, self.root, ignore=ignore)
        else:
            self.root.mkdir(parents=True)
        for attempt in range(3):
            try:
                self._launch(timeout)
                return
            except RuntimeError:
                if attempt == 2 or "already in use" not in self.log_tail():
                    raise
                self.port = free_port()

    def _launch(self, timeout: float) -> None:
        env = dict(os.environ)
        for name, sub in (
            ("JUPYTER_CONFIG_DIR", "config"),
            ("JUPYTER_DATA_DIR", "data"),
            ("JUPYTER_RUNTIME_DIR", "runtime"),
            ("JUPYTERLAB_SETTINGS_DIR", "settings"),
            ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"),
            ("IPYTHONDIR", "ipython"),
        ):
            (self.base / sub).mkdir(parents=True, exist_ok=True)
            env[name] = str(self.base / sub)
        env["JUPYTER_PLATFORM_DIRS"] = "1"
        # The kernels should behave as on a learner's machine, not as inside pytest.
        for name in ("MPLBACKEND", "TF_CPP_MIN_LOG_LEVEL", "PYTEST_CURRENT_TEST"):
            env.pop(name, None)
        for rel, content in LAB_USER_SETTINGS.items():
            target = self.base / "settings" / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(content, indent=2), encoding="utf-8")
        cmd = [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}",
            "--ServerApp.terminals_enabled=False",
            "--LabApp.expose_app_in_browser=True",
            # The same server serves Notebook 7 (/notebooks/…), which the tests drive too.
            "--JupyterNotebookApp.expose_app_in_browser=True",
            "--LanguageServerManager.autodetect=False",
            "--LabApp.extension_manager=readonly",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")  # containers and CI runners often run as root
        self.log_path = self.base / "jupyterlab.log"
        log = open(self.log_path, "wb")  # noqa: SIM115 - closed when the process ends
        self.process = subprocess.Popen(
            cmd,
            cwd=self.root,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # own process group: stop() signals all of it
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"jupyter lab exited with code {self.process.returncode}:\n{self.log_tail()}"
                )
            try:
                status = self.api("GET", "/api/status", timeout=2)
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                time.sleep(0.25)
                continue
            if isinstance(status, dict) and "started" in status:
                return
        raise RuntimeError(f"jupyter lab did not answer within {timeout} s:\n{self.log_tail()}")

    def shutdown_kernels(self) -> None:
        """Shut down every kernel of this server (frees memory between notebooks)."""
        try:
            for kernel in self.api("GET", "/api/kernels") or []:
                self.api("DELETE", f"/api/kernels/{kernel['id']}", timeout=30)
        except (urllib.error.URLError, OSError):
            pass

    def stop(self) -> None:
        """Stop the server (terminate, then kill its process group) and any kernel left over."""
        proc = self.process
        if proc is not None and proc.poll() is None:
            self.shutdown_kernels()
            for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
                try:
                    os.killpg(proc.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    proc.wait(wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
        # Kernels run in sessions of their own; any still alive has our private runtime dir in
        # its command line (the connection file), which identifies exactly our processes.
        runtime = str(self.base / "runtime")
        for pid in _pids_with_argument(runtime):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def _pids_with_argument(text: str) -> list[int]:
    pids = []
    proc = Path("/proc")
    if not proc.is_dir():
        return pids
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if text in cmdline:
            pids.append(int(entry.name))
    return pids


def new_lab_server(base: Path) -> LabServer:
    """Describe (not start) a server with a free port and a random token under *base*."""
    return LabServer(
        base=base, root=base / "root", port=free_port(), token=secrets.token_urlsafe(24)
    )
