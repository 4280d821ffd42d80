"""One spelling per word in the tokens' lemmas; the message text itself is left alone."""

from rasa.shared.nlu.training_data.message import Message

from assistant.tokenizer import SpellingTokenizer, spelling_key


def test_devanagari_spellings_of_one_word_share_a_key():
    assert spelling_key("फ़ायदा") == spelling_key("फायदा")
    assert spelling_key("ज़रूरी") == spelling_key("जरूरी")
    assert spelling_key("पूँछ") == spelling_key("पूंछ")
    assert spelling_key("दर्द") != spelling_key("दर")


def test_devanagari_words_are_romanised_the_way_hinglish_is_typed():
    # schwa deletion: at the end of a word, and between a vowel and a consonant with its vowel
    assert spelling_key("दर्द") == "dard" and spelling_key("कमर") == "kamar"
    assert spelling_key("कितना") == "kitna" and spelling_key("समझना") == "samajhna"
    assert spelling_key("मतलब") == "matlab" and spelling_key("जानकारी") == "jankari"
    # but not in a one-letter word, nor after a cluster before y, r, v
    assert spelling_key("न") == "na" and spelling_key("मित्र") == "mitra"
    # long vowels short, ph -> f, retroflex as dental, a final nasal mark dropped
    assert spelling_key("फायदा") == "fayda" and spelling_key("हड्डी") == "haddi"
    assert spelling_key("काइफोप्लास्टी") == "kaifoplasti"
    assert spelling_key("नहीं") == "nahi" and spelling_key("सीमेंट") == "siment"
    # v -> w, initial आ -> aa, ज्ञ -> gy, क्ष -> ksh, "ie" at the end -> "iye"
    assert spelling_key("वाला") == "wala" and spelling_key("आप") == "aap"
    assert spelling_key("ज्ञान") == "gyan" and spelling_key("क्षमा") == "kshama"
    assert spelling_key("चाहिए") == "chahiye"
    # letters ITRANS does not know take the nearest Hindi letter
    assert spelling_key("ऑपरेशन") == "opreshan" and spelling_key("डॉक्टर") == "doktar"
    # Devanagari digits are digits
    assert spelling_key("१२") == "12"


def test_latin_words_are_only_lowered_and_unstretched():
    assert spelling_key("Nahiii") == "nahi" and spelling_key("pleaseee") == "please"
    assert spelling_key("zaroori") == "zaroori" and spelling_key("bleeding") == "bleeding"
    assert spelling_key("Phir") == "phir" and spelling_key("vaala") == "vaala"


def test_the_tokens_keep_the_text_and_carry_the_key_as_lemma():
    tokenizer = SpellingTokenizer(SpellingTokenizer.get_default_config())
    message = Message({"text": "क्या फ़ायदा होगा nahiii"})
    tokens = tokenizer.tokenize(message, "text")
    assert [t.text for t in tokens] == ["क्या", "फ़ायदा", "होगा", "nahiii"]
    assert [t.lemma for t in tokens] == ["kya", "fayda", "hoga", "nahi"]
    assert message.get("text") == "क्या फ़ायदा होगा nahiii"


def test_the_version_of_the_key_is_in_the_configuration():
    # Rasa's training cache tells components apart by class and configuration, not code.
    assert SpellingTokenizer.get_default_config()["spelling_key"] == "romanised-1"
