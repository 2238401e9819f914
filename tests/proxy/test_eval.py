"""`gatepost eval`: metric arithmetic on hand-made results, the report, the corpus figures."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from policies import Action
from proxy.cli import main
from proxy.eval_report import Shown, metrics_json, render, render_parts
from proxy.evaluate import TARGETS, BadCorpusLine, Case, Rate, Result, measure, read_corpus

# The figures the first 423 posts of the dev corpus (written alongside the
# detectors; lines without "added") reach under the default policy; a change
# that does worse fails. Raise them as detection improves (never lower them
# to make a test pass).
BLOCK_RECALL_MIN = 1.0
FLAG_RECALL_MIN = 1.0
CLEAN_FP_RATE_MAX = 0.0
EVASION_RATE_MIN = 1.0

# The whole dev corpus: the 200 round-2 posts ("added": "round2") written
# afresh for the kinds that failed on posts written by outsiders, then 90
# round-3 and 83 round-4 posts ("added": "round3", "round4") written by
# writers who had not read the detectors, after the held-out part was first
# scored. Before tuning against them: round 2 block 0.698, flag 0.801,
# evasion 0.823; round 3 block 0.877, flag 0.778, evasion 0.857; round 4
# block 0.596, flag 1.000, evasion 0.632. These floors are the figures after
# tuning (a change that does worse fails). The held-out part is scored apart.
DEV_BLOCK_RECALL_MIN = 0.99  # 297/300
DEV_FLAG_RECALL_MIN = 0.97  # 151/155
DEV_EVASION_RECALL_MIN = 0.975  # 138/141
DEV_ALLOW_FP_RATE_MAX = 0.005  # 1/341
DEV_MACRO_F1_MIN = 0.985

CORPUS = Path(__file__).parent.parent / "data" / "corpus.jsonl"
ALLOW, REDACT, FLAG, BLOCK = Action.ALLOW, Action.REDACT, Action.FLAG, Action.BLOCK
CODENAME_POLICY = ("version: 1\nrules:\n  - id: codenames\n    action: block\n"
                   "    match: {terms: [Falcon]}\n")


def result(expect: Action, got: Action, category: str = "c", id: str = "x") -> Result:
    return Result(Case(id, "text", expect, category), got)


def run(*args: str):
    return CliRunner().invoke(main, list(args), prog_name="gatepost")


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


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


@pytest.mark.parametrize(
    ("decisions", "f1"),
    [
        ([(ALLOW, ALLOW), (FLAG, FLAG), (BLOCK, BLOCK)], 1.0),
        # allow: 2TP=2, FN=1 -> 2/3; flag: FP=1 -> 0; block: 2TP=2 -> 1; mean 5/9
        ([(ALLOW, ALLOW), (ALLOW, FLAG), (BLOCK, BLOCK)], 5 / 9),
        # a flag expected and blocked is caught, but wrong for F1: flag 0, block 2/3
        ([(FLAG, BLOCK), (BLOCK, BLOCK)], 1 / 3),
        # redact counts against the expected action and for no column
        ([(ALLOW, REDACT), (ALLOW, ALLOW)], 2 / 3),
        ([(BLOCK, ALLOW)], 0.0),
        ([], None),
    ],
)
def test_macro_f1_averages_exact_action_f1_over_the_actions_seen(decisions, f1):
    got = measure([result(e, g) for e, g in decisions]).macro_f1
    assert got == pytest.approx(f1) if f1 is not None else got is None


def test_evasion_recall_counts_evasion_posts_decided_at_least_as_strictly():
    metrics = measure([result(BLOCK, BLOCK, "evasion"), result(FLAG, BLOCK, "evasion"),
                       result(BLOCK, FLAG, "evasion"), result(BLOCK, ALLOW, "secret")])
    assert metrics.evasion_recall == Rate(2, 3)
    assert measure([result(BLOCK, BLOCK, "secret")]).evasion_recall == Rate(0, 0)


def test_hard_negative_false_positives_are_counted_apart_from_all_allow_posts():
    metrics = measure([result(ALLOW, FLAG, "hard-negative"), result(ALLOW, ALLOW, "hard-negative"),
                       result(ALLOW, BLOCK, "clean"), result(ALLOW, ALLOW, "clean")])
    assert metrics.hard_negative_fp_rate == Rate(1, 2)
    assert metrics.clean_fp_rate == Rate(2, 4)


@pytest.mark.parametrize(
    ("decisions", "met"),
    [
        # 97 of 100 blocks is the bound itself: met
        ([(BLOCK, BLOCK)] * 97 + [(BLOCK, FLAG)] * 3, {"block_recall": True}),
        ([(BLOCK, BLOCK)] * 96 + [(BLOCK, FLAG)] * 4, {"block_recall": False}),
        ([(FLAG, FLAG)] * 9 + [(FLAG, ALLOW)], {"flag_recall": True}),
        ([(ALLOW, ALLOW)] * 49 + [(ALLOW, FLAG)], {"clean_fp_rate": True}),
        ([(ALLOW, ALLOW)] * 48 + [(ALLOW, FLAG)] * 2, {"clean_fp_rate": False}),
        ([], {"block_recall": None, "evasion_recall": None}),
    ],
)
def test_targets_are_met_at_their_bound_and_unknown_when_nothing_was_measured(decisions, met):
    metrics = measure([result(e, g) for e, g in decisions])
    verdicts = {t.attr: t.met(metrics) for t in TARGETS}
    assert {attr: verdicts[attr] for attr in met} == met


def test_the_targets_are_the_documented_ones():
    assert [(t.name, t.op, t.bound) for t in TARGETS] == [
        ("block recall", ">=", 0.97), ("flag caught", ">=", 0.90),
        ("evasion recall", ">=", 0.90), ("allow FP rate", "<=", 0.02)]


def test_json_of_a_part_gives_the_new_figures_and_can_keep_misses_back():
    metrics = measure([result(BLOCK, ALLOW, "evasion", "e1"), result(ALLOW, ALLOW, "clean")])
    shown = metrics_json(metrics)
    assert shown["evasion_recall"] == {"rate": 0.0, "hits": 0, "total": 1}
    assert shown["hard_negative_fp_rate"] == {"rate": None, "hits": 0, "total": 0}
    assert shown["macro_f1"] == pytest.approx(1 / 3)
    assert shown["targets"]["block_recall"] == {"name": "block recall", "op": ">=",
                                                "bound": 0.97, "met": False}
    assert shown["miss_count"] == 1 and shown["misses"][0]["id"] == "e1"
    assert "misses" not in metrics_json(metrics, list_misses=False)


def test_parts_side_by_side_list_only_the_dev_misses_unless_asked():
    dev = measure([result(BLOCK, BLOCK, "secret", "d1"), result(BLOCK, ALLOW, "secret", "d2")])
    test = measure([result(BLOCK, ALLOW, "secret", "t1")])
    quiet = render_parts({"dev": dev, "test": test})
    assert quiet[0].split() == ["figure", "target", "dev", "test"]
    assert any(line.split()[:7] == ["block", "recall", ">=", "0.97", "0.500", "(1/2)",
                                    "NOT"] for line in quiet)
    assert any("d2  expected block, got allow" in line for line in quiet)
    assert not any("t1" in line for line in quiet)
    assert any(line.startswith("misses (1): not listed") for line in quiet)
    told = render_parts({"dev": dev, "test": test}, Shown(frozenset({"dev", "test"})))
    assert any("t1  expected block, got allow" in line for line in told)


def test_eval_prints_the_figures_and_exits_0_even_with_misses(tmp_path):
    policy = tmp_path / "p.yaml"
    policy.write_text(CODENAME_POLICY, encoding="utf-8")
    posts = [{"id": "ok", "text": "Lovely day", "expect": "allow", "category": "clean"},
             {"id": "hit", "text": "Falcon ships", "expect": "block", "category": "codename"},
             {"id": "miss", "text": "Kestrel ships", "expect": "block", "category": "codename"}]
    corpus = write_jsonl(tmp_path / "c.jsonl", posts)
    result = run("eval", "--policy", str(policy), "--input", str(corpus))
    assert result.exit_code == 0, result.output
    assert "block recall    0.500  (1/2 blocked)  target >= 0.97: NOT MET" in result.stdout
    assert "macro-F1        0.667" in result.stdout  # allow 2/3, block 2/3; flag never seen
    assert "miss  expected block, got allow; rules: -" in result.stdout
    assert "Kestrel" not in result.stdout
    assert "done: 3 posts" in result.stderr


def _parts(tmp_path: Path) -> tuple[Path, Path]:
    """A small dev and test corpus under tmp_path/tests/data, where eval looks by default."""
    dev = write_jsonl(tmp_path / "tests" / "data" / "corpus.jsonl", [
        {"id": "d-ok", "text": "Lovely day", "expect": "allow", "category": "clean"},
        {"id": "d-hit", "text": "Falcon ships", "expect": "block", "category": "codename"},
        {"id": "d-miss", "text": "Kestrel ships", "expect": "block", "category": "codename"}])
    test = write_jsonl(tmp_path / "tests" / "data" / "heldout" / "test.jsonl", [
        {"id": "t-hit", "text": "Falcon is late", "expect": "block", "category": "evasion"},
        {"id": "t-miss", "text": "Kestrel is late", "expect": "block", "category": "evasion"},
        {"id": "t-ok", "text": "Quiet week", "expect": "allow", "category": "hard-negative"},
        {"id": "t-ok2", "text": "Sunny", "expect": "allow", "category": "clean"}])
    (tmp_path / "p.yaml").write_text(CODENAME_POLICY, encoding="utf-8")
    return dev, test


def test_eval_with_no_input_prints_dev_and_test_side_by_side(tmp_path, monkeypatch):
    _parts(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = run("eval", "--policy", "p.yaml")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["figure", "target", "dev", "test"]
    assert lines[1].split() == ["posts", "3", "4"]
    assert lines[2].split() == ["block", "recall", ">=", "0.97",
                                "0.500", "(1/2)", "NOT", "MET", "0.500", "(1/2)", "NOT", "MET"]
    assert lines[4].split() == ["evasion", "recall", ">=", "0.90", "n/a", "(0/0)",
                                "0.500", "(1/2)", "NOT", "MET"]
    assert lines[5].split() == ["allow", "FP", "rate", "<=", "0.02", "0.000", "(0/1)", "met",
                                "0.000", "(0/2)", "met"]
    assert lines[6].split() == ["hard-negative", "n/a", "(0/0)", "0.000", "(0/1)"]
    assert "== dev ==" in lines and "== test ==" in lines
    assert "  d-miss  expected block, got allow; rules: -" in lines
    assert "t-miss " not in result.stdout and "Kestrel" not in result.stdout
    assert "misses (1): not listed (--show-test-misses lists them" in result.stdout
    assert "done: 7 posts" in result.stderr


def test_eval_lists_test_misses_only_with_show_test_misses(tmp_path):
    dev, test = _parts(tmp_path)
    args = ["eval", "--dev", str(dev), "--test", str(test), "--policy", str(tmp_path / "p.yaml")]
    told = run(*args, "--show-test-misses", "--show-text")
    assert "  t-miss  expected block, got allow; rules: -" in told.stdout
    assert "    text: Kestrel is late" in told.stdout
    figures = json.loads(run(*args, "--json").stdout)
    assert list(figures) == ["dev", "test"]
    assert figures["test"]["block_recall"] == {"rate": 0.5, "hits": 1, "total": 2}
    assert figures["test"]["miss_count"] == 1 and "misses" not in figures["test"]
    assert [m["id"] for m in figures["dev"]["misses"]] == ["d-miss"]
    shown = json.loads(run(*args, "--json", "--show-test-misses").stdout)
    assert [m["id"] for m in shown["test"]["misses"]] == ["t-miss"]


@pytest.mark.parametrize(("missing", "name"), [("tests/data/corpus.jsonl", "dev"),
                                               ("tests/data/heldout/test.jsonl", "test")])
def test_eval_of_a_missing_default_corpus_exits_2_naming_it(tmp_path, monkeypatch, missing, name):
    _parts(tmp_path)
    (tmp_path / missing).unlink()
    monkeypatch.chdir(tmp_path)
    result = run("eval", "--policy", "p.yaml")
    assert result.exit_code == 2
    assert f"{name} corpus not found: {missing}" in result.stderr


def test_eval_of_one_input_refuses_dev_and_test_options(tmp_path):
    dev, test = _parts(tmp_path)
    result = run("eval", "--input", str(dev), "--test", str(test))
    assert result.exit_code == 2
    assert "--input measures one corpus" in result.stderr


def test_eval_of_a_bad_line_exits_1_naming_file_and_line(tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"id": 1, "text": "ok", "expect": "allow"}\n{"id": 2}\n',
                      encoding="utf-8")
    result = run("eval", "--input", str(corpus))
    assert result.exit_code == 1
    assert f"{corpus}:2: bad labelled post" in result.stderr
    result = run("eval", "--dev", str(corpus), "--test", str(corpus))
    assert result.exit_code == 1
    assert f"{corpus}:2: bad labelled post" in result.stderr


def test_eval_has_help_naming_its_options():
    result = run("eval", "--help")
    assert result.exit_code == 0
    assert "Usage: gatepost eval" in result.stdout
    for option in ("--input", "--dev", "--test", "--show-test-misses", "--show-text"):
        assert option in result.stdout
    assert "turns the test part into dev data" in " ".join(result.stdout.split())


def _shipped(tmp_path: Path, *, original_only: bool) -> dict:
    """The default policy's figures on the dev corpus (or its first 423 posts)."""
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    if original_only:
        lines = [line for line in lines if line.strip() and "added" not in json.loads(line)]
    corpus = tmp_path / "dev.jsonl"
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("eval", "--input", str(corpus), "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_first_dev_posts_under_the_default_policy_hold_their_figures(tmp_path):
    figures = _shipped(tmp_path, original_only=True)
    misses = [(m["id"], m["got"], m["rules"]) for m in figures["misses"]]
    assert figures["posts"] == 423
    assert figures["block_recall"]["rate"] >= BLOCK_RECALL_MIN, misses
    assert figures["flag_recall"]["rate"] >= FLAG_RECALL_MIN, misses
    assert figures["clean_fp_rate"]["rate"] <= CLEAN_FP_RATE_MAX, misses
    assert figures["categories"]["evasion"]["rate"] >= EVASION_RATE_MIN, misses


def test_whole_dev_corpus_under_the_default_policy_holds_its_figures(tmp_path):
    figures = _shipped(tmp_path, original_only=False)
    misses = [(m["id"], m["got"]) for m in figures["misses"]]
    assert figures["posts"] >= 796
    assert figures["block_recall"]["rate"] >= DEV_BLOCK_RECALL_MIN, misses
    assert figures["flag_recall"]["rate"] >= DEV_FLAG_RECALL_MIN, misses
    assert figures["evasion_recall"]["rate"] >= DEV_EVASION_RECALL_MIN, misses
    assert figures["clean_fp_rate"]["rate"] <= DEV_ALLOW_FP_RATE_MAX, misses
    assert figures["macro_f1"] >= DEV_MACRO_F1_MIN, misses


def test_shipped_corpus_is_labelled_as_documented():
    with CORPUS.open(encoding="utf-8") as stream:
        cases = list(read_corpus(stream))
    per_category: dict[str, int] = {}
    for case in cases:
        per_category[case.category] = per_category.get(case.category, 0) + 1
    assert len(cases) >= 600
    # Rounds 3 and 4 were mostly positives (passwords, evasions), and round 5 (the
    # spent held-out part v1) is a quarter allowed: allowed posts are now 36% of the
    # corpus, not the 45% of the first two rounds.
    assert per_category["clean"] + per_category["hard-negative"] >= 0.35 * len(cases)
    assert per_category["hard-negative"] >= 100
    assert per_category["evasion"] >= 60
    for rule in ("secret", "password", "id-number", "codename", "customer", "contact",
                 "internal-link"):
        assert per_category[rule] >= 20, rule
    assert all(c.expect is ALLOW for c in cases if c.category in {"clean", "hard-negative"})


def test_later_rounds_are_marked_and_come_after_the_first_423_in_order():
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    rounds = [row.get("added", "round1") for row in rows]
    assert rounds == sorted(rounds) and rounds.count("round1") == 423
    for row in rows[423:]:
        assert row["id"].startswith(f"r{row['added'][-1]}-"), row["id"]
