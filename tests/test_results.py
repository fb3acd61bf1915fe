"""`make results`: the script runs end to end and writes what chapter 11 reads, and the
committed results are real runs of the networks as the code builds them today."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from cnncourse.models import MODELS, RESULT_MODELS
from cnncourse.results import TARGETS, count_flops, count_params

REPO = Path(__file__).resolve().parent.parent
COMMITTED = sorted((REPO / "results").glob("*.json"))


def test_results_script_writes_a_record_per_network_it_trains(tmp_path):
    """A smoke run (`--quick`: two small batches a network) of a shallow and a deep
    network (every network's builder is exercised by its chapter and exercise)."""
    names = ["lenet", "resnet18"]
    done = subprocess.run([sys.executable, "-m", "cnncourse.results", "--quick", "--models", *names,
                           "--out", str(tmp_path)], capture_output=True, text=True, timeout=600, cwd=REPO)
    assert done.returncode == 0, done.stderr[-3000:]
    assert sorted(p.stem for p in tmp_path.glob("*.json")) == sorted(names)
    for name in names:
        record = json.loads((tmp_path / f"{name}.json").read_text())
        assert record["model"] == name and record["quick"] is True
        assert record["params"] == count_params(MODELS[name]())
        assert record["epochs"] == record["recipe"]["epochs"] == len(record["val_acc"]) == 1
        assert record["recipe"]["batch_size"] == 32, "the record holds the recipe as run"
        assert 0.0 <= record["test_acc"] <= 1.0 and record["target"] == TARGETS[name]
        assert record["met"] == (record["test_acc"] >= record["target"])
        provenance = record["provenance"]
        assert provenance["git_commit"] not in ("", "unknown") and provenance["seed"] == 0
        assert "--quick" in provenance["command"] and provenance["date"] and provenance["hardware"]
    assert "test accuracy" in done.stdout


@pytest.mark.parametrize("path", COMMITTED, ids=[p.stem for p in COMMITTED])
def test_committed_result_is_a_full_run_of_todays_network(path):
    record = json.loads(path.read_text())
    name = record["model"]
    assert path.stem == name and name in RESULT_MODELS
    assert record["quick"] is False, "a smoke test is not a result"
    assert record["provenance"]["git_dirty"] is False, "results come from a committed tree"
    model = MODELS[name]()
    assert record["params"] == count_params(model), "the network changed since this run"
    assert record["flops"] == count_flops(model)
    assert record["met"] is True and record["test_acc"] >= TARGETS[name]
    assert len(record["val_acc"]) == record["epochs"] and max(record["val_acc"]) == record["best_val_acc"]
