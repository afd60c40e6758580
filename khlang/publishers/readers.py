"""Reading export files into tables of text, with the row number of every record.

Government systems export CSV (UTF-8, often with a BOM, Windows-874, now and then UTF-16),
Excel workbooks and JSON; a text file is decoded in the encoding the validator finds for it
(`khlang.validators.sniff.file_encoding`), so both read the same letters. Everything is read
as text: a code like `0105` or an amount like `1,160,100` must reach the adapter exactly as
written, so it can be read correctly or reported where it stands.
`source_row` follows Frictionless (the header is row 1) for tables and counts records from 1
in JSON files.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from khlang.errors import KhlangError
from khlang.i18n import Text
from khlang.validators.readers import arrow_encoding
from khlang.validators.records import check_zip_bomb
from khlang.validators.sniff import file_encoding
from khlang.validators.tables import ReadError

TABLE_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx")
JSON_SUFFIXES = (".json", ".jsonl", ".ndjson")


def _not_readable(path: Path, why: Text) -> KhlangError:
    return KhlangError(
        Text(th=f"อ่านไฟล์ไม่ได้: {why.th}", en=f"cannot read the file: {why.en}"), where=str(path)
    )


def read_header(path: Path) -> list[str]:
    """The column names of a table file (first row of a CSV, first sheet of a workbook)."""
    if path.suffix.lower() == ".xlsx":
        return [str(name) for name in _read_excel(path, nrows=0).columns]
    encoding = file_encoding(path)
    with path.open(encoding=encoding, newline="") as handle:
        first = handle.readline()
    dialect_delimiter = "\t" if first.count("\t") > first.count(",") else ","
    return next(csv.reader([first], delimiter=dialect_delimiter), [])


def _read_excel(path: Path, **options: Any) -> pd.DataFrame:
    """A workbook as text columns. Its zip is checked first, as the validators check it: a
    sheet that inflates 1,000 times (the web form's upload limit is on the compressed file)
    would otherwise be read whole into memory."""
    try:
        check_zip_bomb(path)
    except ReadError as error:
        raise _not_readable(path, error.note) from None
    try:
        return pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl", **options)
    except Exception as error:  # openpyxl raises many kinds for a broken workbook
        raise _not_readable(path, Text(th=str(error), en=str(error))) from error


def read_table(path: Path) -> pd.DataFrame:
    """A CSV/TSV/XLSX file as text columns plus `source_row`. Blank rows are dropped (their
    numbers are kept by the rows after them)."""
    frame = _read_excel(path) if path.suffix.lower() == ".xlsx" else _read_csv(path)
    frame.columns = [str(column).strip() for column in frame.columns]
    frame["source_row"] = pd.RangeIndex(2, len(frame) + 2)
    data = frame.drop(columns="source_row")
    blank = (data.fillna("").astype(str).apply(lambda column: column.str.strip()) == "").all(axis=1)
    return frame[~blank].reset_index(drop=True)


def read_sample(path: Path, rows: int) -> pd.DataFrame:
    """The first `rows` records of a CSV/TSV/XLSX file as text, with the column names
    `read_table` gives them (without `source_row`): enough to tell what the columns hold."""
    if path.suffix.lower() == ".xlsx":
        frame = _read_excel(path, nrows=rows)
        frame.columns = [str(column).strip() for column in frame.columns]
        return frame
    header, delimiter = _csv_header(path)
    try:
        return pd.read_csv(path, sep=delimiter, dtype=str, keep_default_na=False, nrows=rows,
                           skiprows=1, header=None, names=_unique_names(header),
                           encoding=file_encoding(path))  # fmt: skip
    except (ValueError, pd.errors.ParserError) as error:
        raise _not_readable(path, Text(th=str(error), en=str(error))) from error


def _csv_header(path: Path) -> tuple[list[str], str]:
    """The header of a CSV/TSV file and its delimiter; a file without one is an error."""
    header = read_header(path)
    if not header or all(not name.strip() for name in header):
        raise _not_readable(path, Text(th="ไม่มีแถวหัวตาราง", en="no header row"))
    return header, "\t" if path.suffix.lower() == ".tsv" or "\t" in ",".join(header) else ","


def _read_csv(path: Path) -> pd.DataFrame:
    encoding = file_encoding(path)
    header, delimiter = _csv_header(path)
    names = _unique_names(header)
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(
                encoding=arrow_encoding(encoding),
                column_names=names,
                skip_rows=1,
                block_size=16 << 20,
            ),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as error:
        raise _not_readable(
            path, Text(th=_arrow_message(error), en=_arrow_message(error))
        ) from error
    return table.to_pandas()


def _arrow_message(error: Exception) -> str:
    """Arrow's CSV errors name the row as 'Row #N' counting data rows from 1; say it the
    Frictionless way (header = row 1)."""
    text = str(error)
    marker = "Row #"
    if marker in text:
        start = text.index(marker) + len(marker)
        digits = "".join(char for char in text[start:].split(":")[0] if char.isdecimal())
        if digits:
            text = text.replace(f"{marker}{digits}", f"row {int(digits) + 1}")
    return text


def _unique_names(header: list[str]) -> list[str]:
    """Header names made unique (`name`, `name.1`), with a blank first name (pandas' index
    column in many exports) called `_index`."""
    seen: dict[str, int] = {}
    names = []
    for position, raw in enumerate(header):
        name = raw.strip().lstrip("\ufeff") or ("_index" if position == 0 else f"_{position}")
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        names.append(name)
    return names


def read_json(path: Path) -> Any:
    """A JSON document, or a list of the records of a JSON Lines file. Errors name the line
    and column."""
    text = _text(path)
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        return list(_json_lines(path, text))
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise KhlangError(
            Text(th=f"JSON ไม่ถูกต้อง: {error.msg}", en=f"invalid JSON: {error.msg}"),
            where=f"{path}:{error.lineno}:{error.colno}",
        ) from error


def _json_lines(path: Path, text: str) -> Iterator[Any]:
    for number, line in enumerate(io.StringIO(text), start=1):
        if not line.strip():
            continue
        try:
            yield json.loads(line)
        except json.JSONDecodeError as error:
            raise KhlangError(
                Text(th=f"JSON ไม่ถูกต้อง: {error.msg}", en=f"invalid JSON: {error.msg}"),
                where=f"{path}:{number}:{error.colno}",
            ) from error


def _text(path: Path) -> str:
    encoding = file_encoding(path)
    return path.read_text(encoding=encoding)
