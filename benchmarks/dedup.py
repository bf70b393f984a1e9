"""Syndication benchmark: near-duplicate clustering and wire attribution on real article text.

    python benchmarks/dedup.py [--json OUT] [--seed N] [--scale [N ...]]

No public dataset of modern syndication pairs exists, so this builds a labelled stream from the
real article bodies in ../shared/datasets/ (aeb-dev ground truth, fundus-dev expected bodies):
wire originals on agency sites and outlets' own stories, reprints of them under eight
transformations, hard negatives, and attribution cues and traps. The stream is replayed in
publication order through the real clean, attribute and dedupe stages, and side by side through
three baselines (exact body hash, 64-bit SimHash at Hamming distance <= 3, datasketch
MinHashLSH with default parameters at threshold 0.8), on the same clean bodies.

``--scale`` instead measures signature + query + verify + insert cost (in CPU time of this
process, i.e. per core, so that other work on the machine does not blur it) and the index's
memory and disk size at 10k, 100k and 1M synthetic articles, and the cost of shingling real
text (which does not depend on the index size).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import random
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from datasketch import MinHash, MinHashLSH
from scrapy import Spider
from scrapy.utils.test import get_crawler

import newsbot.settings
from memory import rss_mib  # benchmarks/memory.py (the script's folder is on sys.path)
from newsbot.cleaning import clean_article
from newsbot.dedup.clusters import Clusterer
from newsbot.dedup.fingerprints import LEAD_WORDS, body_hash, short_id, text_shingles, tokens
from newsbot.dedup.lsh import band_keys
from newsbot.dedup.similarity import Thresholds, overlap
from newsbot.dedup.store import Doc, SqliteIndex
from newsbot.items import Article
from newsbot.pipelines.attribute import AttributionPipeline
from newsbot.pipelines.clean import CleanPipeline
from newsbot.pipelines.dedup import DedupPipeline

DATASETS = Path(__file__).resolve().parent.parent.parent / "shared" / "datasets"
POSITIVES = ("verbatim", "trim_60_90", "trim_30_50", "extended", "copy_edited",
             "edited_trimmed", "composite", "extraction_noise")
NEGATIVES = ("follow_up", "template_twin", "same_outlet_boilerplate", "short_brief")
SYSTEMS = ("newsbot", "exact_hash", "simhash", "minhash_default")
# How each agency signs a dateline, and its full name (for bylines and JSON-LD).
AGENCIES = {
    "AP": "Associated Press", "Reuters": "Reuters", "AFP": "Agence France-Presse",
    "AA": "Anadolu Agency", "dpa": "Deutsche Presse-Agentur", "EFE": "Agencia EFE",
    "Xinhua": "Xinhua News Agency", "UPI": "United Press International",
    "PTI": "Press Trust of India", "IANS": "Indo-Asian News Service",
    "ANI": "Asian News International", "Kyodo": "Kyodo News", "Yonhap": "Yonhap News Agency",
    "TASS": "TASS", "ANSA": "ANSA",
}
CUES = ("dateline", "source_line", "dash_line", "byline", "jsonld", "canonical", "is_based_on",
        "none")
TRAPS = ("photo_credit", "told_agency", "immediate_source", "agency_inputs", "bare_code_byline")
OUTLETS = [f"Outlet {c}" for c in "ABCDEFGHIJ"]
CLEANABLE = ["Advertisement", "Comment", "Share this article", "Sign up for our newsletter"]
PLACES = ["LONDON", "ANKARA", "BEIJING, Jan. 5", "WASHINGTON", "PARIS", "BERLIN", "SEOUL",
          "NEW DELHI", "MADRID", "ROME", "TOKYO", "MOSCOW"]


# --- the labelled stream ----------------------------------------------------------------------

@dataclass
class Entry:
    """One article of the stream, with its labels."""

    url: str
    publisher: str
    paragraphs: list[str]
    published: float  # hours since the stream's start
    story: str  # true story label
    kind: str  # "original", a transformation, or a negative type
    agency: str | None = None  # expected sourceOrganization
    also: str | None = None  # also right (the second wire of a composite)
    fields: dict[str, Any] = field(default_factory=dict)
    original: str | None = None  # url of the article it copies (positives)
    pair: str | None = None  # url of the article it must not join (a follow-up's original)
    group: str | None = None  # hard negatives: no two articles of one group may be joined


def load_bodies(datasets: Path) -> list[list[str]]:
    """Clean paragraphs of every real body, in a fixed order (datelines and trailers removed,
    so that every attribution cue in the stream is one this benchmark placed and labelled)."""
    texts = []
    truth = json.loads((datasets / "aeb-dev" / "ground-truth.json").read_text(encoding="utf-8"))
    texts += [truth[k]["articleBody"] for k in sorted(truth)]
    with (datasets / "fundus-dev" / "expected.jsonl").open(encoding="utf-8") as lines:
        texts += [json.loads(line).get("body") or "" for line in lines]
    bodies, seen = [], []
    for text in texts:
        clean = clean_article({"articleBody": text}).get("articleBody") or ""
        paragraphs = [p for p in clean.split("\n\n") if p.strip()]
        shingles = text_shingles(clean)[0]
        if not paragraphs or any(overlap(shingles, other) > 0.1 * min(len(shingles), len(other))
                                 for other in seen):
            continue  # the datasets hold a few pages sharing text: one of them is enough
        seen.append(shingles)
        bodies.append(paragraphs)
    return bodies


def n_words(paragraphs: list[str]) -> int:
    return sum(len(p.split()) for p in paragraphs)


def trim(paragraphs: list[str], fraction: float) -> list[str]:
    """The first ``fraction`` of the words, cut at a sentence end where one is near."""
    budget = max(1, round(n_words(paragraphs) * fraction))
    kept: list[str] = []
    for paragraph in paragraphs:
        words = paragraph.split()
        if len(words) <= budget:
            kept.append(paragraph)
            budget -= len(words)
            continue
        cut = " ".join(words[:budget])
        end = cut.rfind(". ")
        kept.append(cut[: end + 1] if end > len(cut) // 2 else cut)
        break
    return kept


def copy_edit(paragraphs: list[str], rng: random.Random, rate: float = 0.06) -> list[str]:
    """Word swaps, spelling changes and changed figures in about ``rate`` of the words."""
    edited = []
    for paragraph in paragraphs:
        words = paragraph.split()
        for i in range(len(words)):
            if rng.random() >= rate:
                continue
            kind = rng.randrange(3)
            if kind == 0 and i + 1 < len(words):
                words[i], words[i + 1] = words[i + 1], words[i]
            elif kind == 1 and len(words[i]) > 3:
                j = rng.randrange(1, len(words[i]) - 1)
                words[i] = words[i][:j] + words[i][j + 1:]
            else:
                words[i] = "".join(str(rng.randrange(10)) if c.isdigit() else c for c in words[i])
        edited.append(" ".join(words))
    return edited


# Template stories built from different facts: a market wrap, a match report, a forecast.
TEMPLATES = {
    "market": ("{city} stocks closed {dir} on {day}, with the benchmark {index} index {verb} "
               "{n} percent as investors weighed {factor}. Shares of {co1} led the gains, "
               "while {co2} fell after {reason}. Trading volume was {vol} than the average of "
               "the past month. The {cur} {cmove} against the dollar, and the yield on "
               "ten-year government bonds {ymove}. Analysts at {bank} said the market would "
               "watch {event} next week for signs of {signal}."),
    "match": ("{team1} beat {team2} {n} on {day} at {stadium}, with {player1} scoring twice "
              "before half-time. {team2} pulled one back through {player2} after the break, "
              "but {team1} held on to move {pos} in the table. {coach1}, the {team1} coach, "
              "said his side had {praise}. {team2} travel to {city} next, while {team1} host "
              "{team3} on {day2}. The crowd of {n} was the {crowd} of the season."),
    "weather": ("Forecasters expect {weather} across {region} on {day}, with temperatures "
                "reaching {n} degrees in {city} and {city2}. The {agency} warned of {hazard} "
                "in {area} and advised residents to {advice}. Conditions are expected to "
                "{trend} by {day2}, when {system} moves in from the {dir2}. Farmers in "
                "{area2} said the {season} had been {verdict} so far."),
}
SLOTS = {
    "city": ["Harborton", "Port Ellis", "Greyhaven", "Aldermouth", "Saltmarsh", "Vassenburg",
             "Ashford", "Kesh", "Dunmark", "Calder", "Weyport", "Lindholm"],
    "dir": ["higher", "lower", "mixed", "flat"], "verb": ["rising", "falling", "slipping",
                                                           "climbing", "edging up"],
    "day": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
    "index": ["Harbor 40", "Coastal All-Share", "Northern 100", "Meridian Composite"],
    "factor": ["fresh inflation data", "a weaker oil price", "central bank comments",
               "quarterly earnings", "trade figures", "a strike at the port"],
    "co": ["Velden Rolling Stock", "Northern Coast Railways", "Ashford Steel", "Marlow Foods",
           "Kestrel Energy", "Brightwater Bank", "Orlin Pharma", "Tessaly Mining"],
    "reason": ["a profit warning", "a chief executive left", "a product recall",
               "weak sales figures", "a downgrade by analysts", "a failed takeover bid"],
    "vol": ["higher", "lower", "about the same"], "cur": ["crown", "mark", "florin"],
    "cmove": ["strengthened", "weakened", "held steady"], "ymove": ["rose", "fell", "was flat"],
    "bank": ["Brightwater Bank", "Halden Securities", "Corvin Partners", "Selby Capital"],
    "event": ["the rate decision", "jobs figures", "the budget", "retail sales"],
    "signal": ["a slowdown", "recovery", "cooling prices", "stronger demand"],
    "team": ["Harborton City", "Port Ellis Rovers", "Greyhaven United", "Aldermouth Athletic",
             "Saltmarsh Town", "Weyport Wanderers", "Lindholm FC", "Calder Albion"],
    "player": ["Jonas Brekke", "Milo Santos", "Ari Kettunen", "Dev Rao", "Luca Ferri",
               "Sam Okoye", "Tomas Lind", "Rui Costa"],
    "stadium": ["the Quayside Ground", "Ellis Park", "the Marsh Lane stadium", "Calder Road"],
    "pos": ["second", "third", "top", "clear of the drop zone", "into the playoff places"],
    "coach": ["Henrik Dahl", "Paolo Greco", "Mark Tenby", "Ivo Petrov", "Sean Doyle"],
    "praise": ["shown real character", "defended superbly", "deserved the win",
               "been clinical in front of goal"],
    "crowd": ["largest", "smallest", "second largest"],
    "weather": ["heavy rain", "strong winds", "snow showers", "sunshine", "thick fog"],
    "region": ["the northern coast", "the eastern hills", "the southern plains", "the islands"],
    "agency": ["National Weather Office", "coastguard", "regional emergency service"],
    "hazard": ["flooding", "ice on roads", "falling trees", "high waves", "poor visibility"],
    "area": ["low-lying areas", "mountain passes", "coastal towns", "river valleys"],
    "advice": ["avoid travel", "secure loose objects", "check on elderly neighbours",
               "stay away from the shore"],
    "trend": ["improve", "worsen", "settle", "turn colder"],
    "system": ["a cold front", "high pressure", "a band of rain", "a deep low"],
    "dir2": ["west", "north", "east", "south"],
    "season": ["harvest", "winter", "spring", "summer"],
    "verdict": ["the wettest in years", "unusually dry", "mild", "harsh"],
}


def template_story(name: str, rng: random.Random) -> str:
    values: dict[str, str] = {}
    for key in ("city", "city2", "day", "day2", "team1", "team2", "team3", "player1", "player2",
                "coach1", "co1", "co2", "area", "area2"):
        pool = SLOTS[key.rstrip("0123456789")] if key.rstrip("0123456789") in SLOTS else []
        choices = [v for v in pool if v not in values.values()]
        if choices:
            values[key] = rng.choice(choices)
    for key, pool in SLOTS.items():
        values.setdefault(key, rng.choice(pool))
    values["n"] = str(rng.randrange(1, 99))
    return TEMPLATES[name].format(**values)


class StreamBuilder:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.entries: list[Entry] = []
        self.counter = itertools.count()

    def take(self, count: int) -> list[str]:
        """Paragraphs of filler text not used anywhere else in the stream (so that two
        different stories never share text by accident)."""
        if len(self.filler) < count:
            raise ValueError("the datasets hold too little text for this stream")
        taken, self.filler = self.filler[:count], self.filler[count:]
        return taken

    def url(self, host: str) -> str:
        return f"https://{host}/news/{next(self.counter)}"

    def add(self, entry: Entry) -> Entry:
        self.entries.append(entry)
        return entry

    def build(self, bodies: list[list[str]]) -> list[Entry]:
        rng = self.rng
        long = [b for b in bodies if n_words(b) >= 250]
        short = [b for b in bodies if 60 <= n_words(b) < 250]
        rng.shuffle(long)
        filler = long[: len(long) * 2 // 5] + short  # text for local paragraphs, new stories
        originals = long[len(long) * 2 // 5:]
        self.filler = [p for body in filler for p in body if len(p.split()) >= 12]
        rng.shuffle(self.filler)
        self.house = {o: self.take(1)[0] for o in OUTLETS}
        agencies = itertools.cycle(AGENCIES)
        positive_kinds = itertools.cycle(POSITIVES)
        cues = itertools.cycle(CUES)
        traps = itertools.cycle(TRAPS)
        made: list[Entry] = []
        for i, paragraphs in enumerate(originals):
            start = rng.uniform(0, 96)
            agency = next(agencies) if i % 5 < 3 else None  # 60 % wire stories
            made.append(self.original(paragraphs, start, agency, traps))
        for original in made:
            for _ in range(rng.choice((1, 2, 2, 3))):
                self.reprint(original, next(positive_kinds), made, cues, traps)
        for original in made[::2]:
            self.follow_up(original)
        self.template_twins()
        for _ in range(40):
            self.same_outlet_pair()
        for _ in range(40):
            self.brief_pair()
        return sorted(self.entries, key=lambda e: e.published)

    def original(self, paragraphs: list[str], start: float, agency: str | None,
                 traps: Any) -> Entry:
        story = f"s{next(self.counter)}"
        if agency:
            host = {"AP": "apnews.com", "Reuters": "www.reuters.com", "AFP": "www.afp.com",
                    "AA": "www.aa.com.tr"}.get(agency, f"{agency.lower()}.example")
            entry = Entry(self.url(host), agency, list(paragraphs), start, story, "original",
                          agency)
            if self.rng.random() < 0.6:
                entry.paragraphs[0] = f"{self.rng.choice(PLACES)} ({agency}) — {paragraphs[0]}"
        else:
            publisher = self.rng.choice(OUTLETS)
            entry = Entry(self.url(publisher.replace(" ", "").lower() + ".test"), publisher,
                          list(paragraphs), start, story, "original")
            if self.rng.random() < 0.5:
                self.trap(entry, next(traps))
        return self.add(entry)

    def trap(self, entry: Entry, trap: str) -> None:
        """Cues that must not be read as attribution (the expected agency stays as it is)."""
        agency = self.rng.choice(list(AGENCIES))
        p = entry.paragraphs
        if trap == "photo_credit":
            p.insert(1, f"People gather in the square on Monday. ({agency} Photo/Jane Doe)")
        elif trap == "told_agency":
            p[-1] = p[-1] + f" the spokesman told {agency} by telephone."
        elif trap == "immediate_source":
            entry.paragraphs = [*p, "Source: Harbour Courier"]
        elif trap == "agency_inputs":
            entry.paragraphs = [*p, "With agency inputs"]
        else:
            entry.fields["authors"] = [{"name": "AA", "type": "Organization"}]

    def cue(self, entry: Entry, original: Entry, cue: str) -> None:
        """An attribution cue on a reprint of a wire story (or none: the cluster tells)."""
        agency = original.agency
        p = entry.paragraphs
        if cue == "dateline" and not p[0].startswith(tuple(PLACES)):
            p[0] = f"{self.rng.choice(PLACES)} ({agency}) — {p[0]}"
        elif cue == "source_line":
            entry.paragraphs = [*p, "___", f"Source: {agency}"]
        elif cue == "dash_line":
            entry.paragraphs = [*p, f"— {agency}"]
        elif cue == "byline":
            entry.fields["authors"] = [{"name": AGENCIES[agency], "type": "Organization"}]
        elif cue == "jsonld":
            entry.fields["attributionEvidence"] = [{"cue": "jsonld:provider",
                                                    "text": AGENCIES[agency]}]
        elif cue == "canonical":
            entry.fields["canonicalUrl"] = original.url
        elif cue == "is_based_on":
            entry.fields["attributionEvidence"] = [{"cue": "isBasedOn", "text": original.url}]

    def reprint(self, original: Entry, kind: str, made: list[Entry], cues: Any,
                traps: Any) -> None:
        rng = self.rng
        src = original.paragraphs
        if kind == "verbatim":
            paragraphs = [rng.choice(CLEANABLE), *src[:2], rng.choice(CLEANABLE), *src[2:],
                          "Comment"]
        elif kind == "trim_60_90":
            paragraphs = trim(src, rng.uniform(0.6, 0.9))
        elif kind == "trim_30_50":
            paragraphs = trim(src, rng.uniform(0.3, 0.5))
        elif kind == "extended":
            paragraphs = [*src, *self.take(rng.randint(2, 4))]
        elif kind == "copy_edited":
            paragraphs = copy_edit(src, rng)
        elif kind == "edited_trimmed":
            paragraphs = copy_edit(trim(src, rng.uniform(0.4, 0.8)), rng)
        elif kind == "composite":
            other = rng.choice([m for m in made if m is not original])
            paragraphs = [*trim(src, 0.6), *trim(other.paragraphs, 0.4)]
        else:  # extraction noise: a caption and a related-links block left in the body
            block = [s.split(". ")[0][:90] for s in self.take(4)]
            paragraphs = [*src[:2], "A view of the scene on the day the events took place.",
                          *src[2:], *block]
        publisher = rng.choice([o for o in OUTLETS if o != original.publisher])
        entry = Entry(self.url(publisher.replace(" ", "").lower() + ".test"), publisher,
                      list(paragraphs), original.published + rng.uniform(0.2, 30),
                      original.story, kind, original.agency, original=original.url)
        if original.agency:
            self.cue(entry, original, next(cues))
            if kind == "composite" and other.agency and other.agency != original.agency:
                entry.paragraphs = [*entry.paragraphs, f"— {other.agency}"]
                entry.also = other.agency
        elif rng.random() < 0.5:
            self.trap(entry, next(traps))
        self.add(entry)

    def follow_up(self, original: Entry) -> None:
        """A new story by another outlet that reuses at most 30 % background."""
        rng = self.rng
        new = self.take(rng.randint(5, 9))
        budget = n_words(new) * 0.3 / 0.7
        background = trim(original.paragraphs[2:] or original.paragraphs,
                          min(1.0, budget / max(1, n_words(original.paragraphs))))
        publisher = rng.choice(OUTLETS)
        self.add(Entry(self.url(publisher.replace(" ", "").lower() + ".test"), publisher,
                       [*new[:2], *background, *new[2:]], original.published + rng.uniform(2, 48),
                       f"s{next(self.counter)}", "follow_up", pair=original.url))

    def template_twins(self) -> None:
        for name in TEMPLATES:
            for _ in range(20):
                publisher = self.rng.choice(OUTLETS)
                self.add(Entry(self.url(publisher.replace(" ", "").lower() + ".test"),
                               publisher, [template_story(name, self.rng)],
                               self.rng.uniform(0, 120), f"s{next(self.counter)}",
                               "template_twin", group=name))

    def same_outlet_pair(self) -> None:
        """Two different stories on one outlet, wrapped in the same long house paragraph."""
        publisher = self.rng.choice(OUTLETS)
        for _ in range(2):
            self.add(Entry(self.url(publisher.replace(" ", "").lower() + ".test"), publisher,
                           [*self.take(4), self.house[publisher]], self.rng.uniform(0, 120),
                           f"s{next(self.counter)}", "same_outlet_boilerplate",
                           group=publisher))

    def brief_pair(self) -> None:
        """Two short briefs that quote the same one-sentence statement."""
        quote = self.take(1)[0].split(". ")[0][:160]
        group = f"brief{next(self.counter)}"
        for _ in range(2):
            lead = self.take(1)[0].split(". ")[0][:200]
            publisher = self.rng.choice(OUTLETS)
            self.add(Entry(self.url(publisher.replace(" ", "").lower() + ".test"), publisher,
                           [lead + ".", f"\"{quote}\", a spokesperson said."],
                           self.rng.uniform(0, 120), f"s{next(self.counter)}", "short_brief",
                           group=group))


# --- systems ----------------------------------------------------------------------------------

STREAM_START = datetime(2026, 11, 16, tzinfo=UTC)


def stream_time(hours: float) -> str:
    """Hours since the stream's start as a UTC ISO 8601 time."""
    return (STREAM_START + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")


def settings(index_path: str) -> dict[str, Any]:
    """The project's settings, with the agencies that have no known domain given a made-up
    one (``xinhua.example``): the stream puts their own pages there."""
    values = {k: getattr(newsbot.settings, k) for k in dir(newsbot.settings)
              if k.startswith("NEWSBOT_")}
    extra = {a: {"domains": [f"{a.lower()}.example"]} for a in AGENCIES}
    agencies = {code: {**entry, "domains": [*entry.get("domains", []),
                                            *extra.get(code, {}).get("domains", [])]}
                for code, entry in values["NEWSBOT_ATTRIBUTION_AGENCIES"].items()}
    return {**values, "NEWSBOT_DEDUP_INDEX_PATH": index_path,
            "NEWSBOT_ATTRIBUTION_AGENCIES": agencies}


def run_newsbot(entries: list[Entry], overrides: dict[str, Any] | None = None
                ) -> tuple[dict[str, str], dict[str, str | None], float, list[dict]]:
    """Replays the stream through clean -> attribute -> dedupe; returns the story and agency of
    each article (by URL), articles per CPU second of attribute + dedupe, and the clean items."""
    with tempfile.TemporaryDirectory() as tmp:
        crawler = get_crawler(Spider, {**settings(str(Path(tmp) / "near.sqlite")),
                                       **(overrides or {})})
        crawler.stats.open_spider()
        clean, attribute = CleanPipeline(), AttributionPipeline.from_crawler(crawler)
        dedup = DedupPipeline.from_crawler(crawler)
        stories, agencies, items = {}, {}, []
        elapsed = 0.0
        for entry in entries:
            when = stream_time(entry.published)
            item = clean.process_item(Article(
                url=entry.url, headline="Headline", articleBody="\n".join(entry.paragraphs),
                publisher=entry.publisher, datePublished=when, crawledAt=when,
                **entry.fields))
            items.append(dict(item))
            started = time.process_time()
            item = dedup.process_item(attribute.process_item(item))
            elapsed += time.process_time() - started
            stories[entry.url] = item["storyId"]
            agencies[entry.url] = item.get("sourceOrganization")
        dedup.close()
    return stories, agencies, len(entries) / elapsed, items


def _five_grams(text: str) -> list[str]:
    words = tokens(text, fold_digits=True)
    return [" ".join(words[i:i + 5]) for i in range(max(1, len(words) - 4))]


def run_baseline(name: str, items: list[dict]) -> tuple[dict[str, str], float]:
    """A streaming baseline: each article joins the cluster of its first match, else starts one.
    Returns the clusters and articles per CPU second (fingerprint + query + insert)."""
    stories: dict[str, str] = {}
    elapsed = 0.0
    exact: dict[str, str] = {}
    fingerprints: list[int] = []
    owners: list[str] = []
    lsh = MinHashLSH(threshold=0.8, num_perm=128)
    arrival: dict[str, int] = {}
    for item in items:
        body, url = item.get("articleBody") or "", item["url"]
        started = time.process_time()
        if name == "exact_hash":
            stories[url] = exact.setdefault(body_hash(body), url)
        elif name == "simhash":
            fingerprint = simhash(body)
            story = url
            if fingerprints:
                distances = np.bitwise_count(np.array(fingerprints, dtype=np.uint64)
                                             ^ np.uint64(fingerprint))
                hits = np.flatnonzero(distances <= 3)
                if len(hits):
                    story = stories[owners[hits[0]]]
            fingerprints.append(fingerprint)
            owners.append(url)
            stories[url] = story
        else:
            minhash = MinHash(num_perm=128)
            minhash.update_batch([s.encode("utf-8") for s in _five_grams(body)])
            hits = lsh.query(minhash)
            stories[url] = stories[min(hits, key=arrival.__getitem__)] if hits else url
            lsh.insert(url, minhash)
            arrival[url] = len(arrival)
        elapsed += time.process_time() - started
    return stories, len(items) / elapsed


def simhash(text: str) -> int:
    """64-bit SimHash (Charikar) over the word 5-grams, each weighted once."""
    body, _ = text_shingles(text)
    if not len(body):
        return 0
    h = body.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    h ^= h >> np.uint64(29)
    h *= np.uint64(0xBF58476D1CE4E5B9)
    h ^= h >> np.uint64(32)
    bits = np.unpackbits(h.view(np.uint8).reshape(-1, 8), axis=1, bitorder="little")
    votes = bits.sum(axis=0) * 2 > len(h)
    return int(np.packbits(votes, bitorder="little").view(np.uint64)[0])


# --- metrics ----------------------------------------------------------------------------------

def evaluate(entries: list[Entry], stories: dict[str, str]) -> dict[str, Any]:
    truth = {e.url: e.story for e in entries}
    pred_clusters: dict[str, set[str]] = defaultdict(set)
    true_clusters: dict[str, set[str]] = defaultdict(set)
    for url, story in stories.items():
        pred_clusters[story].add(url)
        true_clusters[truth[url]].add(url)

    def pairs(clusters: dict[str, set[str]]) -> int:
        return sum(len(c) * (len(c) - 1) // 2 for c in clusters.values())

    both = sum(math.comb(len(p & t), 2) for p in pred_clusters.values()
               for t in true_clusters.values() if len(p & t) > 1)
    predicted, actual = pairs(pred_clusters), pairs(true_clusters)
    precision = both / predicted if predicted else 1.0
    recall = both / actual if actual else 1.0
    by_kind: dict[str, list[bool]] = defaultdict(list)
    negatives: dict[str, list[bool]] = defaultdict(list)
    groups: dict[str, list[Entry]] = defaultdict(list)
    for e in entries:
        if e.original:
            by_kind[e.kind].append(stories[e.url] == stories[e.original])
        if e.pair:
            negatives[e.kind].append(stories[e.url] == stories[e.pair])
        if e.group:
            groups[e.group].append(e)
    hard = {frozenset((e.url, e.pair)) for e in entries if e.pair}
    for members in groups.values():
        for a, b in itertools.combinations(members, 2):
            negatives[a.kind].append(stories[a.url] == stories[b.url])
            hard.add(frozenset((a.url, b.url)))
    # unrelated pairs: every cross-story pair that is not a labelled hard negative
    wrongly_joined = sum(1 for p in pred_clusters.values() for a, b in itertools.combinations(
        sorted(p), 2) if truth[a] != truth[b] and frozenset((a, b)) not in hard)
    unrelated_total = math.comb(len(entries), 2) - actual - len(hard)
    negatives_rate = {k: sum(v) / len(v) for k, v in negatives.items()}
    negatives_rate["unrelated"] = wrongly_joined / unrelated_total
    bp = br = 0.0
    for url in stories:
        p, t = pred_clusters[stories[url]], true_clusters[truth[url]]
        bp += len(p & t) / len(p)
        br += len(p & t) / len(t)
    bp, br = bp / len(stories), br / len(stories)
    return {
        "pairwise": {"precision": precision, "recall": recall, "f1": f1(precision, recall)},
        "recall_by_transformation": {k: sum(by_kind[k]) / len(by_kind[k]) for k in POSITIVES
                                     if by_kind[k]},
        "fp_rate_by_negative": {k: negatives_rate[k] for k in (*NEGATIVES, "unrelated")
                                if k in negatives_rate},
        "bcubed": {"precision": bp, "recall": br, "f1": f1(bp, br)},
    }


def f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def attribution_scores(entries: list[Entry], agencies: dict[str, str | None]) -> dict[str, float]:
    """Precision and recall of ``sourceOrganization`` (a composite may name either wire)."""
    predicted = [(agencies[e.url], {e.agency, e.also} - {None}) for e in entries]
    named = [(p, t) for p, t in predicted if p]
    expected = [(p, t) for p, t in predicted if t]
    return {"precision": sum(p in t for p, t in named) / len(named) if named else 1.0,
            "recall": sum(p in t for p, t in expected) / len(expected) if expected else 1.0}


def run_quality(datasets: Path, seed: int, overrides: dict[str, Any] | None = None
                ) -> tuple[dict, list[Entry]]:
    entries = StreamBuilder(seed).build(load_bodies(datasets))
    results: dict[str, Any] = {}
    stories, agencies, rate, items = run_newsbot(entries, overrides)
    results["newsbot"] = {**evaluate(entries, stories), "articles_per_s": rate,
                          "attribution": attribution_scores(entries, agencies)}
    for name in SYSTEMS[1:]:
        stories, rate = run_baseline(name, items)
        results[name] = {**evaluate(entries, stories), "articles_per_s": rate}
    return results, entries


def print_quality(results: dict[str, Any], entries: list[Entry]) -> None:
    counts = defaultdict(int)
    for e in entries:
        counts[e.kind] += 1
    print(f"Stream: {len(entries)} articles ("
          + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) + ")\n")
    header = f"| {'':40} | " + " | ".join(f"{s:>15}" for s in SYSTEMS) + " |"
    print(header)
    print("|" + "-" * 42 + "|" + "|".join("-" * 17 for _ in SYSTEMS) + "|")

    def row(label: str, values: list[str]) -> None:
        print(f"| {label:40} | " + " | ".join(f"{v:>15}" for v in values) + " |")

    for part in ("pairwise", "bcubed"):
        for metric in ("precision", "recall", "f1"):
            row(f"{part} {metric}", [f"{results[s][part][metric]:.3f}" for s in SYSTEMS])
    for kind in POSITIVES:
        row(f"recall: {kind}",
            [f"{results[s]['recall_by_transformation'].get(kind, float('nan')):.3f}"
             for s in SYSTEMS])
    for kind in (*NEGATIVES, "unrelated"):
        row(f"false positives: {kind}",
            [f"{results[s]['fp_rate_by_negative'].get(kind, float('nan')):.4f}"
             for s in SYSTEMS])
    row("articles/s", [f"{results[s]['articles_per_s']:.0f}" for s in SYSTEMS])
    a = results["newsbot"]["attribution"]
    row("attribution precision / recall", [f"{a['precision']:.3f} / {a['recall']:.3f}",
                                           "-", "-", "-"])


def run_calibration(datasets: Path, seeds: list[int]) -> list[dict[str, Any]]:
    """The containment and lead thresholds over a grid, on streams of other seeds than the
    reported one: worst recall per transformation and worst false-positive rate per negative."""
    bodies = load_bodies(datasets)
    streams = [StreamBuilder(seed).build(bodies) for seed in seeds]
    rows = []
    print("| containment | lead | edited_trimmed | composite | trim_30_50 | bcubed f1 | "
          "fp follow_up | fp template_twin |")
    print("|---|---|---|---|---|---|---|---|")
    for containment, lead in itertools.product((0.5, 0.55, 0.6, 0.7, 0.8), (0.5, 0.6, 0.7, 0.8)):
        worst: dict[str, float] = {}
        for entries in streams:
            stories, *_ = run_newsbot(entries, {"NEWSBOT_DEDUP_CONTAINMENT": containment,
                                                "NEWSBOT_DEDUP_LEAD_OVERLAP": lead})
            result = evaluate(entries, stories)
            for kind, value in result["recall_by_transformation"].items():
                worst[kind] = min(worst.get(kind, 1.0), value)
            for kind, value in result["fp_rate_by_negative"].items():
                worst[f"fp_{kind}"] = max(worst.get(f"fp_{kind}", 0.0), value)
            worst["bcubed_f1"] = min(worst.get("bcubed_f1", 1.0), result["bcubed"]["f1"])
        rows.append({"containment": containment, "lead": lead, **worst})
        print(f"| {containment} | {lead} | {worst['edited_trimmed']:.3f} | "
              f"{worst['composite']:.3f} | {worst['trim_30_50']:.3f} | {worst['bcubed_f1']:.3f} | "
              f"{worst['fp_follow_up']:.4f} | {worst['fp_template_twin']:.4f} |", flush=True)
    return rows


# --- scale ------------------------------------------------------------------------------------

def synthetic_shingles(rng: np.random.Generator) -> np.ndarray:
    """Shingle hashes of a made-up article of 300-700 words, in text order (not yet sorted)."""
    return rng.integers(0, 2**32, size=int(rng.integers(300, 700)), dtype=np.uint32)


def run_scale(sizes: list[int], seed: int) -> list[dict[str, float]]:
    """Index cost and size at each size: synthetic articles (shingle hashes drawn at random, 5 %
    of them trimmed copies of a recent one) signed, looked up, checked and inserted one by one.
    Turning text into shingles costs the same at any size and is measured on real text instead
    (``text_shingles_ms`` of the quality run's bodies)."""
    rng = np.random.default_rng(seed)
    rows = []
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "near.sqlite"
            index = SqliteIndex(path)
            clusterer = Clusterer(index, Thresholds())
            before = rss_mib()
            recent: list[np.ndarray] = []
            timings = {"signature": 0.0, "place": 0.0}
            tail = 0.0
            tail_from = size - min(size // 10, 10_000)
            checkpoint, window = max(size // 10, 1), 0.0
            wall = time.perf_counter()
            for i in range(size):
                if recent and rng.random() < 0.05:  # a trimmed copy of a recent article
                    source = recent[int(rng.integers(len(recent)))]
                    words = source[: len(source) * 2 // 3]
                else:
                    words = synthetic_shingles(rng)
                    recent = [*recent[-999:], words]
                url = f"https://s{i % 50}.test/{i}"
                t0 = time.process_time()
                body, lead = np.unique(words), np.unique(words[:LEAD_WORDS])
                keys = band_keys(body, lead)
                t1 = time.process_time()
                clusterer.place(Doc(url, f"s{i % 50}", None, 1, None, "en", None, None, None,
                                    short_id(url), body, lead), {url}, keys)
                t2 = time.process_time()
                timings["signature"] += t1 - t0
                timings["place"] += t2 - t1
                window += t2 - t0
                if i >= tail_from:
                    tail += t2 - t0
                if (i + 1) % checkpoint == 0:  # progress: the cost of the last stretch
                    print(json.dumps({"indexed": i + 1,
                                      "articles_per_cpu_s_recent": checkpoint / window,
                                      "rss_growth_mib": rss_mib() - before,
                                      "disk_mib": sum(f.stat().st_size for f in
                                                      Path(tmp).iterdir()) / 2**20}),
                          flush=True)
                    window = 0.0
            wall = time.perf_counter() - wall
            index.close()
            total = timings["signature"] + timings["place"]
            rows.append({
                "articles": size,
                "signature_ms": timings["signature"] / size * 1e3,
                "query_verify_insert_ms": timings["place"] / size * 1e3,
                "articles_per_cpu_s": size / total,
                "articles_per_cpu_s_last": (size - tail_from) / tail,
                "wall_s": wall,
                "rss_growth_mib": rss_mib() - before,
                "disk_mib": sum(f.stat().st_size for f in Path(tmp).iterdir()) / 2**20,
            })
            print(json.dumps(rows[-1]), flush=True)
    return rows


def text_cost(datasets: Path) -> float:
    """Milliseconds per article to turn a real clean body into its shingle sets."""
    bodies = ["\n\n".join(b) for b in load_bodies(datasets)]
    started = time.process_time()
    for body in bodies:
        text_shingles(body)
    return (time.process_time() - started) / len(bodies) * 1e3


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", metavar="OUT", help="write the results as JSON to OUT")
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--datasets", type=Path, default=DATASETS,
                        help=f"folder with aeb-dev/ and fundus-dev/ (default {DATASETS})")
    parser.add_argument("--calibrate", type=int, nargs="*", metavar="SEED",
                        help="sweep the containment and lead thresholds on streams of these "
                             "seeds (default 1 2 3) instead")
    parser.add_argument("--scale", type=int, nargs="*", metavar="N",
                        help="measure cost and memory at N synthetic articles "
                             "(default 10000 100000 1000000) instead of quality")
    args = parser.parse_args(argv)
    if args.scale is not None:
        results: Any = {"scale": run_scale(args.scale or [10_000, 100_000, 1_000_000],
                                           args.seed)}
        if args.datasets.is_dir():
            results["text_shingles_ms"] = text_cost(args.datasets)
            print(json.dumps({"text_shingles_ms": results["text_shingles_ms"]}))
    elif not args.datasets.is_dir():
        print(f"datasets not found at {args.datasets} (use --datasets)", file=sys.stderr)
        return 2
    elif args.calibrate is not None:
        results = {"calibration": run_calibration(args.datasets, args.calibrate or [1, 2, 3])}
    else:
        results, entries = run_quality(args.datasets, args.seed)
        print_quality(results, entries)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
