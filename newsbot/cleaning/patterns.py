"""What the clean stage recognises, as data: boilerplate, captions, datelines, trailers.

Every pattern matches a *whole paragraph* (or the start of the first one, for datelines) and
only short paragraphs are ever tested against the boilerplate and trailer lists, so a real
paragraph that merely mentions "advertisement" or "source" is never touched.
"""

from __future__ import annotations

import re

# Paragraphs longer than this many words are article text, whatever they look like.
MAX_BOILERPLATE_WORDS = 25
MAX_CAPTION_WORDS = 70
TRAILER_ZONE = 6  # trailers are looked for among the last paragraphs only
MAX_BYLINE_WORDS = 15

# What a byline line says besides the authors' names.
BYLINE_WORDS = re.compile(r"\b(by|von|par|por|di|door|av|af|de|and|und|et|y|e|og|och|en|ve|"
                          r"i|written|text|texte|reporting)\b|[\W_\d]+")


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile(r"^(?:" + "|".join(patterns) + r")$", re.IGNORECASE)


# Brackets some outlets put around a whole promotional line: "[Related: ...]".
BRACKETED = re.compile(r"^[\[(](.*)[\])]$")

BOILERPLATE = _any(
    # ads and sponsorship
    r"advertisement|advertising|anzeige|werbung|publicité|publicidad|pubblicità|reklam|"
    r"sponsored( content)?|paid (content|post)|ad|ads by \w+",
    # comments, sharing, printing
    r"comments?|\d+ comments?|leave a comment|show comments|view comments|add a comment|"
    r"share|share (this|the) (article|story|page|post)|share on \w+|share via \w+|"
    r"share this:?|tweet|email|e-mail|print|copy link|link copied|copied|save( article)?|"
    r"like this (story|article)\??.{0,40}\bshare it\b.*|tell us what (you|YOU) think!?|"
    r"(what do you think|join the (conversation|discussion))\??",
    # navigation prompts inside the article
    r"(read|see) (more|also)\b.*|also read\b.*|"
    r"related( articles?| stories| content| coverage)?:?.*|"
    # "read also" elsewhere: de, nl, da/no, sv, fr, es/pt, it, pl, cs, tr
    r"(lesen sie (auch|mehr)|mehr zum thema|lees ook|læs også|les også|läs också|lire aussi|"
    r"à lire aussi|lea también|leia também|leggi anche|czytaj (też|także|również)|"
    r"přečtěte si (také|též)|ayrıca (oku|bakınız))\b.*|"
    r"more on this( story)?:?|recommended( for you)?|most (read|popular|viewed)|trending( now)?|"
    r"don'?t miss\b.*|watch:.*|listen( to this article)?|\d+ min(ute)?s? read|"
    r"(click|tap) here\b.*|scroll (down )?to continue.*|story continues (below|after).*|"
    r"continue reading.*|article continues (below|after).*|back to top|skip (to|ad).*|"
    r"(you|you'll) (may|might) also (like|enjoy)\b.*|more|also|see also|more from \w+.{0,40}|"
    r"also on [\w.-]+\.\w{2,}\b.*|filed under(:.{0,80}| [^.!?]{0,60})|tags?:.{0,120}|"
    r"(updated|last updated|published|posted|stand|aktualisiert|veröffentlicht|mis à jour|"
    r"publié|actualizado|publicado|aggiornato|oppdatert|publisert|uppdaterad|publicerad|"
    r"opdateret)( at| on| am)?:? (?:[^.!?]|\.(?=\S)){0,50}"
    r"(\d{4}|\d{1,2}[:.]\d{2}( ?[ap]\.?m\.?| ?uhr| [A-Z]{2,4})?|\d{1,2} ?[ap]\.?m\.?)\.?",
    # reading time: "4 min read", "Tempo de leitura: 2 minutos", "Lesezeit 3 Min."
    r"((estimated )?reading time|read time|lesezeit|lesedauer|temps de lecture|"
    r"tempo de leitura|tiempo de lectura|tempo di lettura|okuma süresi|leestijd|läsetid)"
    r":? ?(ca\.? )?\d+ ?(min|minutes?|minuten|minutos?|minuti|dakika|minuter)\.?",
    # newsletters and follow prompts
    r".*\b(sign up|subscribe)\b.*\b(newsletters?|updates|alerts|inbox)\b.*|subscribe( now)?|"
    r".{0,200}\bclick here for more information\b.*|"
    r"(get|receive) .*\bnewsletter\b.*|newsletter( sign[- ]?up)?|"
    r"follow .{1,60}? on (twitter|x|facebook|instagram|telegram|whatsapp|linkedin|"
    r"google news|youtube|tiktok)\b.*|"
    r"join (us|our) on .*|join our .* channel.*|download (our|the) app\b.*",
    # separators and legal lines
    r"[_\-*=•·~]{2,}|\*|copyright\b.*|©.*|all rights reserved\.?",
    r"this (story|article) has not been edited by .*|.*auto-generated from a syndicated feed.*",
    # a related story set off by a label in capitals: "China furious at Macron [INSIGHT]"
    r".{10,160}\s\[(INSIGHT|VIDEO|PICTURES|PHOTOS|REACTION|REVEAL|LATEST|ANALYSIS|POLL|"
    r"EXCLUSIVE|REPORT|COMMENT|LIVE|UPDATE|EXPLAINED)\]",
)

