"""`khlang serve` as a user runs it."""

from __future__ import annotations

import httpx

from tests.api.server import running_khlang


def test_serve_answers_on_its_port(api_catalog) -> None:
    with running_khlang(api_catalog.home) as url:
        body = httpx.get(f"{url}/api/v1/datasets", params={"q": "เชียงใหม่"}, timeout=60).json()
        assert body["results"][0]["name"] == "chiang-mai-allocation"
        assert "ratelimit-limit" in httpx.get(f"{url}/api/v1").headers


def test_serve_refuses_a_home_without_a_catalog(khlang_cli, tmp_path) -> None:
    result = khlang_cli("serve", "--home", str(tmp_path / "nothing"), "--port", "1")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
