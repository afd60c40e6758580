"""File formats: the openness star table NECTEC's tooling scores GD Catalog resources by,
with each format's media type, file extensions, EU file-type code and openness flags.

Stars follow ckanext-dquality's `Openness` table (FIELDS.md §3.2): 5 for RDF forms, 3 for
open machine-readable formats, 2 for proprietary spreadsheets and GIS files, 1 for documents,
images and archives, 0 for anything unknown. A dataset meets the open-format rule when at least
one resource is non-proprietary and machine-readable (3 stars or more), FIELDS.md §3.3.
`non_proprietary` and `machine_readable` follow the EU Data Portal's lists, which the MQA uses.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
OPEN_FORMAT_MIN_STARS = 3


class FileFormat(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    """The name CKAN's `format` field and NECTEC's star table use (upper case)."""
    stars: int
    media_type: str | None = None
    extensions: tuple[str, ...] = ()
    eu_code: str | None = None
    """Code in the EU file-type authority list, for DCAT-AP's dct:format."""
    non_proprietary: bool = False
    machine_readable: bool = False
    tabular: bool = False
    aliases: tuple[str, ...] = ()
    text_inside: str | None = None
    """For a binary table format, the encoding its specification fixes for the text it holds
    (Parquet's and the Office XML formats' strings are UTF-8, XLS's UTF-16): what a reader
    needs to know in place of a detected file encoding, which a binary file has not."""

    @property
    def eu_uri(self) -> str | None:
        return f"{EU_FILE_TYPE}{self.eu_code}" if self.eu_code else None

    @property
    def is_open(self) -> bool:
        return (
            self.non_proprietary and self.machine_readable and self.stars >= OPEN_FORMAT_MIN_STARS
        )


def _format(
    name: str,
    stars: int,
    media_type: str | None,
    extensions: str = "",
    eu_code: str | None = None,
    *,
    open_: bool = False,
    machine: bool | None = None,
    tabular: bool = False,
    aliases: tuple[str, ...] = (),
    text_inside: str | None = None,
) -> FileFormat:
    return FileFormat(
        name=name,
        stars=stars,
        media_type=media_type,
        extensions=tuple(extensions.split()) if extensions else (),
        eu_code=eu_code,
        non_proprietary=open_,
        machine_readable=open_ if machine is None else machine,
        tabular=tabular,
        aliases=aliases,
        text_inside=text_inside,
    )


