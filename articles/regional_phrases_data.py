"""Regenerate ``articles/data/opencc_regional_phrases.tsv`` from the installed OpenCC wheel's
regional phrase dictionaries.

Run with ``make regional-phrases`` after upgrading ``opencc``. Needs Debian's ``opencc_dict`` to
dump the .ocd2 files (as :mod:`articles.conversion_review_data` does). The site reads only the
committed TSV (:mod:`articles.regional`), which holds, per variant, the phrase keyed by its
*Simplified* form (so that text typed in either script is matched the same way) and the phrase
the variant reads, already in that variant's character forms:

* zh-tw: ``TWPhrases`` (the vocabulary step of OpenCC's ``s2twp``), values through ``t2tw``;
* zh-hk: ``HKPhrases`` (the vocabulary step of ``s2hkp``), values through ``t2hk``;
* zh-cn: ``TWPhrasesRev`` then ``HKPhrasesRev`` (the vocabulary steps of ``tw2sp`` / ``hk2sp``),
  values through ``t2s``; ``zh-tw>zh-cn`` / ``zh-hk>zh-cn``: each of the two alone, the first
  step of zh-hk / zh-tw (a region's reader gets the *other* region's words in mainland words).

A key that is the same as its value (司法程序 → 司法程序, 字节跳动 → 字節跳動, 大数据 → 大數據) is
kept: OpenCC lists it precisely to block the shorter phrase inside it (程序 → 程式, 字节 → 位元組,
数据 → 資料), and :mod:`articles.regional`'s longest match honours it the same way.

**Domains (issue 25).** A fourth column names the phrase's domain: empty for site-wide vocabulary,
``it`` for the computing vocabulary that only articles opted into the conversion group 计算机 get
(:data:`articles.regional.COMPUTING`; a named glossary with ``conversion_group = "it"``). OpenCC's
wheel merges ``TWPhrases`` from three source files, ``TWPhrasesIT.txt`` (computing),
``TWPhrasesName.txt`` and ``TWPhrasesOther.txt``, and so applied its computing vocabulary to every
text: a treaty's zh-tw page read 保存 → 儲存, 支持 → 支援, 设置 → 設定, 发布 → 釋出, 项目 → 專案,
连接 → 連線, and its zh-cn / zh-hk pages 中央執行委員 → 中央运行委员 (the reverse table's
執行 → 运行). MediaWiki does what a wiki needs: computing vocabulary is a conversion group
(Module:CGroup/IT) that an article opts into, while its *site-wide* tables keep only the computing
words every reader can get. The rule here is MediaWiki's decision, word by word:

* ``zh-tw`` (and zh-hk's first step is not concerned): a phrase keyed by one of OpenCC's IT keys is
  site-wide when MediaWiki's site-wide zh-tw table (``maintenance/language/zhtable/toTW.manual``)
  converts the same mainland word too (软件, 硬盘, 鼠标, 互联网, 服务器, 数据库, 打印 … 52 of
  OpenCC's 389 IT keys), else ``it``;
* ``zh-cn``, ``zh-tw>zh-cn`` (the reverse table, Taiwan word → mainland word): a phrase keyed by a
  Taiwan word that is the value of an IT entry (and of no other entry) is site-wide when
  MediaWiki's site-wide zh-cn table (``toCN.manual``) converts that Taiwan word too (軟體, 網路,
  記憶體, 滑鼠, 巨集 … 52 of 395 words), or when the word is not in jieba's dictionary, which is
  built from mainland text (部落格, 函式, 位元, 登入, 快取 … 167 more): a Taiwan coinage that no
  mainland text uses is never a mainland reader's own word, so undoing it is safe anywhere; the
  other 176 (執行, 建立, 宣告, 聯絡, 程序, 通訊, 資訊, 支援, 設定 …) are ``it``: ordinary mainland
  words too, which a Taiwan history text means in their general sense.

Measured on the gold set (685 sentences), the rule takes every computing-vocabulary disagreement
of history rows out: zh-cn 668 → 674, zh-tw 653 → 667, zh-hk 663 → 669 with the rows' contexts
(README, "Regional variants"). One exception to MediaWiki's choice (:data:`SITE_WIDE_BY_ISSUE`):
信息 ⇄ 資訊 (and 信息安全, 信息技术 / 資訊科技) are site-wide, because issue 25 names 資訊/信息 with
軟體/软件 and 計程車/出租车 as the vocabulary every Taiwan reader expects, although MediaWiki
converts only 信息论, 信息时代 … site-wide. 网络 → 網路 stays in 计算机 (社會網絡 is a Taiwan word too).

The lists are ``articles/data/computing_vocabulary.tsv`` (word lists only, derived once by
:func:`derive_computing_vocabulary` from OpenCC's ``data/dictionary/TWPhrasesIT.txt``, BYVoid/OpenCC
commit 0435ab44, Apache-2.0, Copyright BYVoid and contributors; and MediaWiki's
``maintenance/language/zhtable/toTW.manual`` / ``toCN.manual``, GPL-2.0-or-later, of which only
the membership of a word is used).
"""
from __future__ import annotations

