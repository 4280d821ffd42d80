"""One spelling per word in the tokens' lemmas; the message text itself is left alone."""

from rasa.shared.nlu.training_data.message import Message

from assistant.tokenizer import SpellingTokenizer, spelling_key


def test_devanagari_spellings_of_one_word_share_a_key():
    assert spelling_key("फ़ायदा") == spelling_key("फायदा")
    assert spelling_key("ज़रूरी") == spelling_key("जरूरी")
    assert spelling_key("पूँछ") == spelling_key("पूंछ")
    assert spelling_key("दर्द") == "दर्द" and spelling_key("दर्द") != spelling_key("दर")


def test_latin_words_are_only_lowered_and_unstretched():
    assert spelling_key("Nahiii") == "nahi" and spelling_key("pleaseee") == "please"
    assert spelling_key("zaroori") == "zaroori" and spelling_key("bleeding") == "bleeding"


def test_the_tokens_keep_the_text_and_carry_the_key_as_lemma():
    tokenizer = SpellingTokenizer(SpellingTokenizer.get_default_config())
    message = Message({"text": "क्या फ़ायदा होगा nahiii"})
    tokens = tokenizer.tokenize(message, "text")
    assert [t.text for t in tokens] == ["क्या", "फ़ायदा", "होगा", "nahiii"]
    assert [t.lemma for t in tokens] == ["क्या", spelling_key("फायदा"), "होगा", "nahi"]
    assert message.get("text") == "क्या फ़ायदा होगा nahiii"
