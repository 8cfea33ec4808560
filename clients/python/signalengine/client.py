"""The SignalEngine client: the standard library's urllib for the transport, pandas only if it is there."""
from __future__ import annotations

import json
import random
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import datetime, timezone
from typing import Any, Iterable, Mapping, Sequence

from .errors import ApiError, ServiceUnavailable, TransportError, error_for
from .models import Explanation, LimeView, Model, Signal

#: Answers worth retrying: the key's budget (after Retry-After), a request still being answered (409, with the same
#: Idempotency-Key), a store or audit failure (nothing was kept), a time-out, a gateway's 502.
_RETRIED = {409, 429, 502, 503, 504}


class SignalEngine:
    """A client of one SignalEngine service.

    >>> se = SignalEngine("http://localhost:5080", api_key="...")
    >>> signals = se.signals_for(rows, instrument="ttrc")
    """

    def __init__(self, url: str, api_key: str, *, timeout: float = 120.0, retries: int = 4, backoff: float = 0.5,
                 batch_size: int = 500):
        self.url = url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.batch_size = batch_size
        self._model: Model | None = None

    # --- models ---------------------------------------------------------------------------------------------------
    def current_model(self, refresh: bool = False) -> Model:
        """The served model (its feature schema and the history rows an item needs), cached until `refresh`."""
        if self._model is None or refresh:
            self._model = Model.from_json(self._request("GET", "/models/current"))
        return self._model

    def models(self) -> list[dict[str, Any]]:
        """Every registered version: parent, status (serving, candidate, rejected, retired), shadow metrics."""
        return self._request("GET", "/models")

    # --- signals --------------------------------------------------------------------------------------------------
    def signals_for(self, bars: Any, *, instrument: str | None = None, last: int | None = 1,
                    context: Mapping[str, Any] | None = None) -> list[Signal]:
        """Signals for the last `last` rows of each instrument (all rows with `last=None`).

        `bars` is a pandas DataFrame or a sequence of dicts, oldest first, with the model's feature columns
        (`current_model().feature_schema`), a `timestamp` (or a DatetimeIndex) and an `instrument` column or the
        `instrument` argument. The rows before each signalled one are sent as its history (up to
        `history_length` of them); other columns are ignored.
        """
        rows = _rows_of(bars)
        model = self.current_model()
        missing = [f for f in model.feature_schema if rows and f not in rows[0]]
        if missing:
            raise ValueError(f"the rows lack the model's features {missing} (model {model.version})")
        by_instrument: dict[str, list[Mapping[str, Any]]] = {}
        for row in rows:
            name = row.get("instrument", instrument)
            if name is None:
                raise ValueError("give the rows an 'instrument' column or pass instrument=")
            by_instrument.setdefault(str(name), []).append(row)
        items = []
        for name, series in by_instrument.items():
            start = 0 if last is None else max(0, len(series) - last)
            for i in range(start, len(series)):
                history = series[max(0, i - model.history_length):i]
                item: dict[str, Any] = {
                    "instrument": name,
                    "timestamp": _timestamp(series[i]),
                    "features": _features(series[i], model.feature_schema),
                    "history": [_features(h, model.feature_schema) for h in history],
                }
                if context is not None:
                    item["context"] = dict(context)
                items.append(item)
        return self.post_items(items)

    def post_items(self, items: Sequence[Mapping[str, Any]]) -> list[Signal]:
        """POST /signals in batches of `batch_size` items, each with its own Idempotency-Key (kept across retries, so a
        retried batch gets the first answer, with the same ids, never a second set of signals)."""
        signals: list[Signal] = []
        for start in range(0, len(items), self.batch_size):
            batch = {"items": list(items[start:start + self.batch_size])}
            answer = self._request("POST", "/signals", body=batch, idempotency_key=str(uuid.uuid4()))
            signals.extend(Signal.from_json(s) for s in answer["signals"])
        return signals

    def signal(self, signal_id: str) -> Signal:
        return Signal.from_json(self._request("GET", f"/signals/{urllib.parse.quote(signal_id)}"))

    def explanation(self, signal_id: str) -> Explanation:
        """The stored explanation of a signal (TreeSHAP, rules, integrated gradients, stage-3 contributions)."""
        return Explanation.from_json(self._request("GET", f"/signals/{urllib.parse.quote(signal_id)}/explanation"))

    def lime(self, signal_id: str) -> LimeView:
        """A LIME surrogate of stage 1 around the signal, computed now (409 if its model is no longer served)."""
        return LimeView.from_json(self._request("GET", f"/signals/{urllib.parse.quote(signal_id)}/explanation", {"method": "lime"}))

    def record_outcomes(self, outcomes: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
        """POST /outcomes: each {"signalId": ..., "label": "buy"|"sell"|"hold"} or {"signalId": ..., "forwardReturn": r}."""
        return self._request("POST", "/outcomes", body={"outcomes": list(outcomes)})

    # --- transport ------------------------------------------------------------------------------------------------
    def _request(self, method: str, path: str, query: Mapping[str, str] | None = None, *, body: Any = None,
                 idempotency_key: str | None = None) -> Any:
        url = self.url + path + ("?" + urllib.parse.urlencode(query) if query else "")
        data = None if body is None else json.dumps(body, allow_nan=False).encode("utf-8")
        headers = {"Authorization": f"Bearer {self.api_key}", "Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        if idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key
        # Only a request that is safe to repeat is retried: a GET, or a POST with an Idempotency-Key.
        attempts = 1 + (self.retries if method == "GET" or idempotency_key is not None else 0)
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                request = urllib.request.Request(url, data=data, method=method, headers=headers)
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    return json.loads(response.read().decode("utf-8"))
            except urllib.error.HTTPError as e:
                error = _error(e)
                if e.code not in _RETRIED or last:
                    raise error from None
                self._wait(attempt, error.retry_after)
            except (urllib.error.URLError, TimeoutError, ConnectionError) as e:
                if last:
                    raise TransportError(f"{method} {url}: {getattr(e, 'reason', e)}") from e
                self._wait(attempt, None)
        raise AssertionError("unreachable")

    def _wait(self, attempt: int, retry_after: float | None) -> None:
        delay = retry_after if retry_after is not None else self.backoff * (2 ** attempt) * (0.5 + random.random())
        time.sleep(min(delay, 30.0))


def _error(e: urllib.error.HTTPError) -> ApiError:
    try:
        problem = json.loads(e.read().decode("utf-8") or "{}")
    except (ValueError, UnicodeDecodeError):
        problem = {}
    retry_after = e.headers.get("Retry-After")
    return error_for(e.code, problem if isinstance(problem, dict) else {},
                     float(retry_after) if retry_after and retry_after.isdigit() else None)


def _rows_of(bars: Any) -> list[Mapping[str, Any]]:
    if hasattr(bars, "to_dict") and hasattr(bars, "columns"):  # a pandas DataFrame
        frame = bars
        if "timestamp" not in frame.columns and getattr(frame.index, "dtype", None) is not None \
                and str(frame.index.dtype).startswith("datetime"):
            frame = frame.rename_axis("timestamp").reset_index()
        return frame.to_dict("records")
    return list(bars)


def _timestamp(row: Mapping[str, Any]) -> str:
    value = row.get("timestamp")
    if value is None:
        raise ValueError("every row needs a timestamp")
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).isoformat()
    return str(value)


def _features(row: Mapping[str, Any], schema: Sequence[str]) -> dict[str, float]:
    return {name: float(row[name]) for name in schema}


def rows_from_items(items: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Feature rows from POST /signals items, e.g. the body `SignalEngine.Cli features --last N` writes: each item's own
    row (instrument, timestamp, features), its history left out, so that `signals_for` can rebuild the history of
    each row it signals from the rows before it."""
    return [{"instrument": item["instrument"], "timestamp": item["timestamp"], **item["features"]} for item in items]


def to_rows(signals: Iterable[Signal]) -> list[dict[str, Any]]:
    """One flat dict per signal: the columns of `to_frame`."""
    return [{
        "id": s.id, "instrument": s.instrument, "timestamp": s.timestamp, "action": s.action,
        "confidence": s.confidence, "p_buy": s.probabilities.buy, "p_sell": s.probabilities.sell,
        "p_hold": s.probabilities.hold, "interval_lower": s.interval.lower, "interval_upper": s.interval.upper,
        "bet_size": s.bet_size, "reason": s.reason, "model_version": s.model_version,
    } for s in signals]


def to_frame(signals: Iterable[Signal]):
    """A pandas DataFrame of the signals, one row each, indexed by id (needs pandas; `to_rows` does not)."""
    try:
        import pandas as pd
    except ImportError as e:
        raise ImportError("to_frame needs pandas (pip install pandas); to_rows(signals) gives the same rows as dicts") from e
    return pd.DataFrame(to_rows(signals)).set_index("id")
