"""The release policy: shipped presets, `extends`, merging per risk tier, rule options.

Resolution, for a risk tier T: start from the ``baseline`` preset (always: a workspace
policy without ``extends`` is not weaker than no policy); for each layer from the deepest
preset to the workspace's ``policy.yaml``, apply the layer's ``defaults`` and then its
``tiers.T``. A value given replaces the inherited one; ``rules`` merge per rule (``level``
and ``waivable`` replace, ``options`` merge key by key). Rule keys may be codes, names or
aliases, one per rule in a ``rules`` mapping (two would apply in their order).

What the gate guards itself with cannot be loosened: a layer that sets an integrity rule
(`RuleMeta.integrity`) to anything but ``error`` or makes it waivable is ignored and
recorded (`ResolvedPolicy.tampering`, reported by GATE-POL002). Everything else may be
loosened below the baseline, explicitly: each loosening is recorded per tier
(`TierSettings.loosened`, reported by GATE-POL001 on every run until waived).

Mistakes in a readable policy — an unknown preset, rule or option, an option of the
wrong type, a rule keyed twice in one ``rules`` — are configuration errors
(`ConfigurationError`, exit 2) naming the file, position, rule and option;
`policy_problems` finds the same mistakes by the same walk, every one of them, as
problems for `cardgate validate`. A policy that cannot be read or validated at all is
reported as a finding by GATE-DOC001, and the gate then applies the ``strict`` preset
(fail closed). A workspace without ``policy.yaml`` is gated by the ``baseline`` preset.

Kept whole: resolution, the integrity guard and the comparison with the baseline are one
walk over the same layers and origins; split, each part would re-walk them.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, get_args, runtime_checkable

from pydantic import BaseModel, ValidationError

from cardgate.core.errors import ConfigurationError, UsageError
from cardgate.core.paths import leads_outside
from cardgate.core.problems import Problem, Span
from cardgate.documents.load_limits import DocumentLoadError
from cardgate.documents.loading import LoadedDocument, load_document
from cardgate.documents.positions import DataPath
from cardgate.documents.schemas.base import RiskTier
from cardgate.documents.schemas.policy import Policy, TierPolicy
from cardgate.documents.workspace import Workspace
from cardgate.gate.rule_meta import RuleMeta

PRESETS_DIR = Path(__file__).resolve().parent / "presets"
PRESETS = ("baseline", "strict", "eu-ai-act-high-risk")
TIERS: tuple[str, ...] = get_args(RiskTier)
UNKNOWN_TIER = "high"
"""A system whose risk tier cannot be read is gated as high-risk (fail closed)."""
BROKEN_POLICY_PRESET = "strict"
MISSING_POLICY_PRESET = "baseline"
_SCALARS = (
    "required_checklists",
    "min_coverage",
    "required_items",
    "require_evaluation",
    "required_signoffs",
    "max_review_age_days",
    "max_waiver_days",
    "allow_unsigned_signoffs",
    "require_threshold_per_feature",
    "min_document_status",
)
STATUS_ORDER = ("draft", "review", "approved")
_LEVEL_ORDER = {"off": 0, "warning": 1, "error": 2}


@dataclass(frozen=True)
class Layer:
    """One policy document in the `extends` chain."""

    label: str
    policy: Policy
    loaded: LoadedDocument


@dataclass(frozen=True)
class PolicyNote:
    """Something the policy does that the gate reports: where, and what."""

    loaded: LoadedDocument
    """The policy document (or preset) where it is set."""
    path: DataPath
    """The key that sets it."""
    message: str
    against: str = "the baseline"
    """What it is looser than: the baseline preset, the workspace's own policy when
    another was chosen (`gate --policy`), or the policy on ``--changed-since``'s ref."""
    waivable: bool = True
    """False for a loosening of the sign-offs a tier needs where the floor counts only
    signed ones: a plain-text waiver cannot stand in for the SSH-signed approvals; and
    for a loosening made in the change under review (`until_merged`)."""
    until_merged: bool = False
    """Looser than the policy on ``--changed-since``'s ref: it counts once merged."""


