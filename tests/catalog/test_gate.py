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
    findings = raised.value.report.compliance.findings
    suggestion = next(item for item in findings if item.field == "data_type")
    assert suggestion.suggested_value == "ข้อมูลสถิติ"
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


@pytest.mark.parametrize(
    ("file", "content", "passed"),
    [
        # A document: `khlang publish`'s gate once refused it (format-error) where the
        # catalog's passed it; a dataset may carry its documentation through both doors.
        ("docs/manual.pdf", "%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n", True),
        # A table without a Table Schema: checked as one (types guessed) through both doors.
        ("data/notes.csv", "year,amount\n2568,1\n2569\n", False),
    ],
)
def test_a_file_without_a_schema_gets_one_verdict_through_both_doors(
    catalog: Catalog, publish, tmp_path, file: str, content: str, passed: bool
) -> None:
    import copy
    import datetime as dt

    from ruamel.yaml import YAML

    from khlang.metadata.files import load_dataset
    from khlang.publishers.gate import check_dataset_folder

    folder = write_folder(tmp_path, "with-a-file", extra_files={file: content})
    yaml = YAML()
    metadata = yaml.load((folder / "dataset.yaml").read_text(encoding="utf-8"))
    extra = copy.deepcopy(metadata["resources"][0])
    del extra["schema"]
    extra.update(name="ไฟล์ประกอบ", name_en="Companion file", path=file)
    extra["format"] = file.rsplit(".")[-1].upper()
    extra["url"] = f"https://khlang.example.go.th/dataset/with-a-file/{file}"
    metadata["resources"].append(extra)
    with (folder / "dataset.yaml").open("w", encoding="utf-8") as handle:
        yaml.dump(metadata, handle)

    by_publish = check_dataset_folder(
        folder, load_dataset(folder / "dataset.yaml"), today=dt.date.today()
    )
    assert by_publish.passed is passed, by_publish.problems
    if passed:
        assert publish(folder).version == 1
        checked = catalog.dataset("with-a-file").current.checks["validation"]
        assert [item["file"] for item in checked] == ["data/allocation.csv"]
    else:
        with pytest.raises(PublishRejectedError, match=f"{file}: the table is not valid") as raised:
            publish(folder)
        assert [item.file for item in raised.value.report.validation if not item.valid] == [file]
        assert [item.file for item in by_publish.validation if not item.valid] == [file]
