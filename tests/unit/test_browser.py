from pathlib import Path

import pytest

from tests.browser import NoChromium, find_chromium


def test_no_chromium_is_an_error_saying_how_to_install_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PROVGRAPH_CHROMIUM", raising=False)
    with pytest.raises(NoChromium, match="apt-get install chromium"):
        find_chromium(candidates=("no-such-browser-anywhere",))


def test_a_configured_path_that_is_not_a_browser_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PROVGRAPH_CHROMIUM", str(tmp_path / "missing"))
    with pytest.raises(NoChromium, match="PROVGRAPH_CHROMIUM=.*missing"):
        find_chromium()
