"""A Python client of the SignalEngine service for notebooks: the standard library for the transport, pandas optional.

    import signalengine
    se = signalengine.SignalEngine("http://localhost:5080", api_key=open("data/admin.key").read().strip())
    signals = se.signals_for(feature_rows, instrument="ttrc", last=3)
    signalengine.to_frame(signals)
    se.explanation(signals[0].id).top(5)
"""
from .client import SignalEngine, rows_from_items, to_frame, to_rows
from .errors import (ApiError, AuthenticationError, Conflict, NotFound, PermissionDenied, RateLimited,
                     ServiceUnavailable, SignalEngineError, TransportError, ValidationError)
from .models import Explanation, FeatureContribution, Interval, LimeView, LogitContribution, Model, Probabilities, Signal

__all__ = ["SignalEngine", "rows_from_items", "to_frame", "to_rows", "ApiError", "AuthenticationError", "Conflict",
           "NotFound", "PermissionDenied", "RateLimited", "ServiceUnavailable", "SignalEngineError", "TransportError",
           "ValidationError", "Explanation", "FeatureContribution", "Interval", "LimeView", "LogitContribution", "Model",
           "Probabilities", "Signal"]
