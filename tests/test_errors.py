"""Every error class carries its outcome (`code`, HTTP `status`, CLI `exit_code`) and each
front end answers it through its one handler: the same mistake made through the HTTP API (the
app's TestClient) and through the `khlang` command gets the documented status and exit code,
and the user reads its message in both. The command runs through the entry point a shell
reaches (`khlang.cli.main`, tests/conftest.py's run_khlang_here) in this process, as a real
process costs seconds of start-up each; one test runs a real process, so that the shell's
exit code is the one main() chose."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from ruamel.yaml import YAML

from khlang.api.errors import ApiError
from khlang.catalog.errors import (
    BadApiKeyError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    PublishRejectedError,
)
from khlang.errors import KhlangError
from tests.api import catalog_fixture
from tests.api.catalog_fixture import copy_of, dataset_folder
from tests.api.conftest import make_app
from tests.conftest import run_khlang, run_khlang_here

API = "/api/v1"
DATASET = "chiang-mai-allocation"  # published by the fixture catalog, organisation cm-office
BAD_KEY = "khlang_" + "x" * 43


@dataclass(frozen=True)
class World:
    built: catalog_fixture.TestCatalog
    client: TestClient
    root: Path

    def key(self, who: str) -> str:
        return self.built.keys[who]

    def cli(self, *args: str, process: bool = False) -> tuple[int, str]:
        """Run `khlang ARGS --home HOME` (in this process, or in a real one): its exit code
        and what it printed."""
        arguments = (*args, "--home", str(self.built.home))
        environment = {"KHLANG_DATABASE_URL": ""}
        if process:
            result = run_khlang(*arguments, env=environment, timeout=120)
        else:
            result = run_khlang_here(*arguments, env=environment)
        return result.returncode, result.stdout + result.stderr


@pytest.fixture(scope="module")
def world(tmp_path_factory, api_catalog_template) -> World:
    root = tmp_path_factory.mktemp("errors")
    built = copy_of(api_catalog_template, root)
    with TestClient(make_app(built.home)) as client:
        yield World(built, client, root)


def _folder(world: World, name: str, **metadata: object) -> Path:
    folder = dataset_folder(
        world.root / "folders-for-errors",
        name,
        organization="cm-office",
        title=f"งบประมาณทดสอบ {name}",
        title_en=f"Test budget {name}",
    )
    if metadata:
        yaml = YAML()
        document = yaml.load((folder / "dataset.yaml").read_text(encoding="utf-8"))
        document.update(metadata)
        with (folder / "dataset.yaml").open("w", encoding="utf-8") as handle:
            yaml.dump(document, handle)
    return folder


def _zip(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in folder.rglob("*"):
            if path.is_file():
                archive.write(path, str(path.relative_to(folder)))
    return buffer.getvalue()


def _upload(world: World, folder: Path, *, key: str, headers: dict[str, str] | None = None):
    return world.client.post(
        f"{API}/datasets",
        content=_zip(folder),
        headers={
            "Authorization": f"Bearer {world.key(key)}",
            "Content-Type": "application/zip",
            **(headers or {}),
        },
    )


# Each case: the same mistake through the API and through the CLI, and a part of the message.
def not_found(world: World):
    api = world.client.get(f"{API}/datasets/no-such-dataset")
    return (
        api,
        world.cli("catalog", "show", "no-such-dataset"),
        "no dataset named 'no-such-dataset'",
    )


def permission_denied(world: World):
    member = world.key("cm-member")
    api = world.client.post(
        f"{API}/datasets/{DATASET}/withdraw", headers={"Authorization": f"Bearer {member}"}
    )
    cli = world.cli("catalog", "withdraw", DATASET, "--api-key", member)
    return api, cli, "may not"


def conflict(world: World):
    folder = _folder(world, "conflicted")
    api = _upload(world, folder, key="cm-editor", headers={"If-Match": "7"})
    cli = world.cli("catalog", "add", str(folder), "--expect-version", "7")
    return api, cli, "based on version 7"


def publish_rejected(world: World):
    folder = _folder(world, "refused-by-the-gate", maintainer_email="not an e-mail address")
    api = _upload(world, folder, key="cm-editor")
    cli = world.cli("catalog", "add", str(folder))
    return api, cli, "maintainer_email"


def bad_api_key(world: World):
    api = world.client.get(f"{API}/datasets", headers={"Authorization": f"Bearer {BAD_KEY}"})
    cli = world.cli("catalog", "list", "--api-key", BAD_KEY)
    return api, cli, "the API key is unknown, revoked or expired"


def bad_input(world: World):
    folder = _folder(world, "unreadable")
    (folder / "dataset.yaml").write_text("name: [unclosed\n", encoding="utf-8")
    api = _upload(world, folder, key="cm-editor")
    cli = world.cli("catalog", "add", str(folder))
    return api, cli, "invalid YAML"


CASES = {
    NotFoundError: (not_found, 404, "not_found", 2),
    PermissionDeniedError: (permission_denied, 403, "forbidden", 1),
    ConflictError: (conflict, 409, "conflict", 1),
    PublishRejectedError: (publish_rejected, 422, "publish_rejected", 1),
    BadApiKeyError: (bad_api_key, 401, "bad_api_key", 2),
    KhlangError: (bad_input, 400, "bad_request", 2),
}


def _every_error_class(root: type[KhlangError] = KhlangError) -> set[type[KhlangError]]:
    found = {root}
    for subclass in root.__subclasses__():
        found |= _every_error_class(subclass)
    return found


def test_every_error_class_has_a_case() -> None:
    """A new error class must say what both front ends answer (ApiError is raised by the API
    alone, each with its own status and code, so only its exit code is fixed: bad input)."""
    assert _every_error_class() - {ApiError} == set(CASES)
    assert ApiError.exit_code == 2


@pytest.mark.parametrize("kind", CASES, ids=lambda kind: kind.__name__)
def test_both_front_ends_answer_an_error_from_its_class(world: World, kind) -> None:
    make, status, code, exit_code = CASES[kind]
    api, (returncode, printed), message = make(world)
    assert (kind.status, kind.code, kind.exit_code) == (status, code, exit_code)
    assert api.status_code == status, api.text
    error = api.json()["error"]
    assert error["code"] == code
    assert message in error["message"]["en"]
    assert error["message"]["th"]
    assert returncode == exit_code, printed
    assert message in printed.replace("\n", " ")
    assert "Traceback" not in printed
    if kind is BadApiKeyError:
        assert api.headers["www-authenticate"] == "Bearer"
    if kind is PublishRejectedError:
        assert error["report"]["passed"] is False
        assert any(
            f["field"] == "maintainer_email" for f in error["report"]["compliance"]["findings"]
        )


def test_a_real_process_exits_with_the_code_of_the_class(world: World) -> None:
    """What a shell sees of an error a command raised: the real process's exit code and
    message, not only main()'s (the test above runs main() in this process)."""
    member = world.key("cm-member")
    returncode, printed = world.cli(
        "catalog", "withdraw", DATASET, "--api-key", member, process=True
    )
    assert returncode == PermissionDeniedError.exit_code == 1, printed
    assert "may not" in printed.replace("\n", " ")
    assert "Traceback" not in printed
