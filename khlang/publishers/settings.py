"""Reading the small YAML files an officer edits (column mappings, the agency profile) into
pydantic models, with every problem named by its key and the file."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from khlang.errors import KhlangError
from khlang.i18n import Text
from khlang.metadata.files import parse_document, to_plain

Model = TypeVar("Model", bound=BaseModel)


def load_settings(path: Path, model: type[Model], what: Text) -> Model:
    """The file as `model`; `what` names the kind of file in the error message."""
    try:
        return model.model_validate(to_plain(parse_document(path)))
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(step) for step in item['loc'])}: {item['msg']}"
            for item in error.errors()
        )
        raise KhlangError(
            Text(th=f"{what.th}ไม่ถูกต้อง: {problems}", en=f"invalid {what.en}: {problems}"),
            where=str(path),
        ) from error
