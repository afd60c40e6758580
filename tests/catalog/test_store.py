"""The catalog store on both back ends: publishing versions, reading them back, files and
their facts, visibility, and the errors a caller can act on."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from khlang.catalog import (
    ANONYMOUS,
    Catalog,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    Principal,
    PublishRejectedError,
)
from khlang.catalog.gate import default_gate
from khlang.catalog.tables import utcnow
from khlang.catalog.unused import delete_unused
from khlang.errors import KhlangError
from tests.catalog.folders import rows_csv, write_folder


def test_first_publish_is_version_1_with_file_facts(catalog: Catalog, publish, tmp_path) -> None:
    folder = write_folder(tmp_path, "budget-one", changes={"issued": None})
    result = publish(folder, change_note="first")
    assert (result.status, result.version, result.created_organization) == ("published", 1, True)

    record = catalog.dataset("budget-one")
    assert record.version == 1
    assert record.organization == "test-org"
    assert record.current.change_note == "first"
    assert record.current.author == "cli:tester"
    csv = (folder / "data/allocation.csv").read_bytes()
    resource = record.current.resources[0]
    assert resource.sha256 == hashlib.sha256(csv).hexdigest()
    assert (resource.byte_size, resource.media_type, resource.format) == (
        len(csv),
        "text/csv",
        "CSV",
    )
    # The facts are in the metadata too, where mappings (DCAT, CKAN) read them.
    metadata = record.current.metadata
    assert metadata.resources[0].hash == f"sha256:{resource.sha256}"
    assert metadata.resources[0].byte_size == len(csv)
    assert metadata.resources[0].media_type == "text/csv"
    assert metadata.issued == metadata.modified == record.current.published_at  # none declared
    # The Table Schema file was read into the version: it needs nothing outside the store.
    assert metadata.resources[0].table_schema["primaryKey"] == ["fiscal_year", "district_code"]

    stored = catalog.resource_file("budget-one", resource.id)
    assert stored.path.read_bytes() == csv
    assert stored.filename == "allocation.csv"
    assert stored.version == 1
    assert (
        resource.download_path
        == f"/dataset/budget-one/resource/{resource.id}/download/allocation.csv"
    )


def test_same_content_makes_no_new_version(catalog: Catalog, publish, tmp_path) -> None:
    folder = write_folder(tmp_path, "budget-same")
    first = publish(folder)
    again = publish(folder)
    assert again.status == "unchanged"
    assert again.version == 1
    assert again.content_hash == first.content_hash
    assert len(catalog.history("budget-same")) == 1


def test_new_version_keeps_resource_id_and_dates(catalog: Catalog, publish, tmp_path) -> None:
    folder = write_folder(tmp_path, "budget-two")
    publish(folder)
    first = catalog.dataset("budget-two").current
    # Metadata-only change: the file's modified date stays.
    write_folder(tmp_path, "budget-two", changes={"notes": "คำอธิบายใหม่"})
    publish(folder, change_note="notes")
    second = catalog.dataset("budget-two").current
    assert second.number == 2
    assert second.resources[0].id == first.resources[0].id
    assert second.resources[0].modified == first.resources[0].modified
    assert second.metadata.issued == first.metadata.issued
    assert second.metadata.modified > first.metadata.modified
    # New bytes: same resource id, new modified date, same issued date.
    write_folder(tmp_path, "budget-two", csv=rows_csv(5), changes={"notes": "คำอธิบายใหม่"})
    publish(folder, change_note="data")
    third = catalog.dataset("budget-two").current
    assert third.resources[0].id == first.resources[0].id
    assert third.resources[0].issued == first.resources[0].issued
    assert third.resources[0].modified > first.resources[0].modified
    assert third.resources[0].sha256 != first.resources[0].sha256

    history = catalog.history("budget-two")
    assert [item.number for item in history] == [3, 2, 1]
    assert [item.change_note for item in history] == ["data", "notes", None]
    # Every version stays readable, with its own file.
    old = catalog.resource_file("budget-two", first.resources[0].id, version=1)
    assert old.path.read_text() == rows_csv()
    assert catalog.version("budget-two", 1).metadata.notes != "คำอธิบายใหม่"


def test_expected_version_detects_a_stale_edit(catalog: Catalog, publish, tmp_path) -> None:
    folder = write_folder(tmp_path, "budget-stale")
    publish(folder, expected_version=0)
    write_folder(tmp_path, "budget-stale", changes={"notes": "แก้ไขครั้งที่ 1"})
    publish(folder, expected_version=1)
    write_folder(tmp_path, "budget-stale", changes={"notes": "แก้ไขจากรุ่นเก่า"})
    with pytest.raises(ConflictError, match="version 1 but the dataset is at version 2"):
        publish(folder, expected_version=1)
    assert catalog.dataset("budget-stale").version == 2


def test_lost_race_at_commit_is_a_conflict_and_keeps_the_winner(
    catalog: Catalog, publish, tmp_path
) -> None:
    """Another writer commits between this publish's staging and its commit: the commit
    must notice (optimistic locking) and leave the other writer's version visible."""
    folder = write_folder(tmp_path, "budget-race")
    publish(folder)
    write_folder(tmp_path, "budget-race", changes={"notes": "ผู้แพ้"})

    def gate_while_someone_else_commits(dataset, files):  # type: ignore[no-untyped-def]
        from khlang.catalog.tables import Dataset as Row

        with catalog.write() as session:
            row = session.query(Row).filter_by(name="budget-race").one()
            row.lock_version += 1
        return default_gate(dataset, files)

    with pytest.raises(ConflictError, match="another publish changed the dataset budget-race"):
        publish(folder, gate=gate_while_someone_else_commits)
    record = catalog.dataset("budget-race")
    assert record.version == 1
    assert record.current.metadata.notes != "ผู้แพ้"
    assert [
        entry.detail["reason"]
        for entry in catalog.audit_log(object_name="budget-race")
        if entry.action == "version.discard"
    ] == ["conflict"]


