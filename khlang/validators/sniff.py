"""What a file really is: its format and media type from its content (magic bytes, zip
members, the shape of its text), never from its name alone, with its text encoding and, for
delimited text, its delimiter. Star levels and openness come from the metadata component's
format table (`khlang.metadata.formats`), so the catalog and the validator agree."""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from khlang.errors import KhlangError
from khlang.i18n import Text, t
from khlang.metadata.encoding import THAI_ENCODING, detect_encoding
from khlang.metadata.formats import FileFormat, format_by_extension, format_by_name
from khlang.validators import compression as compressed

SAMPLE_BYTES = 256 * 1024
"""How much of a file sniffing reads: enough for many rows of a wide Thai table."""

FRICTIONLESS_BUFFER = 10_000
"""The bytes frictionless-py detects a file's encoding from (its `buffer_size`)."""

__all__ = ["THAI_ENCODING", "FormatInfo", "file_encoding", "sniff_format"]
DELIMITERS = ",\t;|"
_TEXT_TABLES = {"CSV", "TSV", "TXT"}
_TEXT_TABLE_NAMES = {"CSV", "TSV", "NDJSON"}
"""Names that promise a table as text, which Frictionless decodes as text."""


class FormatInfo(BaseModel):
    """A file's sniffed format and what its name claims, with its openness."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    path: str
    size: int
    format: FileFormat | None
    """The format the content shows; None when the file is empty or of no known format."""
    declared: FileFormat | None = None
    """The format the file's extension claims."""
    what: Text | None = None
    """What the content is, in words, when that says more than the format name
    (an executable, an empty file, a zip bomb)."""
    encoding: str | None = None
    delimiter: str | None = None
    compression: str | None = None
    """gz, bz2, xz or zip when the table is compressed (`format` is then the table's)."""
    innerpath: str | None = None
    """The zip member read, for a zip of a table."""
    parts: tuple[str, ...] = ()
    """The files of a multipart resource, read one after the other (this is the first's
    sniffing, `size` their total)."""
    hidden_compression: str | None = None
    """gz, bz2, xz or zip when the bytes are compressed but neither the name nor the
    descriptor says so (a gzip named `data.csv`): a user's tool that goes by the name reads
    the bytes as text and fails, as frictionless-py does (an encoding-error), so the file is
    not read but reported."""

    @property
    def format_name(self) -> str:
        return self.format.name if self.format else "unknown"

    @property
    def media_type(self) -> str | None:
        return self.format.media_type if self.format else None

    @property
    def stars(self) -> int:
        return self.format.stars if self.format else 0

    @property
    def tabular(self) -> bool:
        """A table, or a file named as one whose compression is hidden (still to be checked
        and reported as a table that cannot be read)."""
        return bool(self.format and self.format.tabular) or self.hidden_compression is not None

    @property
    def is_open(self) -> bool:
        return bool(self.format and self.format.is_open)

    @property
    def mismatch(self) -> bool:
        """The name claims one format and the content shows another."""
        return (
            self.declared is not None
            and self.format is not None
            and self.declared.name != self.format.name
            and {self.declared.name, self.format.name} not in _COMPATIBLE
        )

    def openness(self) -> dict[str, Any]:
        return {
            "format": self.format_name,
            "mediaType": self.media_type,
            "stars": self.stars,
            "nonProprietary": bool(self.format and self.format.non_proprietary),
            "machineReadable": bool(self.format and self.format.machine_readable),
            "open": self.is_open,
            "declaredFormat": self.declared.name if self.declared else None,
            **({"compression": self.compression} if self.compression else {}),
        }


# A CSV named .txt, JSON named .geojson: the name is not wrong, only less precise.
_COMPATIBLE = [{"CSV", "TXT"}, {"TSV", "TXT"}, {"CSV", "TSV"}, {"JSON", "NDJSON"},
               {"JSON", "GeoJSON"}, {"JSON", "JSON-LD"}]  # fmt: skip

