"""The EU controlled vocabularies khlang maps the GD Catalog's Thai values to, for DCAT-AP.

DCAT-AP and the EU Metadata Quality Assessment expect IRIs from the Publications Office's
authority lists (frequency, file type, licence, access right, data theme, language, country).
The GD Catalog stores Thai strings instead, so this module says which EU concept each Thai
term means, where one exists. Codes were checked against the authority lists as published
(docs/metadata.md names the sources); where the GD Catalog term is too vague to name one
concept (the "Open Data Common" licence, the "other" choices) there is deliberately no mapping.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from khlang.i18n import Text

AUTHORITY = "http://publications.europa.eu/resource/authority/"
FREQUENCY = f"{AUTHORITY}frequency/"
ACCESS_RIGHT = f"{AUTHORITY}access-right/"
DATA_THEME = f"{AUTHORITY}data-theme/"
LICENCE = f"{AUTHORITY}licence/"
LANGUAGE = f"{AUTHORITY}language/"
COUNTRY = f"{AUTHORITY}country/"
THAILAND = f"{COUNTRY}THA"


class Concept(BaseModel):
    """One concept of an EU authority list, with the label khlang shows for it."""

    model_config = ConfigDict(frozen=True)

    scheme: str
    code: str
    label: Text

    @property
    def iri(self) -> str:
        return f"{self.scheme}{self.code}"

    @property
    def scheme_iri(self) -> str:
        return self.scheme.rstrip("/")


def _concepts(scheme: str, rows: list[tuple[str, str, str]]) -> dict[str, Concept]:
    return {
        code: Concept(scheme=scheme, code=code, label=Text(th=th, en=en)) for code, th, en in rows
    }


DATA_THEMES = _concepts(
    DATA_THEME,
    [
        ("AGRI", "เกษตร ประมง ป่าไม้ และอาหาร", "Agriculture, fisheries, forestry and food"),
        ("ECON", "เศรษฐกิจและการเงิน", "Economy and finance"),
        ("EDUC", "การศึกษา วัฒนธรรม และกีฬา", "Education, culture and sport"),
        ("ENER", "พลังงาน", "Energy"),
        ("ENVI", "สิ่งแวดล้อม", "Environment"),
        ("GOVE", "รัฐบาลและภาคสาธารณะ", "Government and public sector"),
        ("HEAL", "สุขภาพ", "Health"),
        ("INTR", "ประเด็นระหว่างประเทศ", "International issues"),
        ("JUST", "กระบวนการยุติธรรม กฎหมาย และความปลอดภัยสาธารณะ",
         "Justice, legal system and public safety"),
        ("REGI", "ภูมิภาคและเมือง", "Regions and cities"),
        ("SOCI", "ประชากรและสังคม", "Population and society"),
        ("TECH", "วิทยาศาสตร์และเทคโนโลยี", "Science and technology"),
        ("TRAN", "การคมนาคมขนส่ง", "Transport"),
    ],
)  # fmt: skip
"""EU data themes (dcat:theme). khlang's `themes` field holds these codes."""

ACCESS_RIGHTS = _concepts(
    ACCESS_RIGHT,
    [
        ("PUBLIC", "เปิดเผยต่อสาธารณะ", "Public"),
        ("RESTRICTED", "เข้าถึงได้ภายใต้เงื่อนไข", "Restricted"),
        ("NON_PUBLIC", "ไม่เปิดเผยต่อสาธารณะ", "Non-public"),
    ],
)

ACCESS_RIGHT_BY_CATEGORY = {
    "public": "PUBLIC",
    "internal": "NON_PUBLIC",
    "personal": "RESTRICTED",
    "security": "NON_PUBLIC",
    "secret": "NON_PUBLIC",
}
"""GD Catalog data category (by code) -> EU access right. Personal data may be shared under
the Personal Data Protection Act's conditions, hence restricted rather than non-public."""

FREQUENCIES = _concepts(
    FREQUENCY,
    [
        ("ANNUAL", "ปีละครั้ง", "Annual"),
        ("ANNUAL_2", "ปีละ 2 ครั้ง", "Semiannual"),
        ("ANNUAL_3", "ปีละ 3 ครั้ง", "Three times a year"),
        ("QUARTERLY", "รายไตรมาส", "Quarterly"),
        ("MONTHLY", "รายเดือน", "Monthly"),
        ("MONTHLY_2", "เดือนละ 2 ครั้ง", "Semimonthly"),
        ("MONTHLY_3", "เดือนละ 3 ครั้ง", "Three times a month"),
        ("WEEKLY", "รายสัปดาห์", "Weekly"),
        ("WEEKLY_2", "สัปดาห์ละ 2 ครั้ง", "Semiweekly"),
        ("WEEKLY_3", "สัปดาห์ละ 3 ครั้ง", "Three times a week"),
        ("WEEKLY_5", "สัปดาห์ละ 5 ครั้ง", "Five times a week"),
        ("DAILY", "รายวัน", "Daily"),
        ("DAILY_2", "วันละ 2 ครั้ง", "Twice a day"),
        ("HOURLY", "รายชั่วโมง", "Hourly"),
        ("1MIN", "ทุกนาที", "Every minute"),
        ("UPDATE_CONT", "ปรับปรุงต่อเนื่อง", "Continuously updated"),
        ("NEVER", "ไม่มีการปรับปรุง", "Never"),
        ("UNKNOWN", "ไม่ทราบ", "Unknown"),
        ("OTHER", "อื่นๆ", "Other"),
    ],
)