def test_gate_refusal_keeps_the_previous_version(catalog: Catalog, publish, tmp_path) -> None:
    folder = write_folder(tmp_path, "budget-refused")
    publish(folder)
    write_folder(tmp_path, "budget-refused", csv=rows_csv(2) + "2568,5099,not-a-number\n")
    with pytest.raises(PublishRejectedError, match="type-error 1") as raised:
        publish(folder)
    [validation] = raised.value.report.validation
    assert validation.valid is False
    assert validation.report.tasks[0].tally.findings()[0].row_number == 4
    record = catalog.dataset("budget-refused")
    assert record.version == 1
    stored = catalog.resource_file("budget-refused", record.current.resources[0].id)
    assert stored.path.read_text() == rows_csv()
    assert [
        entry.detail["reason"]
        for entry in catalog.audit_log(object_name="budget-refused")
        if entry.action == "version.discard"
    ] == ["rejected"]
    # The refused file was stored for the checks, and deleted with the refused version.
    assert [sha256 for sha256, _ in catalog.blobs.stored()] == [stored.sha256]
    assert catalog.check(actor=Principal.operator("cli:tester")).findings == []


def test_files_a_publish_relies_on_are_never_deleted(catalog: Catalog, publish, tmp_path) -> None:
    """`delete_unused` (refused publishes, check --repair) spares the files of a publish
    still running and of published versions, and deletes the rest."""
    seen: list[set[str]] = []

    def gate_that_sweeps(dataset, files):  # type: ignore[no-untyped-def]
        hashes = {item.path.parent.name + item.path.name for item in files}
        seen.append(hashes)
        assert delete_unused(catalog.context, hashes, older_than=utcnow()) == set()
        assert all(item.path.is_file() for item in files)
        return default_gate(dataset, files)

    folder = write_folder(tmp_path, "budget-swept")
    publish(folder, gate=gate_that_sweeps)
    assert delete_unused(catalog.context, seen[0]) == set()
    stray = catalog.blobs.put(
        write_folder(tmp_path / "x", "stray", csv=rows_csv(7)) / "data/allocation.csv"
    )
    assert delete_unused(catalog.context, {stray.sha256, *seen[0]}) == {stray.sha256}
    assert not catalog.blobs.exists(stray.sha256)
    assert catalog.blobs.exists(next(iter(seen[0])))


