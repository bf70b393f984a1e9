"""The Article item: one field per output key.

Names follow zyte-common-items' ``Article`` (schema.org style) so the data fits the Scrapy/Zyte
ecosystem; the news-analysis fields (``publisher``, ``sourceOrganization``, ``dateline`` ...)
are added in the same style. Every field's ``doc`` is what README.md says about it; a test keeps
the two in step. Bump :data:`SCHEMA_VERSION` whenever a field is added, renamed or changes meaning.
"""

from __future__ import annotations

from typing import Any, Required, TypedDict

import scrapy

SCHEMA_VERSION = 5


class Article(scrapy.Item):
    url = scrapy.Field(doc="URL the page was fetched from (after redirects). Always present.")
    canonicalUrl = scrapy.Field(
        doc="The page's own canonical URL (`<link rel=canonical>`, `og:url` or JSON-LD `url`), "
            "absolute; may point to another outlet when the page is a declared reprint.")
    headline = scrapy.Field(doc="Headline, from JSON-LD, `og:title` or `<h1>`, without the "
                                "site-name suffix.")
    description = scrapy.Field(doc="Standfirst or summary from the page metadata.")
    articleBody = scrapy.Field(
        doc="Clean body text: paragraphs and sub-headlines separated by a blank line; no "
            "boilerplate, captions, datelines or source trailers (those are fields of their own).")
    datePublished = scrapy.Field(
        doc="First publication time, UTC ISO 8601 (`2026-11-20T13:15:00Z`); a date without a "
            "time zone is kept without the `Z`. Never filled from a modified date.")
    datePublishedRaw = scrapy.Field(doc="`datePublished` exactly as the page gave it.")
    datePublishedSource = scrapy.Field(
        doc="Where `datePublished` came from: `json-ld`, `meta:<name>` (e.g. "
            "`meta:article:published_time`), `html:itemprop`, `html:time`, `sitemap or feed`, "
            "or `page text` (a date without a time read from the visible page by htmldate).")
    dateModified = scrapy.Field(
        doc="Last modification time, UTC ISO 8601, when the page gives one; on a new version "
            "(`version` > 1) of a page that gives none, its sitemap or feed date, else the time "
            "the change was found.")
    dateModifiedRaw = scrapy.Field(doc="`dateModified` exactly as the page gave it.")
    dateModifiedSource = scrapy.Field(
        doc="Where `dateModified` came from: `json-ld`, `meta:<name>` or `html:itemprop`; on a "
            "new version of a page that gives none, `sitemap or feed` or `crawl`.")
    authors = scrapy.Field(
        doc='List of `{"name": ..., "type": "Person"|"Organization"}`; organisations such as '
            '"Associated Press" count as authors.')
    inLanguage = scrapy.Field(
        doc="Language of the article as a BCP 47 tag (`en`, `tr`, `pt-BR`): the page's "
            "declaration, unless the article text contradicts it, else detected from the text.")
    mainImage = scrapy.Field(doc='Lead image: `{"url", "caption", "credit"}`.')
    images = scrapy.Field(
        doc='Images of the article, each `{"url", "caption", "credit"}`; captions and photo '
            'credits removed from the body end up here.')
    articleSection = scrapy.Field(doc="Section the outlet filed the article under.")
    keywords = scrapy.Field(doc="List of keywords or tags given by the outlet.")
    pageType = scrapy.Field(
        doc="What the page says it is: its schema.org type (`NewsArticle`, `LiveBlogPosting` ...) "
            "or else its `og:type`.")
    isAccessibleForFree = scrapy.Field(
        doc="`false` when the article is behind a paywall: its JSON-LD `isAccessibleForFree` "
            "or a `hasPart` section it marks as not free, the `article:content_tier` meta tag, "
            "or a paywall the page announces (\"Subscribe to continue reading\"); `true` when the "
            "page says it is free; `null` when it says nothing. A short body with `false` was "
            "cut by the paywall.")
    liveBlogUpdates = scrapy.Field(
        doc='Posts of a live blog in page order, each `{"id", "datePublished", "dateModified", '
            '"headline", "articleBody", "url"}`: from JSON-LD `liveBlogUpdate` (nested, in '
            '`@graph` or by `@id`), else from the timestamped post blocks of a page that says '
            'it is live; `null` on other pages. Each version carries the full list the page '
            'shows; `changes` counts the new entries.')
    coverageStartTime = scrapy.Field(
        doc="When the live blog's coverage starts (JSON-LD `coverageStartTime`), UTC ISO 8601.")
    coverageEndTime = scrapy.Field(
        doc="When the live blog's coverage ends (JSON-LD `coverageEndTime`), UTC ISO 8601.")
    corrections = scrapy.Field(
        doc='Correction and update notices the page carries, in page order, each `{"kind", '
            '"text", "date"}`: kind `correction` ("Correction:"), `clarification`, '
            '`earlier_version` ("An earlier version of this article ..."), `updated` ("This '
            'story has been updated ...") or `editors_note`, in English, German, French, '
            'Spanish, Turkish, Portuguese and Arabic, and JSON-LD `correction`; `date` is the '
            'notice\'s own, `null` when it gives none. Removed from `articleBody`.')
    publisher = scrapy.Field(doc="Name of the outlet the page was crawled from (`Outlet.title`).")
    dateline = scrapy.Field(
        doc='Dateline removed from the start of the body, e.g. `"WASHINGTON (AP) —"`.')
    trailers = scrapy.Field(
        doc='Trailer lines removed from the end of the body, e.g. `["Source: TRT"]` or '
            '`["Reporting by ...; Editing by ..."]`, in page order.')
    sourceOrganization = scrapy.Field(
        doc="Wire agency the story comes from (a key of `NEWSBOT_ATTRIBUTION_AGENCIES`: `AP`, "
            "`Reuters`, `AFP`, `AA` ...), from the strongest cue in `attributionEvidence`; "
            "`null` when no cue names one.")
    isSyndicated = scrapy.Field(
        doc="True when the article was taken from elsewhere: it credits an agency whose site it "
            "is not on, an immediate source or unnamed agencies, or it is a copy in another "
            "outlet's story cluster.")
    immediateSource = scrapy.Field(
        doc='Outlet the article says it was taken from when that is not an agency ("Source: '
            'TRT" on another site); distinct from `sourceOrganization`.')
    attributionEvidence = scrapy.Field(
        doc='The cues behind the attribution, each `{"cue", "text", "agency"}`; cue is one of '
            '`domain`, `jsonld:author`, `jsonld:creator`, `jsonld:provider`, '
            '`jsonld:sourceOrganization`, `isBasedOn`, `canonical`, `dateline`, `trailer`, '
            '`byline`, `cluster` (the story\'s original is that agency\'s); `agency` is `null` '
            'for "with agency inputs".')
    contentHash = scrapy.Field(
        doc="SHA-1 of the normalised clean body: equal bodies have equal hashes, across outlets.")
    storyId = scrapy.Field(
        doc="Identifier of the story this article belongs to; copies of one story share it.")
    duplicateOf = scrapy.Field(
        doc="URL of the original of this article's story (the agency's own page, else the target "
            "of a cross-outlet canonical link, else the earliest published) when this article is "
            "a copy or near-copy of it; `null` on originals.")
    crawledAt = scrapy.Field(doc="When the page was fetched, UTC ISO 8601.")
    id = scrapy.Field(
        doc="Identifier of this version of the article: a hash of the article's key (its "
            "same-site canonical URL, else its URL) and its text. A line written again after a "
            "crash has the same id; `newsbot export` keeps one.")
    version = scrapy.Field(
        doc="1 for the first text of an article the crawl state has seen, then 2, 3 ... each "
            "time a refetch finds its text changed; `null` when the crawl keeps no state (the "
            "`article` spider, `NEWSBOT_STATE_ENABLED = False`).")
    replaces = scrapy.Field(doc="`id` of the version this one replaces; `null` on a first version.")
    changes = scrapy.Field(
        doc='On a version 2, 3 ...: what changed since the version it `replaces`, '
            '`{"fields", "previous", "articleBody", "liveBlogUpdates"}` (see "Versions and '
            'changes"). Filled by `newsbot export` from the partitions it reads (the crawl\'s '
            'partitions are a log and leave it `null`); `null` on first versions and when the '
            'replaced version is not among the partitions read.')
    warcFile = scrapy.Field(
        doc="WARC file holding the page this article was extracted from, as the crawl wrote it "
            "(`data/<outlet>/<run id>.warc.gz`), or as given to `newsbot extract --warc`; `null` "
            "when pages are not archived (`NEWSBOT_ARCHIVE`).")
    warcRecordId = scrapy.Field(
        doc="`WARC-Record-ID` of the page's response record in `warcFile` "
            "(`<urn:uuid:...>`); `null` when pages are not archived.")


