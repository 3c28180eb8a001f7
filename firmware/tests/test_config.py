"""config.json at boot (shared/meterrecord/config.py through firmware/main.load_config, on
the micropython binary): a typo in a setting leaves the collector running on the default
with the reason in `status`, never a boot loop."""
import json
import subprocess

from fordel.paths import FIRMWARE, SHARED, micropython_binary

SCRIPT = r"""
import sys, json
sys.path[:0] = [%(fw)r, %(shared)r]
class Board:
    NAME = "stub"
sys.modules["board"] = Board
import main
cfg, err = main.load_config(%(flash)r)
print(json.dumps({"cfg": cfg, "err": err}))
"""


def load(tmp_path, text):
    if text is not None:
        (tmp_path / "config.json").write_text(text)
    p = subprocess.run([micropython_binary(), "-X", "heapsize=2M", "-c",
                        SCRIPT % {"fw": str(FIRMWARE), "shared": str(SHARED),
                                  "flash": str(tmp_path)}],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stdout + p.stderr
    return json.loads(p.stdout.strip().splitlines()[-1])


def test_good_config_is_taken_as_given(tmp_path):
    given = {"collector_id": "hus-7", "link_mode": "T1", "upload_every_s": 300,
             "upload_url": "https://ingest.example:8443/upload", "upload_key": "ab" * 16,
             "ca_cert": "ingest-ca.der"}
    out = load(tmp_path, json.dumps(given))
    assert out["err"] is None
    for k, v in given.items():
        assert out["cfg"][k] == v


def test_typos_fall_back_to_defaults_and_are_named(tmp_path):
    out = load(tmp_path, json.dumps({"collector_id": "hus-7", "link_mode": "C1T2",
                                     "upload_url": "htp://x/upload", "upload_key": "ab" * 16,
                                     "uplod_every_s": 30}))
    cfg, err = out["cfg"], out["err"]
    assert cfg["collector_id"] == "hus-7"
    assert cfg["link_mode"] == "C1T1" and "link_mode 'C1T2' must be one of" in err
    assert cfg["upload_url"] == "" and "upload_url 'htp://x/upload' must start with" in err
    assert "uplod_every_s: unknown setting" in err


def test_missing_and_broken_file(tmp_path):
    assert "config.json missing" in load(tmp_path, None)["err"]
    out = load(tmp_path, "{collector_id: 1")
    assert "not valid JSON" in out["err"] and out["cfg"]["collector_id"] == "unnamed"


def test_upload_url_without_key_does_not_upload(tmp_path):
    out = load(tmp_path, json.dumps({"upload_url": "http://127.0.0.1:9/upload"}))
    assert out["cfg"]["upload_url"] == "" and "upload_key is empty" in out["err"]


def test_typo_on_the_sim_board_keeps_it_collecting(tmp_path):
    """The whole firmware with a link_mode typo: no boot loop, the radio up on the default
    mode, the reason in `status`."""
    from fordel.device.simboard import SimBoard
    from fordel.sim.im871a import Im871aSimulator
    sim = Im871aSimulator()
    board = SimBoard(tmp_path / "board")
    try:
        board.put_files({"config.json": json.dumps({"collector_id": "t", "link_mode": "T2"})})
        board.start(sim.start())
        con = board.console(timeout=15)
        st = board.wait_for(lambda: (lambda s: s if s["radio"]["state"] == "ok" else None)(
            con.query("status")), 30, "the radio")
        con.close()
        assert "link_mode 'T2' must be one of S1/T1/C1/C1T1; using 'C1T1'" in st["config_error"]
        assert st["radio"]["link_mode"] == "C1T1" and board.restarts == 0
    finally:
        board.stop()
        sim.close()


def test_https_without_a_ca_is_named_and_not_used(tmp_path):
    # the ingest server's certificate is always checked: no CA file, no https upload
    out = load(tmp_path, json.dumps({"collector_id": "hus-7", "upload_key": "ab" * 16,
                                     "upload_url": "https://ingest.example/upload"}))
    assert "ca_cert is empty" in out["err"]
    assert out["cfg"]["upload_url"] == ""


def test_danish_collector_id_is_taken(tmp_path):
    # ids travel as UTF-8 to ingest (docs/ingest.md); a Danish letter is a letter
    out = load(tmp_path, json.dumps({"collector_id": "Søndergade-1"}))
    assert out["err"] is None and out["cfg"]["collector_id"] == "Søndergade-1"
