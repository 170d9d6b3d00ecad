"""The page texts: every one in Bokmål, Nynorsk and English, and Nynorsk really Nynorsk."""

from survey_service.pages.form import localise_error
from survey_service.pages.texts import SAME_IN_NB_AND_NN, TEXTS, language_or_default, texts_for


def test_every_text_has_all_three_languages():
    for key, text in TEXTS.items():
        assert set(text) == {"nb", "nn", "en"}, key
        assert all(value.strip() for value in text.values()), key


def test_nynorsk_differs_from_bokmal_where_it_should():
    assert SAME_IN_NB_AND_NN <= set(TEXTS)
    for key, text in TEXTS.items():
        if key not in SAME_IN_NB_AND_NN:
            assert text["nn"] != text["nb"], f"{key}: the Nynorsk is the Bokmål"
        assert text["en"] != text["nb"] or key.startswith("language_name"), key


def test_placeholders_agree_across_languages():
    import string

    for key, text in TEXTS.items():
        names = [
            {name for _, name, _, _ in string.Formatter().parse(value) if name}
            for value in text.values()
        ]
        assert names[0] == names[1] == names[2], key


def test_the_words_a_nynorsk_reader_expects():
    nn = texts_for("nn")
    assert nn["closed_title"] == "Undersøkinga er stengd"
    assert nn["used_token_title"] == "Denne lenkja er allereie brukt"
    assert nn["choose_language"] == "Vel språk"
    assert nn["withdraw_title"] == "Trekk tilbake svara dine"
    assert nn["part_of"].format(n=2, total=5) == "Del 2 av 5"
    assert nn["withdraw_confirm_title"] == "Vil du trekkje tilbake svara dine?"
    assert nn["withdraw_cancel"] == "Nei, behald svara"


def test_language_fallback():
    assert language_or_default("nn") == "nn"
    assert language_or_default("de", "nn") == "nn"
    assert language_or_default(None, "xx") == "nb"


def test_service_messages_become_the_respondents_words():
    from survey_service.pages.form import Field

    field = Field("x", "q-x", "a.x", "?", False, "radios")
    nn = texts_for("nn")
    assert localise_error("this question must be answered", field, nn) == nn["error_required"]
    assert (
        localise_error("99 is not on the answer scale (allowed: 1–5)", field, nn)
        == nn["error_option"]
    )
    assert localise_error("something new", field, nn) == nn["error_other"]
