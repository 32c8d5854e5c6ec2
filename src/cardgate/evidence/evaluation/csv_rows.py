"""Reading a CSV file of predictions (optionally gzip): only the columns needed, in
blocks, the card's missing-value tokens applied to its text columns; each failure an
`InputError` that names the file, in check-data's words (`datacheck.source.read_error`:
one decision of what a CSV file that cannot be read means)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cardgate.documents.schemas.evaluation import EvaluationSettings
from cardgate.evidence.datacheck.source import (
    DataSource,
    read_error,
    refuse_binary,
    require_utf8,
)
from cardgate.evidence.evaluation.parquet_rows import Locate, check_columns

CSV_BLOCK_BYTES = 8 << 20


def csv_batches(
    path: Path,
    display: str,
    settings: EvaluationSettings,
    needed: list[str],
    optional: list[str],
    *,
    locate: Locate,
) -> Iterator[Any]:
    import pyarrow as pa
    import pyarrow.csv as pcsv

    categorical = set(settings.sensitive_features)
    if settings.task != "regression":
        categorical |= {settings.label_column, settings.prediction_column}
    types = {name: (pa.string() if name in categorical else pa.float64()) for name in needed}
    tokens = pa.array(missing_tokens(settings), pa.string())
    gzip = "gzip" if path.name.lower().endswith(".gz") else None
    source = DataSource(path, "csv", gzip, path.stat().st_size)
    try:
        header = pcsv.open_csv(path, read_options=pcsv.ReadOptions(block_size=1 << 16))
        refuse_binary(",".join(header.schema.names), display)
        check_columns(header.schema.names, needed, display, locate=locate)
        present = [name for name in optional if name in header.schema.names]
        require_utf8(source, [*needed, *present], shown=display)
        types.update({name: pa.bool_() for name in present})
        needed = [*needed, *present]
        # Text columns are read as written ('NA' is a group like any other); the card's
        # missing-value tokens are applied to them below. Numbers keep pyarrow's nulls.
        reader = pcsv.open_csv(
            path,
            read_options=pcsv.ReadOptions(block_size=CSV_BLOCK_BYTES),
            convert_options=pcsv.ConvertOptions(
                include_columns=needed, column_types=types, strings_can_be_null=False
            ),
        )
        for batch in reader:
            names = batch.schema.names
            yield pa.RecordBatch.from_arrays(
                [
                    tokens_as_null(batch.column(i), tokens)
                    if name in categorical
                    else batch.column(i)
                    for i, name in enumerate(names)
                ],
                names=names,
            )
    except (pa.ArrowInvalid, pa.ArrowException, OSError, EOFError) as error:
        # check-data's decision, in its words: UTF-16 or other text that is not UTF-8
        # (with its line), a row with the wrong number of fields, a file cut short
        raise read_error(source, error, shown=display) from error


def missing_tokens(settings: EvaluationSettings) -> list[str]:
    """The text values of a CSV's sensitive feature, label and prediction columns that
    mean "missing" (`evaluation.missing_values`; default: only an empty cell)."""
    return list(settings.missing_values) if settings.missing_values is not None else [""]


def tokens_as_null(column: Any, tokens: Any) -> Any:
    """A text column with the values in `tokens` made null."""
    import pyarrow as pa
    import pyarrow.compute as pc

    missing = pc.is_in(column, value_set=tokens)
    if not pc.any(missing).as_py():
        return column
    return pc.if_else(missing, pa.scalar(None, column.type), column)
