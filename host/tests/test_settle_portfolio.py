"""`fordel settle` over several properties: each into its own folder, one summary; statements
rendered by a process pool give the same files as one process; a statement that fails is
named and the others are written; a property with bad input is reported and the others
settled; the same per-property function on a Dask LocalCluster of processes."""
import csv
import os
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from fordel.settle import portfolio, render
from fordel.settle.settle_cmd import settle_cmd
from fordel.sim.settlement_folder import write_property

sys.path.insert(0, str(Path(__file__).parent))
from test_render_outputs import small_result  # noqa: E402

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "example-property"


def example_total_ore(apartments):
    """docs/example-property's costs.csv (1000 + 2000 + 300 + 10 DKK for 2 apartments),
    scaled by the generator to `apartments`."""
    return sum(ore * apartments // 2 for ore in (100000, 200000, 30000, 1000))


@pytest.fixture
def estate(tmp_path):
    root = tmp_path / "estate"
    write_property(root / "north", apartments=5, seed=1, name="Nordblokken")
    write_property(root / "south", apartments=3, seed=2, name="Sydblokken")
    return root


def summary_rows(out):
    with open(out / "summary.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_folder_of_properties_in_one_run(tmp_path, estate):
    out = tmp_path / "out"
    r = CliRunner().invoke(settle_cmd, [str(estate), "--out", str(out), "--workers", "2"])
    assert r.exit_code == 0, r.output
    rows = {row["property"]: row for row in summary_rows(out)}
    assert set(rows) == {"Nordblokken", "Sydblokken"}
    for name, folder, n in (("Nordblokken", "north", 5), ("Sydblokken", "south", 3)):
        assert int(rows[name]["statements"]) == n          # one tenancy per apartment
        assert int(rows[name]["total_ore"]) == example_total_ore(n)
        assert rows[name]["out"] == str(out / folder)
        assert len(list((out / folder / "statements").glob("*.pdf"))) == n
        assert (out / folder / "index.html").is_file()
    assert "2 properties, 2 settled, 8 statements" in r.output


def test_parallel_statements_are_the_files_one_process_writes(tmp_path):
    result = small_result()
    one = render.write_outputs(result, tmp_path / "one", workers=1)
    two = render.write_outputs(result, tmp_path / "two", workers=2)
    assert [p.relative_to(tmp_path / "one") for p in one] == \
        [p.relative_to(tmp_path / "two") for p in two]
    for p in (tmp_path / "one" / "statements").iterdir():
        assert p.read_bytes() == (tmp_path / "two" / "statements" / p.name).read_bytes()


def test_failed_statement_in_a_worker_is_named_and_stops_nothing(tmp_path):
    result = small_result()
    result.statements[2].lines[1].amount_ore -= 1
    written = render.write_outputs(result, tmp_path, workers=2)
    assert [t for t, _ in written.failed] == ["T2b"]
    assert len(list((tmp_path / "statements").glob("*.pdf"))) == 3
    assert (tmp_path / "export.csv").is_file()


def test_bad_property_reported_the_others_settled(tmp_path, estate):
    (estate / "south" / "costs.csv").write_text("pool,text,amount_dkk\nfixed,Fast,mange\n")
    out = tmp_path / "out"
    r = CliRunner().invoke(settle_cmd, [str(estate / "north"), str(estate / "south"),
                                        "--out", str(out), "--workers", "1"])
    assert r.exit_code == 1
    rows = {row["folder"]: row for row in summary_rows(out)}
    assert "'mange' is not a number" in rows[str(estate / "south")]["error"]
    assert rows[str(estate / "north")]["error"] == ""
    assert len(list((out / "north" / "statements").glob("*.html"))) == 5


def test_single_property_writes_into_out(tmp_path):
    out = tmp_path / "out"
    r = CliRunner().invoke(settle_cmd, [str(EXAMPLE), "--out", str(out), "--workers", "1"])
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in (out / "statements").glob("*.pdf")) == \
        ["TA.pdf", "TB1.pdf", "TB2.pdf"]
    assert [row["statements"] for row in summary_rows(out)] == ["3"]


def test_not_a_property_folder_is_named(tmp_path):
    (tmp_path / "empty").mkdir()
    r = CliRunner().invoke(settle_cmd, [str(tmp_path / "empty"), "--out", str(tmp_path / "o")])
    assert r.exit_code != 0 and "neither a property folder" in r.output


def test_same_property_function_on_a_dask_local_cluster(tmp_path, estate):
    distributed = pytest.importorskip("dask.distributed")
    from fordel.settle.distributed import settle_on_dask
    shutil.copytree(EXAMPLE, estate / "example")
    folders = portfolio.property_folders([estate])
    local = portfolio.settle_portfolio(folders, tmp_path / "local", workers=1)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None, host="127.0.0.1") as cluster:
        remote = settle_on_dask(folders, tmp_path / "dask", cluster.scheduler_address)

    def key(s):
        return (s.property, s.statements, s.total_ore, s.files, s.failed_statements,
                s.checks_not_ok, s.error)
    assert [key(s) for s in remote] == [key(s) for s in local]
    assert [s.property for s in remote] == ["Prøvehuset", "Nordblokken", "Sydblokken"]
    for name in ("north", "example", "south"):
        for p in (tmp_path / "local" / name / "statements").iterdir():
            assert p.read_bytes() == (tmp_path / "dask" / name / "statements" / p.name) \
                .read_bytes()


class DiesInAWorker:
    """A statement whose rendering kills the worker process (as an out-of-memory kill
    would); harmless in the process that made it."""

    def __init__(self, st, parent):
        self.__dict__.update(vars(st))
        self._parent = parent

    def __getstate__(self):
        return self.__dict__

    def __setstate__(self, state):
        self.__dict__.update(state)
        if os.getpid() != self._parent:
            os._exit(3)


def test_a_dead_worker_names_its_statements_and_the_run_finishes(tmp_path):
    result = small_result()
    result.statements[0] = DiesInAWorker(result.statements[0], os.getpid())
    written = render.write_outputs(result, tmp_path, workers=2)
    failed = dict(written.failed)
    assert "T1" in failed and "worker process failed" in failed["T1"]
    assert (tmp_path / "index.html").is_file() and (tmp_path / "export.csv").is_file()
    for tid in ("T2a", "T2b", "T3"):
        assert tid in failed or (tmp_path / "statements" / (tid + ".pdf")).is_file()
