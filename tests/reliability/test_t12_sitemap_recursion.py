"""T12: sitemap indexes that list themselves, each other, an endless chain, or 50 000 children."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from crawling import lines, stats
from faultserver import FaultServer, Req
from support import article_page, lorem, run_crawl

NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def index(*locs: str, lastmods: list[str] | None = None) -> bytes:
    dates = lastmods or [""] * len(locs)
    return (f"<sitemapindex {NS}>" + "".join(
        f"<sitemap><loc>{loc}</loc>{f'<lastmod>{d}</lastmod>' if d else ''}</sitemap>"
        for loc, d in zip(locs, dates, strict=True)) + "</sitemapindex>").encode()


def test_t12_recursion_is_bounded_and_said(tmp_path):
    with FaultServer(host="127.0.0.2") as site:
        base = site.base_url

        async def chain(req: Req) -> None:
            page = int(req.arg("page", "0"))
            await req.respond(200, index(f"{base}/sm?page={page + 1}"),
                              {"Content-Type": "application/xml"})

        async def child(req: Req) -> None:
            await req.respond(200, f"<urlset {NS}></urlset>", {"Content-Type": "application/xml"})

        start = datetime(2026, 1, 1, tzinfo=UTC)
        days = [(start + timedelta(minutes=(i * 7919) % 50_000)).strftime("%Y-%m-%dT%H:%M:%SZ")
                for i in range(50_000)]  # all different, in no order
        site.routes.update({
            "/robots.txt": (200, {}, b"User-agent: *\nAllow: /\n"),
            "/story": (200, {}, article_page("The story", lorem("story")).encode()),
            "/self.xml": (200, {}, index(f"{base}/self.xml", f"{base}/leaf.xml")),
            "/leaf.xml": (200, {}, f"<urlset {NS}><url><loc>{base}/story</loc></url>"
                                   f"</urlset>".encode()),
            "/a.xml": (200, {}, index(f"{base}/b.xml")),
            "/b.xml": (200, {}, index(f"{base}/a.xml")),
            "/sm": chain,
            "/wide.xml": (200, {}, index(*[f"{base}/wide/{i}.xml" for i in range(50_000)],
                                         lastmods=days)),
            "/wide/*": child,
        })
        outlet = {"name": "recursive", "title": "Recursive", "home": base + "/",
                  "sitemaps": [base + p for p in ("/self.xml", "/a.xml", "/sm?page=0",
                                                  "/wide.xml")]}
        result = run_crawl(tmp_path, "news", {"outlet": "recursive"}, outlets=[outlet],
                           settings={"NEWSBOT_SITEMAP_MAX_CHILDREN": "20"})

    assert result.returncode == 0, result.log
    assert [i["headline"] for i in result.items] == ["The story"]
    # Self and cyclic references: each sitemap fetched once (the duplicate request is filtered).
    assert len(site.hits("/self.xml")) == len(site.hits("/a.xml")) == len(site.hits("/b.xml")) == 1
    assert stats(result.log)["dupefilter/filtered"] >= 2
    # The endless chain stops at NEWSBOT_SITEMAP_MAX_DEPTH (3) with a WARNING naming it.
    assert len(site.hits("/sm")) == 4
    assert lines(result.log, "WARNING", f"Sitemap index {base}/sm?page=3 is 3 levels deep; "
                                        f"not following it (NEWSBOT_SITEMAP_MAX_DEPTH)")
    # 50 000 children: the 20 most recent are followed, and the log says so.
    wide = [h.path for h in site.arrivals if h.path.startswith("/wide/")]
    assert len(wide) == 20
    twentieth = sorted(days)[-20]
    assert set(wide) == {f"/wide/{i}.xml" for i, d in enumerate(days) if d >= twentieth}
    assert lines(result.log, "WARNING", f"Sitemap index {base}/wide.xml lists 50000 sitemaps; "
                                        f"following the 20 most recent "
                                        f"(NEWSBOT_SITEMAP_MAX_CHILDREN)")
