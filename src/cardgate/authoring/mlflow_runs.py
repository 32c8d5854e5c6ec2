"""MLflow runs, read through MLflow's own client (the optional extra ``cardgate[mlflow]``).

`read_run` turns a run into a `RunRecord`: what `cardgate new model-card --from-mlflow`
drafts from. `open_client` is also what `cardgate log-mlflow` writes through. MLflow is
imported here only, when a command needs it: `validate` and `gate` never load it.

A tracking store that does not exist is an error, not a new store: MLflow's client would
create an empty SQLite database (or `mlruns/` folder) where a typo points, and then say
the run is not there.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from cardgate.core.errors import ConfigurationError, UsageError

if TYPE_CHECKING:
    from mlflow import MlflowClient
    from mlflow.entities import Run
    from mlflow.exceptions import MlflowException

INSTALL_HINT = "install the extra: pip install 'cardgate[mlflow]'"

_CONTEXTS = {
    "training": ("train", "training"),
    "evaluation": ("eval", "evaluation", "test", "testing", "validation", "holdout"),
}
"""MLflow dataset contexts (the ``mlflow.data.context`` input tag) by card section."""


@dataclass(frozen=True)
class RunDataset:
    """A dataset the run logged as an input (``mlflow.log_input``)."""

    name: str
    digest: str
    """MLflow's digest: a hash of (a sample of) the rows as MLflow loaded them, not a
    hash of the file's bytes; cardgate's fingerprint stays the SHA-256 of the file."""
    source_type: str
    source: str | None
    """The source's URI or path when MLflow recorded one (a local file, a URL)."""
    context: str | None
    """How the run used it: ``training``, ``eval``, ... (MLflow's ``mlflow.data.context``)."""

    @property
    def section(self) -> str:
        """The model card section it belongs to: ``training_data`` or ``evaluation_data``
        (a dataset without a known context counts as training data, to be checked)."""
        context = (self.context or "").strip().lower()
        return "evaluation_data" if context in _CONTEXTS["evaluation"] else "training_data"

    def local_file(self) -> Path | None:
        """The source as a readable local file, when it is one."""
        if self.source is None:
            return None
        parts = urlsplit(self.source)
        if parts.scheme == "file":
            path = Path(unquote(parts.path))
        elif parts.scheme == "":
            path = Path(self.source).expanduser()
        else:
            return None
        return path if path.is_file() else None


@dataclass(frozen=True)
class RunRecord:
    """What an MLflow run says about the model it trained."""

    run_id: str
    run_name: str | None
    experiment: str | None
    started: dt.date | None
    """The day the run started, in UTC."""
    description: str | None
    params: dict[str, str]
    metrics: dict[str, float]
    """The last value the run logged for each metric: what the run reported."""
    tags: dict[str, str]
    datasets: tuple[RunDataset, ...]

    @property
    def estimator(self) -> str | None:
        """The model's class as MLflow's autologging records it, if it did."""
        return self.tags.get("estimator_name") or self.tags.get("estimator_class")


def shown_uri(uri: str) -> str:
    """A tracking URI for messages, without the credentials a URL may carry."""
    parts = urlsplit(uri)
    if parts.password is None and parts.username is None:
        return uri
    host = parts.hostname or ""
    if parts.port is not None:
        host += f":{parts.port}"
    return parts._replace(netloc=host).geturl()


def open_client(tracking_uri: str | None) -> tuple[MlflowClient, str]:
    """MLflow's client for `tracking_uri` (default: MLflow's own, from
    ``MLFLOW_TRACKING_URI`` or its default local store), and the URI it uses.

    Raises `ConfigurationError` (exit 2) when the extra is not installed, and
    `UsageError` when a local store does not exist.
    """
    # cardgate talks to the store it is given and nothing else: MLflow's usage telemetry
    # stays off unless the user turned it on.
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    try:
        import mlflow
        from mlflow import MlflowClient
    except ImportError as error:
        raise ConfigurationError(
            f"MLflow is not installed ({error.name or error})", hint=INSTALL_HINT
        ) from None
    uri = tracking_uri if tracking_uri is not None else mlflow.get_tracking_uri()
    _check_local_store(uri)
    try:
        return MlflowClient(tracking_uri=uri), uri
    except Exception as error:  # MLflow raises its own and its backends' errors
        raise ConfigurationError(
            f"cannot open the MLflow tracking store {shown_uri(uri)}: {_reason(error)}",
            hint=_store_hint(error),
        ) from None


def _check_local_store(uri: str) -> None:
    """A SQLite database or a file store that does not exist: say so, create nothing."""
    parts = urlsplit(uri)
    if parts.scheme == "sqlite":
        location = unquote(parts.path.removeprefix("/"))  # sqlite:///rel.db, sqlite:////abs.db
        if location in ("", ":memory:"):
            return
        target, what, present = Path(location), "SQLite database", Path(location).is_file()
    elif parts.scheme in ("", "file"):
        target = Path(unquote(parts.path)).expanduser()
        what, present = "MLflow file store", target.is_dir()
    else:  # a server, Databricks, ...: MLflow's client says what is wrong
        return
    if not present:
        raise UsageError(
            f"no {what} at {target}: the tracking URI {shown_uri(uri)} names no store",
            hint="pass the store the run was logged to with --tracking-uri (e.g. "
            "sqlite:///mlflow.db), or set MLFLOW_TRACKING_URI",
        )


