"""T13: golden pages in many encodings, with wrong, missing and conflicting declarations."""

from __future__ import annotations

import html

import pytest

from crawling import lines, stats
from faultserver import FaultServer
from newsbot.discovery.feeds import parse_feed
from newsbot.encoding import decode_html, mojibake_marks
from support import run_crawl

TEXTS = {  # language -> (headline, sentence repeated into paragraphs)
    "de": ("Windräder in Südbaden: Gemeinderat stimmt zu",
           "Der Gemeinderat in Freiburg hat am Dienstag „mit großer Mehrheit“ dem Bau von "
           "zwölf Windrädern zugestimmt; die Bürgerinitiative kündigte Widerspruch an…"),
    "tr": ("İzmir'de rüzgâr santrali için yeni karar",
           "Belediye meclisi çarşamba günü toplandı ve öneriyi oy çokluğuyla kabul etti; "
           "ığdır ve şile için de benzer projeler görüşülecek."),
    "ar": ("مجلس المدينة يوافق على مشروع الطاقة",
           "وافق مجلس المدينة يوم الثلاثاء على مشروع جديد لطاقة الرياح بعد نقاش طويل استمر "
           "حتى المساء."),
    "ja": ("風力発電所の建設計画、市議会が承認",
           "市議会は火曜日、沿岸部に十二基の風車を建設する計画を賛成多数で可決した。"
           "住民団体は異議を申し立てる方針だ。"),
    "ru": ("Привет из Казани: городской совет одобрил план",
           "Городской совет Казани во вторник одобрил строительство двенадцати ветряков; "
           "жители обещали обжаловать решение."),
    "zh": ("市议会批准了新的风力发电项目",
           "市议会周二以多数票批准在沿海地区建设十二台风力发电机的计划，居民团体表示将提出异议。"),
}


def page(language: str, charset_meta: str | None = None, number: int = 0) -> str:
    headline, sentence = TEXTS[language]
    paragraphs = "".join(f"<p>{html.escape(sentence)} ({number}.{i})</p>" for i in range(6))
    meta = f'<meta charset="{charset_meta}">' if charset_meta else ""
    return (f'<!DOCTYPE html><html lang="{language}"><head>{meta}<title>{html.escape(headline)}'
            f'</title><meta property="og:type" content="article"></head><body><article>'
            f"<h1>{html.escape(headline)}</h1>{paragraphs}</article></body></html>")


GOLDEN = {  # path -> (language, Content-Type header, body bytes)
    # header says UTF-8, the bytes and the <meta> say windows-1252
    "/cp1252": ("de", "text/html; charset=utf-8", page("de", "windows-1252", 1).encode("cp1252")),
    "/iso-8859-9": ("tr", "text/html; charset=iso-8859-9",
                    page("tr", None, 2).encode("iso-8859-9")),
    "/cp1256": ("ar", "text/html", page("ar", "windows-1256", 3).encode("cp1256")),
    "/shift-jis": ("ja", "text/html; charset=Shift_JIS", page("ja", None, 4).encode("shift_jis")),
    # UTF-8 bytes, a header that says latin-1
    "/utf8-wrong-header": ("ru", "text/html; charset=iso-8859-1", page("ru", None, 5).encode()),
    # a UTF-8 BOM, a header that says windows-1251 (scrapy#5601): the BOM wins
    "/bom": ("ru", "text/html; charset=cp1251", b"\xef\xbb\xbf" + page("ru", None, 6).encode()),
    # nothing declared anywhere, GB18030 bytes
    "/gb18030": ("zh", "text/html", page("zh", None, 7).encode("gb18030")),
    # UTF-16LE without a BOM, nothing declared
    "/utf16": ("de", "text/html", page("de", None, 8).encode("utf-16-le")),
}


def test_t13_golden_pages_come_out_as_clean_text(tmp_path):
    routes = {"/robots.txt": (200, {}, b"User-agent: *\nAllow: /\n")}
    routes.update({path: (200, {"Content-Type": ctype}, body)
                   for path, (_, ctype, body) in GOLDEN.items()})
    broken = page("de", None, 9).encode().replace("Windräder".encode(), b"Windr\xe4\xe4der")
    routes["/invalid-utf8"] = (200, {"Content-Type": "text/html; charset=utf-8"}, broken)
    mojibake = page("de", None, 10).encode("utf-8").decode("cp1252", "replace").encode("utf-8")
    routes["/double-encoded"] = (200, {"Content-Type": "text/html; charset=utf-8"}, mojibake)
    with FaultServer(routes) as server:
        urls = [server.url(p) for p in routes if p != "/robots.txt"]
        result = run_crawl(tmp_path, "article", {"url": ",".join(urls)})

    assert result.returncode == 0, result.log
    items = {i["url"].split(":", 2)[2].split("/", 1)[1]: i for i in result.items}
    for path, (language, _, _) in GOLDEN.items():
        item = items[path[1:]]
        headline, sentence = TEXTS[language]
        assert item["headline"] == headline, path
        assert sentence in item["articleBody"], path
        assert mojibake_marks(item["headline"] + item["articleBody"]) == 0, path
    assert "UnicodeDecodeError" not in result.log
    # Invalid bytes in a UTF-8 page: replaced where they are, the rest of the page intact;
    # both that page and one that was already mojibake at its source are flagged, not
    # silently exported.
    assert "Der Gemeinderat in Freiburg hat am Dienstag „mit großer Mehrheit“" in \
        items["invalid-utf8"]["articleBody"]
    for path in ("/invalid-utf8", "/double-encoded"):
        assert lines(result.log, "WARNING", f"Text of {server.url(path)} looks wrongly decoded")
    assert stats(result.log)["newsbot/encoding/suspect"] == 2


@pytest.mark.parametrize(("body", "content_type", "expected"), [
    ("<p>Grüße</p>".encode(), "text/html; charset=latin-1", "<p>Grüße</p>"),
    # declared UTF-8, not UTF-8, nothing else declared: the bad bytes become U+FFFD
    ("<p>Grüße</p>".encode("cp1252"), "text/html; charset=utf-8", "<p>Gr\ufffd\ufffde</p>"),
    ('<meta charset="windows-1252"><p>Grüße</p>'.encode("cp1252"), "text/html; charset=utf-8",
     '<meta charset="windows-1252"><p>Grüße</p>'),
    ('<meta charset="iso-8859-9"><p>ğş</p>'.encode("iso-8859-9"), None,
     '<meta charset="iso-8859-9"><p>ğş</p>'),
    (b"\xff\xfe" + "<p>Grüße</p>".encode("utf-16-le"), "text/html; charset=utf-8", "<p>Grüße</p>"),
    (b"<p>a\x00b</p>", None, "<p>ab</p>"),
])
def test_t13_decoding_precedence(body, content_type, expected):
    assert decode_html(body, content_type) == expected


def test_t13_a_feed_declaring_latin1_but_sending_utf8_reads_right():
    body = ("<?xml version='1.0' encoding='iso-8859-1'?><rss version='2.0'><channel><item>"
            "<title>Windräder in Südbaden</title><link>https://w.test/a</link></item>"
            "</channel></rss>").encode()
    (entry,) = parse_feed(body, "https://w.test/").entries
    assert entry.title == "Windräder in Südbaden"


def test_t13_mojibake_marks():
    assert mojibake_marks("Windräder in Südbaden – „gut“") == 0
    assert mojibake_marks("SÃO PAULO, Ação") == 0  # Portuguese capitals are not mojibake
    assert mojibake_marks("WindrÃ¤der in SÃ¼dbaden â€“ â€žgutâ€œ") >= 3