import sys
from pathlib import Path

import opencc

from .conversion_review_data import dump_ocd2

SOURCES: dict[str, tuple[tuple[str, str], ...]] = {
    # variant: ((dictionary, OpenCC config giving the variant's character forms of a value), …)
    "zh-tw": (("TWPhrases", "t2tw"),),
    "zh-hk": (("HKPhrases", "t2hk"),),
    "zh-cn": (("TWPhrasesRev", "t2s"), ("HKPhrasesRev", "t2s")),
    # The first step of zh-hk / zh-tw (articles.conversion._mainland_form): only the *other*
    # region's words go to mainland words (a Hong Kong reader keeps 的士, a Taiwan one 軟體).
    "zh-tw>zh-cn": (("TWPhrasesRev", "t2s"),),
    "zh-hk>zh-cn": (("HKPhrasesRev", "t2s"),),
}
OUTPUT = Path(__file__).with_name("data") / "opencc_regional_phrases.tsv"
COMPUTING_LIST = Path(__file__).with_name("data") / "computing_vocabulary.tsv"
SCRIPT_OUTPUT = Path(__file__).with_name("data") / "opencc_script_phrases.txt"
IT = "it"  # the domain of OpenCC's computing vocabulary (articles.regional.COMPUTING)
# Tables whose keys are mainland words (list column "zh-tw") or Taiwan words (column "zh-cn").
DOMAIN_SIDE = {"zh-tw": "zh-tw", "zh-cn": "zh-cn", "zh-tw>zh-cn": "zh-cn"}


def computing_vocabulary(path: Path = COMPUTING_LIST) -> dict[str, dict[str, str]]:
    """{"zh-tw": {mainland word: domain}, "zh-cn": {Taiwan word: domain}} (Simplified forms;
    domain "" for site-wide, :data:`IT` for the computing group), from the committed list."""
    words: dict[str, dict[str, str]] = {"zh-tw": {}, "zh-cn": {}}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            side, word, scope = line.split("\t")
            words[side][word] = "" if scope == "site" else IT
    return words


def script_phrase_keys() -> list[str]:
    """The keys of the wheel's ``STPhrases`` (the phrase step of ``s2t`` / ``s2tw`` / ``s2hk``) that
    read otherwise than their characters one by one (``STCharacters``' first candidates): the
    script phrases that change a text, so the ones whose match across a word boundary changes it
    wrongly (一|个中|队 → 一箇中隊, 总|发行 → 總髮行; :func:`articles.regional.script_cuts`)."""
    characters = {key: values[0] for key, values in dump_ocd2("STCharacters").items()}
    return sorted(key for key, values in dump_ocd2("STPhrases").items()
                  if len(key) > 1 and "".join(characters.get(char, char) for char in key) != values[0])


#: Words site-wide whatever MediaWiki's tables say: issue 25 names 資訊/信息 as vocabulary every
#: Taiwan reader expects (with 軟體/软件 and 計程車/出租车). Keyed by side, in Simplified.
SITE_WIDE_BY_ISSUE = {"zh-tw": {"信息", "信息安全", "信息技术"}, "zh-cn": {"资讯", "资讯科技"}}