def test_private_and_withdrawn_visibility(catalog: Catalog, publish, tmp_path) -> None:
    publish(write_folder(tmp_path, "open-data"))
    publish(write_folder(tmp_path, "closed-data", changes={"private": True}))
    publish(
        write_folder(
            tmp_path, "other-org-data", organization="other-org", changes={"private": True}
        )
    )
    member = Principal(name="somchai", roles={"test-org": "member"})

    assert [item.name for item in catalog.datasets()] == ["open-data"]
    assert [item.name for item in catalog.datasets(viewer=member)] == ["closed-data", "open-data"]
    assert catalog.count_datasets(viewer=member) == 2
    assert catalog.count_datasets(viewer=Principal.operator()) == 3
    assert [
        item.name
        for item in catalog.datasets(organization="other-org", viewer=Principal.operator())
    ] == ["other-org-data"]
    with pytest.raises(NotFoundError):
        catalog.dataset("closed-data", viewer=ANONYMOUS)
    with pytest.raises(NotFoundError):
        catalog.dataset("other-org-data", viewer=member)
    assert catalog.dataset("closed-data", viewer=member).private

    editor = Principal(name="somsri", roles={"test-org": "editor"})
    with pytest.raises(PermissionDeniedError):
        catalog.withdraw("open-data", actor=member)
    catalog.withdraw("open-data", actor=editor, note="ซ้ำกับชุดข้อมูลอื่น")
    assert catalog.datasets() == []
    assert [item.name for item in catalog.datasets(include_withdrawn=True)] == ["open-data"]
    withdrawn = catalog.dataset("open-data")
    assert withdrawn.state == "withdrawn"
    assert withdrawn.withdrawn_note == "ซ้ำกับชุดข้อมูลอื่น"
    with pytest.raises(ConflictError, match="withdrawn"):
        publish(write_folder(tmp_path, "open-data", changes={"notes": "ใหม่"}))
    catalog.reinstate("open-data", actor=editor)
    assert [item.name for item in catalog.datasets()] == ["open-data"]


def test_editor_publishes_only_for_their_organisation(catalog: Catalog, publish, tmp_path) -> None:
    publish(write_folder(tmp_path, "seed"))  # creates test-org
    editor = Principal(name="somsri", roles={"test-org": "editor"})
    member = Principal(name="somchai", roles={"test-org": "member"})
    assert publish(write_folder(tmp_path, "by-editor"), actor=editor).version == 1
    with pytest.raises(PermissionDeniedError):
        publish(write_folder(tmp_path, "by-member"), actor=member)
    with pytest.raises(PermissionDeniedError):
        publish(write_folder(tmp_path, "elsewhere", organization="other-org"), actor=editor)
    with pytest.raises(NotFoundError, match="other-org"):
        publish(
            write_folder(tmp_path, "no-org", organization="other-org"), create_organization=False
        )


