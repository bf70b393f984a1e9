"""T32: no secret in logs, stats, exports or state, and no control surface left open."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import subprocess
import sys
import time

import psutil
from scrapy import Request, Spider
from scrapy.http import Response
from scrapy.utils.test import get_crawler

import newsbot.settings
from crawling import dead_port
from faultserver import FaultServer, Req, answers
from newsbot.middlewares.redirects import RedirectMiddleware
from newsbot.redact import redact
from support import LOOPBACK_SETTINGS, article_page, check_ledger, lorem

SENTINEL = "S3NT1NEL"


def test_t32_control_surfaces_are_off_in_the_deployed_settings():
    assert newsbot.settings.TELNETCONSOLE_ENABLED is False
    assert newsbot.settings.REMOTE_CONTROL_ENABLED is False  # Scrapy 2.19's default is True


def test_t32_a_sentinel_secret_reaches_no_output_and_nothing_listens(tmp_path):
    async def slow(req: Req) -> None:
        await asyncio.sleep(1.5)  # time to look at the crawler's sockets
        await req.respond(200, article_page("Slow story", lorem("slow")))

    story = article_page("Cookie story", lorem("cookie")).encode()
    with FaultServer(host="127.0.0.2") as first, FaultServer(host="127.0.0.3") as second, \
            FaultServer(host="127.0.0.4") as proxy:
        robots = (200, {}, b"User-agent: *\nAllow: /\n")
        first.routes.update({"/robots.txt": robots, "/slow": slow, "/story": (
            200, {"Set-Cookie": f"session={SENTINEL}-cookie; Path=/"}, story)})
        second.routes.update({"/robots.txt": robots,
                              "/story": (200, {}, article_page("Other", lorem("o")).encode())})
        # the proxy serves the targets' pages itself (it routes on the path), and one 503 first
        proxy.routes.update({"/robots.txt": robots, "/proxied": answers(
            (503, {}, b""), (200, {}, article_page("Proxied story", lorem("proxied")).encode()))})
        settings = {
            **LOOPBACK_SETTINGS, "RETRY_TIMES": "1", "JOBDIR": "job",
            "REDIS_URL": f"redis://:{SENTINEL}@127.0.0.1:{dead_port()}/0",
            "AWS_SECRET_ACCESS_KEY": f"{SENTINEL}-aws", "NEWS_API_TOKEN": f"{SENTINEL}-token",
            "DEFAULT_REQUEST_HEADERS": json.dumps({"X-Api-Key": f"{SENTINEL}-header"}),
            "FEEDS": json.dumps({
                "out.jsonl": {"format": "jsonl"},
                f"ftp://user:{SENTINEL}@127.0.0.1:{dead_port()}/x.jsonl": {"format": "jsonl"}}),
            "LOG_FILE": "crawl.log", "NEWSBOT_HOSTS_PAUSE_AFTER": "0"}
        command = [sys.executable, "-m", "scrapy", "crawl", "article", "-a",
                   "url=" + ",".join([first.url("/story"), first.url("/slow"),
                                      second.url("/story"), "http://127.0.0.5:9/proxied"])]
        for key, value in settings.items():
            command += ["-s", f"{key}={value}"]
        env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newsbot.settings",
               "http_proxy": f"http://user:{SENTINEL}@{proxy.host}:{proxy.port}",
               "no_proxy": "127.0.0.2,127.0.0.3"}
        crawler = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True)
        listening = []
        while crawler.poll() is None:
            try:
                listening += [c.laddr for c in psutil.Process(crawler.pid).net_connections()
                              if c.status == psutil.CONN_LISTEN]
            except psutil.NoSuchProcess:
                break
            time.sleep(0.1)
        console = crawler.communicate(timeout=60)[0]

    assert crawler.returncode == 0, console
    assert listening == []  # no telnet console, no remote-control server
    log = (tmp_path / "crawl.log").read_text()
    check_ledger(log)
    assert "Telnet" not in log and "Remote control" not in log
    assert {"Cookie story", "Other", "Slow story", "Proxied story"} <= {
        json.loads(line)["headline"] for line in (tmp_path / "out.jsonl").read_text().splitlines()}
    # The secrets were used: the proxy got its credentials, the FTP feed was tried.
    assert [h.status for h in proxy.hits("/proxied")] == [503, 200]  # retried through JOBDIR
    assert proxy.hits("/proxied")[0].headers["proxy-authorization"]
    assert (tmp_path / "job" / "requests.seen").exists()
    assert "Error storing jsonl feed" in log and "ftp://user:***@127.0.0.1" in log
    # Cookies stay with their host.
    assert all("cookie" not in hit.headers for hit in second.arrivals)
    # And none of them is written anywhere: log (stats dump included), console, exports, job
    # directory, state. The proxy credentials are also looked for as they travel (base64).
    encoded = base64.b64encode(f"user:{SENTINEL}".encode()).decode()
    assert SENTINEL not in console and encoded not in console
    for path in tmp_path.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert SENTINEL.encode() not in data, path
            assert encoded.encode() not in data, path


def test_t32_credentials_are_not_sent_to_another_host_on_redirect():
    crawler = get_crawler(Spider)
    redirect = RedirectMiddleware.from_crawler(crawler)
    request = Request("http://first.test/a", headers={"Authorization": f"Basic {SENTINEL}",
                                                       "Cookie": f"s={SENTINEL}"})
    response = Response("http://first.test/a", status=302,
                        headers={"Location": "http://second.test/b"}, request=request)
    followed = redirect.process_response(request, response)
    assert followed.url == "http://second.test/b"
    assert b"Authorization" not in followed.headers and b"Cookie" not in followed.headers


def test_t32_redaction():
    assert redact("Stored in: ftp://user:pa55@host/x.jsonl") == \
        "Stored in: ftp://user:***@host/x.jsonl"
    assert redact("redis://:pa55@127.0.0.1:6379/0") == "redis://:***@127.0.0.1:6379/0"
    assert redact("{'AWS_SECRET_ACCESS_KEY': 'abc',\n 'LOG_LEVEL': 'INFO'}") == \
        "{'AWS_SECRET_ACCESS_KEY': '***',\n 'LOG_LEVEL': 'INFO'}"
    assert redact("{'X-Api-Key': 'abc', 'KEYWORDS': 'x'}") == \
        "{'X-Api-Key': '***', 'KEYWORDS': 'x'}"
