"""What dataset search engines read: a schema.org `Dataset` in JSON-LD on every dataset page
(the properties Google's Dataset Search documents), and `sitemap.xml` listing every page in
both languages."""

from __future__ import annotations

import datetime as dt
from typing import Any
from xml.sax.saxutils import escape

from khlang.catalog.records import DatasetSummary, OrganizationRecord
from khlang.metadata.eu import LICENCES
from khlang.metadata.model import Dataset
from khlang.metadata.vocabularies import LICENSE


def dataset_jsonld(
    dataset: Dataset,
    *,
    page_url: str,
    name: str,
    organization: OrganizationRecord | None,
    downloads: list[dict[str, Any]],
    published: dt.datetime,
    metadata_url: str,
) -> dict[str, Any]:
    """`downloads`: [{"name", "url", "format"}] of the dataset's files."""
    publisher = {
        "@type": "GovernmentOrganization",
        "name": (organization.title.th if organization and organization.title else None)
        or dataset.owner_org
        or name,
    }
    if organization and organization.url:
        publisher["url"] = organization.url
    document: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": page_url,
        "url": page_url,
        "name": dataset.title or name,
        "alternateName": [value for value in (dataset.title_en, name) if value],
        "description": _description(dataset),
        "identifier": name,
        "keywords": list(dataset.tags),
        "inLanguage": ["th", *(["en"] if dataset.title_en or dataset.notes_en else [])],
        "isAccessibleForFree": True,
        "publisher": publisher,
        "creator": publisher,
        "datePublished": (dataset.issued or published).isoformat(),
        "dateModified": (dataset.modified or published).isoformat(),
        "distribution": [
            {
                "@type": "DataDownload",
                "name": item["name"],
                "contentUrl": item["url"],
                "encodingFormat": item["format"],
            }
            for item in downloads
        ],
        "subjectOf": {"@type": "DataCatalog", "url": metadata_url},
    }
    licence = _licence(dataset)
    if licence:
        document["license"] = licence
    if dataset.maintainer_email:
        document["contactPoint"] = {
            "@type": "ContactPoint",
            "name": dataset.maintainer or publisher["name"],
            "email": dataset.maintainer_email,
        }
    if dataset.temporal and dataset.temporal.start:
        end = dataset.temporal.end.isoformat() if dataset.temporal.end else ".."
        document["temporalCoverage"] = f"{dataset.temporal.start.isoformat()}/{end}"
    if dataset.geo_coverage:
        document["spatialCoverage"] = {
            "@type": "Place",
            "name": dataset.geo_coverage_other or dataset.geo_coverage,
            **({"identifier": list(dataset.spatial)} if dataset.spatial else {}),
        }
    return document


def _licence(dataset: Dataset) -> str | None:
    """The licence's URL (schema.org wants a URL or a CreativeWork), else its name."""
    term = LICENSE.by_value(dataset.license_id or "")
    if term is None:
        return dataset.license_id
    if term.code == "other":
        return dataset.license_id_other
    return LICENCES[term.code].url if term.code in LICENCES else term.value


def _description(dataset: Dataset) -> str:
    """schema.org asks for 50 to 5,000 characters; the Thai and English notes together."""
    text = "\n\n".join(part for part in (dataset.notes, dataset.notes_en) if part)
    text = text or dataset.title or ""
    return text[:5000]


def sitemap(
    base: str, datasets: list[DatasetSummary], organizations: list[str], *, dashboard: bool
) -> str:
    """Every public page, in Thai with its English alternate (`xhtml:link hreflang`)."""
    pages: list[tuple[str, dt.datetime | None]] = [
        ("/", None),
        ("/search", None),
        *([("/dashboard", None)] if dashboard else []),
        ("/organization", None),
    ]
    pages += [(f"/organization/{name}", None) for name in organizations]
    pages += [(f"/dataset/{summary.name}", summary.modified) for summary in datasets]
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:xhtml="http://www.w3.org/1999/xhtml">',
    ]
    for path, modified in pages:
        for prefix in ("", "/en"):
            location = escape(base + prefix + path)
            lines.append(f"<url><loc>{location}</loc>")
            if modified:
                lines.append(f"<lastmod>{modified.date().isoformat()}</lastmod>")
            for lang, other in (("th", ""), ("en", "/en")):
                alternate = escape(base + other + path)
                lines.append(f'<xhtml:link rel="alternate" hreflang="{lang}" href="{alternate}"/>')
            lines.append("</url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"
