"""Vietnamese text, before any index: one form of every word for indexing, querying and marking.

- ``normalize``: NFC, canonical tone placement (hoà → hòa), folding (đ → d), Telex and VNI.
- ``analysis``: syllables, their accented and folded forms and bigrams; Whoosh's analyzers.
- ``wordseg``: word boundaries (pyvi's model run through crfsuite).
- ``stopwords``: function and question words, weighed down, never removed.
- ``wordfind``: query words found in stored text through a folded copy (offsets kept).

Imports nothing of ``indexer`` but ``errors``: every other side builds on this one.
"""
