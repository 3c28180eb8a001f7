"""export.csv and export.json are written a statement at a time (memory flat for a large
property) and are the same text as the whole-document functions."""
import io
import sys
from pathlib import Path

from fordel.settle import allocate, eed, export
from fordel.settle.property import load

sys.path.insert(0, str(Path(__file__).parent))
from test_render_outputs import small_result  # noqa: E402

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "example-property"


def test_streamed_exports_are_the_whole_document_text():
    for result in (small_result(), allocate.settle(load(EXAMPLE))):
        f = io.StringIO()
        export.write_json(result, f, eed.iter_dicts(result))
        assert f.getvalue() == export.to_json(result, eed.to_dicts(result))
        f = io.StringIO()
        export.write_csv(result, f)
        assert f.getvalue() == export.to_csv(result)
    result = small_result()
    result.eed = []
    f = io.StringIO()
    export.write_json(result, f, [])
    assert f.getvalue() == export.to_json(result, [])
