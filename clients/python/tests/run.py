"""Runs the client's tests and prints one PASS, FAIL or SKIP line per test (scripts/clients-test.sh counts them)."""
import os
import sys
import unittest


class Lines(unittest.TextTestResult):
    def addSuccess(self, test):
        super().addSuccess(test)
        print(f"PASS python: {test.id()}", flush=True)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        print(f"FAIL python: {test.id()}: {self._exc_info_to_string(err, test)}", flush=True)

    def addError(self, test, err):
        super().addError(test, err)
        print(f"FAIL python: {test.id()}: {self._exc_info_to_string(err, test)}", flush=True)

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        print(f"SKIP python: {test.id()} ({reason})", flush=True)


if __name__ == "__main__":
    suite = unittest.defaultTestLoader.discover(os.path.dirname(os.path.abspath(__file__)), top_level_dir=os.path.dirname(os.path.abspath(__file__)))
    result = unittest.TextTestRunner(resultclass=Lines, verbosity=0, stream=open(os.devnull, "w")).run(suite)
    sys.exit(0 if result.wasSuccessful() else 1)
