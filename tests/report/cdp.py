#!/usr/bin/env python3
"""A minimal Chrome DevTools Protocol client for the report's browser
test: Debian's chromium, headless, driven over --remote-debugging-pipe
(JSON messages separated by NUL on file descriptors 3 and 4), so no
port, no websocket library and nothing else to install.
"""
import base64
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time


def find():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class Browser:
    def __init__(self, binary=None):
        self.binary = binary or find()
        if self.binary is None:
            raise FileNotFoundError("no headless browser (Debian: apt-get install chromium)")
        self.profile = tempfile.mkdtemp(prefix="bk-chromium-")
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        # the child's 3 and 4 must not be clobbered by one another
        if from_browser_w == 3:
            moved = os.dup(from_browser_w)
            os.close(from_browser_w)
            from_browser_w = moved

        def fds():
            # (a pipe may already be 3 or 4: dup2 onto itself keeps
            # close-on-exec, so clear it explicitly)
            for fd, want in ((to_browser_r, 3), (from_browser_w, 4)):
                if fd != want:
                    os.dup2(fd, want)
                os.set_inheritable(want, True)

        args = [self.binary, "--headless=new", "--remote-debugging-pipe", "--disable-gpu",
                f"--user-data-dir={self.profile}", "--no-first-run", "--no-default-browser-check",
                "--disable-extensions", "--disable-background-networking", "--disable-sync",
                "--disable-component-update", "--disable-default-apps", "--mute-audio",
                "--hide-scrollbars", "about:blank"]
        if os.geteuid() == 0:
            args.insert(1, "--no-sandbox")   # Chromium's sandbox refuses root
        self.proc = subprocess.Popen(args, preexec_fn=fds, close_fds=False,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self.next_id = 0
        self.replies = {}
        self.events = queue.Queue()
        self.cond = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        buf = b""
        while True:
            data = os.read(self._from_browser, 65536)
            if not data:
                with self.cond:
                    self.replies[None] = True
                    self.cond.notify_all()
                return
            buf += data
            while b"\0" in buf:
                raw, buf = buf.split(b"\0", 1)
                msg = json.loads(raw)
                if "id" in msg:
                    with self.cond:
                        self.replies[msg["id"]] = msg
                        self.cond.notify_all()
                else:
                    self.events.put(msg)

    def send(self, method, params=None, session=None, timeout=60):
        self.next_id += 1
        mid = self.next_id
        msg = {"id": mid, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._to_browser, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        with self.cond:
            while mid not in self.replies:
                if None in self.replies or time.monotonic() > deadline:
                    raise RuntimeError(f"no answer to {method}")
                self.cond.wait(1)
            reply = self.replies.pop(mid)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply["result"]

    def wait_event(self, method, timeout=60, seen=None):
        """The next event @method; every event read meanwhile goes to @seen."""
        deadline = time.monotonic() + timeout
        while True:
            ev = self.events.get(timeout=max(0.1, deadline - time.monotonic()))
            if seen is not None:
                seen.append(ev)
            if ev.get("method") == method:
                return ev

    def drain(self, seen):
        while True:
            try:
                seen.append(self.events.get_nowait())
            except queue.Empty:
                return

    def close(self):
        try:
            self.send("Browser.close", timeout=10)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_browser)
        shutil.rmtree(self.profile, ignore_errors=True)


class Page:
    """One tab: what it logged, what it requested, and its DOM."""

    def __init__(self, browser):
        self.b = browser
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.events = []
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(domain + ".enable")

    def send(self, method, params=None):
        return self.b.send(method, params, session=self.session)

    def open(self, url, width=1000, height=800, mobile=False, scale=1):
        self.viewport(width, height, mobile, scale)
        self.send("Page.navigate", {"url": url})
        self.b.wait_event("Page.loadEventFired", seen=self.events)
        time.sleep(0.3)   # late console messages
        self.b.drain(self.events)

    def viewport(self, width, height, mobile=False, scale=1):
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": scale, "mobile": mobile})

    def eval(self, expression):
        r = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in r:
            raise RuntimeError(f"{expression}: {r['exceptionDetails']}")
        return r["result"].get("value")

    def errors(self):
        """Console errors, uncaught exceptions and error log entries."""
        out = []
        for ev in self.events:
            m, p = ev.get("method"), ev.get("params", {})
            if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                out.append(f"console: {p.get('args')}")
            elif m == "Runtime.exceptionThrown":
                out.append(f"exception: {p.get('exceptionDetails')}")
            elif m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                out.append(f"log: {p['entry'].get('text')} {p['entry'].get('url', '')}")
        return out

    def requests(self):
        return [ev["params"]["request"]["url"] for ev in self.events
                if ev.get("method") == "Network.requestWillBeSent"]

    def screenshot(self, path, width):
        height = self.eval("Math.ceil(document.documentElement.scrollHeight)")
        r = self.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True,
                                                 "clip": {"x": 0, "y": 0, "width": width,
                                                          "height": height, "scale": 1}})
        with open(path, "wb") as f:
            f.write(base64.b64decode(r["data"]))

    def pdf(self, path):
        r = self.send("Page.printToPDF", {"printBackground": True, "preferCSSPageSize": False})
        with open(path, "wb") as f:
            f.write(base64.b64decode(r["data"]))
