"""`gatepost eval`: the metric arithmetic on hand-made results, and the corpus figures."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from policies import Action
from proxy.evaluate import BadCorpusLine, Case, Rate, Result, measure, read_corpus, render

# The figures the shipped corpus reaches under the default policy; a change
# that does worse fails. Raise them as detection improves (never lower them
# to make a test pass).
BLOCK_RECALL_MIN = 1.0
FLAG_RECALL_MIN = 1.0
CLEAN_FP_RATE_MAX = 0.0
EVASION_RATE_MIN = 1.0

CORPUS = Path(__file__).parent.parent / "data" / "corpus.jsonl"
GATEPOST = shutil.which("gatepost") or str(Path(sys.executable).with_name("gatepost"))
ALLOW, REDACT, FLAG, BLOCK = Action.ALLOW, Action.REDACT, Action.FLAG, Action.BLOCK


def result(expect: Action, got: Action, category: str = "c", id: str = "x") -> Result:
    return Result(Case(id, "text", expect, category), got)


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([GATEPOST, *args], input=stdin, capture_output=True, text=True,
                          timeout=120)


@pytest.mark.parametrize(
    ("expect", "got", "met"),
    [
        (ALLOW, ALLOW, True),
        (ALLOW, REDACT, False),
        (ALLOW, FLAG, False),
        (ALLOW, BLOCK, False),
        (FLAG, ALLOW, False),
        (FLAG, REDACT, False),
        (FLAG, FLAG, True),
        (FLAG, BLOCK, True),  # held all the same
        (BLOCK, FLAG, False),
        (BLOCK, BLOCK, True),
    ],
)
def test_a_post_meets_its_expectation_when_decided_at_least_as_strictly(expect, got, met):
    assert result(expect, got).met is met


@pytest.mark.parametrize(
    ("decisions", "block_recall", "flag_recall", "clean_fp"),
    [
        ([(BLOCK, BLOCK), (FLAG, FLAG), (ALLOW, ALLOW)], Rate(1, 1), Rate(1, 1), Rate(0, 1)),
        ([(BLOCK, FLAG), (BLOCK, BLOCK)], Rate(1, 2), Rate(0, 0), Rate(0, 0)),
        ([(FLAG, BLOCK), (FLAG, ALLOW), (FLAG, FLAG)], Rate(0, 0), Rate(2, 3), Rate(0, 0)),
        ([(ALLOW, ALLOW), (ALLOW, REDACT), (ALLOW, BLOCK), (ALLOW, ALLOW)],
         Rate(0, 0), Rate(0, 0), Rate(2, 4)),
        ([], Rate(0, 0), Rate(0, 0), Rate(0, 0)),
    ],
)
def test_recalls_and_clean_false_positive_rate(decisions, block_recall, flag_recall, clean_fp):
    metrics = measure([result(e, g) for e, g in decisions])
    assert metrics.posts == len(decisions)
    assert (metrics.block_recall, metrics.flag_recall, metrics.clean_fp_rate) == (
        block_recall, flag_recall, clean_fp)


@pytest.mark.parametrize(("rate", "value"), [(Rate(0, 0), None), (Rate(1, 4), 0.25),
                                             (Rate(3, 3), 1.0)])
def test_a_rate_of_nothing_measured_is_none(rate, value):
    assert rate.value == value


def test_confusion_matrix_counts_expected_by_decided_with_every_cell_present():
    metrics = measure([result(BLOCK, BLOCK), result(BLOCK, ALLOW), result(BLOCK, ALLOW),
                       result(FLAG, BLOCK), result(ALLOW, ALLOW)])
    assert metrics.confusion[BLOCK] == {ALLOW: 2, REDACT: 0, FLAG: 0, BLOCK: 1}
    assert metrics.confusion[FLAG] == {ALLOW: 0, REDACT: 0, FLAG: 0, BLOCK: 1}
    assert metrics.confusion[ALLOW] == {ALLOW: 1, REDACT: 0, FLAG: 0, BLOCK: 0}
    assert metrics.confusion[REDACT] == {ALLOW: 0, REDACT: 0, FLAG: 0, BLOCK: 0}


def test_categories_keep_corpus_order_and_misses_are_the_unmet_posts_in_order():
    results = [
        result(ALLOW, ALLOW, "clean", "c1"),
        result(BLOCK, ALLOW, "secret", "s1"),
        result(ALLOW, FLAG, "clean", "c2"),
        result(BLOCK, BLOCK, "secret", "s2"),
        result(FLAG, BLOCK, "evasion", "e1"),
    ]
    metrics = measure(results)
    assert list(metrics.categories.items()) == [
        ("clean", Rate(1, 2)), ("secret", Rate(1, 2)), ("evasion", Rate(1, 1))]
    assert [m.case.id for m in metrics.misses] == ["s1", "c2"]


def test_metrics_are_frozen():
    metrics = measure([result(ALLOW, ALLOW)])
    with pytest.raises(AttributeError):
        metrics.posts = 2  # type: ignore[misc]
    with pytest.raises(TypeError):
        metrics.confusion[ALLOW][ALLOW] = 5  # type: ignore[index]


def test_render_shows_misses_by_id_and_rule_and_text_only_when_asked():
    miss = Result(Case("s1", "key AKIA...", BLOCK, "secret"), FLAG, ("personal-contact",),
                  ("EMAIL_ADDRESS",))
    metrics = measure([miss, result(ALLOW, ALLOW)])
    quiet = "\n".join(render(metrics))
    assert "s1  expected block, got flag; rules: personal-contact [EMAIL_ADDRESS]" in quiet
    assert "AKIA" not in quiet
    assert "text: key AKIA..." in "\n".join(render(metrics, show_text=True))


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("not json", "bad labelled post"),
        ('["a list"]', "must be a JSON object"),
        ('{"id": "a", "expect": "allow"}', "missing text"),
        ('{"id": "a", "text": "hi"}', "missing expect"),
        ('{"id": "a", "text": "hi", "expect": "maybe"}', "expect must be one of"),
        ('{"id": "a", "text": 3, "expect": "allow"}', "text must be a string"),
        ('{"id": "a", "text": "hi", "expect": "allow", "groups": "sales"}', "groups must be"),
        ('{"id": "first", "text": "hi", "expect": "allow"}', "duplicate id 'first'"),
    ],
)
def test_a_bad_corpus_line_is_named_by_file_and_line(line, problem):
    stream = io.StringIO('{"id": "first", "text": "ok", "expect": "allow"}\n\n' + line + "\n")
    stream.name = "corpus.jsonl"
    with pytest.raises(BadCorpusLine) as caught:
        list(read_corpus(stream))
    assert str(caught.value).startswith("corpus.jsonl:3: ")
    assert problem in str(caught.value)


def test_a_corpus_line_without_id_or_category_gets_its_line_number_and_a_default():
    stream = io.StringIO('{"text": "hi", "expect": "flag"}\n')
    (case,) = read_corpus(stream)
    assert (case.id, case.expect, case.category) == ("1", FLAG, "uncategorised")


def test_eval_prints_the_figures_and_exits_0_even_with_misses(tmp_path):
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "version: 1\n"
        "rules:\n"
        "  - id: codenames\n"
        "    action: block\n"
        "    match: {terms: [Falcon]}\n",
        encoding="utf-8",
    )
    posts = [{"id": "ok", "text": "Lovely day", "expect": "allow", "category": "clean"},
             {"id": "hit", "text": "Falcon ships", "expect": "block", "category": "codename"},
             {"id": "miss", "text": "Kestrel ships", "expect": "block", "category": "codename"}]
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps(p) + "\n" for p in posts), encoding="utf-8")
    result = run("eval", "--policy", str(policy), "--input", str(corpus))
    assert result.returncode == 0, result.stderr
    assert "block recall    0.500  (1/2 blocked)" in result.stdout
    assert "miss  expected block, got allow; rules: -" in result.stdout
    assert "Kestrel" not in result.stdout
    assert "done: 3 posts" in result.stderr


def test_eval_of_a_bad_line_exits_1_naming_file_and_line(tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"id": 1, "text": "ok", "expect": "allow"}\n{"id": 2}\n',
                      encoding="utf-8")
    result = run("eval", "--input", str(corpus))
    assert result.returncode == 1
    assert f"{corpus}:2: bad labelled post" in result.stderr


def test_eval_has_help():
    result = run("eval", "--help")
    assert result.returncode == 0
    assert "Usage: gatepost eval" in result.stdout


def test_shipped_corpus_under_the_default_policy_holds_its_figures():
    result = run("eval", "--input", str(CORPUS), "--json")
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    misses = [(m["id"], m["got"], m["rules"]) for m in figures["misses"]]
    assert figures["block_recall"]["rate"] >= BLOCK_RECALL_MIN, misses
    assert figures["flag_recall"]["rate"] >= FLAG_RECALL_MIN, misses
    assert figures["clean_fp_rate"]["rate"] <= CLEAN_FP_RATE_MAX, misses
    assert figures["categories"]["evasion"]["rate"] >= EVASION_RATE_MIN, misses


def test_shipped_corpus_is_labelled_as_documented():
    with CORPUS.open(encoding="utf-8") as stream:
        cases = list(read_corpus(stream))
    per_category: dict[str, int] = {}
    for case in cases:
        per_category[case.category] = per_category.get(case.category, 0) + 1
    assert len(cases) >= 320
    assert per_category["clean"] >= 0.45 * len(cases)
    assert per_category["hard-negative"] >= 40
    assert per_category["evasion"] >= 25
    for rule in ("secret", "id-number", "codename", "customer", "contact", "internal-link"):
        assert per_category[rule] >= 20, rule
    assert all(c.expect is ALLOW for c in cases if c.category in {"clean", "hard-negative"})
