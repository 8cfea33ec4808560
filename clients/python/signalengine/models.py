"""Typed views of the service's answers (see docs/openapi/signalengine.json for every field). Each keeps the JSON it
was read from in `raw`, so nothing the service adds later is lost."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Mapping


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@dataclass(frozen=True)
class Probabilities:
    buy: float
    sell: float
    hold: float

    @classmethod
    def from_json(cls, j: Mapping[str, Any]) -> "Probabilities":
        return cls(j["buy"], j["sell"], j["hold"])


@dataclass(frozen=True)
class Interval:
    """A credible interval of the confidence, at `level`."""
    lower: float
    upper: float
    level: float

    @classmethod
    def from_json(cls, j: Mapping[str, Any]) -> "Interval":
        return cls(j["lower"], j["upper"], j["level"])


@dataclass(frozen=True)
class Signal:
    """A buy / sell / hold signal: `confidence` is P(action), `bet_size` the signed position in [-1, 1]."""
    id: str
    instrument: str
    timestamp: datetime
    action: str
    confidence: float
    probabilities: Probabilities
    interval: Interval
    bet_size: float
    reason: str | None
    model_version: str
    #: Each stage's output (treeFilter, sequence, meta), as the service sent it.
    stages: dict[str, Any] = field(repr=False)
    raw: dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_json(cls, j: Mapping[str, Any]) -> "Signal":
        return cls(j["id"], j["instrument"], _time(j["timestamp"]), j["action"], j["confidence"],
                   Probabilities.from_json(j["probabilities"]), Interval.from_json(j["interval"]), j["betSize"],
                   j.get("reason"), j["modelVersion"], dict(j["stages"]), dict(j))


@dataclass(frozen=True)
class FeatureContribution:
    """A feature's TreeSHAP contribution to stage 1's score (log-odds of actionable)."""
    feature: str
    value: float
    contribution: float


@dataclass(frozen=True)
class LogitContribution:
    """A stage-3 input's contribution to each class logit."""
    input: str
    value: float
    buy: float
    sell: float
    hold: float


@dataclass(frozen=True)
class Explanation:
    """Why a signal is what it is: stage 1's TreeSHAP (base value + contributions = score), the rules that fired,
    stage 2's attributions (in `sequence`), stage 3's logit contributions and the trade rule's weighing."""
    signal_id: str
    model_version: str
    base_value: float
    score: float
    contributions: list[FeatureContribution]
    rules_fired: list[dict[str, Any]]
    sequence: list[dict[str, Any]] = field(repr=False)
    action: str
    most_influential_stage: str
    meta_contributions: list[LogitContribution] = field(repr=False)
    trade: dict[str, Any] | None = field(repr=False)
    raw: dict[str, Any] = field(repr=False, compare=False)

    def top(self, n: int = 5) -> list[FeatureContribution]:
        """The n stage-1 contributions largest in size."""
        return sorted(self.contributions, key=lambda c: abs(c.contribution), reverse=True)[:n]

    @classmethod
    def from_json(cls, j: Mapping[str, Any]) -> "Explanation":
        tree, meta = j["treeFilter"], j["meta"]
        return cls(
            j["signalId"], j["modelVersion"], tree["baseValue"], tree["score"],
            [FeatureContribution(c["feature"], c["value"], c["contribution"]) for c in tree["contributions"]],
            list(j["rulesFired"]), list(j["sequence"]), meta["action"], meta["mostInfluentialStage"],
            [LogitContribution(c["input"], c["value"], c["buy"], c["sell"], c["hold"]) for c in meta["contributions"]],
            meta.get("trade"), dict(j))


@dataclass(frozen=True)
class LimeView:
    """A LIME surrogate of stage 1 around the signal's own features, computed on request, with its fidelity."""
    signal_id: str
    model_version: str
    explains: str
    lime: dict[str, Any]
    raw: dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_json(cls, j: Mapping[str, Any]) -> "LimeView":
        return cls(j["signalId"], j["modelVersion"], j["explains"], dict(j["lime"]), dict(j))


@dataclass(frozen=True)
class Model:
    """The model being served: what each item must carry."""
    version: str
    feature_schema: list[str]
    window_length: int
    history_length: int
    raw: dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_json(cls, j: Mapping[str, Any]) -> "Model":
        return cls(j["version"], list(j["featureSchema"]), j["windowLength"], j["historyLength"], dict(j))