@dataclass(frozen=True)
class Floor:
    """A policy the one in force is compared with, setting by setting (GATE-POL001)."""

    against: str
    """How a finding names it (``the baseline``)."""
    name: str
    """How a message names its values (``baseline requires owner, legal``)."""
    layers: tuple[Layer, ...]
    until_merged: bool = False
    """The policy on ``--changed-since``'s ref (`cardgate.gate.policy_base`): a loosening
    of it is never waived, it counts once merged."""


@dataclass(frozen=True)
class TierSettings:
    """What the gate demands of a system of one risk tier."""

    tier: str
    required_checklists: tuple[str, ...] = ()
    min_coverage: Mapping[str, float] = field(default_factory=dict)
    required_items: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Checklist id -> the items a release needs complete; a checklist not named here needs
    an answer to every applicable item."""
    require_evaluation: bool = False
    required_signoffs: tuple[str, ...] = ()
    max_review_age_days: int | None = None
    max_waiver_days: int | None = None
    allow_unsigned_signoffs: bool = True
    require_threshold_per_feature: bool = False
    min_document_status: str = "draft"
    levels: Mapping[str, str] = field(default_factory=dict)
    """Rule code -> error, warning or off."""
    unwaivable: frozenset[str] = frozenset()
    """Codes of the rules this tier's policy says no waiver may match."""
    options: Mapping[str, BaseModel] = field(default_factory=dict)
    """Rule code -> validated options (only rules that have an options model)."""
    loosened: tuple[PolicyNote, ...] = ()
    """Where this tier's policy is looser than the baseline preset's (or another floor's:
    `resolve_policy`)."""
    baseline_max_waiver_days: int | None = None
    """The baseline's longest waiver for this tier: the most a waiver of a loosening
    (GATE-POL001) may run, however far the policy raises `max_waiver_days`."""

    def level(self, rule: RuleMeta) -> str:
        if rule.locked:
            return "error"
        return self.levels.get(rule.code, rule.severity.label)

    def waivable(self, rule: RuleMeta) -> bool:
        return rule.waivable and rule.code not in self.unwaivable


@dataclass(frozen=True)
class ResolvedPolicy:
    """The policy in force: per-tier settings and where they came from."""

    source: str
    tiers: Mapping[str, TierSettings]
    fallback: bool = False
    """True when the workspace's policy could not be read and a preset stands in."""
    tampering: tuple[PolicyNote, ...] = ()
    """Settings that tried to switch off, lower or waive an integrity rule (ignored)."""

    def for_tier(self, tier: str | None) -> TierSettings:
        return self.tiers[tier if tier is not None and tier in self.tiers else UNKNOWN_TIER]


def preset_path(name: str) -> Path:
    return PRESETS_DIR / f"{name}.yaml"


def preset_layers(name: str) -> tuple[Layer, ...]:
    """The shipped preset `name` and the presets it extends, deepest first."""
    return _preset_layer(name)


@functools.cache
def _preset_layer(name: str) -> tuple[Layer, ...]:
    path = preset_path(name)
    try:
        loaded = load_document(path, display=f"<cardgate>/presets/{name}.yaml")
        policy = Policy.model_validate(loaded.data)
    except (DocumentLoadError, ValidationError) as error:  # pragma: no cover - shipped data
        raise ConfigurationError(f"shipped policy preset '{name}' is broken: {error}") from error
    return (*_chain(policy, loaded, seen=(name,)), Layer(f"preset {name}", policy, loaded))


def _chain(policy: Policy, loaded: LoadedDocument, *, seen: tuple[str, ...]) -> tuple[Layer, ...]:
    """The layers a policy extends, deepest first."""
    if policy.extends is None:
        # The workspace's policy starts from the baseline; only the baseline itself does not.
        return () if MISSING_POLICY_PRESET in seen else _preset_layer(MISSING_POLICY_PRESET)
    name = policy.extends.strip()
    if name not in PRESETS or name in seen:
        span = loaded.positions.value(("extends",))
        match = difflib.get_close_matches(name, PRESETS, n=1)
        reason = "extends itself" if name in seen else f"unknown policy preset '{name}'"
        hint = f"did you mean '{match[0]}'?" if match else "use one of: " + ", ".join(PRESETS)
        raise _error(Problem.at(loaded.display, span, "CG100", reason, hint=hint))
    return _preset_layer(name)


