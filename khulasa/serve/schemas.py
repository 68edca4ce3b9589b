"""The HTTP service's request bodies (pydantic models; the OpenAPI schema is made from them)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    model_validator,
)
from pydantic_core import PydanticCustomError

from khulasa.serve.limits import request_settings


class ArticleIn(BaseModel):
    """One article, as in a ``.json`` input file; unknown fields are kept like ingest keeps them."""

    model_config = ConfigDict(extra="allow")

    id: StrictStr | None = Field(default=None, description="default: article-1, article-2, …")
    source: str | None = Field(default=None, description="the outlet name sentences are attributed to")
    title: str | None = None
    date: str | None = Field(default=None, description="publication date (YYYY-MM-DD)")
    url: str | None = None
    text: str

    @model_validator(mode="before")
    @classmethod
    def _encodable(cls, value: Any) -> Any:
        """Lone surrogates (a cut emoji, ``"\\ud83d"``) become U+FFFD in every field, as ingest does: no
        output format could encode them, and pydantic refuses them in the names of extra fields."""
        from khulasa import ingest

        return ingest.encodable(value)


class SummaryOptionsIn(BaseModel):
    """``SummaryOptions``: a budget of ``words`` or ``sentences`` (default 120 words), not both."""

    model_config = ConfigDict(extra="allow")

    words: StrictInt | None = Field(default=None, examples=[120])
    sentences: StrictInt | None = None
    timeline: StrictBool | None = None
    key_terms: StrictBool | None = None
    # Typed here because SummaryOptions compares it without checking its type first (a list was a 500).
    redundancy: StrictFloat | None = Field(default=None, description="similarity, in (0, 1]")
    quotes: StrictBool | None = Field(default=None, description="add who said what (quotes and speakers)")
    compare: StrictBool | None = Field(
        default=None, description="add the outlet comparison (coverage, only in one outlet, disagreements)"
    )
    query: StrictStr | None = Field(default=None, description="focus the summary on a question or topic")
    speaker: StrictStr | None = Field(
        default=None, description="focus on what this speaker said; with quotes, only their quotes"
    )
    outlet: StrictStr | None = Field(default=None, description="focus on what this outlet reports")
    focus_weight: StrictFloat | StrictInt | None = Field(default=None, description="focus strength, 0-100 (2)")


def _count_articles(value: Any) -> Any:
    """Refuse too many articles before validating any: a 5 MB list of a million numbers would otherwise
    cost one validation error each (minutes of CPU, gigabytes of memory, a 300 MB answer)."""
    limit = request_settings().max_articles
    if isinstance(value, list) and len(value) > limit:
        raise PydanticCustomError("too_many_articles", "{articles} articles; the limit is {limit}",
                                  {"articles": len(value), "limit": limit})
    return value


Articles = Annotated[list[ArticleIn], BeforeValidator(_count_articles), Field(min_length=1)]


class SummarizeRequest(BaseModel):
    articles: Articles
    options: SummaryOptionsIn = SummaryOptionsIn()


class StoriesRequest(BaseModel):
    articles: Articles
    options: dict[str, Any] = Field(default_factory=dict, description="``StoryOptions`` fields")