# (GD Catalog update_frequency_unit code, updates per unit) -> EU frequency code.
_FREQUENCY_BY_UNIT = {
    ("year", 1): "ANNUAL",
    ("year", 2): "ANNUAL_2",
    ("year", 3): "ANNUAL_3",
    ("half_year", 1): "ANNUAL_2",
    ("quarter", 1): "QUARTERLY",
    ("month", 1): "MONTHLY",
    ("month", 2): "MONTHLY_2",
    ("month", 3): "MONTHLY_3",
    ("week", 1): "WEEKLY",
    ("week", 2): "WEEKLY_2",
    ("week", 3): "WEEKLY_3",
    ("week", 5): "WEEKLY_5",
    ("working_day", 1): "WEEKLY_5",
    ("day", 1): "DAILY",
    ("day", 2): "DAILY_2",
    ("hour", 1): "HOURLY",
    ("minute", 1): "1MIN",
}
_FREQUENCY_WITHOUT_INTERVAL = {
    "real_time": "UPDATE_CONT",
    "never": "NEVER",
    "unknown": "UNKNOWN",
    "other": "OTHER",
}


def frequency_for(unit_code: str | None, interval: str | None) -> Concept | None:
    """The EU frequency of a GD Catalog unit and interval (updates per unit; 1 when unset).
    A count the EU list has no word for (e.g. four times a year) is OTHER."""
    if unit_code is None:
        return None
    if unit_code in _FREQUENCY_WITHOUT_INTERVAL:
        return FREQUENCIES[_FREQUENCY_WITHOUT_INTERVAL[unit_code]]
    try:
        count = int(str(interval).strip()) if interval not in (None, "") else 1
    except ValueError:
        return FREQUENCIES["OTHER"]
    return FREQUENCIES[_FREQUENCY_BY_UNIT.get((unit_code, count), "OTHER")]


class Licence(BaseModel):
    """What a GD Catalog licence term means outside the GD Catalog."""

    model_config = ConfigDict(frozen=True)

    code: str
    """The GD Catalog licence term's code (khlang.metadata.vocabularies.LICENSE)."""
    eu_code: str | None = None
    spdx: str | None = None
    url: str | None = None

    @property
    def eu_iri(self) -> str | None:
        return f"{LICENCE}{self.eu_code}" if self.eu_code else None


# The GD Catalog names Creative Commons licences without a version; 4.0 is the version CC
# publishes and recommends, so that is the one khlang states. "Open Data Common" names a family
# (ODC-BY, ODbL, PDDL) rather than one licence: khlang links the family and claims no EU code.
LICENCES = {
    licence.code: licence
    for licence in (
        Licence(code="odc", url="https://opendatacommons.org/licenses/"),
        Licence(code="cc_by", eu_code="CC_BY_4_0", spdx="CC-BY-4.0",
                url="https://creativecommons.org/licenses/by/4.0/"),
        Licence(code="cc_by_sa", eu_code="CC_BYSA_4_0", spdx="CC-BY-SA-4.0",
                url="https://creativecommons.org/licenses/by-sa/4.0/"),
        Licence(code="cc_by_nc", eu_code="CC_BYNC_4_0", spdx="CC-BY-NC-4.0",
                url="https://creativecommons.org/licenses/by-nc/4.0/"),
        Licence(code="cc_by_nc_sa", eu_code="CC_BYNCSA_4_0", spdx="CC-BY-NC-SA-4.0",
                url="https://creativecommons.org/licenses/by-nc-sa/4.0/"),
        Licence(code="cc_by_nc_nd", eu_code="CC_BYNCND_4_0", spdx="CC-BY-NC-ND-4.0",
                url="https://creativecommons.org/licenses/by-nc-nd/4.0/"),
        Licence(code="cc_by_nd", eu_code="CC_BYND_4_0", spdx="CC-BY-ND-4.0",
                url="https://creativecommons.org/licenses/by-nd/4.0/"),
        Licence(code="gfdl", eu_code="GNU_FDL_1_3", spdx="GFDL-1.3-or-later",
                url="https://www.gnu.org/licenses/fdl-1.3.html"),
        Licence(code="cc_nc_any", eu_code="CC_BYNC_4_0", spdx="CC-BY-NC-4.0",
                url="https://creativecommons.org/licenses/by-nc/4.0/"),
        Licence(code="not_specified"),
        Licence(code="other"),
    )
}  # fmt: skip

LANGUAGE_CODES = {
    "th": "THA",
    "en": "ENG",
    "zh": "ZHO",
    "ms": "MSA",
    "my": "MYA",
    "lo": "LAO",
    "km": "KHM",
    "ja": "JPN",
    "ko": "KOR",
    "fr": "FRA",
    "de": "DEU",
    "ar": "ARA",
}
"""GD Catalog data_language code -> EU language authority code."""