def policy_chain(loaded: LoadedDocument) -> tuple[Layer, ...]:
    """The layers of the policy document `loaded` (labelled by its display name) and of
    the presets it extends; `ValidationError` when it is no valid policy,
    `ConfigurationError` when it extends an unknown preset."""
    policy = Policy.model_validate(loaded.data)
    return (*_chain(policy, loaded, seen=()), Layer(loaded.display, policy, loaded))


def policy_layers(workspace: Workspace) -> tuple[tuple[Layer, ...], str, bool]:
    """The layers in force, a description of their source, and whether it is a fallback."""
    document = workspace.policy_doc
    if document is None:
        return _preset_layer(MISSING_POLICY_PRESET), f"preset {MISSING_POLICY_PRESET}", False
    policy = workspace.policy
    if policy is None or document.loaded is None:
        return (
            _preset_layer(BROKEN_POLICY_PRESET),
            f"preset {BROKEN_POLICY_PRESET} (policy unreadable)",
            True,
        )
    loaded = document.loaded
    source = workspace.relative(loaded.path)
    source += f" (extends {(policy.extends or MISSING_POLICY_PRESET).strip()})"
    return (*_chain(policy, loaded, seen=()), Layer(source, policy, loaded)), source, False


@dataclass(frozen=True)
class PolicyChoice:
    """A policy chosen for one run (`gate --policy`): a shipped preset goes under the
    workspace's own policy (`on_top`: the workspace's settings apply on top of it, as if
    ``policy.yaml`` extended it), a policy file replaces it."""

    layers: tuple[Layer, ...]
    source: str
    on_top: bool = False


def choose_policy(workspace: Workspace, name: str) -> PolicyChoice:
    """The shipped preset `name`, or the policy file at the path `name` (inside the
    workspace); `UsageError` for anything else, `ConfigurationError` for a file that is
    not a valid policy."""
    if name in PRESETS:
        return PolicyChoice(_preset_layer(name), f"preset {name} (--policy)", on_top=True)
    path = Path(name)
    presets = ", ".join(PRESETS)
    if not path.is_file():
        close = difflib.get_close_matches(name, PRESETS, n=1)
        raise UsageError(
            f"--policy: '{name}' is neither a shipped preset nor a policy file",
            hint=(f"did you mean '{close[0]}'? " if close else "")
            + f"presets: {presets}; or the path of a policy file in the workspace",
        )
    if leads_outside(workspace.root, path.absolute()):
        raise UsageError(
            f"--policy: '{name}' is outside the workspace",
            hint="a policy file is part of the governance record: keep it in the workspace",
        )
    display = workspace.relative(path.absolute())
    try:
        loaded = load_document(path, display=display)
        policy = Policy.model_validate(loaded.data)
    except DocumentLoadError as error:
        raise ConfigurationError(f"--policy: {error}") from error
    except ValidationError as error:
        first = error.errors()[0]
        span = loaded.positions.value(tuple(first["loc"]))
        raise ConfigurationError(
            f"{display}:{span.line}:{span.column}: CG100 not a valid policy: {first['msg']}",
            hint="see docs/policy.md; cardgate validate checks the workspace's policy.yaml",
        ) from error
    extends = (policy.extends or MISSING_POLICY_PRESET).strip()
    return PolicyChoice(
        (*_chain(policy, loaded, seen=()), Layer(display, policy, loaded)),
        f"{display} (extends {extends}; --policy)",
    )


