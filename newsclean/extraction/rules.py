"""Noise rules kept as data: class tokens, phrase lists per language, URL patterns.

Nothing here names a particular site. Each table is grouped by purpose, and the
matching code lives in the modules that use it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from newsclean.record import count_words


def _alt(tokens: Iterable[str]) -> str:
    """A regex alternation of escaped phrases, longest first so prefixes do not win."""
    ordered = sorted({t for t in tokens if t}, key=len, reverse=True)
    if not ordered:
        raise ValueError("a phrase table must not be empty")
    return "|".join(re.escape(t) for t in ordered)


_Trie = dict[str, "_Trie"]


def _trie(phrases: Iterable[str]) -> str:
    """A regex finding any of the phrases, its alternatives nested by shared prefixes (a character trie):
    at each position of the text the engine follows one branch instead of trying every phrase."""
    root: _Trie = {}
    for phrase in filter(None, phrases):
        node = root
        for char in phrase:
            node = node.setdefault(char, {})
        node[""] = {}
    if not root:
        raise ValueError("a phrase table must not be empty")
    return _trie_branches(root)


def _trie_branches(node: _Trie) -> str:
    branches = [re.escape(char) + _trie_branches(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    pattern = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
    return f"(?:{pattern})?" if "" in node else pattern


# Starts of class tokens (or ids) of containers that never hold article text.
# Specific enough not to hit body wrappers: "share" alone would hit
# "shared-content", "advert" would hit "advertisement-off-canvas" page wrappers.
NOISE_CLASS_TOKENS = (
    "share-bar",
    "sharebar",
    "share-buttons",
    "share_buttons",
    "social-share",
    "sharedaddy",
    "jeg_share",
    "post-share",
    "related-posts",
    "related_posts",
    "related-articles",
    "related_articles",
    "relatedposts",
    "jnews_related",
    "yarpp",
    "newsletter-signup",
    "newsletter-box",
    "newsletter_box",
    "ad-slot",
    "adslot",
    "ad-container",
    "td-a-rec",
    "jeg_ad",
    "post-tags",
    "tags-links",
    "jeg_post_tags",
    "author-box",
    "saboxplugin",
    "jeg_post_meta",
    "td-post-header",
    "td-post-sharing",
    "cookie-notice",
    "cookie-banner",
    "cookie-consent",
    "cookie-law-info",
    "cli-modal",
    "wt-cli-cookie",
    "cky-consent",
    "cmplz-cookiebanner",
    "onetrust-consent-sdk",
    "moove-gdpr",
    "newsletter-container",
    "newsletter-wrapper",
    "newsletter-widget",
    "newsletter-form",
    "newsletter-cta",
    "latest-news",
    "more-news",
    "related-content",
    "related-stories",
)

NOISE_TOKEN_RE = re.compile(_alt(NOISE_CLASS_TOKENS))
# Words that name a noise container wherever they stand in a class token or id, as a part of their own
# between hyphens, underscores or digits ("post-cta", "et_pb_cta_0", "blogStickyCta_cta__x"), not inside
# another word ("instructables", "spectacle"): a call-to-action box.
NOISE_NAME_PARTS = ("cta",)
NOISE_PART_RE = re.compile(rf"(?:^|[\s_\-\d])(?:{_alt(NOISE_NAME_PARTS)})(?:$|[\s_\-\d])")
NOISE_TAGS = ("figcaption",)
PLACEHOLDER_ALT_RE = re.compile(r"^(?:spot_im|ad_)")

# Headings that open a block of links to other articles. After such a heading,
# teaser blocks (headline links, excerpts cut with an ellipsis) are dropped.
RELATED_HEADINGS = (
    # en
    "related articles", "related stories", "related posts", "related news", "related",
    "related article", "related story", "related post", "related content", "related reading",
    "read more", "read next", "more stories", "more from", "more news", "you may also like",
    "you might also like", "recommended", "recommended for you", "also read", "see also",
    "most read", "most popular", "trending", "latest news", "top stories", "more on this story",
    "read this next", "more to read", "more like this", "you may also be interested in",
    "recent posts", "recent articles", "recent blogs", "latest posts", "latest articles", "popular posts",
    "more articles", "more posts", "keep reading", "you may also enjoy", "related resources", "related blogs",
    "you might like", "you may like", "you might be interested in", "other posts",
    "more resources", "related articles and links", "explore more", "explore more related content",
    "you may also check",
    # de
    "lesen sie auch", "mehr zum thema", "das könnte sie auch interessieren", "weitere artikel",
    "auch interessant", "meistgelesen", "ähnliche artikel",
    # fr
    "à lire aussi", "a lire aussi", "lire aussi", "sur le même sujet", "articles similaires",
    "à lire également", "les plus lus", "dans la même rubrique",
    # es / pt / it / nl
    "noticias relacionadas", "te puede interesar", "lo más leído", "más noticias", "lee también",
    "leia também", "notícias relacionadas", "leggi anche", "articoli correlati", "lees ook",
    "gerelateerde artikelen",
)
RELATED_HEADING_RE = re.compile(rf"^(?:{_alt(RELATED_HEADINGS)})\b[\s:.…!]*$", re.IGNORECASE)
RELATED_OPENING_RE = re.compile(rf"^(?:{_alt(RELATED_HEADINGS)})\b", re.IGNORECASE)
# A sentence introducing a list has at least this many words.
LIST_INTRO_MIN_WORDS = 4


def introduces_list(text: str) -> bool:
    """A sentence of the story that ends in a colon ("Many patches were sent for review:"), not one that
    opens like a related-articles heading ("You may also be interested in the following articles:")."""
    text = text.strip()
    return (
        text.endswith((":", "："))
        and count_words(text) >= LIST_INTRO_MIN_WORDS
        and not RELATED_OPENING_RE.match(text)
    )


# "À lire aussi : <headline>", "Read more: <headline>": a link to another article inside the body; also
# set in square brackets, with or without a colon ("[Read more: <headline>]", "[ Also read <headline> ]").
RELATED_INLINE_RE = re.compile(
    rf"^(?:[»›→►▶]*\s*(?:{_alt(RELATED_HEADINGS)})\s*[:：–—-]\s*\S|\[\s*(?:{_alt(RELATED_HEADINGS)})\b[^\[\]]*\]$)",
    re.IGNORECASE,
)
RELATED_INLINE_MAX_WORDS = 30
# Labels that introduce a link to another article inline ("DON'T MISS: ...", "WATCH: ...").
PROMO_LABELS = ("don't miss", "don’t miss", "dont miss", "see more", "see also", "watch", "read", "more", "listen",
                "insight", "video", "opinion", "related", "recommended", "trending", "must read", "top stories")
PROMO_LABEL_RE = re.compile(rf"^(?:{_alt(PROMO_LABELS)})\b\s*[:：–—-]?\s*", re.IGNORECASE)
LINK_BLOCK_MAX_WORDS = 40
# A list item is a link when its links hold this share of its text.
LINKED_ITEM_SHARE = 0.8
# The headline repeated among the body's first blocks, after at most this many words of page furniture.
TITLE_REPEAT_MAX_INDEX = 3
ABOVE_TITLE_MAX_WORDS = 40
# A linked block of this many words that ends like a sentence is prose, not a link to another page.
LINKED_SENTENCE_MIN_WORDS = 8
PROSE_END_RE = re.compile(r"[^\W\d_][.。]\s*$")


# The whole label of a call-to-action link or button ("Get a quote", "Start free trial →"): it takes its
# small widget with it (a pitch box with no class name to give it away), and alone it is a label.
CTA_LABELS = (
    "get a quote", "get quote", "get quotes", "get a free quote", "request a quote", "get a demo", "book a demo",
    "get a free demo", "request a demo", "schedule a demo", "book a free demo", "start free trial",
    "start a free trial", "start your free trial", "free trial", "try it free", "try for free", "get started",
    "get started free", "get started for free", "sign up", "sign up free", "sign up for free", "sign-up free",
    "sign-up for free", "contact sales", "talk to sales", "book now", "book online", "subscribe now",
    "demo anfordern", "jetzt starten", "kostenlos testen", "demander une démo", "essai gratuit",
    "solicitar demo", "prueba gratis", "richiedi una demo", "prova gratuita", "vraag een demo aan",
)
# Who reviewed or checked a page's facts: a bare label, or a credit opening the body (REVIEW_CREDIT_RE).
REVIEW_CREDITS = (
    "reviewed by", "medically reviewed by", "expert reviewed by", "fact checked by", "fact-checked by",
    "geprüft von", "fachlich geprüft von", "relu par", "vérifié par", "revisado por", "revisionato da",
    "gecontroleerd door",
)
# Labels that stand alone as metadata or widget captions ("Date:", "Share post:").
LABEL_WORDS = (
    "date", "published", "updated", "posted", "published on", "updated on", "posted on", "last updated",
    "last updated on", "last modified", "last modified on", "share", "share post", "share this", "share this article",
    "share on", "tags", "tag", "topics", "category", "categories", "filed under", "author", "by", "source",
    "photo", "image", "credit", "print", "email", "comments", "listen", "advertisement", "sponsored",
    "datum", "teilen", "artikel teilen", "schlagworte", "themen", "quelle", "anzeige", "werbung",
    "partager", "partagez", "mots-clés", "publicité", "publié le", "compartir", "comparte", "etiquetas",
    "publicidad", "condividi", "pubblicità", "delen", "advertentie",
    # buttons left without their widget
    *CTA_LABELS,
    "follow us", "subscribe", "register", "sign in", "log in", "get started today", "get started now",
    "request a free quote", "get a free quote today", "view on amazon", "check price", "buy now", "shop now",
    "download now", "see packages", "see pricing", "contact us", "contact us today", "take the next step",
    "prefer to watch", "prefer to listen", "view plans", "see plans", "view deal", "see deal",
    # form fields and review credits left without their value
    "email address", "enter email address", "enter your email", "enter your email address", "your email address",
    *REVIEW_CREDITS, "article reviewed by", "editor verified",
    # the heading of a table of contents, left alone once its links are gone
    "table of contents", "contents", "in this article", "on this page", "jump to", "inhaltsverzeichnis", "inhalt",
    "sommaire", "table des matières", "índice", "indice", "contenido", "tabla de contenidos", "sumário",
    "sommario", "inhoudsopgave",
)
# A pager's position ("Page 1 of 8", "Seite 1 von 8").
PAGE_COUNT = r"(?:page|seite|página|pagina)\s+\d+\s+(?:of|von|sur|de|di|/)\s+\d+"
# A button's label may be followed by the text a screen reader announces for it ("See Packages Links to Acme").
LABEL_RE = re.compile(
    rf"^(?:{_alt(LABEL_WORDS)}|{PAGE_COUNT})(?:\s+links to\s+[^!?]{{1,40}})?\s*[:：.!?]?\s*$", re.IGNORECASE
)
# Tag and category lines ("Filed under: Politics | Elections", "Tags: ferries, islands").
TAG_LABELS = (
    "tags", "tag", "tagged", "tagged with", "filed under", "topics", "categories", "category", "posted in",
    "schlagworte", "schlagwörter", "themen", "mots-clés", "mots clés", "étiquettes", "catégories",
    "etiquetas", "temas", "categorías", "palavras-chave", "categorias", "argomenti", "categorie", "trefwoorden",
)
TAG_LINE_RE = re.compile(rf"^(?:{_alt(TAG_LABELS)})\s*[:：]\s*\S", re.IGNORECASE)
TAG_LINE_MAX_WORDS = 25
# A tag cloud: this many words or more, nearly all of them words of the page's short links.
TAG_CLOUD_MIN_WORDS = 8
TAG_CLOUD_LINKED_SHARE = 0.9

# Short blocks that ask the reader to do something other than read.
PROMPT_PHRASES = (
    "sign up for our newsletter", "sign up to our newsletter", "subscribe to our newsletter",
    "get our newsletter", "follow us on", "download our app", "download the app", "get the app", "join our whatsapp",
    "join our telegram", "click here to subscribe", "unsubscribe at any time", "in your inbox",
    "have a correction", "send us a tip", "got a news tip", "news tip", "thanks for signing up",
    "keep an eye on your inbox", "error processing your subscription", "like this story", "share it with a friend",
    "share this article", "share this story", "may be reached at", "can be reached at", "follow him on",
    "follow her on", "follow them on", "order reprints", "for your personal, non-commercial use",
    "for your personal non-commercial use", "print article", "we'd like to hear what you think",
    "we’d like to hear what you think",
    "support our journalism", "become a subscriber", "if you enjoyed this article", "tell us what you think",
    "click here for more information", "use the code", "sign up for the free", "may earn a commission",
    "may earn commission", "receive a commission", "get a share of the sale", "if you buy something through",
    "if you purchase through", "if you purchase something through", "or listen back here",
    "more posts by", "view all posts by", "see all posts by", "all posts by", "more articles by",
    "more from this author", "weitere artikel von", "alle artikel von", "plus d'articles de",
    "tous les articles de", "más artículos de", "mais artigos de", "altri articoli di",
    # calls to action, sign-up forms and their messages, affiliate and paywall notes
    "to your inbox", "book a demo", "book a free demo", "request a demo", "schedule a demo", "get a demo",
    "start your free trial", "start a free trial", "no credit card required", "sign up today", "sign up now",
    "sign up below", "subscribe below", "subscribe to stay", "stay up to date with our latest",
    "your submission has been received", "something went wrong while submitting", "we already have this email",
    "by entering your email", "by submitting your email", "by signing up, you agree", "by clicking subscribe",
    "reply stop to", "affiliate links", "affiliate link", "earn us a commission", "earn a small commission",
    "we earn commissions", "we earn a commission", "earn from qualifying purchases", "as an amazon associate",
    "advertiser disclosure",
    "at no extra cost to you", "at no additional cost to you", "pin it for later", "already have an account",
    "already a subscriber", "unlock this article", "subscribe to continue reading", "subscribe to read",
    "subscribe to get", "subscribe to us", "support my work", "support our work", "funded by readers",
    "subscribe to this site", "subscribe to this blog", "receive notifications", "pin for later",
    "leave a star rating", "leave a rating", "view in browser", "view it in your browser",
    "view this email in your browser", "listen to this article",
    "you're subscribed", "you’re subscribed", "page continues below",
    "follow on social media", "follow me on social media", "follow us on social media",
    "we need your help to keep", "kept alive by reader donations", "support our mission",
    "prices were accurate at the time", "prevent your screen from going dark", "fill out the form to",
    "enjoyed this piece",
    # a form's or survey's thank-you once it is sent
    "thank you for completing", "thanks for completing", "thank you for your feedback", "thanks for your feedback",
    "thank you for your submission", "thanks for your submission", "thank you for subscribing",
    "thanks for subscribing", "your message has been sent", "your email has been sent",
    "we will get back to you soon", "we'll get back to you soon", "we’ll get back to you soon",
    "vielen dank für ihr feedback", "danke für ihr feedback", "ihre nachricht wurde gesendet",
    "merci pour votre retour", "votre message a été envoyé", "gracias por tus comentarios",
    "tu mensaje ha sido enviado", "grazie per il tuo feedback", "il tuo messaggio è stato inviato",
    "obrigado pelo seu feedback", "sua mensagem foi enviada", "bedankt voor je feedback", "bedankt voor uw feedback",
    # pointers to the site's editorial policy
    "our editorial policy", "our editorial policies", "our editorial guidelines", "our editorial process",
    "our editorial standards", "unsere redaktionellen richtlinien", "notre politique éditoriale",
    "notre charte éditoriale", "nuestra política editorial", "la nostra politica editoriale",
    "nossa política editorial", "ons redactionele beleid",
    # a post's links to its neighbours
    "next article:", "previous article:", "next post:", "previous post:",
    "demo anfordern", "kostenlos testen", "jetzt anmelden", "liens d'affiliation", "liens affiliés",
    "solicita una demo", "prueba gratis", "enlaces de afiliados", "links de afiliados", "link di affiliazione",
    "newsletter abonnieren", "jetzt abonnieren", "folgen sie uns", "laden sie unsere app",
    "abonnez-vous", "inscrivez-vous", "suivez-nous", "téléchargez notre application",
    "suscríbete", "suscribete", "síguenos", "descarga nuestra app", "iscriviti", "seguici",
    "abonneer", "volg ons",
    # rating widgets
    "rate this article", "rate this post", "rate this story", "rate this page", "was this article helpful",
    "was this page helpful", "was this helpful", "how useful was this post", "click on a star to rate",
    "no votes so far", "vote count:", "war dieser artikel hilfreich", "cet article vous a-t-il été utile",
    "¿te ha resultado útil", "questo articolo ti è stato utile",
)
SOCIAL_NETWORKS = ("twitter", "facebook", "instagram", "youtube", "tiktok", "linkedin", "threads", "bluesky",
                   "mastodon", "whatsapp", "telegram", "snapchat", "pinterest")
# Matched against lower-cased text (see is_prompt): the phrases anywhere, as a trie, and the patterns
# that need more than a phrase.
PROMPT_PHRASE_RE = re.compile(_trie(PROMPT_PHRASES))
PROMPT_RE = re.compile(
    rf"\bfollow\b.{{0,40}}\bon\s+(?:{_alt(SOCIAL_NETWORKS)})\b"
    r"|^\W*read (?:our|the|my) full\b.{0,60}\breview\b"
    r"|\b(?:get|sign up for|sign up to|subscribe to|join)\b.{0,40}\bnewsletters?\b"
    r"|\b(?:get|download)\s+(?:the|our)\s+(?:\w+\s+){0,3}app\b"
)


def is_prompt(text: str) -> bool:
    """Whether the text holds a reader prompt (newsletter, follow, app, affiliate note)."""
    lowered = text.lower()
    return bool(PROMPT_PHRASE_RE.search(lowered) or PROMPT_RE.search(lowered))


def prompt_count(text: str) -> int:
    """How many different reader prompts the text holds."""
    lowered = text.lower()
    found = {m.group(0) for m in PROMPT_PHRASE_RE.finditer(lowered)}
    return len(found | {m.group(0) for m in PROMPT_RE.finditer(lowered)})


PROMPT_MAX_WORDS = 30
# A block of this many words at most that holds DENSE_PROMPT_MIN_PROMPTS different prompts or more is a
# prompt anywhere in the body ("... leave a star rating. ... Follow us on Pinterest and subscribe ...").
DENSE_PROMPT_MAX_WORDS = 80
DENSE_PROMPT_MIN_PROMPTS = 2
# Among the first and last TAIL_BLOCKS blocks of the body, a prompt may be a longer pitch.
EDGE_PROMPT_MAX_WORDS = 60
# A container holding several real paragraphs is never pruned, whatever its class says.
PRUNE_MAX_LONG_PARAGRAPHS = 2
# A container of this many on/off switches or more (checkbox or radio inputs named or labelled as a toggle or
# switch), with at most this many words per switch, is a settings or tools panel.
TOGGLE_PANEL_MIN_CONTROLS = 3
TOGGLE_PANEL_MAX_WORDS_PER_CONTROL = 20
# An element marked as a dialog and holding this many long paragraphs is pruned, unless it holds this share
# of the page's paragraph words.
DIALOG_MIN_LONG_PARAGRAPHS = 2
DIALOG_MAX_SHARE = 0.5
# A short prompt element ("Download our app") takes its whole small widget with it.
PROMPT_TRIGGER_MAX_WORDS = 12
# Link or button texts longer than this are not looked up as call-to-action or "Read more" labels.
CTA_LABEL_MAX_CHARS = 40
# The whole label of a "Read more" link or button: its small box is a teaser or a pitch, unless such boxes
# together hold READ_MORE_BOXES_MAX_SHARE of the page's paragraph words or more (a roundup of linked
# projects, each a title, a few lines and its "Read more": the article itself).
READ_MORE_BUTTON_LABELS = (
    "read more", "learn more", "find out more", "mehr erfahren", "weiterlesen", "mehr lesen", "en savoir plus",
    "lire la suite", "leer más", "más información", "saber más", "saiba mais", "leia mais", "scopri di più",
    "leggi di più", "continua a leggere", "lees meer", "meer informatie", "lees verder",
)
READ_MORE_BOXES_MAX_SHARE = 0.2
# One pass tells the two kinds of label apart (group "cta" or "more").
BUTTON_LABEL_RE = re.compile(
    rf"^\W*(?:(?P<cta>{_alt(CTA_LABELS)})|(?P<more>{_alt(READ_MORE_BUTTON_LABELS)}))\W*$", re.IGNORECASE
)
WIDGET_MAX_WORDS = 60
WIDGET_TAGS = frozenset({"div", "section", "aside", "form", "li", "ul"})
# A span inside a paragraph holding a picture and this many links is a hover card, not prose.
HOVER_CARD_MIN_LINKS = 3

# Lines that carry the byline, date or reading time at the top of a body.
BYLINE_WORDS = ("by", "von", "par", "por", "di", "door", "text:", "written by", "reporting by")
BYLINE_PREFIX_RE = re.compile(rf"^(?:{_alt(BYLINE_WORDS)})\s+", re.IGNORECASE)
BYLINE_RE = re.compile(rf"{BYLINE_PREFIX_RE.pattern}\S+", re.IGNORECASE)
# A line of the body's top that opens with the byline's full name is the byline, up to this long; so is
# a name followed by a staff role or a news agency.
AUTHOR_LINE_MAX_WORDS = 20
STAFF_ROLES = ("writer", "correspondent", "reporter", "editor", "columnist", "contributor", "staff", "redakteur",
               "korrespondent", "journaliste", "correspondant", "redactor", "corresponsal", "giornalista")
NEWS_AGENCIES = ("associated press", "the associated press", "ap", "reuters", "afp", "bloomberg", "dpa", "efe",
                 "ansa", "anp", "press association", "pa")
STAFF_LINE_RE = re.compile(
    rf"^[^,.!?]{{3,60}},\s+(?:[^,.!?]{{0,40}}\b(?:{_alt(STAFF_ROLES)})(?:s|in|innen)?(?:,\s+[^,.!?]{{2,60}})?"
    rf"|{_alt(NEWS_AGENCIES)})\s*$",
    re.IGNORECASE,
)
READ_TIME_LABELS = (
    "reading time", "read time", "lesezeit", "lesedauer", "temps de lecture", "tiempo de lectura",
    "tempo de leitura", "tempo di lettura", "leestijd",
)
READ_TIME_RE = re.compile(
    rf"^(?:(?:{_alt(READ_TIME_LABELS)})\s*[:：]?\s*)?\d+\s*(?:min(?:ute|uto|uti|utos)?s?|minuten)\b.{{0,15}}$",
    re.IGNORECASE,
)
DATELINE_RE = re.compile(
    r"^(?:published|updated|posted|last updated|veröffentlicht|aktualisiert|publié|mis à jour|"
    r"publicado|actualizado|pubblicato)\b",
    re.IGNORECASE,
)
MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "januar", "februar", "märz", "mai", "juni", "juli", "oktober",
    "dezember", "janvier", "février", "mars", "avril", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre", "enero", "febrero", "marzo", "abril", "mayo", "junio",
    "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre", "janeiro", "fevereiro", "março",
    "maio", "junho", "julho", "setembro", "outubro", "novembro", "dezembro", "gennaio", "febbraio", "aprile",
    "maggio", "giugno", "luglio", "settembre", "ottobre", "dicembre",
)
# Weekdays and the small words that join the parts of a written-out date ("Friday, 22 October 2010
# at 20:13", "sexta-feira, 22 de outubro de 2010 às 20:13").
DATE_WORDS = (
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag",
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    "lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo",
    "segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira",
    "lunedì", "martedì", "mercoledì", "giovedì", "venerdì",
    "at", "um", "à", "às", "a las", "alle", "de", "del", "di", "of", "the", "le", "el", "h", "uhr",
    "updated", "aktualisiert", "mis à jour", "actualizado", "atualizado", "aggiornato",
    "a.m.", "p.m.", "am", "pm", "gmt", "utc", "cet", "cest", "est", "edt", "pst", "pdt", "cst", "cdt", "bst",
)
# A byline and its date on one line: "By", one or two names, then a weekday, a month or a number ("By Ann
# Example and Bo Sample Monday, November 18, 2019, 04:05 pm PT").
_NAME_WORD = rf"(?!(?i:{_alt(MONTH_NAMES + DATE_WORDS)})\b)[A-Z][\w.'’-]*"
_NAME_WORDS = rf"{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,3}}"
DATED_BYLINE_RE = re.compile(
    rf"^(?i:{_alt(BYLINE_WORDS)})\s+{_NAME_WORDS}(?:\s+(?:and|&|und|et|y|e)\s+{_NAME_WORDS})?,?\s+"
    rf"(?=(?i:{_alt(MONTH_NAMES + DATE_WORDS)})\b|\d)"
)
DATE_ONLY_RE = re.compile(
    rf"^(?=.*\d)[\W\d]*(?:(?:{_alt(MONTH_NAMES + DATE_WORDS)})\.?(?=[\W\d]|$)[\s\d,./:-]*"
    r"|\d{1,4}[./-]\d{1,2}[./-]\d{1,4}[\s\d:apm.,|-]*)+\W*$",
    re.IGNORECASE,
)
# A line of metadata parts ("A. Writer • Jun 8, 2023 • 11 min read"): split here, each part a byline,
# date or reading time, or a name of a few words.
METADATA_PART_SEPARATOR_RE = re.compile(
    r"\s(?:[•·|]|//|[-–—])\s|\n|\s(?=(?:by|von|par|por)\s)|\s(?=\d+\s*min(?:ute)?s?\s+read\b)", re.IGNORECASE
)
METADATA_NAME_MAX_WORDS = 3
# What makes a line of date words a date: a month, a numeric date or a year (a time alone is not one).
DATE_CORE_RE = re.compile(
    rf"(?<!\w)(?:{_alt(MONTH_NAMES)})(?!\w)|\d{{1,4}}[./-]\d{{1,2}}[./-]\d{{1,4}}|\b(?:19|20)\d\d\b", re.IGNORECASE
)
TOP_OF_BODY_BLOCKS = 4
# A review credit above the body, however long the reviewer's titles ("Reviewed by Ann Example, MD, Editor in
# Chief, ...; Editorial Advisory Board Member, ..."): the page's metadata, not its story (REVIEW_CREDITS).
REVIEW_CREDIT_RE = re.compile(rf"^(?:{_alt(REVIEW_CREDITS)})\s+\S", re.IGNORECASE)
REVIEW_CREDIT_MAX_WORDS = 40
KICKER_MAX_WORDS = 3
SENTENCE_END_RE = re.compile(r"[.!?…:;\"”’»)。！？」』]\s*$")
BYLINE_MAX_WORDS = 12

# A form's or a widget's status message, left in the page for a script to show: a short block opening
# with an apology ("We're sorry. It looks like this option is not available...", "Sorry, we couldn't find a
# match for this location. Please try again.").
STATUS_APOLOGIES = (
    "we're sorry", "we’re sorry", "we are sorry", "sorry, we", "sorry, this", "sorry, no", "sorry, something",
    "oops", "es tut uns leid", "leider konnten wir", "nous sommes désolés", "désolé, ", "lo sentimos",
    "ci dispiace", "het spijt ons",
)
STATUS_MESSAGE_RE = re.compile(rf"^(?:{_alt(STATUS_APOLOGIES)})", re.IGNORECASE)
STATUS_MESSAGE_MAX_WORDS = 40

# Site furniture that trafilatura keeps when no markup marks it: copyright lines,
# cookie notices, pipe-separated link rows, closed-comment notes, official-site banners.
FURNITURE_PHRASES = (
    "all rights reserved", "uses cookies", "use of cookies", "cookie policy", "comments are closed",
    "alle rechte vorbehalten", "verwendet cookies", "tous droits réservés", "utilise des cookies",
    "todos los derechos reservados", "utiliza cookies", "tutti i diritti riservati",
    "an error has occurred", "an error occurred", "please try again later", "this article has been sent to",
    "log in to comment", "sign in to comment", "logged in to comment", "register to comment",
    "para comentar es necesario", "um zu kommentieren", "pour commenter, ", "pour réagir",
    # the banner atop US government sites
    "an official website of the united states government", "official websites use .gov",
    "secure .gov websites use https",
    # the footer of blogs hosted by WordPress.com
    "blog at wordpress.com", "blog di wordpress.com", "blog auf wordpress.com", "blog de wordpress.com",
    "blog op wordpress.com", "un blog wordpress.com",
)
# Comment-policy notes ("Comments ... will not be approved by the moderator").
COMMENT_POLICY = (
    r"\b(?:comments?|comentários?|comentarios?|commentaires?|kommentare?|commenti)\b.{0,120}"
    r"\b(?:moderat|moderad|modér|moderier)"
)
# Matched against lower-cased text (see is_furniture). "Copyright" opens a notice when a sign, a colon or,
# within a few words, a year follows it, not a section heading ("Copyright complexity in a fragmented world").
_COPYRIGHT_NOTICE = r"^\s*(?:©|\(c\)|copyright\s*(?:©|\(c\)|:|$|(?:\S+\s+){0,4}\d{4}\b))"
FURNITURE_RE = re.compile(rf"{_COPYRIGHT_NOTICE}|{_trie(FURNITURE_PHRASES)}|{COMMENT_POLICY}")


def is_furniture(text: str) -> bool:
    """Whether the text holds a copyright, cookie or comment-policy note."""
    return bool(FURNITURE_RE.search(text.lower()))


# A list item that is a link and a count after it: a category or archive menu with post counts.
COUNTED_LINK_RE = re.compile(r"^(.*?\w)(?:\s*\(\d[\d,.]*\)|\s*\[\d[\d,.]*\]|\s+\d[\d,.]*)$")
# A list item that is a link and, after a dash or bar, the date of what it leads to: a recent-posts list.
DATED_LINK_RE = re.compile(r"^(.*\S)\s+[-–—|]\s+(\S.*)$")
LINK_ROW_RE = re.compile(r"^[^|•·]{1,40}(?:\s[|•·]\s[^|•·]{1,40}){2,}$")
LINK_ROW_SEPARATOR_RE = re.compile(r"\s[|•·]\s")
# Comma-separated lists of links ("tag one, tag two, tag three"): tag and keyword rows.
LINK_LIST_SEPARATOR = ","
LINK_LIST_MIN_ITEMS = 4
LINK_LIST_LINKED_SHARE = 1.0
LINK_ROW_LINKED_SHARE = 0.5
# What follows a copyright or cookie block near the end is footer when it is no longer than this.
FOOTER_MAX_WORDS = 400
FURNITURE_MAX_WORDS = 40

# Photo credits and captions that end with one ("... last June. Photo: A. Person", "Photo by: 'A. Person'.").
CREDIT_LABELS = (
    "photo", "photos", "photograph", "picture", "image", "photo credit", "image credit", "foto", "fotos",
    "bild", "bilder", "crédit photo", "illustration",
)
# "Photo by", "Foto von": the one-picture labels only ("Video by" and "Images by" open sentences too),
# taken for a credit at the start of the block or of a sentence ("... at dusk. Photo by A. Person").
CREDIT_BY_LABELS = ("photo", "photograph", "picture", "image", "foto", "bild")
CREDIT_BY_WORDS = ("by", "courtesy", "courtesy of", "from", "via", "von", "di", "door")
_COLON_CREDIT = rf"(?:{_alt(CREDIT_LABELS)})\s*[:：©]"
_BY_CREDIT = rf"(?:{_alt(CREDIT_BY_LABELS)})\s+(?:{_alt(CREDIT_BY_WORDS)})\b\s*:?"
_CREDIT_NAME = r"""\s*[^.!?:]{2,80}[\s.'"’”)]*$"""
CREDIT_START_RE = re.compile(rf"^\(?(?:{_COLON_CREDIT}|{_BY_CREDIT})", re.IGNORECASE)
# Wire captions close with the agency's credit in brackets: "(AP Photo/A. Person, File)", "(NASA via AP)".
# ... or with the photographer and the agency or picture library: "... at dusk. A. Person/Getty Images".
PICTURE_AGENCIES = ("AP", "AFP", "Reuters", "Getty Images", "dpa", "EPA", "ANP", "ANSA", "Xinhua")
PICTURE_LIBRARIES = (*PICTURE_AGENCIES, "Getty", "Shutterstock", "iStock", "Alamy", "Unsplash", "Pexels")
_AGENCY_CREDIT = (
    rf"\([^()]*\b(?:{_alt(CREDIT_BY_LABELS)})s?\s*/[^()]{{2,80}}\)\W*$"
    rf"|\([^()]*\bvia\s+(?:{_alt(PICTURE_AGENCIES)})\b[^()]{{0,40}}\)\W*$"
    rf"|(?:^|[\s.!?])[^\s./]+(?:\s+[^\s./]+){{0,3}}\s*/\s*(?:{_alt(PICTURE_LIBRARIES)})\W*$"
)
CREDIT_END_RE = re.compile(
    rf"[(\s]{_COLON_CREDIT}{_CREDIT_NAME}|(?:[.!?|]\s*|\()(?:{_BY_CREDIT}){_CREDIT_NAME}"
    rf"|\(credits?\s*[:：]\s*[^()]{{2,80}}\)\s*$",
    re.IGNORECASE,
)
AGENCY_CREDIT_RE = re.compile(_AGENCY_CREDIT, re.IGNORECASE)
# A credit closing a caption is no longer than this: the patterns above are looked for in the last so many
# characters of a block only, the agency's only where it has a slash or a closing bracket.
CREDIT_END_MAX_CHARS = 200
CREDIT_MAX_WORDS = 40
# A caption printed twice in one block: this many words or more, then a credit of at most so many.
REPEATED_CAPTION_MIN_WORDS = 8
REPEATED_CAPTION_PREFIX_CHARS = 24
# ... or cut short, when it still holds this share of the first copy's words.
REPEATED_CAPTION_MIN_SHARE = 0.6
CREDIT_TAIL_MAX_WORDS = 12

# Links to an author's page, read when the page names no author in its metadata.
AUTHOR_PATH_RE = re.compile(
    r"/(?:authors?|autor(?:en)?|auteurs?|autores?|journalists?|journalisten|reporters?|staff|people|profiles?)/[^/?#]+/?$",
    re.IGNORECASE,
)
AUTHOR_NAME_MAX_WORDS = 4
AUTHORS_MAX = 3

# A lone identifier-like token left by ad placeholders and widgets ("spot_img"), and a template's
# placeholder text ("Lorem ipsum dolor sit amet, ...", a heading or list items "Lorem ipsum 1").
_LOREM_IPSUM_LINE = r"(?i:lorem ipsum)(?:\s+\d+)?"
PLACEHOLDER_RE = re.compile(
    rf"^(?:[a-z][a-z0-9]*(?:_[a-z0-9]+)+$|(?i:lorem ipsum dolor sit amet)\b"
    rf"|{_LOREM_IPSUM_LINE}(?:\n{_LOREM_IPSUM_LINE})*$)"
)

# A block that is one web address ("https://github.com/a/b", "www.example.org/report"), maybe after a
# label of a word or two ("Website: https://...", "Registration: https://...").
BARE_URL_RE = re.compile(r"^(?:[^\W\d_][\w-]*(?: [\w-]+)?\s*:\s*)?(?:https?://|www\.)\S+$", re.IGNORECASE)
# Share of a block's words inside links above which the block is a link, not prose.
LINK_ONLY_SHARE = 0.9
# Labels set in brackets after a headline link ("[VIDEO]", "[INSIGHT]").
LINK_LABEL_RE = re.compile(r"\[[^\W\d_][^\W\d_ ]{1,15}\]")
LONG_LINK_MIN_WORDS = 3
# A link to another site over a paragraph of this many words heads it: a roundup's item ("Acme acquires
# Example" over what the deal is), not another page's headline.
WRITE_UP_MIN_WORDS = 20
ELLIPSIS_END_RE = re.compile(r"(?:\.\.\.|…|\[…\]|\[\.\.\.\])\s*$")
# Where a sentence ends and the next begins: the last part of a block is checked for a link label.
SENTENCE_SPLIT_RE = re.compile(r"(?<=[.!?。！？])\s+")
# Link labels that lead from a teaser to the whole article (matched against folded text).
READ_MORE_LABELS = (
    "read more", "read the full", "continue reading", "keep reading", "more", "full story", "read full story",
    "weiterlesen", "mehr lesen", "lire la suite", "lire plus", "leer más", "seguir leyendo", "leia mais",
    "continuar lendo", "continua a leggere", "leggi tutto", "lees meer", "verder lezen",
)
READ_MORE_RE = re.compile(rf"^(?:{_alt(READ_MORE_LABELS)})\b")
TEASER_MAX_WORDS = 60
# After a related heading, a body's end made only of blocks this short is teasers (headlines, dates, labels).
TEASER_BLOCK_MAX_WORDS = 30
# ... or blocks of any length with this many date lines among them (each card's publication date).
TEASER_CARD_MIN_DATES = 3
# ... and a body closed by this many headline links (of a few words) each followed by an excerpt.
TEASER_HEADLINE_MIN_WORDS = 4
# Excerpts trimmed to a word count: this many blocks in a row of one length, of at least so many words.
TRIMMED_EXCERPT_MIN_RUN = 3
TRIMMED_EXCERPT_MIN_WORDS = 15
# Site knowledge: blocks longer than this are never treated as a host's boilerplate; a teaser
# is matched to the article whose first OPENING_WORDS words it repeats.
BOILERPLATE_MAX_WORDS = 60
OPENING_WORDS = 12
OPENING_MIN_WORDS = 8
# Site rules apply only when they leave at least this share of the body's words.
SITE_RULES_MIN_KEPT_SHARE = 0.5
EXCERPT_MIN_WORDS = 10
# Text loose in trafilatura's body (outside its paragraphs) is kept from this many words on.
LOOSE_TEXT_MIN_WORDS = 2
# trafilatura's fast mode is retried in full mode (readability, jusText fallbacks) when its body holds
# less than these shares of the page's <p> words or of its visible words, and the full-mode
# body then replaces it when it is more than FULL_MODE_MIN_GAIN times as long.
FAST_MIN_PARAGRAPH_SHARE = 0.2
FAST_MIN_TEXT_SHARE = 0.1
FULL_MODE_MIN_GAIN = 2
# A fast body whose lists hold LISTS_LEFT_OUT_MIN_WORDS fewer words than the page's link-free list items
# is retried with trafilatura's recall focus; that body replaces it when the words it adds between the
# fast body's first and last blocks (not teasers after it) come to LISTS_MIN_GAIN of it.
LISTS_LEFT_OUT_MIN_WORDS = 50
LISTS_MIN_GAIN = 0.05
# A fast body holding this share of the page's visible words, with less than PAGE_DUMP_MAX_PARAGRAPH_SHARE
# of its own words in <p> elements, is a dump of the whole page: the full mode's body replaces it.
PAGE_DUMP_SHARE = 0.98
PAGE_DUMP_MAX_PARAGRAPH_SHARE = 0.5
# So is a fast body of this many words or more that is one block for this share of its words (its
# fallback's text of the whole article element), whatever share of the page is in <p> elements.
ONE_BLOCK_DUMP_MIN_WORDS = 150
ONE_BLOCK_DUMP_SHARE = 0.9

# Credit and contact lines that close wire and newspaper stories ("Reporting by ...; Editing by ...",
# "Write to A. Writer at ..."), and press-release company boilerplate
# ("Acme is a leading provider of ..."): dropped among the last TAIL_BLOCKS blocks of the body.
TAIL_CREDIT_RE = re.compile(
    r"^\(?(?:additional |with )?(?:reporting|editing|writing|research|compiled|edited|written) by\b"
    r"|\bcontributed (?:reporting )?to this (?:report|story|article)"
    r"|^(?:write to|reach|contact) (?:the )?(?:reporters?|writers?|authors?|[^.]{1,60}\bat\s+\S+@)"
    r"|^follow \S+ full coverage\b"
    r"|^more\b[^:]{1,40}:\s*(?:https?://|www\.)\S+"
    r"|^(?:source|sources|quelle|quellen|fuente|fuentes|fonte|fontes|fonti|bron)\s*[:：]\s*[^.:]{1,60}$"
    r"|^(?:mitarbeit|mit material von|avec l?'?afp|con información de|com informações de)\b"
    r"|^[A-Z][\w&.'’-]*(?:\s+[A-Z][\w&.'’-]*){0,4}(?:\s+\([^)]{1,40}\))?,?\s+is\s+(?:a|an|the)\s+"
    r"(?:leading|global|world'?s?|worldwide|international|premier|largest)\b",
    re.IGNORECASE,
)
# A block that is only an e-mail address, a social profile or a handle ("twitter.com/writer", "@writer").
CONTACT_ONLY_RE = re.compile(
    r"^(?:[\w.+-]+@[\w-]+\.[\w.-]+|(?:https?://)?(?:www\.)?(?:twitter|x|facebook|instagram|linkedin)\.com/\S+|@\w+)$",
    re.IGNORECASE,
)
# An author's bio closing the body ("A. Writer is a freelance writer who ..."): a capitalised name,
# then what the person is, within the first words.
AUTHOR_ROLES = (
    "writer", "editor", "journalist", "reporter", "author", "contributor", "columnist", "correspondent",
    "founder", "co-founder", "owner", "blogger", "freelancer", "redakteur", "redakteurin", "journalistin",
    "autorin", "journaliste", "rédacteur", "rédactrice", "periodista", "redactor", "redactora", "jornalista",
    "giornalista", "redattore", "redattrice",
)
AUTHOR_BIO_RE = re.compile(
    r"^[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3},?\s+(?:is|was|has been|ist|est|es|é|è)\s+"
    rf"(?:[\w,&-]+\s+){{0,8}}?(?:{_alt(AUTHOR_ROLES)})\b"
)
TAIL_BLOCKS = 3
TAIL_CREDIT_MAX_WORDS = 120
# A heading opening the body is the standfirst when it and the page's description, one cut
# from the other, share at least this share of the longer one.
STANDFIRST_MIN_MATCH = 0.8
# Class tokens of embeds ("w-embed", "embedded-entity") and collapsible boxes ("expandable"): trafilatura
# discards such containers as social embeds or buttons, but a CMS's custom-HTML embed, or a <details>
# box the reader opens, holds tables and paragraphs of the article itself.
MASKING_CLASS_TOKEN_RE = re.compile(r"\S*(?:embed|expand|-icon)\S*", re.IGNORECASE)
# A hidden container is left alone.
HIDDEN_CLASS_TOKEN_RE = re.compile(r"(?:^|\s)(?:hide|hidden|d-none|is-hidden)(?:\s|$)", re.IGNORECASE)
CONTENT_BOX_MIN_PARAGRAPHS = 2
# A streamed part's placeholder is followed by its fallback: a skeleton or a "Loading paragraph..." line.
STREAM_FALLBACK_MAX_WORDS = 3
# A <details> box is never a social embed: one answer paragraph under its summary is article text (an FAQ);
# nor is a <p> whose class says embed (a styled pull quote): one long passage is enough.
ONE_PASSAGE_BOX_MIN_PARAGRAPHS = 1
# Such boxes whose attributes name one of these are shop widgets (product cards), not article text.
COMMERCE_BOX_TOKENS = ("product", "shop", "commerce", "affiliate", "buy")
COMMERCE_BOX_RE = re.compile(_alt(COMMERCE_BOX_TOKENS), re.IGNORECASE)
# Elements that are boilerplate by their tag, or that trafilatura removes (a button, a form). One that
# holds this share of the page's <p> words (and at least SWALLOWED_MIN_WORDS) was left unclosed and
# swallowed the article: it becomes a div.
WRAPPER_PRONE_TAGS = ("aside", "nav", "header", "footer", "button", "form")
# An aside with this many long paragraphs beside it is a side note of the story.
STORY_ASIDE_MIN_SIBLING_PARAGRAPHS = 2
SWALLOWED_SHARE = 0.8
SWALLOWED_MIN_WORDS = 200
# Boilerplate-marked or hidden containers that together hold this share of the page's <p> words are the
# article (listicle slides, collapsed steps), not boilerplate.
MASKED_ARTICLE_SHARE = 0.6
# ... and are extracted when the body holds less than this share of their words.
MASKED_RECOVERY_SHARE = 0.5
# Consecutive blocks that each repeat an earlier one, holding this many words and this many sentence
# paragraphs (PROSE_MIN_WORDS words or more, ending a sentence), are a second copy of the article (a page
# printing it in two templates); repeated table rows, plan entries and lines are not.
REPEATED_RUN_MIN_WORDS = 150
REPEATED_RUN_MIN_SENTENCES = 2
PROSE_MIN_WORDS = 15
SENTENCE_ENDS = (".", "!", "?", "…", "。", '"', "”", "»")
# A class token or id of this many hyphen-joined words that spells out a heading, on one of the heading's
# HEADING_ANCHOR_MAX_DEPTH nearest ancestors, is an anchor made from the heading, not a name for what the
# element is: it is removed.
HEADING_SLUG_MIN_WORDS = 5
HEADING_ANCHOR_MAX_DEPTH = 3
# "About the author" closing the body: the heading and the bio after it (at most AUTHOR_BOX_MAX_WORDS).
ABOUT_AUTHOR_HEADINGS = (
    "about the author", "about the authors", "about the writer", "about the reviewer", "about the expert",
    "über den autor", "über die autorin", "à propos de l'auteur", "à propos de l’auteur", "sobre el autor",
    "sobre la autora", "sull'autore", "sull’autore", "over de auteur", "sobre o autor",
)
# The heading alone, or as the label of the bio ("About the author: Ann Example is a ...").
ABOUT_AUTHOR_HEADING_RE = re.compile(rf"^(?:{_alt(ABOUT_AUTHOR_HEADINGS)})\s*(?::?\s*$|[:：]\s*\S)", re.IGNORECASE)
# ... or "About <the byline's name>".
ABOUT_NAME_PREFIX_RE = re.compile(r"^(?:about|über|à propos de|sobre|su|over)\s+", re.IGNORECASE)
AUTHOR_BOX_MAX_WORDS = 300
# ... or a paragraph of at most AUTHOR_BIO_MAX_WORDS opening with the byline's full name.
AUTHOR_BIO_MAX_WORDS = 120

# A paragraph, table or list of trafilatura's of at least this many words is split at the headings,
# lists and paragraphs it holds, its cells and items, and its blank lines (an article kept as one element).
SPLIT_PARAGRAPH_MIN_WORDS = 300

# An article body cut into look-alike sibling chunks (same tag and class, up to SPLIT_BODY_MAX_DEPTH
# levels above its paragraphs, each with SPLIT_BODY_MIN_PARAGRAPHS long ones) with ad rows of at most
# SPLIT_BODY_GAP_MAX_WORDS between them is joined into its first chunk.
SPLIT_BODY_MAX_DEPTH = 3
SPLIT_BODY_MIN_PARAGRAPHS = 2
SPLIT_BODY_GAP_MAX_WORDS = 20

# A section heading trafilatura left out is put back before the body paragraph it introduces when it
# has at most this many words.
HEADING_MAX_WORDS = 20

# The heading of the readers' comments ("12 Comments", "Leave a Reply", "Kommentare (3)"): with at least
# COMMENTS_MIN_WORDS_BEFORE words of body before it, it and all after it are dropped.
_COMMENT_WORDS = r"(?:comments?|kommentare?|commentaires?|comentarios?|comentários?|commenti|reacties)"
COMMENTS_HEADING_RE = re.compile(
    rf"^(?:\d+\s+)?{_COMMENT_WORDS}(?:\s*\(\d+\))?"
    r"|^\d+\s+(?:responses?|replies|reactions?)"
    r"|^\d+\s+(?:thoughts?|responses?|replies|comments?)\s+(?:on|to)\b.*"
    r"|^(?:leave|post|add|write) a (?:comment|reply|response)|^join the (?:conversation|discussion)",
    re.IGNORECASE,
)
COMMENTS_HEADING_MAX_WORDS = 12
COMMENTS_MIN_WORDS_BEFORE = 150
# In the page, a comments heading takes the section it opens (at most COMMENTS_SECTION_MAX_WORDS_BEFORE
# words before it there, more than COMMENTS_SECTION_MIN_WORDS in it) with it (see prune._comment_sections).
COMMENTS_SECTION_MAX_WORDS_BEFORE = 20
COMMENTS_SECTION_MIN_WORDS = 50


def is_comments_heading(text: str) -> bool:
    """Whether the text is the heading of readers' comments ("12 Comments", "Leave a Reply")."""
    text = text.strip().rstrip(":.!")
    return len(text.split()) <= COMMENTS_HEADING_MAX_WORDS and bool(COMMENTS_HEADING_RE.fullmatch(text))

# Readers' comments: the largest element holding COMMENT_THREAD_SHARE of a page's "Reply" links or
# buttons, when there are at least COMMENT_THREAD_MIN_MARKERS of them, is pruned (see prune._comment_threads).
REPLY_LABELS = frozenset(
    {"reply", "reply to this", "antworten", "répondre", "responder", "rispondi", "reageer", "beantwoorden", "odpowiedz"}
)
REPLY_LABEL_MAX_CHARS = 20
COMMENT_THREAD_MIN_MARKERS = 3
COMMENT_THREAD_SHARE = 0.8
# ... and so is the one holding that share of its writers' avatars, when it holds less than this share of
# the page's paragraph words (an author's picture shown three times does not make the article a thread).
AVATAR_THREAD_MAX_PARAGRAPH_SHARE = 0.5
# Section headings of the page's markup (below its <h1>).
SUBHEADING_TAGS = ("h2", "h3", "h4", "h5", "h6")
BOLD_TAGS = ("strong", "b")
# A text run this long is a sentence of prose, not a label or a menu entry.
LOOSE_SENTENCE_MIN_CHARS = 100
# Prose outside paragraph elements (prune._wrap_loose_prose): text nodes longer than LOOSE_TEXT_MIN_CHARS
# mark the divs to look at; a div of text alone becomes a paragraph among PROSE_RUN_MIN_PARAGRAPHS of them.
LOOSE_TEXT_MIN_CHARS = 30
PROSE_RUN_MIN_PARAGRAPHS = 3
# ... or it follows a section heading, as SECTION_TEXTS_MIN text divs of the page do.
SECTION_TEXTS_MIN = 2