# "(Photo/Reuters)", "(AP Photo/Evan Vucci)", "(Photo: AFP)", "(TWP Photo/Jane Doe)".
CAPTION_CREDIT = re.compile(
    r"\s*[\(\[]\s*((?:[\w.&'-]+\s)?(?:file\s)?(?:photo|photos|foto|fotoğraf|image|picture|"
    r"illustration|video|screengrab|graphic)s?\s*(?:/|:|by)\s*[^()\[\]]{1,80})[\)\]]\s*\.?$",
    re.IGNORECASE,
)
# Credits that end a caption without brackets: "REUTERS/Jane Doe", "AFP via Getty Images".
CAPTION_TRAILING_CREDIT = re.compile(
    r"\s+((?:REUTERS|AFP|AP|EPA|EPA-EFE|ANADOLU|AA|XINHUA|DPA|GETTY IMAGES)"
    r"\s?/\s?[A-Z][\w.'-]+(?:\s[A-Z][\w.'-]+){0,3}|(?:[\w&'-]+\s){0,4}via Getty Images|"
    r"Getty Images|(?:Photo|Image|Picture)(?: credit)?:\s*[^.]{1,60})\.?\s*$",
)
CAPTION_PREFIX = re.compile(r"^(?:photo|image|picture|caption|foto)\s*[:|]\s*", re.IGNORECASE)

# Datelines. With an agency: "WASHINGTON (AP) —", "(Reuters) -", "BEIJING, Jan. 5 (Xinhua) --",
# "ANKARA (AA) –", "BERLIN (dpa) -". Without one, only an upper-case place: "WASHINGTON —".
DATELINE = re.compile(
    r"^(?P<dateline>"
    r"(?:(?P<place>[^\W\d_][\w.'’ /-]{0,40}?)"
    r"(?:,\s*[\w.'’ -]{1,30}?)?"
    r"(?:,\s*(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}|\d{1,2}\s+[A-Z][a-z]{2,8}\.?)(?:,\s*\d{4})?)?"
    r"\s*)?"
    r"\((?P<agency>[A-Z][\w.&' -]{0,29}|dpa)\)\s*(?:[-—–]{1,2}|:)\s*"
    r"|(?P<capsplace>[A-ZÀ-Þ][A-ZÀ-Þ.'’ -]{2,40}?)(?:,\s*[\w.'’ -]{1,30}?)?\s+[—–]{1,2}\s+"
    r")"
)

TRAILER = _any(
    r"sources?\s*:\s*.{1,80}",
    r"[—–-]{1,2}\s*[A-Z][\w .&'-]{1,40}",
    r"\(?\s*(additional )?(reporting|writing|editing|compiled|research|translation) by .{1,300}",
    r"\(?\s*with (additional )?(reporting|inputs?) (from|by) .{1,200}",
    r"\(?\s*with (agency )?inputs?( from agencies)?\s*\)?\.?",
    r"\(?\s*[A-Z][\w .&-]{1,40}\)",
    r".{1,120}\bcontributed (to )?(this )?(report|story|article)(ing)?\b.{0,60}",
    r".{0,80}\b(can|may) be reached (at|by|on)\b.{1,200}",
    # an author's note: "Jo Park's book ... is out now. Follow him on Twitter @jopark."
    r".{0,300}\bfollow (him|her|them) on (twitter|x|facebook|instagram|bluesky|threads)\b.{0,60}",
    r"(the )?(associated press|reuters|afp|agence france-presse|anadolu agency|aa|dpa|efe|"
    r"xinhua|upi|pti|ians|ani|kyodo|yonhap|tass|ansa)\.?",
)
