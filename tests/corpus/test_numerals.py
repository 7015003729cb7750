import pytest

from corpus.numerals import ArticleLabel, canonical_article_label, cn_to_int, int_to_cn


@pytest.mark.parametrize("text,value", [
    ("一", 1), ("十", 10), ("十一", 11), ("二十", 20), ("一百", 100), ("一百零八", 108),
    ("一百一十", 110), ("一千二百六十", 1260), ("两千零一", 2001), ("一〇八", 108), ("82", 82),
    ("一万零五", 10005),
])
def test_cn_to_int(text, value):
    assert cn_to_int(text) == value


def test_int_to_cn_round_trips_every_article_number():
    for n in range(0, 3000):
        assert cn_to_int(int_to_cn(n)) == n
    assert int_to_cn(110) == "一百一十"
    assert int_to_cn(1001) == "一千零一"
    assert int_to_cn(12) == "十二"


def test_article_labels():
    assert canonical_article_label("第82条") == "第八十二条"
    assert canonical_article_label("第133条之1") == "第一百三十三条之一"
    label = ArticleLabel.parse("第一百三十三条之一")
    assert (label.number, label.suffix, label.suffix_label) == (133, 1, "之一")
    with pytest.raises(ValueError):
        ArticleLabel.parse("第八十二款")
    with pytest.raises(ValueError):
        cn_to_int("abc")
