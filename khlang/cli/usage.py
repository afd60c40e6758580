"""Usage errors (an unknown option, a missing argument, a bad choice) in Thai and English.

Click, under Typer, words them in English only; khlang says what went wrong in Thai first,
from the kind of error and the parameter it names, and keeps Click's English message, which
quotes the value and lists the choices, beneath it.
"""

from __future__ import annotations

import sys

from typer._click import exceptions as click

from khlang.i18n import Text


def _parameter(error: click.BadParameter) -> str:
    hint = error.param_hint
    if hint is None and error.param is not None:
        hint = error.param.get_error_hint()
    if isinstance(hint, list | tuple):
        return " / ".join(hint)
    return hint or ""


def thai_message(error: click.ClickException) -> str:
    """What the error says, in Thai."""
    if isinstance(error, click.NoSuchOption):
        close = f" (ที่ใกล้เคียง: {', '.join(error.possibilities)})" if error.possibilities else ""
        return f"ไม่มีตัวเลือก {error.option_name}{close}"
    if isinstance(error, click.MissingParameter):
        kind_name = error.param_type or (error.param and error.param.param_type_name)
        kind = "อาร์กิวเมนต์" if kind_name == "argument" else "ตัวเลือก"
        return f"ขาด{kind}ที่ต้องระบุ {_parameter(error)}".rstrip()
    if isinstance(error, click.BadParameter):
        return f"ค่าของ {_parameter(error)} ไม่ถูกต้อง".replace("  ", " ")
    if isinstance(error, click.BadOptionUsage):
        return f"ใช้ตัวเลือก {error.option_name} ไม่ถูกต้อง (เช่น ไม่ได้ใส่ค่าตามหลัง)"
    if isinstance(error, click.BadArgumentUsage):
        return "ใช้อาร์กิวเมนต์ไม่ถูกต้อง"
    if isinstance(error, click.FileError):
        return f"เปิดไฟล์ {error.ui_filename} ไม่ได้"
    if error.format_message().startswith("No such command"):
        name = error.format_message().removeprefix("No such command").strip(" '.")
        return f"ไม่มีคำสั่ง {name}"
    return "ใช้คำสั่งไม่ถูกต้อง"


def show_usage_error(error: click.ClickException) -> None:
    """Print the usage line, where to find help and the error, in both languages."""
    context = getattr(error, "ctx", None)
    lines = []
    if context is not None:
        lines.append(context.get_usage())
        option = context.help_option_names[0] if context.help_option_names else "--help"
        lines.append(f"ดูวิธีใช้ / for help: {context.command_path} {option}")
        lines.append("")
    message = Text(th=thai_message(error), en=error.format_message())
    lines.append(f"ข้อผิดพลาด: {message.th}")
    lines.append(f"Error: {message.en}")
    sys.stderr.write("\n".join(lines) + "\n")
