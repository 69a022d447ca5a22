"""Regional vocabulary (articles.regional, articles.conversion.to_variant): OpenCC's regional
phrases, never across a word boundary, in both writing directions."""
import shutil
from pathlib import Path

import opencc
import pytest

from articles import regional
from articles.conversion import Glossary, group_term, terms_from_glossary, to_variant
from articles.variants import VARIANTS

OPENCC_DICT = shutil.which("opencc_dict")

# An article opted into the conversion group 计算机 (OpenCC's computing vocabulary): OpenCC's own
# regional configs apply that vocabulary to every text, so they are the oracle only with it on.
IT = (group_term(regional.COMPUTING),)

# Sentences on which OpenCC's own regional configs are right (checked by hand: 软件/軟體,
# 网络/網路, 信息/資訊, 出租车/計程車, 鼠标/滑鼠, 光标/游標, 二极管/二極體, 服务器/伺服器,
# 数据库/資料庫): the oracle is OpenCC, never this module's output. Computing sentences: their
# articles opt into 计算机 (IT).
SENTENCES = [
    "我们用软件看网络新闻。",
    "他在网络游戏里花了很多时间。",
    "他乘出租车去看电影。",
    "鼠标里面的硅二极管坏了，导致光标分辨率降低。",
    "数据库服务器的内存不足。",
]


@pytest.mark.parametrize("hans", SENTENCES)
def test_typed_in_simplified_reads_taiwan_vocabulary_as_opencc_s2twp(hans):
    assert to_variant(hans, "zh-tw", IT) == opencc.OpenCC("s2twp").convert(hans)


@pytest.mark.parametrize("hans", SENTENCES)
def test_typed_in_traditional_reads_the_same_in_taiwan(hans):
    # An editor who typed the sentence in 繁體 (script only) gets the same zh-tw page.
    hant = opencc.OpenCC("s2tw").convert(hans)
    assert to_variant(hant, "zh-tw", IT) == opencc.OpenCC("s2twp").convert(hans)


@pytest.mark.parametrize("hans", SENTENCES)
def test_hong_kong_as_opencc_s2hkp(hans):
    assert to_variant(hans, "zh-hk", IT) == opencc.OpenCC("s2hkp").convert(hans)
    assert to_variant(opencc.OpenCC("s2tw").convert(hans), "zh-hk", IT) == opencc.OpenCC("s2hkp").convert(hans)


@pytest.mark.parametrize("hans", SENTENCES)
def test_taiwan_text_reads_mainland_vocabulary_as_opencc_tw2sp(hans):
    taiwan = opencc.OpenCC("s2twp").convert(hans)  # typed in Taiwan: 軟體, 網路, 資訊 …
    assert to_variant(taiwan, "zh-cn", IT) == opencc.OpenCC("tw2sp").convert(taiwan)
    # Typed in 简体, a word is the mainland editor's own as written: zh-cn changes nothing (tw2sp
    # would also rewrite words both regions use, 执行 → 运行, 程序 → 进程; see the gold set).
    typed = opencc.OpenCC("tw2s").convert(taiwan)
    assert to_variant(typed, "zh-cn", IT) == typed


@pytest.mark.parametrize("hans", ["提供用度，以执行联邦法律。", "这是司法程序的一部分。", "亦应载入本院议事录中。"])
def test_words_typed_in_simplified_keep_their_mainland_reading(hans):
    # zh-cn's table (OpenCC's TWPhrasesRev/HKPhrasesRev) would rewrite the word typed in 繁體.
    assert any(key in hans for key in regional.table("zh-cn"))
    assert to_variant(hans, "zh-cn") == hans
    assert to_variant(hans, "zh-cn", IT) == hans


def test_mixed_text_is_decided_per_clause():
    # The Traditional clause gets mainland vocabulary, the Simplified one is kept as typed.
    assert to_variant("這個軟體很好用，载入后执行。", "zh-cn") == "这个软件很好用，载入后执行。"


def test_every_variant_of_a_sentence_typed_in_either_script():
    hans = "我们用软件在网络上发信息。"
    hant = "我們用軟件在網絡上發信息。"
    expected = {
        "zh-hans": hans, "zh-cn": hans,
        "zh-hant": hant, "zh-hk": hant,
        "zh-tw": "我們用軟體在網路上發資訊。",
    }
    for variant in VARIANTS:
        assert to_variant(hans, variant, IT) == expected[variant], variant
        assert to_variant(hant, variant, IT) == expected[variant], variant
    # Without the group, 软件 (MediaWiki's site-wide table has it) and 信息 (issue 25 names it) still
    # read 軟體 and 資訊; 网络 is computing vocabulary (an ordinary word of both regions) and stays.
    assert to_variant(hans, "zh-tw") == to_variant(hant, "zh-tw") == "我們用軟體在網絡上發資訊。"


