"""The pass/fail tally the small CLI checks share: `check(ok, what)` records one check, and `report(name)`
prints 'NAME: N passed, M failed' and returns the exit status."""


class Tally:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, ok, what):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print(f"FAILED: {what}")

    def report(self, name):
        print(f"{name}: {self.passed} passed, {self.failed} failed")
        return 1 if self.failed else 0