_MAGIC: list[tuple[int, bytes, str, Text | None]] = [
    (0, b"%PDF-", "PDF", None),
    (0, b"\x1f\x8b", "GZ", None),
    (0, b"Rar!\x1a\x07", "RAR", None),
    (257, b"ustar", "TAR", None),
    (0, b"\x89PNG\r\n\x1a\n", "PNG", None),
    (0, b"\xff\xd8\xff", "JPEG", None),
    (0, b"GIF87a", "GIF", None),
    (0, b"GIF89a", "GIF", None),
    (0, b"II*\x00", "TIFF", None),
    (0, b"MM\x00*", "TIFF", None),
    (0, b"PAR1", "Parquet", None),
    (0, b"CDF\x01", "NetCDF", None),
    (0, b"CDF\x02", "NetCDF", None),
    (0, b"\x89HDF\r\n\x1a\n", "NetCDF", None),
    (0, b"\x00\x00\x27\x0a", "SHP", None),
    (0, b"\x7fELF", "BIN", t("โปรแกรมที่รันได้ (ELF)", "an executable program (ELF)")),
    (0, b"MZ", "BIN", t("โปรแกรมที่รันได้ของ Windows (PE)", "a Windows executable (PE)")),
    (0, b"\xca\xfe\xba\xbe", "BIN", t("โปรแกรมที่รันได้ (Mach-O)", "an executable (Mach-O)")),
    (0, b"\xcf\xfa\xed\xfe", "BIN", t("โปรแกรมที่รันได้ (Mach-O)", "an executable (Mach-O)")),
    (0, b"BM", "BMP", None),
]
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OLE2_STREAMS = [("Workbook", "XLS"), ("Book", "XLS"), ("WordDocument", "DOC"),
                 ("PowerPoint Document", "PPT")]  # fmt: skip
_ODF_MIMETYPES = {
    fmt.media_type: fmt.name
    for fmt in (format_by_name(name) for name in ("ODS", "ODT", "ODP", "ODG", "ODF", "ODB", "ODC"))
    if fmt and fmt.media_type
}


def sniff_format(
    path: str | Path,
    *,
    by_name: bool = False,
    innerpath: str | None = None,
    compression: str | None = None,
) -> FormatInfo:
    """Sniff a file's real format, media type, encoding and delimiter from its content;
    a compressed table (gzip, bzip2, xz, a zip of one file) is sniffed inside.
    `by_name` trusts the name for the format and compression and detects the encoding as
    frictionless-py does (`khlang validate --frictionless`); `compression` is what a
    resource descriptor declares (gz, bz2, xz, zip), trusted over the name."""
    path = Path(path)
    size = path.stat().st_size
    declared_compression = compression
    name, name_compression = _compression_by_name(path.name)
    compression = declared_compression or name_compression
    declared = format_by_extension(name)
    with path.open("rb") as stream:
        head = stream.read(SAMPLE_BYTES)
    if by_name:
        return _by_name(path, size, declared, compression, innerpath)
    hidden = _hidden_compression(path, head, declared, declared_compression or name_compression)
    if hidden is not None:
        archive = format_by_name("ZIP" if hidden == "zip" else "GZ")
        return FormatInfo(path=str(path), size=size, format=archive, declared=declared,
                          hidden_compression=hidden)  # fmt: skip
    if declared_compression in compressed.SUFFIXES.values():
        pass  # the descriptor says so
    elif size and compressed.compression_of(head):
        compression = compressed.compression_of(head)
    elif compression == "zip" and head.startswith(b"PK\x03\x04") and _sniff_zip(path) == "ZIP":
        pass  # a zip named as a zip of a table (data.csv.zip); other zips are archives
    else:
        compression = None
    if compression is not None:
        return _sniff_compressed(path, size, declared, compression, innerpath)
    complete = len(head) == size
    found, what = _sniff_binary(path, head)
    if found is None and what is None:
        return _sniff_text(path, head, complete, size, declared)
    return FormatInfo(
        path=str(path), size=size, format=format_by_name(found), declared=declared, what=what
    )


def file_encoding(path: Path) -> str:
    """The encoding of a text file (a CSV or JSON export) as the validator reads it, told
    from its first SAMPLE_BYTES: a reader that is handed the file next decodes the same
    letters the validator checked. A KhlangError naming the file when no encoding reads it
    as text, or when it is UTF-8 up to some byte and another encoding after it."""
    with path.open("rb") as stream:
        head = stream.read(SAMPLE_BYTES + 1)
    found = detect_encoding(head[:SAMPLE_BYTES], complete=len(head) <= SAMPLE_BYTES)
    if found is None:
        raise KhlangError(
            t(
                "อ่านแฟ้มไม่ได้: ไม่ใช่ UTF-8 หรือ cp874 (TIS-620) ไม่พบรหัสอักขระที่อ่านได้ "
                "หรือแฟ้มปนหลายรหัสอักขระ ให้บันทึกใหม่เป็น UTF-8",
                "cannot read the file: it is neither UTF-8 nor cp874 (TIS-620), and no encoding "
                "reads it as text, or it mixes encodings; save it again as UTF-8",
            ),
            where=str(path),
        )
    return found