FORMATS: tuple[FileFormat, ...] = (
    # 5 stars: linked data.
    _format("RDF", 5, "application/rdf+xml", ".rdf .owl", "RDF_XML", open_=True,
            aliases=("RDF/XML", "RDF_XML")),
    _format("TTL", 5, "text/turtle", ".ttl", "RDF_TURTLE", open_=True, aliases=("TURTLE",)),
    _format("JSON-LD", 5, "application/ld+json", ".jsonld", "JSON_LD", open_=True,
            aliases=("JSONLD", "JSON_LD")),
    _format("N3", 5, "text/n3", ".n3", "N3", open_=True),
    _format("SPARQL", 5, "application/sparql-results+json", ".rq", "SPARQLQ", open_=True),
    # 3 stars: open and machine-readable.
    _format("CSV", 3, "text/csv", ".csv", "CSV", open_=True, tabular=True),
    _format("TSV", 3, "text/tab-separated-values", ".tsv .tab", "TSV", open_=True, tabular=True),
    _format("JSON", 3, "application/json", ".json", "JSON", open_=True, tabular=True),
    _format("NDJSON", 3, "application/x-ndjson", ".ndjson .jsonl", "JSON", open_=True,
            tabular=True, aliases=("JSONL", "JSON LINES")),
    _format("XML", 3, "application/xml", ".xml", "XML", open_=True, aliases=("TEXT/XML",)),
    _format("GeoJSON", 3, "application/geo+json", ".geojson", "GEOJSON", open_=True),
    _format("KML", 3, "application/vnd.google-earth.kml+xml", ".kml", "KML", open_=True),
    _format("KMZ", 3, "application/vnd.google-earth.kmz", ".kmz", "KMZ", open_=True),
    _format("GML", 3, "application/gml+xml", ".gml", "GML", open_=True),
    _format("WMS", 3, None, "", "WMS_SRVC", open_=True),
    _format("WFS", 3, None, "", "WFS_SRVC", open_=True),
    _format("WCS", 3, None, "", "WCS_SRVC", open_=True),
    _format("WMTS", 3, None, "", "WMTS_SRVC", open_=True),
    _format("XYZ", 3, None, "", None, open_=True),
    _format("NetCDF", 3, "application/x-netcdf", ".nc", "NETCDF", open_=True),
    _format("QGIS", 3, None, ".qgs .qgz", None, open_=True),
    _format("RSS", 3, "application/rss+xml", ".rss", "RSS", open_=True),
    _format("Atom feed", 3, "application/atom+xml", ".atom", "ATOM", open_=True,
            aliases=("ATOM",)),
    _format("ODS", 3, "application/vnd.oasis.opendocument.spreadsheet", ".ods", "ODS",
            open_=True, tabular=True, text_inside="UTF-8"),
    _format("ODB", 3, "application/vnd.oasis.opendocument.database", ".odb", None, open_=True),
    _format("ODF", 3, "application/vnd.oasis.opendocument.formula", ".odf", "ODF", open_=True),
    _format("ODG", 3, "application/vnd.oasis.opendocument.graphics", ".odg", "ODG", open_=True),
    # Parquet is absent from NECTEC's table (it would score 0 there); khlang rates it as the
    # open, documented, machine-readable columnar format it is. khlang always publishes CSV
    # beside it, so no dataset's openness rests on this choice.
    _format("Parquet", 3, "application/vnd.apache.parquet", ".parquet", "PARQUET", open_=True,
            tabular=True, text_inside="UTF-8"),
    # 2 stars: machine-readable but proprietary.
    _format("XLS", 2, "application/vnd.ms-excel", ".xls", "XLS", machine=True, tabular=True,
            text_inside="UTF-16"),
    _format("XLSX", 2, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ".xlsx", "XLSX", machine=True, tabular=True, text_inside="UTF-8"),
    _format("MDB", 2, "application/x-msaccess", ".mdb .accdb", "MDB", machine=True),
    _format("dBase", 2, "application/dbase", ".dbf", "DBF", machine=True, aliases=("DBF",)),
    _format("SHP", 2, "application/x-esri-shape", ".shp", "SHP", machine=True,
            aliases=("SHAPEFILE",)),
    _format("Esri REST", 2, None, "", None, machine=True),
    _format("ArcGIS Map Service", 2, None, "", None, machine=True),
    _format("ArcGIS Map Preview", 2, None, "", None, machine=True),
    # 1 star: documents, images, archives.
    _format("PDF", 1, "application/pdf", ".pdf", "PDF"),
    _format("DOC", 1, "application/msword", ".doc", "DOC"),
    _format("DOCX", 1, "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ".docx", "DOCX"),
    _format("PPT", 1, "application/vnd.ms-powerpoint", ".ppt", "PPT"),
    _format("PPTX", 1,
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            ".pptx", "PPTX"),
    _format("TXT", 1, "text/plain", ".txt", "TXT", open_=True, machine=False),
    _format("HTML", 1, "text/html", ".html .htm", "HTML", open_=True, machine=False),
    _format("ODT", 1, "application/vnd.oasis.opendocument.text", ".odt", "ODT", open_=True,
            machine=False),
    _format("ODP", 1, "application/vnd.oasis.opendocument.presentation", ".odp", "ODP",
            open_=True, machine=False),
    _format("ODC", 1, "application/vnd.oasis.opendocument.chart", ".odc", None, open_=True,
            machine=False),
    _format("GIF", 1, "image/gif", ".gif", "GIF", open_=True, machine=False),
    _format("TIFF", 1, "image/tiff", ".tif .tiff", "TIFF", open_=True, machine=False),
    _format("JPEG", 1, "image/jpeg", ".jpg .jpeg", "JPEG", open_=True, machine=False,
            aliases=("JPG",)),
    _format("BMP", 1, "image/bmp", ".bmp", "BMP"),
    _format("SVG", 1, "image/svg+xml", ".svg", "SVG", open_=True, machine=False),
    _format("PNG", 1, "image/png", ".png", "PNG", open_=True, machine=False),
    _format("BIN", 1, "application/octet-stream", ".bin", "BIN"),
    _format("TAR", 1, "application/x-tar", ".tar", "TAR", open_=True, machine=False),
    _format("ZIP", 1, "application/zip", ".zip", "ZIP", open_=True, machine=False),
    _format("GZ", 1, "application/gzip", ".gz", "GZIP", open_=True, machine=False,
            aliases=("GZIP",)),
    _format("RAR", 1, "application/vnd.rar", ".rar", "RAR"),
)  # fmt: skip

# A format's own name wins over another format's alias or EU code (NDJSON shares JSON's code).
_BY_NAME = {
    key.upper(): fmt
    for fmt in reversed(FORMATS)
    for key in (fmt.eu_code or "", *fmt.aliases)
    if key
} | {fmt.name.upper(): fmt for fmt in FORMATS}
_BY_MEDIA_TYPE = {fmt.media_type: fmt for fmt in FORMATS if fmt.media_type}
_BY_EXTENSION = {extension: fmt for fmt in FORMATS for extension in fmt.extensions}


def format_by_name(name: str | None) -> FileFormat | None:
    """The format a CKAN `format` value, an alias or an EU code names (case-insensitive)."""
    return _BY_NAME.get(name.strip().upper().lstrip(".")) if name else None


def format_by_media_type(media_type: str | None) -> FileFormat | None:
    if not media_type:
        return None
    return _BY_MEDIA_TYPE.get(media_type.split(";")[0].strip().lower())


def format_by_extension(filename: str | None) -> FileFormat | None:
    if not filename or "." not in filename:
        return None
    return _BY_EXTENSION.get("." + filename.rsplit(".", 1)[1].lower())


def resource_format(
    *, media_type: str | None = None, url: str | None = None, declared: str | None = None
) -> FileFormat | None:
    """The format of a resource, trusted in NECTEC's order: the media type actually served,
    then the URL's extension, and only then the declared `format`."""
    return (
        format_by_media_type(media_type if media_type != "application/octet-stream" else None)
        or format_by_extension(url)
        or format_by_name(declared)
    )
