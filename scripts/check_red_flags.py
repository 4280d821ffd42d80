"""Print the red-flag phrase cases the detector gets wrong.

python scripts/check_red_flags.py [file]
"""

import sys
import time

import yaml

from redflags import RedFlagDetector


def main(path: str = "tests/redflags/cases.yml") -> int:
    detector = RedFlagDetector()
    cases = yaml.safe_load(open(path, encoding="utf-8"))["cases"]
    wrong = 0
    started = time.perf_counter()
    for case in cases:
        got = {f.category for f in detector.detect(case["text"])}
        if got != set(case["expect"]):
            wrong += 1
            print(f"{case['text']!r}\n    expect {sorted(case['expect'])} got {sorted(got)}")
    elapsed = (time.perf_counter() - started) / len(cases) * 1000
    print(f"{len(cases) - wrong} right, {wrong} wrong, {elapsed:.2f} ms per message")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