def _hidden_compression(
    path: Path, head: bytes, declared: FileFormat | None, claimed: str | None
) -> str | None:
    """The compression of a file named as a text table (CSV, TSV, NDJSON) whose bytes are
    compressed when neither its name nor its descriptor (`claimed`) says so: a gzip, bzip2
    or xz stream, or a zip archive that is not a document."""
    if declared is None or declared.name not in _TEXT_TABLE_NAMES or claimed:
        return None
    if found := compressed.compression_of(head):
        return found
    if head.startswith(b"PK\x03\x04") and _sniff_zip(path) == "ZIP":
        return "zip"
    return None


def _compression_by_name(name: str) -> tuple[str, str | None]:
    """The name without a compression suffix, and the compression it names."""
    for suffix, compression in compressed.SUFFIXES.items():
        if name.lower().endswith(suffix) and "." in name[: -len(suffix)]:
            return name[: -len(suffix)], compression
    return name, None


def _sniff_compressed(
    path: Path, size: int, declared: FileFormat | None, compression: str, innerpath: str | None
) -> FormatInfo:
    archive = format_by_name("ZIP" if compression == "zip" else "GZ")
    try:
        head = compressed.read_head(path, compression, SAMPLE_BYTES, innerpath)
    except compressed.ERRORS as error:
        return FormatInfo(
            path=str(path), size=size, format=archive, declared=declared,
            compression=compression,
            what=t(f"แฟ้มบีบอัดที่เสียหาย ({error})", f"a damaged {compression} file ({error})"),
        )  # fmt: skip
    member = _member_name(path, innerpath) if compression == "zip" else None
    if not head:  # an empty table: the reader says so
        return FormatInfo(path=str(path), size=size, format=declared or archive,
                          declared=declared, compression=compression, innerpath=member)  # fmt: skip
    if looks_binary(head):
        return FormatInfo(path=str(path), size=size, format=archive, declared=declared)
    inner = _sniff_text(path, head, len(head) < SAMPLE_BYTES, size, declared)
    return inner.model_copy(update={"compression": compression, "innerpath": member})


def _member_name(path: Path, innerpath: str | None) -> str | None:
    with zipfile.ZipFile(path) as archive:
        return compressed.zip_member(archive, innerpath)


def _by_name(
    path: Path,
    size: int,
    declared: FileFormat | None,
    compression: str | None,
    innerpath: str | None,
) -> FormatInfo:
    """What frictionless-py takes the file for: the format its name says, the encoding its
    detector finds in the first 10,000 bytes (chardet, UTF-8 below a confidence of 0.5)."""
    from frictionless import Detector  # lazy: frictionless, +84 ms

    try:
        head = compressed.read_head(path, compression, FRICTIONLESS_BUFFER, innerpath)
    except compressed.ERRORS:
        head = b""
    encoding = Detector().detect_encoding(head) if head else "utf-8"
    member = _member_name(path, innerpath) if compression == "zip" and head else None
    return FormatInfo(path=str(path), size=size, format=declared, declared=declared,
                      encoding=encoding, compression=compression, innerpath=member)  # fmt: skip


def _sniff_binary(path: Path, head: bytes) -> tuple[str | None, Text | None]:
    if not head:
        return None, t("แฟ้มว่าง (0 ไบต์)", "an empty file (0 bytes)")
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _sniff_zip(path), None
    if head.startswith(_OLE2):
        streams = head.decode("utf-16-le", errors="ignore")
        for stream, name in _OLE2_STREAMS:
            if stream in streams:
                return name, None
        declared = format_by_extension(path.name)
        legacy = declared.name if declared and declared.name in {"XLS", "DOC", "PPT"} else "XLS"
        return legacy, None
    for offset, magic, name, what in _MAGIC:
        if head[offset : offset + len(magic)] == magic:
            return name, what
    return None, None


