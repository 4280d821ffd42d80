"""The TF-IDF + logistic-regression intent classifier and FAQ selector, trained on a small set."""

import pytest
import skops.io as sio
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from assistant.classifiers import FaqSelector, TfidfLogisticIntentClassifier

EXAMPLES = {
    "greet": ["hello", "hi there", "namaste", "good morning", "hey"],
    "thank": ["thank you", "thanks a lot", "dhanyavaad", "many thanks", "thanks doctor"],
    "faq/kyphoplasty": [
        "what is kyphoplasty",
        "explain kyphoplasty",
        "kyphoplasty kya hai",
        "tell me about kyphoplasty",
        "how does kyphoplasty work",
    ],
    "faq/recovery": [
        "how long is recovery",
        "when can i walk again",
        "recovery time kitna hai",
        "how soon do i go home",
        "how long to heal after the procedure",
    ],
}
RESPONSES = {
    "utter_faq/kyphoplasty": [{"text": "Kyphoplasty lifts the bone with a balloon."}],
    "utter_faq/recovery": [{"text": "Most people walk the same day."}],
}


def message(text, label=None):
    data = {"text": text}
    if label:
        data["intent"] = label.split("/")[0]
        if "/" in label:
            data["intent_response_key"] = label
    return Message(data=data)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """Featurizers and both classifiers trained and persisted; a loader for each classifier."""
    storage = LocalModelStorage(tmp_path_factory.mktemp("model"))
    context = ExecutionContext(GraphSchema({}), "test")
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    featurizers = [
        CountVectorsFeaturizer.create(
            {**CountVectorsFeaturizer.get_default_config(), **config},
            storage,
            Resource(f"cvf{i}"),
            context,
        )
        for i, config in enumerate(
            [{"max_ngram": 2}, {"analyzer": "char_wb", "min_ngram": 1, "max_ngram": 4}]
        )
    ]
    examples = [message(text, label) for label, texts in EXAMPLES.items() for text in texts]
    data = TrainingData(examples, responses=RESPONSES)
    tokenizer.process_training_data(data)
    for featurizer in featurizers:
        featurizer.train(data)
        featurizer.process_training_data(data)

    def featurized(text):
        [msg] = tokenizer.process([message(text)])
        for featurizer in featurizers:
            featurizer.process([msg])
        return msg

    resources = {}
    for cls in (TfidfLogisticIntentClassifier, FaqSelector):
        resources[cls] = Resource(cls.__name__)
        cls.create(cls.get_default_config(), storage, resources[cls], context).train(data)

    def load(cls):
        return cls.load(cls.get_default_config(), storage, resources[cls], context)

    return featurized, load, storage, resources


@pytest.mark.parametrize(
    "text, intent",
    [
        ("hello doctor", "greet"),
        ("thanks", "thank"),
        ("what is kyphoplsty", "faq"),
        ("recovery kitne din", "faq"),
    ],
)
def test_intents_of_unseen_messages_after_a_save_and_load(trained, text, intent):
    featurized, load, *_ = trained
    [msg] = load(TfidfLogisticIntentClassifier).process([featurized(text)])
    assert msg.get("intent")["name"] == intent
    confidences = [label["confidence"] for label in msg.get("intent_ranking")]
    assert confidences == sorted(confidences, reverse=True)
    assert sum(confidences) == pytest.approx(1.0)


@pytest.mark.parametrize(
    "text, topic",
    [
        ("kyphoplasty kya hota hai", "faq/kyphoplasty"),
        ("how long until i can walk", "faq/recovery"),
    ],
)
def test_faq_selector_writes_what_response_selector_writes(trained, text, topic):
    featurized, load, *_ = trained
    [msg] = load(FaqSelector).process([featurized(text)])
    selector = msg.get("response_selector")
    assert selector["all_retrieval_intents"] == ["faq"]
    response = selector["faq"]["response"]
    assert response["intent_response_key"] == topic
    assert response["utter_action"] == f"utter_{topic}"
    assert response["responses"] == RESPONSES[f"utter_{topic}"]
    ranking = selector["faq"]["ranking"]
    # trained on the FAQ topics only: greetings and thanks are never a topic
    keys = {label["intent_response_key"] for label in ranking}
    assert keys == {"faq/kyphoplasty", "faq/recovery"}
    assert ranking[0]["confidence"] == response["confidence"] > 0.5