def resolve_policy(
    workspace: Workspace,
    rules: Iterable[RuleMeta],
    *,
    chosen: PolicyChoice | None = None,
    base: Floor | None = None,
) -> ResolvedPolicy:
    """Resolve the workspace's policy (or the `chosen` one) for every risk tier,
    validating rule options. A chosen preset adds its demands under the workspace's own
    settings (the workspace's policy extends it for the run); whatever the result demands
    less than the preset is reported. A chosen policy file replaces the workspace's; its
    loosenings are reported against the baseline and against the workspace's own policy:
    choosing a policy never silently bypasses a stricter policy.yaml. `base`, the policy
    on ``--changed-since``'s ref (`cardgate.gate.policy_base`), is one more floor, whose
    loosenings no waiver accepts."""
    layers, source, fallback = policy_layers(workspace)
    floors = [Floor("the baseline", "baseline", _preset_layer(MISSING_POLICY_PRESET))]
    if chosen is not None:
        if workspace.policy_doc is not None:
            floors.append(Floor(f"the workspace's policy ({source})", "workspace policy", layers))
        if chosen.on_top:
            name = chosen.source.removesuffix(" (--policy)")
            floors.append(Floor(f"the chosen {name}", "workspace policy", chosen.layers))
            under = {layer.label for layer in chosen.layers}
            own = tuple(layer for layer in layers if layer.label not in under)
            layers = (*chosen.layers, *own)
            source = f"{source} on top of {chosen.source}" if own else chosen.source
        else:
            layers, source, fallback = chosen.layers, chosen.source, False
    if base is not None:
        floors.append(base)
    selectors = _selectors(rules)
    tiers: dict[str, TierSettings] = {}
    tampering: dict[tuple[str, DataPath], PolicyNote] = {}
    for tier in TIERS:
        settings, origins, notes = _resolve_tier(tier, layers, selectors)
        for note in notes:
            tampering.setdefault((note.loaded.display, note.path), note)
        loosened: list[PolicyNote] = []
        baseline_days: int | None = None
        for floor_policy in floors:
            floor, _, _ = _resolve_tier(tier, floor_policy.layers, selectors)
            if floor_policy.against == "the baseline":
                baseline_days = floor.max_waiver_days
            loosened.extend(
                _loosened(floor, settings, origins, layers[-1], selectors, floor_policy)
            )
        tiers[tier] = dataclasses.replace(
            settings, loosened=tuple(loosened), baseline_max_waiver_days=baseline_days
        )
    return ResolvedPolicy(source, tiers, fallback, tuple(tampering.values()))


def policy_problems(workspace: Workspace, rules: Iterable[RuleMeta]) -> list[Problem]:
    """The mistakes in the workspace's readable policy that make the gate refuse it (exit
    2): an unknown preset, rule or option, an option of the wrong type or value — found by
    `resolve_policy`'s own walk over every tier, each once, for `cardgate validate`. A
    policy that cannot be read or validated has its problems reported already."""
    if workspace.policy is None:
        return []
    try:
        layers, _, _ = policy_layers(workspace)
    except ConfigurationError as error:
        return [error.problem] if error.problem is not None else []
    return layers_problems(layers, rules)


def layers_problems(layers: tuple[Layer, ...], rules: Iterable[RuleMeta]) -> list[Problem]:
    """The mistakes `resolve_policy` would refuse in a policy of `layers`, each once."""
    selectors = _selectors(rules)
    found: list[Problem] = []
    for tier in TIERS:
        _resolve_tier(tier, layers, selectors, found=found)
    return sorted(set(found), key=Problem.order)


def _selectors(rules: Iterable[RuleMeta]) -> dict[str, RuleMeta]:
    """Every code, name and alias that names a rule in a policy."""
    return {selector: rule for rule in rules for selector in rule.selectors()}


def _error(problem: Problem) -> ConfigurationError:
    """The gate's configuration error (exit 2) for a mistake in a readable policy."""
    return ConfigurationError(problem.format(), hint=problem.hint, problem=problem)


def _refuse(problem: Problem, found: list[Problem] | None) -> None:
    """Raise `problem` (`_error`), or, when `found` collects them (`policy_problems`),
    add it."""
    if found is None:
        raise _error(problem)
    found.append(problem)


_Origin = tuple[str, Span]
_Where = tuple[Layer, DataPath]
"""The layer and key that set a value last."""


