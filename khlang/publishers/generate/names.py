"""Names for the synthetic exports: budget item templates written after the items of the
real files (govspending, the FY2565 bill), with the places swapped for generated ones; village
names; suppliers with valid Thai tax identification numbers; the Ministry of Interior's
departments with their Budget Bureau codes as they appear in the govspending extract."""

from __future__ import annotations

import numpy as np

PLACE = "ตำบล{subdistrict} อำเภอ{district} จังหวัด{province}"

TEMPLATES: dict[str, tuple[str, ...]] = {
    "investment": (
        "ก่อสร้างถนนคอนกรีตเสริมเหล็ก สายบ้าน{village} หมู่ที่ {moo} " + PLACE,
        "ก่อสร้างถนนลาดยางผิวทางแอสฟัลท์ติกคอนกรีต บ้าน{village} หมู่ที่ {moo} " + PLACE,
        "ซ่อมสร้างผิวจราจรแอสฟัลท์ติกคอนกรีต สายบ้าน{village} - บ้าน{village2} " + PLACE,
        "ก่อสร้างเขื่อนป้องกันตลิ่งริมแม่น้ำ{river} หมู่ที่ {moo} " + PLACE,
        "ก่อสร้างระบบป้องกันน้ำท่วมพื้นที่ชุมชน{village} " + PLACE,
        "ขุดลอกหนอง{village} หมู่ที่ {moo} " + PLACE,
        "ก่อสร้างฝายชะลอน้ำ บ้าน{village} หมู่ที่ {moo} " + PLACE,
        "ก่อสร้างสะพานคอนกรีตเสริมเหล็กข้ามลำห้วย{village} " + PLACE,
        "ปรับปรุงอาคารที่ว่าการอำเภอ{district} จังหวัด{province}",
        "ก่อสร้างลานกีฬาอเนกประสงค์ หมู่ที่ {moo} " + PLACE,
    ),
    "subsidy": (
        "ก่อสร้างถนนคอนกรีตเสริมเหล็ก สายบ้าน{village} หมู่ที่ {moo} " + PLACE + " {lao}",
        "ก่อสร้างประปาหมู่บ้าน แบบบาดาลขนาดกลาง หมู่ที่ {moo} บ้าน{village} " + PLACE + " {lao}",
        "ขยายเขตประปาหมู่บ้าน หมู่ที่ {moo} บ้าน{village} " + PLACE + " {lao}",
        "ก่อสร้างอาคารศูนย์พัฒนาเด็กเล็ก {lao} อำเภอ{district} จังหวัด{province}",
        "ก่อสร้างรางระบายน้ำคอนกรีตเสริมเหล็ก ชุมชน{village} {lao} อำเภอ{district} จังหวัด{province}",
        "ปรับปรุงซ่อมแซมสถานีสูบน้ำด้วยไฟฟ้า บ้าน{village} หมู่ที่ {moo} " + PLACE + " {lao}",
        "เงินอุดหนุนสำหรับสนับสนุนอาหารกลางวัน {lao} อำเภอ{district} จังหวัด{province}",
        "เงินอุดหนุนสำหรับสนับสนุนอาหารเสริม (นม) {lao} อำเภอ{district} จังหวัด{province}",
        "เงินอุดหนุนสำหรับสนับสนุนการสงเคราะห์เบี้ยยังชีพผู้สูงอายุ {lao} จังหวัด{province}",
        "เงินอุดหนุนสำหรับสนับสนุนการสงเคราะห์เบี้ยยังชีพความพิการ {lao} จังหวัด{province}",
    ),
    "operating": (
        "ค่าใช้จ่ายในการพัฒนาศักยภาพผู้นำชุมชน อำเภอ{district} จังหวัด{province}",
        "ค่าใช้จ่ายในการจัดทำแผนพัฒนาหมู่บ้าน " + PLACE,
    ),
    "other": (
        "ค่าใช้จ่ายในการป้องกันและแก้ไขปัญหายาเสพติด อำเภอ{district} จังหวัด{province}",
        "ค่าใช้จ่ายในการบรรเทาสาธารณภัย " + PLACE,
    ),
    "personnel": ("ค่าตอบแทนกำนัน ผู้ใหญ่บ้าน แพทย์ประจำตำบล อำเภอ{district} จังหวัด{province}",),
}
"""Item templates by budget type; `{lao}` is the LAO's full name."""

CONSTRUCTION = ("ก่อสร้าง", "ซ่อมสร้าง", "ขุดลอก", "ขยายเขต", "ปรับปรุง")
"""Items that are procured (and so appear in e-GP)."""

VILLAGE_HEADS = ("หนอง", "โนน", "ดอน", "ท่า", "นา", "บึง", "ห้วย", "โคก", "ป่า", "วัง", "สระ", "บ่อ")
VILLAGE_TAILS = ("บัว", "สูง", "แดง", "ช้าง", "ใหม่", "ยาว", "ทอง", "คำ", "กลาง", "ใหญ่", "น้อย",
                 "เหนือ", "ใต้", "สะอาด", "แก", "ไผ่")  # fmt: skip
