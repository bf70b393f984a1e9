"""``scrapy crawl article -a url=URL[,URL...]``: extract single article pages, ad hoc."""

from __future__ import annotations

from scrapy import Request

from newsbot.spiders.base import NewsbotSpider, SpiderArgumentError


class ArticleSpider(NewsbotSpider):
    name = "article"
    slug = "adhoc"

    def __init__(self, url: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.urls = [u.strip() for u in (url or "").split(",") if u.strip()]
        if not self.urls:
            raise SpiderArgumentError("give the page(s) to extract: -a url=URL[,URL...]")
        bad = [u for u in self.urls if not u.startswith(("http://", "https://"))]
        if bad:
            raise SpiderArgumentError(f"only http(s) URLs can be crawled, not {bad[0]!r}")

    async def start(self):
        for url in self.urls:
            outlet = self.outlet_for(url)
            yield Request(url, self.parse_article, dont_filter=True,
                          meta={"outlet": outlet.name if outlet else None})