def _sniff_zip(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = archive.read("mimetype")[:100].decode("ascii", errors="ignore")
                return _ODF_MIMETYPES.get(mimetype.strip(), "ZIP")
    except (zipfile.BadZipFile, OSError, ValueError):
        return "ZIP"
    if "[Content_Types].xml" in names:
        for prefix, name in (("xl/", "XLSX"), ("word/", "DOCX"), ("ppt/", "PPTX")):
            if any(member.startswith(prefix) for member in names):
                return name
    if any(member.lower().endswith(".kml") for member in names):
        return "KMZ"
    return "ZIP"


def looks_binary(sample: bytes) -> bool:
    """NUL bytes or many control characters: not text in any encoding we read."""
    if b"\x00" in sample[:8192]:
        return True
    controls = sum(1 for byte in sample[:8192] if byte < 9 or 13 < byte < 32)
    return controls > len(sample[:8192]) * 0.05


def _sniff_text(
    path: Path, head: bytes, complete: bool, size: int, declared: FileFormat | None
) -> FormatInfo:
    def info(name: str | None, **extra: Any) -> FormatInfo:
        return FormatInfo(
            path=str(path), size=size, format=format_by_name(name), declared=declared, **extra
        )

    wide = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))  # UTF-16/32: NULs
    if not wide and looks_binary(head):
        return info("BIN", what=t("ข้อมูลไบนารี ไม่ใช่ข้อความ", "binary data, not text"))
    encoding = detect_encoding(head, complete=complete)
    if encoding is None:
        # Text in no encoding we know, or in two: trust the name for what kind of text it
        # is, and let the reader say where the bytes go wrong.
        claimed = declared.name if declared and declared.name in _TEXT_TABLES else None
        return info(
            claimed,
            what=t("ข้อความในรหัสอักขระที่ไม่รู้จัก", "text in no encoding khlang recognises"),
            delimiter=sniff_delimiter(head.decode("latin-1"), complete=complete)
            if claimed
            else None,
        )
    text = head.decode(encoding, errors="ignore").lstrip("\ufeff \t\r\n")
    if text.startswith(("{", "[")):
        return info(_json_kind(text, complete), encoding=encoding)
    if text.startswith("<"):
        return info(_markup_kind(text[:4096].lower()), encoding=encoding)
    if re.match(r"(@prefix|@base|prefix\s|base\s)", text[:200], re.IGNORECASE):
        return info("TTL", encoding=encoding)
    delimiter = sniff_delimiter(text, complete=complete)
    if delimiter is None and declared is not None and declared.name in ("CSV", "TSV"):
        # One column splits on nothing: a single-column CSV looks like plain text.
        delimiter = "\t" if declared.name == "TSV" else ","
    if delimiter is None:
        return info("TXT", encoding=encoding)
    return info("TSV" if delimiter == "\t" else "CSV", encoding=encoding, delimiter=delimiter)


def _json_kind(text: str, complete: bool) -> str:
    if "@context" in text[:4096]:
        return "JSON-LD"
    if re.search(r'"type"\s*:\s*"(FeatureCollection|Feature)"', text[:4096]):
        return "GeoJSON"
    if text.startswith("{"):
        lines = [line for line in text.splitlines()[:3] if line.strip()]
        if len(lines) > 1 and all(_is_json_object(line) for line in lines[:2]):
            return "NDJSON"
    return "JSON"


def _is_json_object(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except (ValueError, RecursionError):
        return False


def _markup_kind(text: str) -> str:
    for marker, name in (("<rdf:rdf", "RDF"), ("<kml", "KML"), ("<rss", "RSS"),
                         ("<feed", "Atom feed"), ("gml:", "GML"), ("<!doctype html", "HTML"),
                         ("<html", "HTML")):  # fmt: skip
        if marker in text:
            return name
    return "XML"


def sniff_delimiter(text: str, *, complete: bool) -> str | None:
    """The delimiter that splits the sample's rows into the same number (more than one) of
    cells most consistently; None for text that is not a table."""
    lines = text.splitlines(keepends=True)
    if not complete and len(lines) > 1:
        lines = lines[:-1]  # the last line of a partial sample may be cut short
    sample = "".join(lines[:200])
    best: tuple[float, int, str] | None = None
    for delimiter in DELIMITERS:
        if delimiter not in sample:
            continue
        try:
            widths = [len(row) for row in csv.reader(io.StringIO(sample), delimiter=delimiter)]
        except csv.Error:
            continue
        widths = [width for width in widths if width > 0]
        if not widths:
            continue
        common = max(set(widths), key=widths.count)
        if common < 2:
            continue
        score = (widths.count(common) / len(widths), common, delimiter)
        if best is None or score[:2] > best[:2]:
            best = score
    return best[2] if best else None
