"""Story trees: events inside stories, found online, with ids that are stable across runs.

Two levels, as in Story Forest (Liu et al., "Growing Story Forest Online from Massive Breaking News",
CIKM 2017; "Story Forest: Extracting Events and Telling Stories from Breaking News", TKDD 2020):

- an **event** is one happening with its reports and immediate reactions (a match, a strike and the
  world's reactions to it, a summit), usually within a couple of days, across outlets;
- a **story** links related events over time (a tournament, a war front, a diplomatic row).  It has no
  length cap: it lives while events keep coming; a one-off happening is a one-event story.

Articles arrive in clustering order (date, then id) and each is placed at once, as in the single-pass
clustering of Topic Detection and Tracking (Yang, Pierce & Carbonell, SIGIR 1998) and of Miranda et
al. ("Multilingual Clustering of Streaming News", EMNLP 2018):

1. **Duplicates** (syndicated copies) are found with MinHash LSH over the open events' articles, as
   ``khulasa.stories.cluster`` does, and join the event of the article they copy.
2. **Event**: the article is scored against the open events that share its heaviest terms (an
   inverted index; the ``CANDIDATES`` best are scored in full).  As in Miranda et al., the score is a
   learned linear combination of similarities of several kinds, squashed by a logistic: the TF-IDF
   cosine of the article's lead with the event's (``khulasa.stories.signals``: news says what happened
   first), title cosine, title-to-event cosine, shared named actors and places, shared figures (both
   IDF-weighted), time (days since the event's last report and since its first) and the event's size
   (a big event's centroid is diffuse: Miranda et al. weigh cluster size too).  The article joins the
   best event with probability >= 1/2.
3. **Story**: otherwise the article begins an event, linked to the best open story under a second
   model (the same similarities, with the whole body's TF-IDF, against the story's profile, plus those
   of the story's best candidate event).  Story Forest links a new event to a story by keyword overlap
   and then places it in the story's tree; here the tree is the time order of a story's events, as a
   reader sees it, in the spirit of date-based timelines (Ghalandari & Ifrim, "Examining the
   State-of-the-Art in News Timeline Summarization", ACL 2020).  Inside the chosen story the article
   gets a second chance to join one of the story's open events, under a third model (within one
   thread, a report of the same days is most often the same happening).
4. **A young story may still move**: while a story is one event of at most ``FRESH_ARTICLES``
   articles, that event (its profile taken as one article) is scored again against the other open
   stories after each new report, and joins the best one that passes: a story's first report may say
   little of its thread.
5. **A lone report is placed again when its day is over** (``TreeOptions.replace_after_day``): the
   order within a day is arbitrary (an archive has no time of day), so a reaction may come before the
   reports it goes with; the stories a day began that are still one article are scored again as in
   4 once the clock passes the day.  Only such one-article stories move.

Spelling variants of names (ترمب/ترامب, بوتن/بوتين) are folded into one key before anything is
weighed (``variants``, ``TreeOptions.fold_variants``).

Content alone works: undated input has no clock, so the time features are zero (every report is "the
same day") and clusters close by idleness (articles seen since their last member) instead of days.

The three models' weights are fitted on the labelled dev windows of ``benchmarks/data/stories_dev`` by
logistic regression on "teacher-forced" decisions (each article against the open clusters, with the
gold clustering so far, as Miranda et al. train theirs), then one threshold per model is set on the
same windows; ``benchmarks/stories_trees_fit.py`` refits them and reports leave-one-window-out scores.

Everything kept is compact and bounded: per open event and story, pruned centroids and key counts;
an inverted index per level over the ``INDEX_TERMS`` heaviest terms of open clusters' centroids (an
article looks up its ``QUERY_TERMS`` heaviest); MinHash signatures of open events' articles.  A story's
profile decays with a half-life of ``story_half_life_days`` so it follows its recent events.  A story
whose events have all closed stays linkable for ``story_window_days`` (months: Russia-Turkey relations
come back), if it holds more than one article; it is then compared as its recent event (its decayed
profile), and the story model's time feature stops growing beyond the span of the windows it was
fitted on, so an old story is linked on content.  At most ``max_open_stories`` stories stay open (the
least recently active close first), so memory does not grow with the input.

Ids are hashes of the first article of the event or story (``e-``/``s-`` + 16 hex digits), so the same
input gives the same ids on every run.  Document frequencies are counted as articles arrive (each
article's own keys are counted before it is placed), so a run cut in two — ``state()`` saved as JSON,
``TreeClusterer.from_state`` loaded, the rest fed — makes exactly the decisions of one run.

The package: ``options`` (limits, models, ``TreeOptions``), ``frequencies`` (document frequencies and
the shipped prior), ``profiles`` (output trees, cluster profiles, the index, the similarities),
``clusterer`` (``TreeClusterer``) and ``state`` (saving and continuing a run).
"""

from khulasa.stories.trees.clusterer import TreeClusterer
from khulasa.stories.trees.frequencies import (
    PRIOR_FILE,
    PRIOR_FORMAT,
    DocumentPrior,
    Frequencies,
    document_prior,
    signal_keys,
)
from khulasa.stories.trees.options import (
    EVENT_FEATURES,
    EVENT_MODEL,
    INSIDE_MODEL,
    PRIOR_ARTICLES,
    STORY_FEATURES,
    STORY_MODEL,
    SimilarityModel,
    TreeOptions,
    TreeStateError,
)
from khulasa.stories.trees.profiles import (
    Candidate,
    Decider,
    EventAssignment,
    StoryTree,
    best_candidate,
    event_id_for,
    features,
    story_id_for,
)
from khulasa.stories.trees.state import STATE_VERSION

__all__ = [
    "EVENT_FEATURES",
    "EVENT_MODEL",
    "INSIDE_MODEL",
    "PRIOR_ARTICLES",
    "PRIOR_FILE",
    "PRIOR_FORMAT",
    "STATE_VERSION",
    "STORY_FEATURES",
    "STORY_MODEL",
    "Candidate",
    "Decider",
    "DocumentPrior",
    "EventAssignment",
    "Frequencies",
    "SimilarityModel",
    "StoryTree",
    "TreeClusterer",
    "TreeOptions",
    "TreeStateError",
    "best_candidate",
    "document_prior",
    "event_id_for",
    "features",
    "signal_keys",
    "story_id_for",
]