ARTICLE_FIELDS: tuple[str, ...] = tuple(Article.fields)


class Author(TypedDict):
    name: str
    type: str
    """``Person`` or ``Organization``"""


class Image(TypedDict):
    url: str | None
    caption: str | None
    credit: str | None


class Evidence(TypedDict):
    cue: str
    text: str
    agency: str | None


class LiveBlogUpdate(TypedDict):
    id: str | None
    datePublished: str | None
    dateModified: str | None
    headline: str | None
    articleBody: str | None
    url: str | None


class Correction(TypedDict):
    kind: str
    text: str
    date: str | None


class ArticleData(TypedDict, total=False):
    """An article between stages, typed: what :func:`newsbot.extraction.extract_article` returns,
    the clean and attribute stages take and give, and :class:`Article` is made from.

    The same keys as :class:`Article` (a test keeps them equal). Every key but ``url`` may be
    missing or None: each stage fills what it knows. The values come from pages, so the stages
    that read them still check their types at run time; these are what they guarantee on output.
    """

    url: Required[str]
    canonicalUrl: str | None
    headline: str | None
    description: str | None
    articleBody: str | None
    datePublished: str | None
    datePublishedRaw: str | None
    datePublishedSource: str | None
    dateModified: str | None
    dateModifiedRaw: str | None
    dateModifiedSource: str | None
    authors: list[Author]
    inLanguage: str | None
    mainImage: Image | None
    images: list[Image]
    articleSection: str | None
    keywords: list[str]
    pageType: str | None
    isAccessibleForFree: bool | None
    liveBlogUpdates: list[LiveBlogUpdate] | None
    coverageStartTime: str | None
    coverageEndTime: str | None
    corrections: list[Correction] | None
    publisher: str | None
    dateline: str | None
    trailers: list[str]
    sourceOrganization: str | None
    isSyndicated: bool
    immediateSource: str | None
    attributionEvidence: list[Evidence]
    contentHash: str | None
    storyId: str | None
    duplicateOf: str | None
    crawledAt: str | None
    id: str | None
    version: int | None
    replaces: str | None
    changes: dict[str, Any] | None
    warcFile: str | None
    warcRecordId: str | None