def _resolve_tier(
    tier: str,
    layers: tuple[Layer, ...],
    selectors: Mapping[str, RuleMeta],
    *,
    found: list[Problem] | None = None,
) -> tuple[TierSettings, dict[str, _Where], list[PolicyNote]]:
    """The tier's settings, where each value was set, and the integrity settings ignored.
    A mistake (an unknown rule, a bad option) raises, or is added to `found` (`_refuse`)."""
    values: dict[str, Any] = {}
    levels: dict[str, str] = {}
    waivable: dict[str, bool] = {}
    options: dict[str, dict[str, Any]] = {}
    origins: dict[tuple[str, str], _Origin] = {}
    where_set: dict[str, _Where] = {}
    tampering: list[PolicyNote] = []
    for layer in layers:
        parts: list[tuple[TierPolicy, DataPath]] = [(layer.policy.defaults, ("defaults",))]
        own = layer.policy.tiers.get(tier)  # type: ignore[call-overload]
        if own is not None:
            parts.append((own, ("tiers", tier)))
        for part, base in parts:
            for name in _SCALARS:
                value = getattr(part, name)
                if value is not None:
                    values[name] = value
                    where_set[name] = (layer, (*base, name))
            keys: dict[str, str] = {}  # rule code -> the key that set it in this mapping
            for key, setting in part.rules.items():
                where = (*base, "rules", key)
                rule = selectors.get(key)
                if rule is None:
                    _refuse(_unknown_rule(layer.loaded, where, key, selectors), found)
                    continue
                if rule.code in keys:
                    _refuse(_keyed_twice(layer.loaded, where, keys[rule.code], key, rule), found)
                    continue
                keys[rule.code] = key
                lowered = rule.locked and setting.level not in (None, "error")
                if lowered or (rule.integrity and setting.waivable is True):
                    what = (
                        f"level {setting.level}"
                        if setting.level not in (None, "error")
                        else ("waivable: true")
                    )
                    tampering.append(
                        PolicyNote(
                            layer.loaded,
                            where,
                            f"rule {rule.code} ({rule.name}) guards the gate's integrity: "
                            f"'{what}' is ignored; it always runs as an error"
                            + ("" if rule.waivable else " and is never waived"),
                        )
                    )
                    continue
                if setting.level is not None:
                    levels[rule.code] = setting.level
                    where_set[f"level:{rule.code}"] = (layer, (*where, "level"))
                if setting.waivable is not None:
                    waivable[rule.code] = setting.waivable
                    where_set[f"waivable:{rule.code}"] = (layer, (*where, "waivable"))
                merged = options.setdefault(rule.code, {})
                if setting.options:  # where a mistake of the options as a whole is shown
                    origins[(rule.code, "options")] = (
                        layer.loaded.display,
                        layer.loaded.positions.key((*where, "options")),
                    )
                for option, value in setting.options.items():
                    merged[option] = value
                    where_set[f"option:{rule.code}:{option}"] = (layer, (*where, "options", option))
                    origins[(rule.code, option)] = (
                        layer.loaded.display,
                        layer.loaded.positions.key((*where, "options", option)),
                    )
    validated: dict[str, BaseModel] = {}
    for rule in {rule.code: rule for rule in selectors.values()}.values():
        validated_options, problem = _validate_options(rule, options.get(rule.code, {}), origins)
        if problem is not None:
            _refuse(problem, found)
        if validated_options is not None:
            validated[rule.code] = validated_options
    settings = TierSettings(
        tier=tier,
        required_checklists=tuple(values.get("required_checklists", ())),
        min_coverage=dict(values.get("min_coverage", {})),
        required_items={
            checklist: tuple(items)
            for checklist, items in dict(values.get("required_items", {})).items()
        },
        require_evaluation=bool(values.get("require_evaluation", False)),
        required_signoffs=tuple(values.get("required_signoffs", ())),
        max_review_age_days=values.get("max_review_age_days"),
        max_waiver_days=values.get("max_waiver_days"),
        allow_unsigned_signoffs=bool(values.get("allow_unsigned_signoffs", True)),
        require_threshold_per_feature=bool(values.get("require_threshold_per_feature", False)),
        min_document_status=str(values.get("min_document_status", "draft")),
        levels=levels,
        unwaivable=frozenset(code for code, allowed in waivable.items() if not allowed),
        options=validated,
    )
    return settings, where_set, tampering


