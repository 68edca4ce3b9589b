"""Text as strings: the character tables (``chars``), cleaning (``clean``), the matching form
(``normalize``), offset-keeping folds (``fold``), regex helpers (``patterns``), the rule tables of
datelines and boilerplate (``rules``) and the verbs of news (``verbs``).  Every function here is
``str -> str`` (or a predicate on a string); nothing here knows about articles or summaries."""