def derive_computing_vocabulary(it_file: Path, to_tw: Path, to_cn: Path) -> list[str]:
    """The lines of :data:`COMPUTING_LIST`: OpenCC's IT keys (``TWPhrasesIT.txt``) marked ``site``
    when MediaWiki's ``toTW.manual`` converts the word too, else ``it``; and the Taiwan words that
    only IT entries of the installed wheel give (the keys of the reverse table that concern it),
    marked ``site`` when MediaWiki's ``toCN.manual`` converts them or when jieba's dictionary (built
    from mainland text) does not know them, else ``it``."""
    fold = opencc.OpenCC("t2s")

    def keys(path: Path) -> set[str]:
        return {fold.convert(line.split("\t")[0]) for line in path.read_text(encoding="utf-8").splitlines()
                if line.strip() and not line.startswith("#")}

    it_keys, tw_site, cn_site = keys(it_file), keys(to_tw), keys(to_cn)
    tw_site |= SITE_WIDE_BY_ISSUE["zh-tw"]
    cn_site |= SITE_WIDE_BY_ISSUE["zh-cn"]
    phrases = dump_ocd2("TWPhrases")
    it_values = {fold.convert(v) for k, vs in phrases.items() if fold.convert(k) in it_keys for v in vs}
    other_values = {fold.convert(v) for k, vs in phrases.items() if fold.convert(k) not in it_keys for v in vs}
    taiwan_words = {fold.convert(k) for k in dump_ocd2("TWPhrasesRev")} & it_values - other_values
    lines = [f"zh-tw\t{w}\t{'site' if w in tw_site else IT}" for w in sorted(it_keys)]
    from .regional import _segmenter

    mainland = _segmenter()  # jieba's dictionary: words of mainland text
    lines += [f"zh-cn\t{w}\t{'site' if w in cn_site or not mainland.has_word(w) else IT}" for w in sorted(taiwan_words)]
    return lines


COMPUTING_HEADER = """\
# The computing vocabulary's domain, read by `make regional-phrases` (articles/regional_phrases_data.py).
# Word lists only. zh-tw lines: the keys of OpenCC's data/dictionary/TWPhrasesIT.txt (BYVoid/OpenCC
# commit 0435ab44, Apache-2.0, Copyright BYVoid and contributors), in Simplified; zh-cn lines: the Taiwan
# words only those entries give in the opencc 1.4.2 wheel (the keys of its reverse table TWPhrasesRev).
# site: MediaWiki's site-wide table also converts the word (maintenance/language/zhtable/toTW.manual for
# zh-tw lines, toCN.manual for zh-cn lines), or issue 25 names it (信息/资讯: SITE_WIDE_BY_ISSUE); it: only
# articles of the conversion group 计算机 get it.
# side<TAB>word<TAB>site|it"""


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--derive-computing":
        # python -m articles.regional_phrases_data --derive-computing TWPhrasesIT.txt toTW.manual toCN.manual
        lines = derive_computing_vocabulary(*(Path(arg) for arg in sys.argv[2:]))
        COMPUTING_LIST.write_text(COMPUTING_HEADER + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
        print(f"wrote {len(lines)} words to {COMPUTING_LIST}", file=sys.stderr)
        return
    fold = opencc.OpenCC("t2s")
    lines = ["# Generated by `make regional-phrases` from the opencc wheel's .ocd2 files; do not edit.",
             "# variant<TAB>phrase in Simplified<TAB>phrase the variant reads<TAB>domain (empty: site-wide; it: 计算机)"]
    domains = computing_vocabulary()
    for variant, sources in SOURCES.items():
        seen: dict[str, str] = {}
        for name, config in sources:
            forms = opencc.OpenCC(config)
            for key, values in sorted(dump_ocd2(name).items()):
                simplified, wanted = fold.convert(key), forms.convert(values[0])
                if simplified not in seen:
                    seen[simplified] = wanted
        side = domains.get(DOMAIN_SIDE.get(variant, ""), {})
        lines += [f"{variant}\t{key}\t{value}\t{side.get(key, '')}" for key, value in sorted(seen.items())]
    OUTPUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines) - 2} entries to {OUTPUT}", file=sys.stderr)
    keys = script_phrase_keys()
    SCRIPT_OUTPUT.write_text("# Generated by `make regional-phrases` from the opencc wheel's STPhrases / STCharacters; do not edit.\n"
                             "# The script phrases (Simplified) that read otherwise than their characters one by one.\n"
                             + "\n".join(keys) + "\n", encoding="utf-8")
    print(f"wrote {len(keys)} script phrases to {SCRIPT_OUTPUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
