from service.nodes.service import lucene_terms


def test_words_become_prefix_terms_and_a_boosted_phrase() -> None:
    assert lucene_terms("Input-1") == '(input* AND 1*) OR "input 1"^4'
    assert lucene_terms("10378.1/out") == '(10378* AND out*) OR "10378 1 out"^4'


def test_short_words_match_only_when_last() -> None:
    # `1*` would expand to every term starting with 1; the last word is still being typed.
    assert lucene_terms("10378.1/ds-42") == '(10378* AND 42*) OR "10378 1 ds 42"^4'
    assert lucene_terms("ds-1") == '(1*) OR "ds 1"^4'
    assert lucene_terms("ds") == '(ds*) OR "ds"^4'


def test_lucene_syntax_in_the_text_is_dropped_not_obeyed() -> None:
    hostile = 'a" OR *:* AND NOT (b~2) \\ ^3 [x TO y] {z} /re/ ||&&!?'
    terms = lucene_terms(hostile)
    inside = terms.replace(" AND ", " ").replace(" OR ", " ").replace("^4", "")
    assert set(inside) <= set('abcdefghijklmnopqrstuvwxyz0123456789 *"()')
    assert '"a or ' in terms and "not*" in terms  # lowercased words, never operators


def test_text_without_words_searches_nothing() -> None:
    assert lucene_terms("-/.:*") == ""


def test_long_words_are_cut_to_a_prefix_the_index_accepts() -> None:
    assert lucene_terms("0" * 1024) == f'({"0" * 64}*) OR "{"0" * 64}"^4'
