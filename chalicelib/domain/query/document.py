"""What a query is matched against: a mention's words and the facts filters look at."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.domain.models import Mention

FIELDS = ("title", "text", "author")  # where a span can be: "author" is the author's handle


@dataclass(frozen=True)
class Document:
    text: str
    title: str = ""
    language: str = ""
    source: str = ""
    author_name: str = ""
    author_handle: str = ""
    url: str = ""

    @classmethod
    def of(cls, mention: Mention, language: str | None = None) -> Document:
        """A stored or incoming mention; `language` is the analyser's, else the source's hint."""
        return cls(
            text=mention.text,
            title=mention.title,
            language=language if language is not None else (mention.language or ""),
            source=mention.source,
            author_name=mention.author.name,
            author_handle=mention.author.handle,
            url=mention.url,
        )

    @property
    def host(self) -> str:
        """The URL's host name, lowercase, without `www.`: what `site:` compares."""
        url = self.url.strip()
        rest = url.partition("://")[2] if "://" in url else url
        host = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0].rpartition("@")[2]
        if host.startswith("["):  # an IPv6 literal
            return host.partition("]")[0][1:].lower()
        return host.partition(":")[0].lower().removeprefix("www.")
