"""The Python client against the real service (scripts/clients-test.sh starts it and sets SIGNALENGINE_URL,
SIGNALENGINE_KEY: an admin key, SIGNALENGINE_SIGNALS_KEY: a key with the signals role only)."""
import http.server
import json
import math
import os
import sys
import threading
import unittest
import urllib.request
import uuid
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import signalengine  # noqa: E402

URL = os.environ.get("SIGNALENGINE_URL")
KEY = os.environ.get("SIGNALENGINE_KEY", "")
SIGNALS_KEY = os.environ.get("SIGNALENGINE_SIGNALS_KEY", "")
try:
    import pandas  # noqa: F401
    HAVE_PANDAS = True
except ImportError:
    HAVE_PANDAS = False


def feature_rows(schema, count, instrument="PYTEST"):
    """Rows of plausible feature values (any finite value is valid), one a day, oldest first."""
    start = datetime(2024, 1, 1, tzinfo=timezone.utc)
    rows = []
    for i in range(count):
        row = {"instrument": instrument, "timestamp": start + timedelta(days=i)}
        for k, name in enumerate(schema):
            wave = math.sin(0.3 * i + k)
            row[name] = 50 + 20 * wave if name.startswith("rsi") else 0.01 * wave
        rows.append(row)
    return rows


@unittest.skipUnless(URL, "SIGNALENGINE_URL is not set (scripts/clients-test.sh sets it)")
class ClientTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.se = signalengine.SignalEngine(URL, KEY)
        cls.model = cls.se.current_model()
        cls.rows = feature_rows(cls.model.feature_schema, cls.model.history_length + 5)
        cls.signals = cls.se.signals_for(cls.rows, last=3)

    def test_signals_for_signals_the_last_rows_with_their_history(self):
        self.assertEqual(len(self.signals), 3)
        self.assertEqual([s.timestamp for s in self.signals], [r["timestamp"] for r in self.rows[-3:]])
        for s in self.signals:
            self.assertEqual(s.instrument, "PYTEST")
            self.assertIn(s.action, ("buy", "sell", "hold"))
            self.assertAlmostEqual(s.probabilities.buy + s.probabilities.sell + s.probabilities.hold, 1.0, places=6)
            self.assertEqual(s.model_version, self.model.version)
            reasons = [r["abstainReason"] or "" for r in s.stages["sequence"]]
            self.assertFalse(any("no history window" in r for r in reasons), f"each row had its full history: {reasons}")

    def test_a_signal_and_its_explanation_read_back(self):
        first = self.signals[0]
        self.assertEqual(self.se.signal(first.id), first)
        explanation = self.se.explanation(first.id)
        self.assertEqual(explanation.signal_id, first.id)
        self.assertAlmostEqual(explanation.base_value + sum(c.contribution for c in explanation.contributions),
                               explanation.score, places=6)
        self.assertLessEqual(len(explanation.top(3)), 3)
        lime = self.se.lime(first.id)
        self.assertEqual(lime.signal_id, first.id)
        self.assertIn("fidelity", json.dumps(lime.lime).lower())

    def test_to_rows_and_to_frame(self):
        rows = signalengine.to_rows(self.signals)
        self.assertEqual([r["id"] for r in rows], [s.id for s in self.signals])
        self.assertEqual(set(rows[0]), {"id", "instrument", "timestamp", "action", "confidence", "p_buy", "p_sell",
                                        "p_hold", "interval_lower", "interval_upper", "bet_size", "reason", "model_version"})
        if HAVE_PANDAS:
            frame = signalengine.to_frame(self.signals)
            self.assertEqual(list(frame.index), [s.id for s in self.signals])
        else:
            with self.assertRaisesRegex(ImportError, "to_rows"):
                signalengine.to_frame(self.signals)

    @unittest.skipUnless(HAVE_PANDAS, "pandas is not installed")
    def test_signals_for_takes_a_dataframe(self):
        frame = pandas.DataFrame(self.rows).set_index("timestamp")
        signals = self.se.signals_for(frame, last=1)
        self.assertEqual(signals[0].timestamp, self.rows[-1]["timestamp"])

    def test_errors_carry_the_problem_details(self):
        with self.assertRaises(signalengine.NotFound) as missing:
            self.se.signal(str(uuid.uuid4()))
        self.assertEqual((missing.exception.status, missing.exception.title), (404, "Signal not found"))
        self.assertIn("no signal has the id", missing.exception.detail)

        with self.assertRaises(signalengine.ValidationError) as invalid:
            self.se.post_items([{"instrument": "X", "timestamp": "2024-01-02T00:00:00Z", "features": {}}])
        self.assertEqual(invalid.exception.status, 400)
        self.assertTrue(any(f.startswith("items[0].features") for f in invalid.exception.errors), invalid.exception.errors)

        with self.assertRaises(signalengine.AuthenticationError):
            signalengine.SignalEngine(URL, "not-a-key").models()
        with self.assertRaises(signalengine.PermissionDenied) as denied:
            signalengine.SignalEngine(URL, SIGNALS_KEY).record_outcomes([{"signalId": self.signals[0].id, "label": "buy"}])
        self.assertEqual(denied.exception.status, 403)

    def test_rows_without_a_feature_of_the_model_are_refused_before_sending(self):
        rows = [{k: v for k, v in r.items() if k != self.model.feature_schema[0]} for r in self.rows]
        with self.assertRaisesRegex(ValueError, self.model.feature_schema[0]):
            self.se.signals_for(rows)

    def test_outcomes_and_models(self):
        receipt = self.se.record_outcomes([{"signalId": self.signals[1].id, "label": "sell"}])
        self.assertEqual(receipt["recorded"] + receipt["duplicates"], [self.signals[1].id])
        self.assertTrue(any(m["status"] == "serving" for m in self.se.models()))

    def test_a_lost_answer_is_retried_with_the_same_idempotency_key(self):
        """A proxy forwards the first POST (the service makes the signals) but answers the client 503, as if the answer
        had been lost; the client's retry, with the same key, gets the first answer: the same ids."""
        seen = []

        class LosingProxy(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.forward(None)

            def do_POST(self):
                self.forward(self.rfile.read(int(self.headers["Content-Length"])))

            def forward(self, body):
                headers = {k: v for k, v in self.headers.items() if k.lower() in ("authorization", "content-type", "idempotency-key")}
                request = urllib.request.Request(URL + self.path, data=body, method=self.command, headers=headers)
                with urllib.request.urlopen(request) as upstream:
                    answer, replayed = upstream.read(), upstream.headers.get("Idempotent-Replayed")
                if self.command == "POST":
                    seen.append((self.headers.get("Idempotency-Key"), replayed, json.loads(answer)))
                status = 503 if self.command == "POST" and len(seen) == 1 else 200
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"status": 503, "title": "lost"}' if status == 503 else answer)

            def log_message(self, *args):
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), LosingProxy)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            client = signalengine.SignalEngine(f"http://127.0.0.1:{server.server_port}", KEY, backoff=0.05)
            signals = client.signals_for(self.rows, last=1)
        finally:
            server.shutdown()
        self.assertEqual(len(seen), 2)
        self.assertEqual(seen[0][0], seen[1][0], "the retry sends the same Idempotency-Key")
        self.assertEqual(seen[1][1], "true", "the service replays its first answer")
        self.assertEqual([s.id for s in signals], [s["id"] for s in seen[0][2]["signals"]])


if __name__ == "__main__":
    unittest.main()