def _loosened(
    floor: TierSettings,
    settings: TierSettings,
    where_set: Mapping[str, _Where],
    workspace_layer: Layer,
    selectors: Mapping[str, RuleMeta],
    compared: Floor,
) -> tuple[PolicyNote, ...]:
    """Where `settings` demand less than the `floor` (the settings of the policy
    `compared` names for the tier), one note per setting."""
    found: list[PolicyNote] = []
    tier = settings.tier
    floor_name = compared.name

    signed_only = not floor.allow_unsigned_signoffs

    def note(key: str, message: str, *, signoffs: bool = False) -> None:
        layer, path = where_set.get(key, (workspace_layer, ()))
        found.append(
            PolicyNote(
                layer.loaded,
                path,
                f"risk tier '{tier}': {message}",
                against=compared.against,
                waivable=not (signoffs and signed_only) and not compared.until_merged,
                until_merged=compared.until_merged,
            )
        )

    for name in ("required_checklists", "required_signoffs"):
        dropped = [item for item in getattr(floor, name) if item not in getattr(settings, name)]
        if dropped:
            note(
                name,
                f"{name} drops {', '.join(dropped)} ({floor_name} requires "
                f"{', '.join(getattr(floor, name))})",
                signoffs=name == "required_signoffs",
            )
    lower = [
        f"{function} {settings.min_coverage.get(function, 0.0):g} < {minimum:g}"
        for function, minimum in floor.min_coverage.items()
        if settings.min_coverage.get(function, 0.0) < minimum
    ]
    if lower:
        note("min_coverage", f"min_coverage below the {floor_name}: " + ", ".join(lower))
    for checklist, items in sorted(settings.required_items.items()):
        if checklist not in settings.required_checklists:
            continue
        required = floor.required_items.get(checklist)
        if required is None:
            note(
                "required_items",
                f"required_items asks {len(items)} items of {checklist} ({floor_name}: an answer "
                "to every item)",
            )
        elif dropped := [item for item in required if item not in items]:
            note("required_items", f"required_items drops {', '.join(dropped)} of {checklist}")
    for name in ("require_evaluation", "require_threshold_per_feature"):
        if getattr(floor, name) and not getattr(settings, name):
            note(name, f"{name} is false ({floor_name}: true)")
    if not floor.allow_unsigned_signoffs and settings.allow_unsigned_signoffs:
        note(
            "allow_unsigned_signoffs",
            f"unsigned sign-offs count ({floor_name}: refused)",
            signoffs=True,
        )
    for name in ("max_review_age_days", "max_waiver_days"):
        limit, given = getattr(floor, name), getattr(settings, name)
        if limit is not None and (given is None or given > limit):
            note(
                name, f"{name} {given if given is not None else 'unlimited'} > {floor_name} {limit}"
            )
    if STATUS_ORDER.index(settings.min_document_status) < STATUS_ORDER.index(
        floor.min_document_status
    ):
        note(
            "min_document_status",
            f"min_document_status {settings.min_document_status} ({floor_name}: "
            f"{floor.min_document_status})",
        )
    for rule in {rule.code: rule for rule in selectors.values()}.values():
        was, now = floor.level(rule), settings.level(rule)
        if _LEVEL_ORDER[now] < _LEVEL_ORDER[was]:
            note(
                f"level:{rule.code}",
                f"rule {rule.code} ({rule.name}) is {now} ({floor_name}: {was})",
                signoffs=rule.code in SIGNOFF_RULES,
            )
        if settings.waivable(rule) and not floor.waivable(rule):
            note(
                f"waivable:{rule.code}",
                f"rule {rule.code} ({rule.name}) is waivable ({floor_name}: never waived)",
                signoffs=rule.code in SIGNOFF_RULES,
            )
        if was != "error":
            continue  # options of a rule that does not block in the floor loosen nothing
        given, least = settings.options.get(rule.code), floor.options.get(rule.code)
        if isinstance(given, LoosenableOptions) and least is not None:
            for option, words in given.looser_than(least):
                note(f"option:{rule.code}:{option}", f"rule {rule.code} ({rule.name}) {words}")
    return tuple(found)


