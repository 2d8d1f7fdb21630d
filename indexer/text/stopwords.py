"""Vietnamese function words and question words: they carry little for ranking.

They are never removed (a query of only such words still matches), only weighed down. The
list holds canonical-tone, lower-case syllables; matching uses the folded form only for
unaccented queries, where "co" may be "có" or "cô" and so is weighed as "có" would be.
"""

from __future__ import annotations

from typing import Protocol

from .normalize import fold


class Word(Protocol):
    """A query word as the search side parses it (``search.parse.QueryWord``)."""

    accented: str
    folded: str

    @property
    def has_accents(self) -> bool: ...


STOPWORDS = frozenset(
    """
    à ạ ai anh bao bằng bị bởi cả các cái cần càng chỉ chiếc cho chứ chưa có cũng của cùng
    đã đang đây để đến đều điều do đó được gì hay hoặc khi không là lại làm lên mà mình mỗi
    một nào này nên nếu ngày nhiều như những nơi nữa phải qua ra rằng rất rồi sao sau sẽ
    sự tại theo thế thì trên trong từ vào vẫn về vì việc với vừa xin
    """.split()
)
FOLDED_STOPWORDS = frozenset(fold(w) for w in STOPWORDS)


def is_stopword(word: Word) -> bool:
    """A function or question word; typed without accents, "co" counts as "có"."""
    return word.accented in STOPWORDS if word.has_accents else word.folded in FOLDED_STOPWORDS