RIVERS = ("เจ้าพระยา", "ปิง", "วัง", "ยม", "น่าน", "ชี", "มูล", "โขง", "ท่าจีน", "แม่กลอง", "ตาปี")

DEPARTMENTS = (
    ("15002", "สำนักงานปลัดกระทรวงมหาดไทย"),
    ("15003", "กรมการปกครอง"),
    ("15004", "กรมการพัฒนาชุมชน"),
    ("15005", "กรมที่ดิน"),
    ("15006", "กรมป้องกันและบรรเทาสาธารณภัย"),
    ("15007", "กรมโยธาธิการและผังเมือง"),
    ("15008", "กรมส่งเสริมการปกครองท้องถิ่น"),
)
MINISTRY = ("15000", "กระทรวงมหาดไทย")
LOCAL_DEPARTMENT = "15008"
PLANS = (
    "แผนงานบูรณาการส่งเสริมการกระจายอำนาจให้แก่องค์กรปกครองส่วนท้องถิ่น",
    "แผนงานบูรณาการบริหารจัดการทรัพยากรน้ำ",
    "แผนงานยุทธศาสตร์พัฒนาประสิทธิภาพการบริหารราชการแผ่นดิน",
    "แผนงานพื้นฐานด้านการแก้ไขปัญหาความยากจน ลดความเหลื่อมล้ำ และสร้างการเติบโตจากภายใน",
    "แผนงานยุทธศาสตร์จัดการผลกระทบจากการเปลี่ยนแปลงสภาวะภูมิอากาศ และภัยพิบัติ",
)
STRATEGIES = (
    "ยุทธศาสตร์การพัฒนาโครงสร้างพื้นฐาน",
    "ยุทธศาสตร์การพัฒนาคุณภาพชีวิต",
    "ยุทธศาสตร์การพัฒนาเศรษฐกิจชุมชน",
    "ยุทธศาสตร์การบริหารจัดการทรัพยากรธรรมชาติและสิ่งแวดล้อม",
    "ยุทธศาสตร์การบริหารจัดการที่ดี",
)
COMPANY_FORMS = ("ห้างหุ้นส่วนจำกัด", "บริษัท", "บริษัท")
COMPANY_WORDS = ("รุ่งเรือง", "ก่อสร้าง", "วิศวกรรม", "โยธา", "พัฒนา", "ทรัพย์", "เจริญ",
                 "สิน", "มั่นคง", "การช่าง", "ธุรกิจ", "ไทย")  # fmt: skip
LEADER_ROLES = ("ผู้ใหญ่บ้าน", "กำนัน", "ประธานชุมชน", "อาสาสมัครสาธารณสุขประจำหมู่บ้าน",
                "สมาชิกสภาองค์กรปกครองส่วนท้องถิ่น")  # fmt: skip
NEED_PHRASES = {
    "economy": ("ส่งเสริมกลุ่มอาชีพ{what}ในหมู่บ้าน", "ต้องการตลาดชุมชนสำหรับจำหน่ายผลผลิต"),
    "society": ("ต้องการศูนย์ดูแลผู้สูงอายุในชุมชน", "ขอรับการสนับสนุนกิจกรรมส่งเสริมสุขภาพ"),
    "environment": ("แก้ไขปัญหาน้ำเสียจากคลอง{what}", "จัดการปัญหาฝุ่นละอองและการเผาในที่โล่ง"),
    "infrastructure": ("ซ่อมแซมถนนสาย{what}ที่ชำรุด", "ขยายเขตไฟฟ้าและประปาเข้าหมู่บ้าน"),
    "security": ("ติดตั้งไฟส่องสว่างและกล้องวงจรปิดจุดเสี่ยง", "ตั้งจุดเฝ้าระวังยาเสพติดในชุมชน"),
}


def village_names(rng: np.random.Generator, size: int) -> np.ndarray:
    heads = rng.choice(VILLAGE_HEADS, size)
    tails = rng.choice(VILLAGE_TAILS, size)
    return np.char.add(heads.astype(str), tails.astype(str))


def tax_ids(rng: np.random.Generator, size: int) -> list[str]:
    """Valid 13-digit Thai tax identification numbers of juristic persons (leading 0, the
    mod-11 check digit), random otherwise."""
    body = rng.integers(0, 10, size=(size, 12))
    body[:, 0] = 0
    body[:, 1] = 1
    weights = np.arange(13, 1, -1)
    check = (11 - (body * weights).sum(axis=1) % 11) % 10
    digits = np.column_stack([body, check])
    return ["".join(map(str, row)) for row in digits]


def company_names(rng: np.random.Generator, size: int) -> list[str]:
    forms = rng.choice(COMPANY_FORMS, size)
    first = rng.choice(COMPANY_WORDS, size)
    second = rng.choice(COMPANY_WORDS, size)
    tails = np.where(forms == "บริษัท", " จำกัด", "")
    return [f"{f} {a}{b}{t}" for f, a, b, t in zip(forms, first, second, tails, strict=True)]