def read_run(run_id: str, *, tracking_uri: str | None = None) -> RunRecord:
    """The MLflow run `run_id`, as a `RunRecord`."""
    client, uri = open_client(tracking_uri)
    run = get_run(client, run_id, uri=uri)
    experiment: str | None = None
    try:
        experiment = client.get_experiment(run.info.experiment_id).name
    except Exception:  # the experiment's name is a nicety; the run is what matters
        experiment = None
    tags = dict(run.data.tags)
    started = (
        dt.datetime.fromtimestamp(run.info.start_time / 1000, tz=dt.UTC).date()
        if run.info.start_time
        else None
    )
    return RunRecord(
        run_id=run.info.run_id,
        run_name=run.info.run_name or tags.get("mlflow.runName") or None,
        experiment=experiment,
        started=started,
        description=(tags.get("mlflow.note.content") or "").strip() or None,
        params=dict(sorted(run.data.params.items())),
        metrics=dict(sorted(run.data.metrics.items())),
        tags=tags,
        datasets=run_datasets(run),
    )


def run_datasets(run: Run) -> tuple[RunDataset, ...]:
    """The datasets `run` logged as inputs."""
    inputs = run.inputs.dataset_inputs if run.inputs is not None else []
    return tuple(
        _dataset(entry.dataset, {tag.key: tag.value for tag in entry.tags}) for entry in inputs
    )


def get_run(client: MlflowClient, run_id: str, *, uri: str) -> Run:
    """The run, or a `UsageError` saying it is not in that store."""
    from mlflow.exceptions import MlflowException

    try:
        return client.get_run(run_id)
    except MlflowException as error:
        if error.error_code in ("RESOURCE_DOES_NOT_EXIST", "INVALID_PARAMETER_VALUE"):
            raise UsageError(
                f"no MLflow run '{run_id}' in the tracking store {shown_uri(uri)}",
                hint="copy the run id from the MLflow UI or mlflow.active_run().info.run_id, "
                "and pass the store it was logged to with --tracking-uri",
            ) from None
        raise mlflow_error(error, uri) from None
    except Exception as error:
        raise ConfigurationError(
            f"cannot read run '{run_id}' from {shown_uri(uri)}: {_reason(error)}",
            hint=_store_hint(error),
        ) from None


def mlflow_error(error: MlflowException, uri: str) -> ConfigurationError:
    """An error MLflow raised, as cardgate's (exit 2), with the store it concerns."""
    return ConfigurationError(
        f"MLflow ({shown_uri(uri)}): {_reason(error)}", hint=_store_hint(error)
    )


def _dataset(dataset: object, tags: dict[str, str]) -> RunDataset:
    source_text = str(getattr(dataset, "source", "") or "")
    source: str | None = None
    try:
        described = json.loads(source_text) if source_text else None
    except ValueError:
        described = None
    if isinstance(described, dict):
        for key in ("uri", "url", "path"):
            value = described.get(key)
            if isinstance(value, str) and value:
                source = value
                break
    return RunDataset(
        name=str(getattr(dataset, "name", "") or ""),
        digest=str(getattr(dataset, "digest", "") or ""),
        source_type=str(getattr(dataset, "source_type", "") or ""),
        source=source,
        context=tags.get("mlflow.data.context"),
    )


def _reason(error: BaseException) -> str:
    message = getattr(error, "message", None) or str(error) or type(error).__name__
    return " ".join(str(message).split())


_UNSUPPORTED = re.compile(r"unsupported URI '([^':]*):")
_DATABASES = ("sqlite", "postgresql", "mysql", "mssql")
"""Stores MLflow reads through SQLAlchemy: refused as unsupported when it is missing."""


def _store_hint(error: BaseException) -> str:
    unsupported = _UNSUPPORTED.search(str(error))
    scheme = unsupported.group(1).split("+")[0].lower() if unsupported else None
    if scheme is not None and scheme not in _DATABASES:  # a scheme MLflow has no store for
        return (
            f"MLflow has no tracking store at a '{scheme}:' URI: give a SQLite file "
            "(sqlite:///mlflow.db), a folder (file:///path/to/mlruns) or a tracking server "
            "(http://host:5000)"
        )
    missing = error.name if isinstance(error, ImportError) else None
    if missing and missing.split(".")[0] not in ("sqlalchemy", "alembic"):
        return f"this store needs the Python package '{missing}', which is not installed"
    if scheme is not None or isinstance(error, ImportError):
        return (
            "a SQLite tracking store needs SQLAlchemy and Alembic, which the extra brings: "
            + INSTALL_HINT.split(": ", 1)[1]
        )
    return "check the tracking URI (--tracking-uri or MLFLOW_TRACKING_URI)"
