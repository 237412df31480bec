"""Fuzzing the untrusted-input paths: feed bodies and article text never crash them.

Feed bodies come from any server on the internet, article text from any
outlet: parsing and extraction must turn garbage into an error value or no
events, never an exception that would stop a stage.
"""

from __future__ import annotations

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agents.extract import mentions_of
from agents.tokenize import tokenize_article
from pipeline.feeds import ParsedFeed, parse_feed
from schemas.records import RawArticle
from tests.conftest import DATA
from tests.feedserver import rss

GOOD = rss(
    [
        (
            "https://news.example.test/1",
            "Roma, accordo con lo Sporting per Sequeira",
            "La Roma ha trovato l'intesa con lo Sporting per Tiago Sequeira: 12 milioni più bonus.",
        )
    ]
)
ODD_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=3000)
MARKUP = st.recursive(
    ODD_TEXT.map(lambda t: t.replace("<", "&lt;")),
    lambda inner: st.builds(
        lambda tag, body, attr: f'<{tag} title="{attr}">{body}</{tag}>',
        st.sampled_from(["div", "p", "script", "a", "b", "iframe", "svg"]),
        inner,
        st.text(max_size=2000),
    ),
    max_leaves=40,
)
BODIES = st.one_of(
    st.binary(max_size=4000),
    st.integers(0, len(GOOD)).map(lambda n: GOOD[:n]),  # truncated feeds
    st.builds(
        lambda attr, text: (
            f'<?xml version="1.0"?><rss version="2.0"><channel><item title="{attr}">'
            f"<title>{text}</title><description>{text}</description></item></channel></rss>"
        ).encode("utf-8", "surrogatepass"),
        st.text(max_size=20000).map(lambda t: t.replace('"', "").replace("<", "")),
        MARKUP,
    ),
    MARKUP.map(lambda m: m.encode("utf-8")),
    st.text(max_size=200).map(lambda t: ("\ufeff" + t).encode("utf-16")),
)
ARTICLES = [
    orjson.loads(line)["text"]
    for line in (DATA / "devset" / "articles.jsonl").read_text(encoding="utf-8").splitlines()
]
# Real calciomercato prose, cut and spliced with garbage at random places.
MANGLED = st.builds(
    lambda text, cut, noise, at: (text[:cut] + noise + text[at:])[:6000],
    st.sampled_from(ARTICLES),
    st.integers(0, 4000),
    st.one_of(ODD_TEXT, MARKUP),
    st.integers(0, 4000),
)
FUZZ = settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(BODIES)
def test_any_body_gives_articles_or_an_error_never_an_exception(body: bytes) -> None:
    parsed = parse_feed(body, "https://feeds.example.test/rss", {"content-type": "text/xml"})
    assert isinstance(parsed, ParsedFeed)
    # An error means nothing usable; otherwise every article has its id and version.
    assert not (parsed.error and parsed.articles)
    assert all(a.id and a.version and a.feed for a in parsed.articles)


@FUZZ
@given(st.text(max_size=300), st.one_of(ODD_TEXT, MARKUP, MANGLED))
def test_any_text_gives_mentions_or_none_never_an_exception(title: str, text: str) -> None:
    article = RawArticle(
        id="a1",
        version="v1",
        feed="https://feeds.example.test/rss",
        source="news.example.test",
        url="https://news.example.test/a1",
        title=title,
        summary=text,
        content="",
        published=None,
        fetched_at="2026-11-21T00:00:00Z",
    )
    for mention in mentions_of(tokenize_article(article)):
        assert mention.article_id == "a1"
