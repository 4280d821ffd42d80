"""The frozen held-out NLU sets are never edited: tuning is measured against fixed text.

`frozen-2026-11-*` guided the writing of the training examples (a development measure);
`heldout-2026-12-*` were written and committed before any tuning on them and looked at only in
aggregate until a later round of training examples was written from their misses (a development
measure now); `heldout-2026-12b-*`, written and committed before that round, were held out
for it and then tuned on in the third round (a regression table now); `heldout-2026-12c-*`,
written and committed before the third round, were held out for it and then tuned on in the
fourth round (a regression table now); `heldout-2026-12d-*`,
written and committed before any tuning on 2026-12c, are held out and looked at only in
aggregate (docs/languages.md).
"""

import hashlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FROZEN = {
    "en": "5e38432fbbfe9e951cd3dec52d723f6c207f87297f14896895ff0abf79b64258",
    "hi": "6facc09c1b84ca164f4ac3b1e07de6ebb1089dc641d03caf88cbc38078ea3ab7",
    "hinglish": "49b4cc051acae036865de463687630b19b2741a1b91bb93a33c1da8fd7796049",
}
HELDOUT = {
    "en": "f4cd0c917a6ad34f3054de416f218237b5e9b44c7f0fe766b27f6af74f736c5c",
    "hi": "f6cc66e919e027d4eef00b8a0c10edd4bee23b2308fa5cdbd0d9ee4fd03fb3fd",
    "hinglish": "b3ab613847060b445d2ef9d671cdf823d21b530ebd0592e2585ada79a0917c33",
}
HELDOUT_B = {
    "en": "d005dbe69333df3551c9f79837a65cb827e4a81969dc7595e0a741d6a18005b4",
    "hi": "7e65086cd3915fdbcac8d9a4346861f23c132869ff244380cac2be58e20e8259",
    "hinglish": "aab84fd23f91d866f69ec9ef1a39d340a43f09e470a14c09a6767f313047aff2",
}
HELDOUT_C = {
    "en": "29e0c01dd11f08781e04f11f04dca7f41db6b6522759a2be1e80692349c32954",
    "hi": "f83a96a65957af1c348ee7527c1790da08f2d490cd695aee18d9f0afbf2ecb3f",
    "hinglish": "dc4d9ae783ac865b117984f8be918a43b0b82b96aaf081ecb6b6f967aa99ef79",
}
HELDOUT_D = {
    "en": "82fec87473e77ed41337be4d80e9e817cae33e5b5ca8daf544b6b7eea7f057a8",
    "hi": "1ec9a284e16aee85490503feff671bfb24502d6ef923846baff511c28d9eeaf3",
    "hinglish": "afcd7d3746ce60e6e8b8020a7714671183f20dc430177072246c64961de48b44",
}
SETS = (
    {f"frozen-2026-11-{language}": digest for language, digest in FROZEN.items()}
    | {f"heldout-2026-12-{language}": digest for language, digest in HELDOUT.items()}
    | {f"heldout-2026-12b-{language}": digest for language, digest in HELDOUT_B.items()}
    | {f"heldout-2026-12c-{language}": digest for language, digest in HELDOUT_C.items()}
    | {f"heldout-2026-12d-{language}": digest for language, digest in HELDOUT_D.items()}
)


@pytest.mark.parametrize("name", sorted(SETS))
def test_frozen_set_is_unchanged(name):
    path = ROOT / f"tests/nlu/{name}.yml"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == SETS[name]


def test_no_frozen_example_is_trained_on():
    from rasa.shared.nlu.training_data.loading import load_data

    def texts(path):
        return {
            " ".join(m.get("text").lower().split()) for m in load_data(str(path)).intent_examples
        }

    training = texts(ROOT / "data/nlu")
    for name in SETS:
        leaked = texts(ROOT / f"tests/nlu/{name}.yml") & training
        assert not leaked, f"{name}: held-out examples in data/nlu: {sorted(leaked)}"