def test_a_model_file_with_untrusted_types_is_refused(trained):
    _, load, storage, resources = trained
    resource = resources[TfidfLogisticIntentClassifier]
    with storage.read_from(resource) as model_dir:
        original = (model_dir / f"{resource.name}.skops").read_bytes()
        sio.dump({"payload": TrainingData()}, model_dir / f"{resource.name}.skops")
    try:
        with pytest.raises(ValueError, match="not trusted"):
            load(TfidfLogisticIntentClassifier)
    finally:
        with storage.read_from(resource) as model_dir:
            (model_dir / f"{resource.name}.skops").write_bytes(original)


def test_an_untrained_selector_leaves_messages_alone():
    selector = FaqSelector(FaqSelector.get_default_config(), "faq", None, Resource("none"))
    msg = Message(data={"text": "hello"})
    selector.process([msg])
    assert msg.get("response_selector") is None


def with_intent(message, name="faq", confidence=0.9):
    message.set("intent", {"name": name, "confidence": confidence})
    message.set("intent_ranking", [{"name": name, "confidence": confidence}])
    return message


def test_a_topic_button_payload_answers_that_topic_for_sure(trained):
    featurized, load, *_ = trained
    [msg] = load(FaqSelector).process([with_intent(featurized("topic:recovery"), "greet", 0.3)])
    assert msg.get("intent") == {"name": "faq", "confidence": 1.0}
    assert msg.get("intent_ranking") == [{"name": "faq", "confidence": 1.0}]
    response = msg.get("response_selector")["faq"]["response"]
    assert (response["intent_response_key"], response["confidence"]) == ("faq/recovery", 1.0)
    assert msg.get("faq_candidates") is None


def test_an_unknown_topic_payload_is_an_ordinary_message(trained):
    featurized, load, *_ = trained
    [msg] = load(FaqSelector).process([with_intent(featurized("topic:knee"), "greet", 0.8)])
    assert msg.get("intent")["name"] == "greet"


def test_close_topics_become_a_choice_instead_of_an_answer(trained):
    featurized, load, storage, resources = trained
    selector = load(FaqSelector)
    selector.config = {**selector.config, "choice_below": 0.99}  # every topic counts as unsure
    [msg] = selector.process([with_intent(featurized("kyphoplasty recovery"))])
    assert msg.get("intent") == {"name": "faq_unsure", "confidence": 0.9}
    candidates = msg.get("faq_candidates")
    assert {c["topic"] for c in candidates} == {"kyphoplasty", "recovery"}
    assert candidates[0]["confidence"] >= candidates[1]["confidence"]


def test_a_clear_topic_is_answered(trained):
    featurized, load, *_ = trained
    [msg] = load(FaqSelector).process([with_intent(featurized("kyphoplasty kya hota hai"))])
    assert msg.get("intent")["name"] == "faq" and msg.get("faq_candidates") is None


def test_only_faq_questions_are_turned_into_a_choice(trained):
    featurized, load, *_ = trained
    selector = load(FaqSelector)
    selector.config = {**selector.config, "choice_below": 0.99}
    [msg] = selector.process([with_intent(featurized("thanks"), "thank")])
    assert msg.get("intent")["name"] == "thank" and msg.get("faq_candidates") is None


@pytest.mark.parametrize("cls", [TfidfLogisticIntentClassifier, FaqSelector])
def test_the_fast_tfidf_weighting_gives_scikit_learns_probabilities(trained, cls):
    import numpy as np

    featurized, load, *_ = trained
    classifier = load(cls)
    texts = ["kyphoplasty kya hota hai", "thanks doctor", "how long until i walk"]
    X = classifier._create_X([featurized(t) for t in texts])
    assert np.allclose(classifier.probabilities(X), classifier.clf.predict_proba(X))