def test_a_name_belongs_to_one_organisation(catalog: Catalog, publish, tmp_path) -> None:
    publish(write_folder(tmp_path / "a", "shared-name", organization="org-a"))
    with pytest.raises(ConflictError, match="belongs to a dataset of org-a"):
        publish(write_folder(tmp_path / "b", "shared-name", organization="org-b"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": "Bad Name"}, "URL name"),
        ({"owner_org": None}, "owner_org"),
        ({"resources": [{"name": "x", "path": "../outside.csv"}]}, "inside the dataset folder"),
        ({"resources": [{"name": "x", "path": "/etc/passwd"}]}, "inside the dataset folder"),
        ({"resources": [{"name": "x", "path": "data/missing.csv"}]}, "no such file"),
        (
            {"resources": [{"name": "x", "path": "data/allocation.csv", "byte_size": 1}]},
            "declared 1 bytes",
        ),
        (
            {
                "resources": [
                    {"name": "x", "path": "data/allocation.csv", "hash": "sha256:" + "0" * 64}
                ]
            },
            "declared sha256:000",
        ),
        (
            {
                "resources": [
                    {"name": "x", "path": "data/allocation.csv"},
                    {"name": "y", "path": "data/allocation.csv"},
                ]
            },
            "same path or name",
        ),
    ],
)
def test_bad_folders_are_refused_before_anything_is_stored(
    catalog: Catalog, publish, tmp_path, change, message
) -> None:
    (tmp_path / "outside.csv").write_text("secret\n")
    folder = write_folder(tmp_path, "bad-folder", changes=change)
    with pytest.raises(KhlangError, match=message) as raised:
        publish(folder)
    assert "dataset.yaml" in raised.value.render()
    assert catalog.count_datasets(viewer=Principal.operator()) == 0
    assert list(catalog.blobs.stored()) == []


def test_datapackage_hash_must_match(catalog: Catalog, publish, tmp_path) -> None:
    folder = write_folder(tmp_path, "dp-hash")
    package = json.loads((folder / "datapackage.json").read_text())
    package["resources"][0]["hash"] = "md5:" + "1" * 32
    (folder / "datapackage.json").write_text(json.dumps(package))
    with pytest.raises(KhlangError, match=r"datapackage.json \(data/allocation.csv\)"):
        publish(folder)
    actual = hashlib.md5((folder / "data/allocation.csv").read_bytes()).hexdigest()  # noqa: S324
    package["resources"][0]["hash"] = actual
    (folder / "datapackage.json").write_text(json.dumps(package))
    assert publish(folder).version == 1


def test_unknown_names_are_not_found(catalog: Catalog, publish, tmp_path) -> None:
    publish(write_folder(tmp_path, "known"))
    with pytest.raises(NotFoundError, match="no dataset named 'unknown'"):
        catalog.dataset("unknown")
    with pytest.raises(NotFoundError):
        catalog.version("known", 7)
    with pytest.raises(NotFoundError):
        catalog.resource_file("known", "no-such-resource")


def test_every_write_is_audited(catalog: Catalog, publish, tmp_path) -> None:
    folder = write_folder(tmp_path, "audited")
    publish(folder, change_note="แรก")
    catalog.withdraw("audited", actor=Principal.operator("cli:tester"))
    actions = [entry.action for entry in reversed(catalog.audit_log(object_name="audited"))]
    assert actions == ["dataset.create", "version.stage", "version.publish", "dataset.withdraw"]
    publish_entry = catalog.audit_log(object_name="audited")[1]
    assert publish_entry.actor == "cli:tester"
    assert publish_entry.detail["version"] == 1


def test_opening_a_missing_catalog_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="khlang catalog init"):
        Catalog.open(tmp_path / "nowhere")
    assert not (tmp_path / "nowhere").exists()


def test_a_new_organisation_takes_the_publisher_block(catalog: Catalog, publish, tmp_path) -> None:
    result = publish(write_folder(tmp_path, "with-publisher", organization="cm-office"))
    assert result.created_organization
    organization = catalog.organization("cm-office")
    assert str(organization.title) == "สำนักงานจังหวัดเชียงใหม่ / Chiang Mai Provincial Office"
    assert (organization.catalog_type, organization.email) == (
        "area_based",
        "opendata@chiangmai.go.th",
    )