@pytest.mark.parametrize("text", ["改变量子比特", "改變量子比特"])
def test_no_substitution_across_a_word_boundary_quantum_bits(text):
    # OpenCC's s2twp matches 變量→變數 across 改变|量子 (its segmentation keeps the run whole).
    assert opencc.OpenCC("s2twp").convert("改变量子比特") == "改變數子位元"  # the bug exists upstream
    taiwan = to_variant(text, "zh-tw", IT)
    assert "變數" not in taiwan
    assert taiwan == "改變量子位元"  # 量子 kept; 比特 → 位元 is a whole word


@pytest.mark.parametrize("text", ["互联网络", "互聯網絡", "他在互联网络上写作"])
def test_no_substitution_across_a_word_boundary_internet(text):
    for terms in ((), IT):  # 互联网络 → 網際網路 is site-wide (MediaWiki's table has it too)
        taiwan = to_variant(text, "zh-tw", terms)
        assert "網路絡" not in taiwan and "網際網路" in taiwan


def test_a_phrase_may_span_words_but_never_cut_one():
    simplified = "改变量子比特"
    bounds = regional.word_boundaries(simplified)
    assert {0, 2, 4, 6} <= bounds and 1 not in bounds and 3 not in bounds
    found = list(regional.substitutions(simplified, "zh-tw", groups=frozenset({regional.COMPUTING})))
    assert [(s.start, s.end, s.replacement) for s in found] == [(4, 6, "位元")]


def test_titles_of_works_urls_code_and_protected_markup_change_script_only():
    text = "见《网络安全法》、`软件` 与 -{软件}- 及 https://example.org/软件 ，网络"
    taiwan = to_variant(text, "zh-tw", IT)
    assert "《網絡安全法》" in taiwan  # script only inside a title of a work
    assert "`软件`" in taiwan and "-{软件}-" in taiwan and "https://example.org/软件" in taiwan
    assert taiwan.endswith("，網路")  # outside them, vocabulary


def test_references_are_script_only():
    assert to_variant("网络软件手册", "zh-tw", vocabulary=False) == "網絡軟件手冊"


def test_glossary_terms_come_before_vocabulary_and_can_name_a_variant():
    terms = [("zh-tw", "软件", "軟件"), ("zh-hk", "出租车", "的士"), ("", "维基", "维基"), *IT]
    assert to_variant("软件和网络", "zh-tw", terms) == "軟件和網路"
    assert to_variant("乘出租车", "zh-hk", terms) == "乘的士"
    assert to_variant("乘出租车", "zh-tw", terms) == "乘計程車"  # the zh-hk term is not Taiwan's
    assert to_variant("维基", "zh-tw", terms) == "維基"  # a term for every variant, in its script
    # The article's term (first) wins over the site's for the same text.
    assert to_variant("软件", "zh-tw", [("zh-tw", "软件", "軟件"), ("zh-tw", "软件", "軟體")]) == "軟件"


def test_script_glossary_pairs_serve_the_regional_variants_of_their_script():
    terms = terms_from_glossary(Glossary((("软件", "軟件"),)))
    assert to_variant("软件", "zh-tw", terms) == "軟件"  # pinned by an editor: no Taiwan word
    assert to_variant("軟體", "zh-cn", terms) == "软件"


def test_script_variants_are_todays_conversion():
    from articles.conversion import to_simplified, to_traditional

    text = "头发干了，我们用软件在网络上发信息。"
    assert to_variant(text, "zh-hant") == to_traditional(text)
    assert to_variant(to_traditional(text), "zh-hans") == to_simplified(to_traditional(text))


@pytest.mark.skipif(not OPENCC_DICT, reason="Debian's opencc_dict is missing (apt-get install opencc)")
def test_tables_are_the_installed_wheels_dictionaries(tmp_path: Path):
    from articles.regional_phrases_data import SOURCES, dump_ocd2

    fold = opencc.OpenCC("t2s")
    for variant, sources in SOURCES.items():
        name, config = sources[0]
        for key, values in dump_ocd2(name).items():
            simplified = fold.convert(key)
            wanted = opencc.OpenCC(config).convert(values[0])
            if simplified != wanted and key != values[0]:
                assert simplified in regional.table(variant), (variant, key)


@pytest.mark.skipif(not OPENCC_DICT, reason="Debian's opencc_dict is missing (apt-get install opencc)")
def test_script_phrases_are_the_installed_wheels():
    from articles.regional_phrases_data import script_phrase_keys

    assert set(script_phrase_keys()) == regional._script_phrases()[0]


def test_vocabulary_substitutions_list_what_a_text_receives_in_its_own_offsets():
    from articles.conversion import vocabulary_substitutions

    text = "这套软件在网络上，见《网络年鉴》与 -{软件}-。"
    found = vocabulary_substitutions(text, "zh-tw", IT)
    assert [(text[s:e], written, wanted) for s, e, written, wanted in found] == [
        ("软件", "软件", "軟體"), ("网络", "网络", "網路"),
    ]  # not inside the title of a work nor the -{…}- span
    # Outside the computing group 网络 is left to the script conversion.
    assert [written for _, _, written, _ in vocabulary_substitutions(text, "zh-tw")] == ["软件"]
    typed_in_taiwan = "這套軟體很好用。"
    assert [(w, r) for _, _, w, r in vocabulary_substitutions(typed_in_taiwan, "zh-cn")] == [("軟體", "软件")]
    assert vocabulary_substitutions("这套软件", "zh-hant") == []
    assert vocabulary_substitutions("这套软件", "zh-tw", [("zh-tw", "软件", "軟件")]) == []  # a term wins


