"""Every text of the respondent's pages, in Bokmål, Nynorsk and English, in one place.

The questionnaire's own texts (questions, answer options, "Vet ikke", the submit button) come
from the instrument (``survey_service.instruments``); these are the words around them. Keys
with ``{name}`` placeholders are filled with ``str.format`` in the templates.

Why a table and not gettext catalogs: there are about sixty short texts in three fixed
languages, none needs a plural form ("Del 2 av 5" reads the same for every number), and a
translator sees nb, nn and en side by side, which is how Nynorsk is checked against Bokmål.
Catalogs would add a compile step and a build artefact for no text that needs them; a test
fails on any text missing in a language. Should plural forms be needed, Babel is the way.
"""

from __future__ import annotations

from collections.abc import Mapping

from survey_service.instruments import LANGUAGES

DEFAULT_LANGUAGE = "nb"

TEXTS: dict[str, dict[str, str]] = {
    # -- around the form ------------------------------------------------------------------
    "choose_language": {"nb": "Velg språk", "nn": "Vel språk", "en": "Choose language"},
    "language_name_nb": {"nb": "Bokmål", "nn": "Bokmål", "en": "Bokmål"},
    "language_name_nn": {"nb": "Nynorsk", "nn": "Nynorsk", "en": "Nynorsk"},
    "language_name_en": {"nb": "English", "nn": "English", "en": "English"},
    "municipality": {"nb": "{name} kommune", "nn": "{name} kommune", "en": "{name} municipality"},
    "form_overview": {
        "nb": "Skjemaet har {parts} deler og {questions} spørsmål.",
        "nn": "Skjemaet har {parts} delar og {questions} spørsmål.",
        "en": "The form has {parts} parts and {questions} questions.",
    },
    "required_note": {
        "nb": "Spørsmål merket «Obligatorisk» må besvares. Alle andre kan du hoppe over.",
        "nn": "Spørsmål merkte «Obligatorisk» må du svare på. Alle andre kan du hoppe over.",
        "en": "Questions marked “Required” must be answered. You may skip all the others.",
    },
    "anonymous_note": {
        "nb": "Vi lagrer ikke navn, IP-adresse eller informasjonskapsler.",
        "nn": "Vi lagrar ikkje namn, IP-adresse eller informasjonskapslar.",
        "en": "We store no names, IP addresses or cookies.",
    },
    "part_of": {
        "nb": "Del {n} av {total}",
        "nn": "Del {n} av {total}",
        "en": "Part {n} of {total}",
    },
    "required": {"nb": "Obligatorisk", "nn": "Obligatorisk", "en": "Required"},
    "your_answer": {"nb": "Svaret ditt", "nn": "Svaret ditt", "en": "Your answer"},
    "max_length": {
        "nb": "Høyst {max_length} tegn.",
        "nn": "Høgst {max_length} teikn.",
        "en": "At most {max_length} characters.",
    },
    "scale_ends": {
        "nb": "{low} betyr «{low_label}», {high} betyr «{high_label}».",
        "nn": "{low} tyder «{low_label}», {high} tyder «{high_label}».",
        "en": "{low} means “{low_label}”, {high} means “{high_label}”.",
    },
    "depends_on": {
        "nb": "Svar bare hvis du svarte {answers} på spørsmålet «{question}».",
        "nn": "Svar berre dersom du svarte {answers} på spørsmålet «{question}».",
        "en": "Answer only if you answered {answers} to the question “{question}”.",
    },
    "depends_on_any": {
        "nb": "Svar bare hvis svaret ditt på spørsmålet «{question}» gjelder deg.",
        "nn": "Svar berre dersom svaret ditt på spørsmålet «{question}» gjeld deg.",
        "en": "Answer only if it applies given your answer to the question “{question}”.",
    },
    "or": {"nb": "eller", "nn": "eller", "en": "or"},
    "area_hint": {
        "nb": "La feltet stå tomt hvis du ikke vil svare.",
        "nn": "La feltet stå tomt dersom du ikkje vil svare.",
        "en": "Leave the field empty if you prefer not to say.",
    },
    # -- errors in the form ---------------------------------------------------------------
    "error_summary_title": {
        "nb": "Noen svar må rettes før du sender inn",
        "nn": "Nokre svar må rettast før du sender inn",
        "en": "Some answers need fixing before you submit",
    },
    "error_summary_intro": {
        "nb": "Svarene du allerede har gitt, er tatt vare på. Gå til:",
        "nn": "Svara du alt har gitt, er tekne vare på. Gå til:",
        "en": "The answers you have already given are kept. Go to:",
    },
    "error_prefix": {"nb": "Feil:", "nn": "Feil:", "en": "Error:"},
    "error_required": {
        "nb": "Du må svare på dette spørsmålet.",
        "nn": "Du må svare på dette spørsmålet.",
        "en": "Please answer this question.",
    },
    "error_option": {
        "nb": "Velg ett av svaralternativene.",
        "nn": "Vel eitt av svaralternativa.",
        "en": "Choose one of the answer options.",
    },
    "error_too_long": {
        "nb": "Svaret er for langt. Korte det ned til høyst {max_length} tegn.",
        "nn": "Svaret er for langt. Kort det ned til høgst {max_length} teikn.",
        "en": "The answer is too long. Shorten it to at most {max_length} characters.",
    },
    "error_other": {
        "nb": "Dette svaret kan ikke brukes. Sjekk det og prøv igjen.",
        "nn": "Dette svaret kan ikkje brukast. Sjekk det og prøv igjen.",
        "en": "This answer cannot be used. Check it and try again.",
    },
    "error_unknown_field": {
        "nb": "Skjemaet inneholdt et felt vi ikke kjenner igjen. Last inn siden på nytt.",
        "nn": "Skjemaet inneheldt eit felt vi ikkje kjenner att. Last inn sida på nytt.",
        "en": "The form contained a field we do not recognise. Reload the page.",
    },
    "error_no_answers": {
        "nb": "Du har ikke svart på noen spørsmål ennå. Svar på minst ett før du sender inn.",
        "nn": "Du har ikkje svart på nokon spørsmål enno. Svar på minst eitt før du sender inn.",
        "en": "You have not answered any questions yet. Answer at least one before sending.",
    },
    # -- thank you ------------------------------------------------------------------------
    "thanks_title": {
        "nb": "Takk for svaret ditt!",
        "nn": "Takk for svaret ditt!",
        "en": "Thank you for your answers!",
    },
    "thanks_stored": {
        "nb": "Svarene dine er lagret.",
        "nn": "Svara dine er lagra.",
        "en": "Your answers have been saved.",
    },
    "thanks_again": {
        "nb": (
            "Vi hadde allerede tatt imot svarene fra dette skjemaet. De er lagret bare én "
            "gang, slik de var første gang du sendte dem."
        ),
        "nn": (
            "Vi hadde alt teke imot svara frå dette skjemaet. Dei er lagra berre éin gong, "
            "slik dei var første gong du sende dei."
        ),
        "en": (
            "We had already received the answers from this form. They are stored only once, "
            "as they were when you first sent them."
        ),
    },
    "receipt_code": {"nb": "Kvitteringskode", "nn": "Kvitteringskode", "en": "Receipt code"},
    "receipt_explain": {
        "nb": (
            "Kvitteringskoden er det eneste som knytter deg til svarene dine. Skriv den ned eller "
            "ta et skjermbilde hvis du vil kunne trekke tilbake svarene senere. Vi kan ikke "
            "finne koden for deg: vi lagrer den ikke, og vi vet ikke hvem du er."
        ),
        "nn": (
            "Kvitteringskoden er det einaste som knyter deg til svara dine. Skriv han ned eller "
            "ta eit skjermbilete dersom du vil kunne trekkje tilbake svara seinare. Vi kan ikkje "
            "finne koden for deg: vi lagrar han ikkje, og vi veit ikkje kven du er."
        ),
        "en": (
            "The receipt code is the only thing that links you to your answers. Write it down or "
            "take a screenshot if you may want to withdraw your answers later. We cannot look "
            "the code up for you: we do not store it, and we do not know who you are."
        ),
    },
    "withdraw_link": {
        "nb": "Trekk tilbake svarene dine",
        "nn": "Trekk tilbake svara dine",
        "en": "Withdraw your answers",
    },
    "new_window": {
        "nb": "(åpnes i et nytt vindu)",
        "nn": "(blir opna i eit nytt vindauge)",
        "en": "(opens in a new window)",
    },
    # -- withdrawal -----------------------------------------------------------------------
    "withdraw_title": {
        "nb": "Trekk tilbake svarene dine",
        "nn": "Trekk tilbake svara dine",
        "en": "Withdraw your answers",
    },
    "withdraw_intro": {
        "nb": (
            "Skriv inn kvitteringskoden du fikk da du sendte inn svarene. Svarene slettes og "
            "tas ut av alle resultater. Det kan ikke angres."
        ),
        "nn": (
            "Skriv inn kvitteringskoden du fekk då du sende inn svara. Svara blir sletta og "
            "tekne ut av alle resultat. Det kan ikkje angrast."
        ),
        "en": (
            "Enter the receipt code you got when you submitted your answers. The answers are "
            "deleted and taken out of every result. This cannot be undone."
        ),
    },
    "withdraw_hint": {
        "nb": "For eksempel ABCD-EFGH-IJKL-MNOP. Store eller små bokstaver og bindestreker "
        "spiller ingen rolle.",
        "nn": "Til dømes ABCD-EFGH-IJKL-MNOP. Store eller små bokstavar og bindestrekar "
        "spelar inga rolle.",
        "en": "For example ABCD-EFGH-IJKL-MNOP. Capital or small letters and hyphens do not "
        "matter.",
    },
    "withdraw_next": {"nb": "Gå videre", "nn": "Gå vidare", "en": "Continue"},
    "withdraw_confirm_title": {
        "nb": "Vil du trekke tilbake svarene dine?",
        "nn": "Vil du trekkje tilbake svara dine?",
        "en": "Do you want to withdraw your answers?",
    },
    "withdraw_confirm_text": {
        "nb": (
            "Vi fant svarene med denne kvitteringskoden. Trekker du dem tilbake, slettes de og "
            "tas ut av alle resultater. Det kan ikke angres."
        ),
        "nn": (
            "Vi fann svara med denne kvitteringskoden. Trekkjer du dei tilbake, blir dei "
            "sletta og tekne ut av alle resultat. Det kan ikkje angrast."
        ),
        "en": (
            "We found the answers with this receipt code. If you withdraw them, they are "
            "deleted and taken out of every result. This cannot be undone."
        ),
    },
    "withdraw_confirm_button": {
        "nb": "Ja, trekk tilbake svarene mine",
        "nn": "Ja, trekk tilbake svara mine",
        "en": "Yes, withdraw my answers",
    },
    "withdraw_cancel": {
        "nb": "Nei, behold svarene",
        "nn": "Nei, behald svara",
        "en": "No, keep my answers",
    },
    "withdraw_done": {
        "nb": "Svarene dine er trukket tilbake",
        "nn": "Svara dine er trekte tilbake",
        "en": "Your answers have been withdrawn",
    },
    "withdraw_done_text": {
        "nb": "Svarene er slettet og telles ikke lenger med i noen resultater.",
        "nn": "Svara er sletta og blir ikkje lenger talde med i nokon resultat.",
        "en": "The answers are deleted and no longer count in any result.",
    },
    "withdraw_closed": {
        "nb": (
            "Undersøkelsen er avsluttet, og resultatene er publisert uten navn. Svarene kan "
            "derfor ikke lenger trekkes tilbake."
        ),
        "nn": (
            "Undersøkinga er avslutta, og resultata er publiserte utan namn. Svara kan difor "
            "ikkje lenger trekkjast tilbake."
        ),
        "en": (
            "The survey has closed and its results are published without names, so the "
            "answers can no longer be withdrawn."
        ),
    },
    "withdraw_not_found": {
        "nb": (
            "Vi fant ingen svar med denne kvitteringskoden. Sjekk at koden er riktig. "
            "Svarene kan også være trukket tilbake allerede."
        ),
        "nn": (
            "Vi fann ingen svar med denne kvitteringskoden. Sjekk at koden er rett. "
            "Svara kan òg vere trekte tilbake alt."
        ),
        "en": (
            "We found no answers with this receipt code. Check that the code is correct. "
            "The answers may also have been withdrawn already."
        ),
    },
    "withdraw_empty": {
        "nb": "Skriv inn kvitteringskoden.",
        "nn": "Skriv inn kvitteringskoden.",
        "en": "Enter the receipt code.",
    },
    # -- when the form cannot be used -----------------------------------------------------
    "not_found_title": {
        "nb": "Vi fant ikke undersøkelsen",
        "nn": "Vi fann ikkje undersøkinga",
        "en": "We could not find the survey",
    },
    "not_found_text": {
        "nb": "Ingen undersøkelse har denne lenken. Sjekk adressen du fikk.",
        "nn": "Inga undersøking har denne lenkja. Sjekk adressa du fekk.",
        "en": "No survey has this link. Check the address you were given.",
    },
    "not_open_title": {
        "nb": "Undersøkelsen er ikke åpnet ennå",
        "nn": "Undersøkinga er ikkje opna enno",
        "en": "The survey has not opened yet",
    },
    "not_open_text": {
        "nb": "Du kan svare når undersøkelsen åpner. Prøv igjen senere.",
        "nn": "Du kan svare når undersøkinga opnar. Prøv igjen seinare.",
        "en": "You can answer once the survey opens. Please try again later.",
    },
    "closed_title": {
        "nb": "Undersøkelsen er stengt",
        "nn": "Undersøkinga er stengd",
        "en": "The survey is closed",
    },
    "closed_text": {
        "nb": "Undersøkelsen tar ikke lenger imot svar. Takk for interessen!",
        "nn": "Undersøkinga tek ikkje lenger imot svar. Takk for interessa!",
        "en": "The survey no longer accepts answers. Thank you for your interest!",
    },
    "invitation_title": {
        "nb": "Denne undersøkelsen er bare for inviterte",
        "nn": "Denne undersøkinga er berre for inviterte",
        "en": "This survey is by invitation only",
    },
    "invitation_text": {
        "nb": (
            "Bruk lenken du fikk i invitasjonen din. Hver invitasjon har sin egen lenke, "
            "og den kan brukes én gang."
        ),
        "nn": (
            "Bruk lenkja du fekk i invitasjonen din. Kvar invitasjon har si eiga lenkje, "
            "og ho kan brukast éin gong."
        ),
        "en": (
            "Use the link from your invitation. Each invitation has its own link, "
            "which can be used once."
        ),
    },
    "invalid_token_title": {
        "nb": "Lenken er ikke gyldig",
        "nn": "Lenkja er ikkje gyldig",
        "en": "This link is not valid",
    },
    "invalid_token_text": {
        "nb": "Lenken passer ikke til denne undersøkelsen. Sjekk at du har kopiert hele lenken.",
        "nn": "Lenkja passar ikkje til denne undersøkinga. Sjekk at du har kopiert heile lenkja.",
        "en": "The link does not match this survey. Check that you copied the whole link.",
    },
    "used_token_title": {
        "nb": "Denne lenken er allerede brukt",
        "nn": "Denne lenkja er allereie brukt",
        "en": "This link has already been used",
    },
    "used_token_text": {
        "nb": "Hver invitasjon kan brukes til å svare én gang, og denne er allerede brukt.",
        "nn": "Kvar invitasjon kan brukast til å svare éin gong, og denne er allereie brukt.",
        "en": "Each invitation can be used to answer once, and this one has been used already.",
    },
    "busy_title": {
        "nb": "Mange svarer akkurat nå",
        "nn": "Mange svarer akkurat no",
        "en": "Many people are answering right now",
    },
    "busy_text": {
        "nb": (
            "Svarene dine er ikke lagret ennå. Vent litt, gå tilbake i nettleseren og send "
            "inn skjemaet på nytt: svarene du har gitt, står der fortsatt."
        ),
        "nn": (
            "Svara dine er ikkje lagra enno. Vent litt, gå tilbake i nettlesaren og send "
            "inn skjemaet på nytt: svara du har gitt, står der framleis."
        ),
        "en": (
            "Your answers are not saved yet. Wait a moment, go back in your browser and "
            "submit the form again: the answers you gave are still there."
        ),
    },
    # -- when the database is unavailable or overloaded (503) -----------------------------
    "unavailable_title": {
        "nb": "Tjenesten er ikke tilgjengelig akkurat nå",
        "nn": "Tenesta er ikkje tilgjengeleg akkurat no",
        "en": "The service is unavailable right now",
    },
    "unavailable_text": {
        "nb": "Vi har et midlertidig problem. Prøv igjen om litt.",
        "nn": "Vi har eit mellombels problem. Prøv igjen om ei lita stund.",
        "en": "We have a temporary problem. Please try again in a little while.",
    },
    "unavailable_submit_title": {
        "nb": "Vi kan ikke ta imot svarene akkurat nå",
        "nn": "Vi kan ikkje ta imot svara akkurat no",
        "en": "We cannot receive answers right now",
    },
    "unavailable_submit_text": {
        "nb": (
            "Vi har et midlertidig problem, og svarene dine er kanskje ikke lagret. Vent litt, "
            "gå tilbake i nettleseren og send inn skjemaet på nytt: svarene du har gitt, står "
            "der fortsatt, og de blir lagret bare én gang."
        ),
        "nn": (
            "Vi har eit mellombels problem, og svara dine er kanskje ikkje lagra. Vent litt, "
            "gå tilbake i nettlesaren og send inn skjemaet på nytt: svara du har gitt, står "
            "der framleis, og dei blir lagra berre éin gong."
        ),
        "en": (
            "We have a temporary problem, and your answers may not have been saved. Wait a "
            "moment, go back in your browser and submit the form again: the answers you gave "
            "are still there, and they will be stored only once."
        ),
    },
    # The same, where nothing has been answered yet (opening the form, a withdrawal).
    "busy_wait_title": {
        "nb": "Mange svarer akkurat nå",
        "nn": "Mange svarer akkurat no",
        "en": "Many people are answering right now",
    },
    "busy_wait_text": {
        "nb": "Vent litt, og last inn siden på nytt.",
        "nn": "Vent litt, og last inn sida på nytt.",
        "en": "Wait a moment, then load the page again.",
    },
    "too_large_title": {
        "nb": "Svaret er for langt",
        "nn": "Svaret er for langt",
        "en": "The answer is too long",
    },
    "too_large_text": {
        "nb": (
            "Svarene dine er ikke lagret: skjemaet var større enn vi tar imot. Gå tilbake i "
            "nettleseren, gjør de lengste svarene kortere og send inn på nytt."
        ),
        "nn": (
            "Svara dine er ikkje lagra: skjemaet var større enn vi tek imot. Gå tilbake i "
            "nettlesaren, gjer dei lengste svara kortare og send inn på nytt."
        ),
        "en": (
            "Your answers are not saved: the form was larger than we accept. Go back in your "
            "browser, shorten the longest answers and submit again."
        ),
    },
    "bad_request_title": {
        "nb": "Skjemaet kom ikke fram",
        "nn": "Skjemaet kom ikkje fram",
        "en": "The form did not arrive",
    },
    "bad_request_text": {
        "nb": "Svarene dine er ikke lagret. Gå tilbake i nettleseren og send inn på nytt.",
        "nn": "Svara dine er ikkje lagra. Gå tilbake i nettlesaren og send inn på nytt.",
        "en": "Your answers are not saved. Go back in your browser and submit again.",
    },
}

#: Keys whose Nynorsk may equal the Bokmål (names, shared words); every other key must differ,
#: so a Bokmål text copied into the Nynorsk column is caught by the tests.
SAME_IN_NB_AND_NN = frozenset(
    {
        "language_name_nb",
        "language_name_nn",
        "language_name_en",
        "municipality",
        "part_of",
        "required",
        "your_answer",
        "or",
        "error_prefix",
        "error_required",
        "thanks_title",
        "receipt_code",
        "withdraw_empty",
        "too_large_title",
    }
)


def language_or_default(lang: str | None, default: str | None = None) -> str:
    """``lang`` when it is one of ours, else ``default`` (if ours), else Bokmål."""
    if lang in LANGUAGES:
        return str(lang)
    if default in LANGUAGES:
        return str(default)
    return DEFAULT_LANGUAGE


def texts_for(lang: str) -> Mapping[str, str]:
    """All page texts in one language."""
    return {key: value[lang] for key, value in TEXTS.items()}
