"""The publishing gate with the real checks: the compliance check and the validators decide,
their findings are kept with the version, and a build without them refuses to publish."""

from __future__ import annotations

import pytest

from khlang.catalog import Catalog, PublishRejectedError
from tests.catalog.folders import rows_csv, write_folder


def test_a_version_keeps_what_the_checks_found(catalog: Catalog, publish, tmp_path) -> None:
    publish(write_folder(tmp_path, "checked"))
    checks = catalog.dataset("checked").current.checks
    assert checks["compliance"]["errors"] == 0
    assert checks["compliance"]["mandatory_complete"] is True
    [validation] = checks["validation"]
    assert validation["valid"] is True
    assert validation["file"] == "data/allocation.csv"
    assert validation["tasks"][0]["path"] == "data/allocation.csv"
    assert validation["tasks"][0]["stats"]["rows"] == 3


def test_metadata_errors_refuse_the_version(catalog: Catalog, publish, tmp_path) -> None:
    folder = write_folder(
        tmp_path, "incomplete", changes={"maintainer_email": None, "data_type": "ข้อมูลสถิต"}
    )
    with pytest.raises(PublishRejectedError) as raised:
        publish(folder)
    message = raised.value.render()
    assert "maintainer_email" in message
    assert "data_type" in message
    findings = raised.value.report["compliance"]["findings"]
    suggestion = next(item for item in findings if item["field"] == "data_type")
    assert suggestion["suggested_value"] == "ข้อมูลสถิติ"
    assert catalog.count_datasets() == 0


def test_table_errors_refuse_the_version(catalog: Catalog, publish, tmp_path) -> None:
    duplicate_key = rows_csv(2) + "2568,5000,1.0\n"
    with pytest.raises(
        PublishRejectedError, match=r"data/allocation.csv: the table is not valid \(primary-key 1\)"
    ):
        publish(write_folder(tmp_path, "bad-table", csv=duplicate_key))


def test_the_media_type_comes_from_the_content(catalog: Catalog, publish, tmp_path) -> None:
    folder = write_folder(tmp_path, "renamed", extra_files={"data/extra.txt": rows_csv()})
    publish(folder)  # no extra resource yet: only the file
    from ruamel.yaml import YAML

    yaml = YAML()
    metadata = yaml.load((folder / "dataset.yaml").read_text(encoding="utf-8"))
    metadata["resources"].append(
        {
            "name": "ตารางเดียวกัน",
            "path": "data/extra.txt",
            "description": "สำเนาของตารางเดียวกันในชื่อไฟล์ .txt",
        }
    )
    with (folder / "dataset.yaml").open("w", encoding="utf-8") as handle:
        yaml.dump(metadata, handle)
    publish(folder)
    extra = catalog.dataset("renamed").current.resources[1]
    assert (extra.media_type, extra.format) == ("text/csv", "CSV")


def test_a_title_another_dataset_uses_is_refused(catalog: Catalog, publish, tmp_path) -> None:
    publish(write_folder(tmp_path, "first-title", title="งบประมาณจังหวัด เชียงใหม่"))
    with pytest.raises(PublishRejectedError, match="first-title of this catalog already uses"):
        publish(write_folder(tmp_path, "second-title", title="งบประมาณจังหวัด  เชียงใหม่ "))
    assert catalog.count_datasets() == 1
    # A withdrawn dataset no longer holds its title.
    from khlang.catalog import Principal

    catalog.withdraw("first-title", actor=Principal.operator("cli:tester"))
    assert (
        publish(write_folder(tmp_path, "second-title", title="งบประมาณจังหวัด เชียงใหม่")).version == 1
    )