@pytest.mark.parametrize("hans, taiwan", [
    ("这是司法程序的一部分。", "這是司法程序的一部分。"),  # not 司法程式: only a computer program is 程式
    ("字节跳动是一家公司。", "字節跳動是一家公司。"),  # a name, not 位元組跳動
    ("摩尔线程", "摩爾線程"),  # a name, not 摩爾執行緒
])
def test_openccs_protecting_phrases_block_the_phrase_inside_them(hans, taiwan):
    # OpenCC's TWPhrases lists these as themselves precisely to block 程序→程式, 字节→位元組, 线程→執行緒.
    assert opencc.OpenCC("s2twp").convert(hans) == taiwan
    assert to_variant(hans, "zh-tw") == taiwan
    assert to_variant(taiwan, "zh-tw") == taiwan


@pytest.mark.parametrize("taiwan, hong_kong", [
    ("這個軟體的資訊很有用。", "這個軟件的信息很有用。"),
    ("研究人員用雷射改變量子位元的狀態。", "研究人員用激光改變量子比特的狀態。"),
])
def test_taiwan_words_read_as_hong_kong_words_in_zh_hk(taiwan, hong_kong):
    # OpenCC's pivot: tw2sp (Taiwan → mainland words), then s2hk.
    assert opencc.OpenCC("s2hk").convert(opencc.OpenCC("tw2sp").convert(taiwan)) == hong_kong
    assert to_variant(taiwan, "zh-hk", IT) == hong_kong


def test_hong_kong_script_keeps_standard_characters_typed_in_traditional():
    # tw2t alone turns this 參 into 蔘 (its 參衆兩院 phrase does not know Taiwan's 眾).
    assert opencc.OpenCC("tw2t").convert("參眾兩院") == "蔘衆兩院"
    assert to_variant("參眾兩院都應保存本院議事錄。", "zh-hk") == "參眾兩院都應保存本院議事錄。"
    assert to_variant("裡面", "zh-hk") == opencc.OpenCC("s2hk").convert("里面") == "裏面"


def test_a_regions_own_words_survive_the_pivot():
    # zh-hk undoes only Taiwan's words and zh-tw only Hong Kong's: 的士 typed in Hong Kong stays
    # 的士 (HKPhrasesRev's 的士 → 出租车 has no way back), 部落格 typed in Taiwan stays 部落格.
    assert to_variant("他坐的士去機場。", "zh-hk") == "他坐的士去機場。"
    assert to_variant("他坐的士去機場。", "zh-tw") == "他坐計程車去機場。"
    assert to_variant("他於部落格證實。", "zh-tw") == "他於部落格證實。"


def test_the_review_lists_what_the_reader_gets_through_the_pivot():
    from articles.conversion import vocabulary_substitutions

    text = "這個軟體的資訊很有用。"
    assert vocabulary_substitutions(text, "zh-hk", IT) == [(2, 4, "軟體", "軟件"), (5, 7, "資訊", "信息")]
    assert to_variant(text, "zh-hk", IT) == "這個軟件的信息很有用。"
    # 資訊 ⇄ 信息 is site-wide (issue 25 names it), 网络 ⇄ 網路 is computing vocabulary
    assert vocabulary_substitutions(text, "zh-hk") == [(2, 4, "軟體", "軟件"), (5, 7, "資訊", "信息")]


@pytest.mark.parametrize("hans, traditional", [
    ("赵铁桥任总发行。", "趙鐵橋任總發行。"),  # 总|发行, not 總髮 (hair)
    ("社长胡恩溥遇刺。", "社長胡恩溥遇刺。"),  # 社长|胡恩溥, not 長鬍 (beard)
    ("相当于一个中队的保安队。", "相當於一個中隊的保安隊。"),  # 一个|中队, not 箇中
    ("五分之一出席议员", "五分之一出席議員"),  # 五分之一|出席, not 一齣 (a play)
])
def test_no_script_phrase_across_a_word_boundary(hans, traditional):
    # OpenCC's STPhrases match across the words (the bug exists upstream, in both scripts' steps).
    assert opencc.OpenCC("s2tw").convert(hans) != traditional
    assert to_variant(hans, "zh-tw") == to_variant(hans, "zh-hk") == traditional
    # Typed in 繁體 as OpenCC's own script step would have it, the regional pages read the same.
    assert to_variant(opencc.OpenCC("s2tw").convert(hans), "zh-tw") == traditional


def test_a_script_phrase_on_word_boundaries_still_applies():
    # 里面 → 裡面 and 头发 → 頭髮 are phrases of whole words: converted as OpenCC does.
    for hans in ("头发很长，放在盒子里面。", "他们一起去面试了。"):
        assert to_variant(hans, "zh-tw") == opencc.OpenCC("s2tw").convert(hans)