SIGNOFF_RULES = frozenset({"GATE-SO001", "GATE-SO002", "GATE-SO003"})
"""The rules that hold a release to its sign-offs."""


@runtime_checkable
class LoosenableOptions(Protocol):
    """A rule's options model that can say where it demands less than the baseline's."""

    def looser_than(self, floor: BaseModel) -> list[tuple[str, str]]:
        """(option, what it sets and the baseline's value) for each looser option."""
        ...


def _unknown_rule(
    loaded: LoadedDocument, where: DataPath, key: str, selectors: Mapping[str, RuleMeta]
) -> Problem:
    span = loaded.positions.key(where)
    match = difflib.get_close_matches(key, list(selectors), n=1, cutoff=0.6)
    return Problem.at(
        loaded.display,
        span,
        "CG100",
        f"unknown rule '{key}'",
        hint=f"did you mean '{match[0]}'?" if match else "list the rules with: cardgate rules",
    )


def _keyed_twice(
    loaded: LoadedDocument, where: DataPath, first: str, key: str, rule: RuleMeta
) -> Problem:
    """A rule set under two of its keys (code, name, alias) in one ``rules`` mapping: which
    setting applies would depend on their order (``GATE-FA003: {waivable: false}`` in
    sight, ``evaluation.thresholds-met: {waivable: true}`` below it)."""
    return Problem.at(
        loaded.display,
        loaded.positions.key(where),
        "CG100",
        f"'{key}' and '{first}' both set rule {rule.code} ({rule.name}) in the same 'rules'",
        hint="merge them into one entry under the rule's code",
    )


def _validate_options(
    rule: RuleMeta, given: dict[str, Any], origins: Mapping[tuple[str, str], _Origin]
) -> tuple[BaseModel | None, Problem | None]:
    """The rule's options (None: it takes none), or the first mistake in them, at the
    option's position in the layer that set it last."""
    if rule.options is None:
        if not given:
            return None, None
        option = sorted(given)[0]
        display, span = origins[(rule.code, option)]
        message = f"rule {rule.code} ({rule.name}) has no option '{option}'"
        return None, Problem.at(display, span, "CG100", message, hint="this rule takes no options")
    try:
        return rule.options.model_validate(given), None
    except ValidationError as error:
        detail = error.errors()[0]
        option = str(detail["loc"][0]) if detail["loc"] else "options"
        display, span = origins.get((rule.code, option), ("policy", Span(1, 1)))
        known = ", ".join(rule.option_names())
        if detail["type"] == "extra_forbidden":
            match = difflib.get_close_matches(option, rule.option_names(), n=1)
            message = f"rule {rule.code} ({rule.name}) has no option '{option}'"
            hint = f"did you mean '{match[0]}'?" if match else f"its options: {known}"
        else:
            message = f"rule {rule.code} ({rule.name}) option '{option}': {detail['msg']}"
            hint = f"see: cardgate explain {rule.code}"
        return None, Problem.at(display, span, "CG100", message, hint=hint)


def checklist_scope(
    workspace: Workspace, system_id: str, checklist: str, rules: Iterable[RuleMeta]
) -> tuple[str | None, tuple[str, ...] | None]:
    """(the system's risk tier, the items the policy requires of `checklist` for it).

    The tier is None when the system's model card cannot be read; the items are None when
    the policy asks for every item.
    """
    system = workspace.systems.get(system_id)
    card = system.model_card if system is not None else None
    if card is None:
        return None, None
    settings = resolve_policy(workspace, rules).for_tier(card.risk_tier)
    return card.risk_tier, settings.required_items.get(checklist)
