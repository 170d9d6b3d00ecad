"""Every text of the front page and the dashboard, in Bokmål, Nynorsk and English.

Laid out as ``key: (nb, nn, en)`` so a translator reads the three side by side (as in
``pages/texts.py``, and for the same reasons: a few hundred short texts, no plural forms).
The words are the ones municipalities use (``shared/domain``): *omdømmetrappa*, *trinn*,
*partssamarbeid*, *gevinstrealisering*, *mål*, *konfidensintervall*, *holdt tilbake*.
Placeholders in braces are filled with ``str.format``. A test fails on a Nynorsk text equal
to its Bokmål unless the key is in :data:`SAME_IN_NB_AND_NN`.
"""

from __future__ import annotations

from collections.abc import Mapping

from survey_service.instruments import LANGUAGES

TEXTS: dict[str, tuple[str, str, str]] = {
    # -- shared --------------------------------------------------------------------------
    "service_name": (
        "Målinger av omdømme og partssamarbeid",
        "Målingar av omdøme og partssamarbeid",
        "Measuring reputation and tripartite cooperation",
    ),
    "skip_to_main": ("Gå til hovedinnholdet", "Gå til hovudinnhaldet", "Skip to main content"),
    "choose_language": ("Velg språk", "Vel språk", "Choose language"),
    "language_name_nb": ("Bokmål", "Bokmål", "Bokmål"),
    "language_name_nn": ("Nynorsk", "Nynorsk", "Nynorsk"),
    "language_name_en": ("English", "English", "English"),
    "municipality_name": ("{name} kommune", "{name} kommune", "{name} municipality"),
    "front_link": ("Forside", "Framside", "Front page"),
    # -- the front page ------------------------------------------------------------------
    "front_intro": (
        "Kommuner bruker tjenesten til å måle hva omdømmet hviler på og hvor godt "
        "partssamarbeidet fungerer – med ærlig usikkerhet, og uten at noen som svarer kan "
        "kjennes igjen.",
        "Kommunar nyttar tenesta til å måle kva omdømet kviler på og kor godt "
        "partssamarbeidet fungerer – med ærleg uvisse, og utan at nokon som svarar kan "
        "kjennast att.",
        "Municipalities use the service to measure what their reputation rests on and how "
        "well their tripartite cooperation works – with honest uncertainty, and without "
        "anyone who answers being recognisable.",
    ),
    "front_municipality_heading": ("For kommunen", "For kommunen", "For municipalities"),
    "front_municipality_text": (
        "I dashbordet ser dere resultatene: skår med konfidensintervall, omdømmetrappa, "
        "sammenligning med andre kommuner, utviklingen over tid og om målene er nådd. Der "
        "oppretter, åpner og lukker dere også undersøkelser, lager invitasjoner og henter "
        "koden som bygger skjemaet inn på kommunens nettsider.",
        "I dashbordet ser de resultata: skår med konfidensintervall, omdømetrappa, "
        "samanlikning med andre kommunar, utviklinga over tid og om måla er nådde. Der "
        "opprettar, opnar og stengjer de òg undersøkingar, lagar invitasjonar og hentar "
        "koden som byggjer skjemaet inn på nettsidene til kommunen.",
        "The dashboard shows your results: scores with confidence intervals, the reputation "
        "staircase, comparisons with other municipalities, the trend over time and whether "
        "targets are reached. There you also create, open and close surveys, make "
        "invitations and copy the code that embeds the form in the municipality's web pages.",
    ),
    "front_dashboard_link": (
        "Logg inn i dashbordet",
        "Logg inn i dashbordet",
        "Sign in to the dashboard",
    ),
    "front_key_note": (
        "Dere logger inn med en API-nøkkel fra dem som drifter tjenesten.",
        "De loggar inn med ein API-nøkkel frå dei som driftar tenesta.",
        "You sign in with an API key from those who run the service.",
    ),
    "front_respondent_heading": (
        "For deg som har fått en lenke til en undersøkelse",
        "For deg som har fått ei lenkje til ei undersøking",
        "If you were sent a link to a survey",
    ),
    "front_respondent_text": (
        "Skjemaet åpnes fra lenken kommunen har sendt deg eller lagt ut på nettsidene sine "
        "(adressen inneholder /s/). Du kan svare på bokmål, nynorsk eller engelsk, med "
        "tastatur eller skjermleser, og uten JavaScript.",
        "Skjemaet opnar du frå lenkja kommunen har sendt deg eller lagt ut på nettsidene "
        "sine (adressa inneheld /s/). Du kan svare på bokmål, nynorsk eller engelsk, med "
        "tastatur eller skjermlesar, og utan JavaScript.",
        "The form opens from the link your municipality sent you or put on its web pages "
        "(the address contains /s/). You can answer in Bokmål, Nynorsk or English, by "
        "keyboard or screen reader, and without JavaScript.",
    ),
    "front_anonymity": (
        "Svarene er anonyme: vi lagrer ikke navn, IP-adresse eller informasjonskapsler, og "
        "ingen tall vises fra færre enn {min_n} svar. Etter at du har sendt inn, får du en "
        "kvitteringskode som du kan bruke til å trekke svaret tilbake.",
        "Svara er anonyme: vi lagrar ikkje namn, IP-adresse eller informasjonskapslar, og "
        "ingen tal blir viste frå færre enn {min_n} svar. Når du har sendt inn, får du ein "
        "kvitteringskode som du kan bruke til å trekkje svaret tilbake.",
        "Answers are anonymous: we store no names, IP addresses or cookies, and no figure is "
        "shown from fewer than {min_n} responses. After you submit, you get a receipt code "
        "that lets you withdraw your answers.",
    ),
    "front_withdraw_link": (
        "Trekk tilbake et svar",
        "Trekk tilbake eit svar",
        "Withdraw a response",
    ),
    "front_developer_heading": (
        "For utviklere og analytikere",
        "For utviklarar og analytikarar",
        "For developers and analysts",
    ),
    "front_developer_text": (
        "Alt dashbordet viser, finnes også i et JSON-API med nøkkel: skår, sammenligninger, "
        "trender, diagrammer i SVG og anonymiserte svardata.",
        "Alt dashbordet viser, finst òg i eit JSON-API med nøkkel: skår, samanlikningar, "
        "trendar, diagram i SVG og anonymiserte svardata.",
        "Everything the dashboard shows is also in a JSON API with a key: scores, "
        "comparisons, trends, SVG charts and anonymised response data.",
    ),
    "front_api_docs_link": ("API-dokumentasjon", "API-dokumentasjon", "API documentation"),
    "front_openapi_link": (
        "OpenAPI-beskrivelsen (JSON)",
        "OpenAPI-skildringa (JSON)",
        "The OpenAPI document (JSON)",
    ),
    # -- signing in and out --------------------------------------------------------------
    "sign_in_title": ("Logg inn i dashbordet", "Logg inn i dashbordet", "Sign in to the dashboard"),
    "sign_in_key_label": ("API-nøkkel", "API-nøkkel", "API key"),
    "sign_in_key_hint": (
        "Nøkkelen begynner med svk_. Dere får den av dem som drifter tjenesten.",
        "Nøkkelen byrjar med svk_. De får han frå dei som driftar tenesta.",
        "The key begins with svk_. You get it from those who run the service.",
    ),
    "sign_in_note": (
        "Nøkkelen lagres ikke i nettleseren. Du er logget inn i {minutes} minutter, eller "
        "til du logger ut eller nøkkelen trekkes tilbake.",
        "Nøkkelen blir ikkje lagra i nettlesaren. Du er logga inn i {minutes} minutt, eller "
        "til du loggar ut eller nøkkelen blir trekt tilbake.",
        "The key is not stored in the browser. You stay signed in for {minutes} minutes, or "
        "until you sign out or the key is revoked.",
    ),
    "sign_in_button": ("Logg inn", "Logg inn", "Sign in"),
    "sign_in_error_title": (
        "Du ble ikke logget inn",
        "Du vart ikkje logga inn",
        "You were not signed in",
    ),
    "sign_in_empty": ("Skriv inn API-nøkkelen.", "Skriv inn API-nøkkelen.", "Enter the API key."),
    "sign_in_refused": (
        "Nøkkelen virker ikke. Den kan være skrevet feil, trukket tilbake eller utløpt.",
        "Nøkkelen verkar ikkje. Han kan vere skriven feil, trekt tilbake eller gått ut.",
        "The key does not work. It may be mistyped, revoked or expired.",
    ),
    "ended_none": (
        "Logg inn for å se dashbordet.",
        "Logg inn for å sjå dashbordet.",
        "Sign in to see the dashboard.",
    ),
    "ended_invalid": (
        "Innloggingen var ikke gyldig. Logg inn på nytt.",
        "Innlogginga var ikkje gyldig. Logg inn på nytt.",
        "The sign-in was not valid. Please sign in again.",
    ),
    "ended_expired": (
        "Økten er utløpt. Logg inn på nytt.",
        "Økta har gått ut. Logg inn på nytt.",
        "Your session has expired. Please sign in again.",
    ),
    "ended_key": (
        "Nøkkelen er trukket tilbake eller utløpt, og økten er avsluttet.",
        "Nøkkelen er trekt tilbake eller har gått ut, og økta er avslutta.",
        "The key has been revoked or has expired, and the session has ended.",
    ),
    "ended_signed_out": ("Du er logget ut.", "Du er logga ut.", "You are signed out."),
    "csrf_title": ("Skjemaet ble ikke sendt", "Skjemaet vart ikkje sendt", "The form was not sent"),
    "csrf_text": (
        "Skjemaet var for gammelt, eller det kom fra en annen side. Gå tilbake, last inn "
        "siden på nytt og prøv igjen.",
        "Skjemaet var for gammalt, eller det kom frå ei anna side. Gå tilbake, last inn "
        "sida på nytt og prøv igjen.",
        "The form was too old, or it came from another page. Go back, reload the page and "
        "try again.",
    ),
    "busy_title": ("For mange forsøk", "For mange forsøk", "Too many attempts"),
    "busy_text": (
        "Vent litt før du prøver igjen.",
        "Vent litt før du prøver igjen.",
        "Please wait a little before trying again.",
    ),
    "signed_in_as": ("Logget inn som {who}", "Logga inn som {who}", "Signed in as {who}"),
    "role_admin": ("administrator", "administrator", "administrator"),
    "role_municipality": ("{name} kommune", "{name} kommune", "{name} municipality"),
    "role_dashboard": ("dashbord (lesetilgang)", "dashbord (lesetilgang)", "dashboard (read only)"),
    "role_analyst": ("analytiker", "analytikar", "analyst"),
    "session_until": (
        "Økten varer til {time} UTC.",
        "Økta varer til {time} UTC.",
        "Session until {time} UTC.",
    ),
    "sign_out_button": ("Logg ut", "Logg ut", "Sign out"),
    "not_found_title": ("Fant ikke siden", "Fann ikkje sida", "Page not found"),
    "not_found_text": (
        "Siden finnes ikke, eller nøkkelen din gir ikke tilgang til den.",
        "Sida finst ikkje, eller nøkkelen din gjev ikkje tilgang til henne.",
        "The page does not exist, or your key gives no access to it.",
    ),
    # -- navigation ----------------------------------------------------------------------
    "nav_label": ("Dashbord", "Dashbord", "Dashboard"),
    "nav_national": ("Alle kommuner", "Alle kommunar", "All municipalities"),
    "nav_municipality": (
        "Kommunens undersøkelser",
        "Undersøkingane til kommunen",
        "The municipality's surveys",
    ),
    "nav_new_survey": ("Ny undersøkelse", "Ny undersøking", "New survey"),
    "back_to_municipality": ("Tilbake til {name}", "Tilbake til {name}", "Back to {name}"),
    # -- facts about a municipality and a survey -----------------------------------------
    "county": ("Fylke", "Fylke", "County"),
    "population": ("Innbyggere", "Innbyggjarar", "Inhabitants"),
    "size_class": ("Størrelse", "Storleik", "Size class"),
    "instrument": ("Spørreskjema", "Spørjeskjema", "Questionnaire"),
    "audience": ("Målgruppe", "Målgruppe", "Audience"),
    "period": ("Periode", "Periode", "Period"),
    "status": ("Status", "Status", "Status"),
    "status_draft": ("Utkast", "Utkast", "Draft"),
    "status_open": ("Åpen", "Open", "Open"),
    "status_closed": ("Lukket", "Stengd", "Closed"),
    "responses": ("Svar", "Svar", "Responses"),
    "n_responses": ("{n} svar", "{n} svar", "{n} responses"),
    "baseline_survey": ("Førmåling", "Førmåling", "Baseline survey"),
    "surveys_heading": ("Undersøkelser", "Undersøkingar", "Surveys"),
    "no_surveys": (
        "Kommunen har ingen undersøkelser ennå.",
        "Kommunen har ingen undersøkingar enno.",
        "The municipality has no surveys yet.",
    ),
    "show_results": (
        "Se resultater for «{title}»",
        "Sjå resultat for «{title}»",
        "See the results of “{title}”",
    ),
    "headline": ("Hovedtall", "Hovudtal", "Headline figure"),
    "no_figures_yet": (
        "Ingen tall ennå: de vises når minst {min_n} har svart.",
        "Ingen tal enno: dei blir viste når minst {min_n} har svart.",
        "No figures yet: they show once at least {min_n} have answered.",
    ),
    "organised_heading": (
        "Undersøkelser andre kjører, som folk fra kommunen har svart på",
        "Undersøkingar andre køyrer, som folk frå kommunen har svart på",
        "Surveys others run that people from the municipality answered",
    ),
    "organised_intro": (
        "Nettverket, KS eller fylket kjører disse for mange kommuner. Her ser dere bare "
        "svarene fra folk som sa de kommer fra {name}.",
        "Nettverket, KS eller fylket køyrer desse for mange kommunar. Her ser de berre svara "
        "frå folk som sa dei kjem frå {name}.",
        "The network, KS or the county runs these for many municipalities. Here you see only "
        "the answers of people who said they come from {name}.",
    ),
    "run_by": ("Kjøres av {name}", "Blir køyrd av {name}", "Run by {name}"),
    "part_of": (
        "Svarene fra {name}: {n} svar",
        "Svara frå {name}: {n} svar",
        "The answers from {name}: {n} responses",
    ),
    "part_too_few": (
        "For få svar fra {name} til å vise noe (færre enn {min_n}). Det betyr ikke null.",
        "For få svar frå {name} til å vise noko (færre enn {min_n}). Det tyder ikkje null.",
        "Too few respondents from {name} to show anything (fewer than {min_n}). "
        "This does not mean zero.",
    ),
    "part_complementary": (
        "Svarene fra {name} holdes tilbake, så ingen kan regne ut en annen kommunes svar "
        "fra totalen. Det betyr ikke null.",
        "Svara frå {name} blir haldne tilbake, så ingen kan rekne ut ein annan kommune sine "
        "svar frå totalen. Det tyder ikkje null.",
        "The answers from {name} are withheld so that no one can compute another "
        "municipality's from the total. This does not mean zero.",
    ),
    "part_waiting": (
        "Svarene fra {name} vises når undersøkelsen er avsluttet.",
        "Svara frå {name} blir viste når undersøkinga er avslutta.",
        "The answers from {name} are shown once the survey has closed.",
    ),
    "draft_no_figures": (
        "Utkast: ingen svar samles inn før undersøkelsen åpnes.",
        "Utkast: ingen svar blir samla inn før undersøkinga blir opna.",
        "Draft: no responses are collected until the survey is opened.",
    ),
    # -- figures -------------------------------------------------------------------------
    "results_heading": ("Resultater", "Resultat", "Results"),
    "results_intro": (
        "Skår fra 0 til 100 med {confidence} konfidensintervall: intervallet viser hvor sikkert "
        "tallet er. Tall fra færre enn {min_n} svar holdes tilbake for å verne anonymiteten.",
        "Skår frå 0 til 100 med {confidence} konfidensintervall: intervallet viser kor sikkert "
        "talet er. Tal frå færre enn {min_n} svar blir haldne tilbake for å verne anonymiteten.",
        "Scores from 0 to 100 with a {confidence} confidence interval: the interval shows how "
        "certain the figure is. Figures from fewer than {min_n} responses are withheld to "
        "protect anonymity.",
    ),
    "indices": ("Indekser", "Indeksar", "Indices"),
    "dimensions": ("Dimensjoner", "Dimensjonar", "Dimensions"),
    "score": ("Skår", "Skår", "Score"),
    "interval": ("{confidence} KI", "{confidence} KI", "{confidence} CI"),
    "interval_long": ("konfidensintervall", "konfidensintervall", "confidence interval"),
    "figure_value": ("{value} (KI {span})", "{value} (KI {span})", "{value} (CI {span})"),
    "withheld": ("Holdt tilbake", "Halde tilbake", "Withheld"),
    "withheld_not_zero": (
        "Holdt tilbake ({reason}) – ikke null",
        "Halde tilbake ({reason}) – ikkje null",
        "Withheld ({reason}) – not zero",
    ),
    "imprecise": ("usikkert tall", "usikkert tal", "imprecise"),
    "reason_fewer_than_min_n": (
        "færre enn {min_n} svar",
        "færre enn {min_n} svar",
        "fewer than {min_n} responses",
    ),
    "reason_all_gave_the_same_answer": (
        "alle svarte det samme",
        "alle svara det same",
        "everyone gave the same answer",
    ),
    "reason_nearly_the_same_respondents_as_a_related_figure": (
        "kunne avsløre enkeltsvar",
        "kunne avsløre einskildsvar",
        "could reveal single answers",
    ),
    "reason_figure_withheld": (
        "et tall er holdt tilbake",
        "eit tal er halde tilbake",
        "a figure is withheld",
    ),
    "reason_no_standard_error": ("mangler usikkerhet", "manglar uvisse", "no standard error"),
    "reason_too_few_municipalities": (
        "for få kommuner å sammenligne med",
        "for få kommunar å samanlikne med",
        "too few municipalities to compare with",
    ),
    "reason_no_size_class": ("ukjent størrelse", "ukjend storleik", "size unknown"),
    "reason_not_in_pool": (
        "en annen undersøkelse representerer kommunen",
        "ei anna undersøking representerer kommunen",
        "another survey represents the municipality",
    ),
    "reason_no_sampling_error": ("alle svarte likt", "alle svara likt", "all answered alike"),
    "reason_model_not_estimable": (
        "modellen kunne ikke beregnes",
        "modellen kunne ikkje reknast ut",
        "the model could not be estimated",
    ),
    "reason_other": (
        "for å verne anonymiteten",
        "for å verne anonymiteten",
        "to protect anonymity",
    ),
    "change_since": ("Endring siden {period}", "Endring sidan {period}", "Change since {period}"),
    "change_value": ("{value} (KI {span})", "{value} (KI {span})", "{value} (CI {span})"),
    "change_up": ("klar økning", "klar auke", "clearly up"),
    "change_down": ("klar nedgang", "klar nedgang", "clearly down"),
    "change_none": ("ingen sikker endring", "inga sikker endring", "no clear change"),
    "target_label": ("Mål {value}", "Mål {value}", "Target {value}"),
    "verdict_reached": ("nådd", "nått", "reached"),
    "verdict_not_reached": ("ikke nådd", "ikkje nått", "not reached"),
    "verdict_not_yet_distinguishable": (
        "kan ennå ikke avgjøres",
        "kan enno ikkje avgjerast",
        "cannot yet be told",
    ),
    "verdict_withheld": ("holdt tilbake", "halde tilbake", "withheld"),
    "staircase_heading": ("Omdømmetrappa", "Omdømetrappa", "The reputation staircase"),
    "staircase_heading_forankring": (
        "Forankringstrappa",
        "Forankringstrappa",
        "The anchoring staircase",
    ),
    "staircase_level": (
        "Trinn nådd: {level} av {steps}",
        "Steg nådde: {level} av {steps}",
        "Steps reached: {level} of {steps}",
    ),
    "staircase_level_confidence": (
        "{level} av {steps} med den nedre grensen av intervallet",
        "{level} av {steps} med den nedre grensa av intervallet",
        "{level} of {steps} on the lower end of the interval",
    ),
    "chart_heading": (
        "Alle dimensjoner som figur",
        "Alle dimensjonane som figur",
        "All dimensions as a chart",
    ),
    # -- benchmarks ----------------------------------------------------------------------
    "benchmarks_heading": (
        "Sammenlignet med andre kommuner",
        "Samanlikna med andre kommunar",
        "Compared with other municipalities",
    ),
    "benchmarks_intro": (
        "Snittet av de andre kommunene som har brukt samme skjema for samme målgruppe i "
        "samme periode (kommunen selv er holdt utenfor). «Klart over» og «klart under» betyr "
        "at forskjellens konfidensintervall ikke rommer null.",
        "Snittet av dei andre kommunane som har nytta same skjema for same målgruppe i same "
        "periode (kommunen sjølv er halden utanfor). «Klart over» og «klart under» tyder at "
        "konfidensintervallet til skilnaden ikkje rommar null.",
        "The average of the other municipalities that used the same questionnaire for the "
        "same audience in the same period (the municipality itself left out). “Clearly "
        "above” and “clearly below” mean that the difference's confidence interval leaves "
        "out zero.",
    ),
    "figure": ("Tall", "Tal", "Figure"),
    "own_score": ("Egen skår", "Eigen skår", "Own score"),
    "group_national": ("Hele landet", "Heile landet", "All of Norway"),
    "group_county": ("Fylket", "Fylket", "The county"),
    "group_size_class": ("Samme størrelse", "Same storleik", "Same size"),
    "benchmark_cell": (
        "Snitt {value}: {verdict}",
        "Snitt {value}: {verdict}",
        "Average {value}: {verdict}",
    ),
    "difference": (
        "forskjell {value} (KI {span})",
        "skilnad {value} (KI {span})",
        "difference {value} (CI {span})",
    ),
    "benchmark_of": (
        "{municipalities} kommuner",
        "{municipalities} kommunar",
        "{municipalities} municipalities",
    ),
    "model_based": ("Modellbasert anslag", "Modellbasert anslag", "Model-based estimate"),
    "model_based_explained": (
        "Modellbasert anslag (Fay–Herriot): kommunens egen skår, trukket mot snittet for "
        "kommuner av samme størrelse i den grad den er usikker. Andelen egne data sier hvor "
        "mye som er kommunens egen måling.",
        "Modellbasert anslag (Fay–Herriot): skåren til kommunen, trekt mot snittet for "
        "kommunar av same storleik i den grad han er usikker. Delen eigne data seier kor "
        "mykje som er den eigne målinga til kommunen.",
        "Model-based estimate (Fay–Herriot): the municipality's own score, drawn towards the "
        "average of municipalities of its size as far as it is uncertain. The share of own "
        "data says how much comes from the municipality's own measurement.",
    ),
    "model_cell": (
        "{value} (KI {span}), {share} egne data",
        "{value} (KI {span}), {share} eigne data",
        "{value} (CI {span}), {share} own data",
    ),
    "verdict_clearly_above": ("klart over", "klart over", "clearly above"),
    "verdict_clearly_below": ("klart under", "klart under", "clearly below"),
    "verdict_not_distinguishable": (
        "kan ikke skilles fra",
        "kan ikkje skiljast frå",
        "not distinguishable",
    ),
    # -- trend ---------------------------------------------------------------------------
    "trend_heading": ("Utviklingen over tid", "Utviklinga over tid", "The trend over time"),
    "trend_intro": (
        "Hver måling av {instrument} blant {audience} i kommunen, med endringen fra forrige "
        "måling.",
        "Kvar måling av {instrument} blant {audience} i kommunen, med endringa frå førre måling.",
        "Every measurement of {instrument} among {audience} in the municipality, with the "
        "change from the one before.",
    ),
    "trend_single": (
        "Dette er den første målingen for denne målgruppen; utviklingen vises fra neste måling.",
        "Dette er den første målinga for denne målgruppa; utviklinga blir vist frå neste måling.",
        "This is the first measurement for this audience; the trend shows from the next one.",
    ),
    "wave": ("Måling", "Måling", "Measurement"),
    "staircase_short": ("Trinn nådd", "Steg nådde", "Steps reached"),
    # -- benefit realisation -------------------------------------------------------------
    "perspectives_heading": (
        "Partenes perspektiver",
        "Partane sine perspektiv",
        "The parties' perspectives",
    ),
    "perspectives_intro": (
        "{figure} for hver partsgruppe, med 95 % konfidensintervall. Gruppene vises når "
        "undersøkelsen er avsluttet, uvektet, og en gruppe holdes tilbake når den er for liten "
        "eller når den ellers kunne regnes ut fra de andre.",
        "{figure} for kvar partsgruppe, med 95 % konfidensintervall. Gruppene blir viste når "
        "undersøkinga er avslutta, utvekta, og ei gruppe blir halden tilbake når ho er for lita "
        "eller når ho elles kunne reknast ut frå dei andre.",
        "{figure} for each party, with its 95 % confidence interval. The groups are shown once "
        "the survey has closed, unweighted, and a group is withheld when it is too small or "
        "could otherwise be worked out from the others.",
    ),
    "perspectives_waiting": (
        "Partenes perspektiver vises når undersøkelsen er avsluttet.",
        "Partane sine perspektiv blir viste når undersøkinga er avslutta.",
        "The parties' perspectives are shown once the survey has closed.",
    ),
    "perspective_gap": (
        "{group} ligger {value} poeng fra {versus} ({span}).",
        "{group} ligg {value} poeng frå {versus} ({span}).",
        "{group} is {value} points from {versus} ({span}).",
    ),
    # -- benefit realisation -------------------------------------------------------------
    "benefit_heading": ("Gevinstrealisering", "Gevinstrealisering", "Benefit realisation"),
    "benefit_intro": (
        "Førmåling ({before}) mot oppfølging ({after}), og om målene kommunen har satt, er "
        "nådd. Et mål regnes som nådd når hele konfidensintervallet ligger på eller over det.",
        "Førmåling ({before}) mot oppfølging ({after}), og om måla kommunen har sett, er "
        "nådde. Eit mål blir rekna som nått når heile konfidensintervallet ligg på eller over det.",
        "Baseline ({before}) against follow-up ({after}), and whether the targets the "
        "municipality set are reached. A target counts as reached when the whole confidence "
        "interval lies at or above it.",
    ),
    "benefit_intro_targets": (
        "Målene kommunen har satt. Et mål regnes som nådd når hele konfidensintervallet "
        "ligger på eller over det.",
        "Måla kommunen har sett. Eit mål blir rekna som nått når heile konfidensintervallet "
        "ligg på eller over det.",
        "The targets the municipality set. A target counts as reached when the whole "
        "confidence interval lies at or above it.",
    ),
    "targets_heading": ("Mål", "Mål", "Targets"),
    "changes_heading": (
        "Endring fra førmålingen",
        "Endring frå førmålinga",
        "Change from the baseline",
    ),
    "before_after": ("{before} → {after}", "{before} → {after}", "{before} → {after}"),
    # -- fieldwork -----------------------------------------------------------------------
    "fieldwork_heading": ("Datainnsamlingen", "Datainnsamlinga", "Fieldwork"),
    "fieldwork_intro": (
        "Antallene er rundet ned til nærmeste {step}, så de ikke avslører når én person svarte.",
        "Tala er runda ned til næraste {step}, så dei ikkje avslører når éin person svara.",
        "Counts are rounded down to a multiple of {step}, so they do not reveal when one "
        "person answered.",
    ),
    "fieldwork_responses": ("Svar så langt", "Svar så langt", "Responses so far"),
    "fieldwork_started": ("Åpnet skjemaet", "Opna skjemaet", "Opened the form"),
    "fieldwork_completion": ("Fullførte", "Fullførte", "Completed"),
    "fieldwork_response_rate": ("Svarprosent", "Svarprosent", "Response rate"),
    "fieldwork_invitations": (
        "Invitasjoner brukt",
        "Invitasjonar brukte",
        "Invitations used",
    ),
    "fieldwork_invitations_value": (
        "{used} av {created}",
        "{used} av {created}",
        "{used} of {created}",
    ),
    "fieldwork_published": (
        "Tallene bygger på {n} svar (per {date}).",
        "Tala byggjer på {n} svar (per {date}).",
        "The figures rest on {n} responses (as of {date}).",
    ),
    "fieldwork_precision": (
        "{measure} er nå sikker til ±{half} poeng.",
        "{measure} er no sikker til ±{half} poeng.",
        "{measure} is now precise to ±{half} points.",
    ),
    "fieldwork_needed": (
        "For ±{wanted} poeng trengs omtrent {needed} svar.",
        "For ±{wanted} poeng trengst om lag {needed} svar.",
        "About {needed} responses give ±{wanted} points.",
    ),
    "fieldwork_per_day": ("Svar per dag", "Svar per dag", "Responses per day"),
    "date": ("Dato", "Dato", "Date"),
    "not_known": ("ukjent", "ukjend", "not known"),
    # -- administration ------------------------------------------------------------------
    "admin_heading": ("Administrasjon", "Administrasjon", "Administration"),
    "open_button": ("Åpne undersøkelsen", "Opne undersøkinga", "Open the survey"),
    "open_note": (
        "Når undersøkelsen er åpen, kan alle med lenken svare.",
        "Når undersøkinga er open, kan alle med lenkja svare.",
        "Once the survey is open, anyone with the link can answer.",
    ),
    "close_button": ("Lukk undersøkelsen", "Steng undersøkinga", "Close the survey"),
    "close_confirm": (
        "Ja, lukk den. Sluttallene publiseres, og den kan ikke åpnes igjen.",
        "Ja, steng ho. Sluttala blir publiserte, og ho kan ikkje opnast att.",
        "Yes, close it. The final figures are published, and it cannot be opened again.",
    ),
    "close_confirm_missing": (
        "Kryss av for å bekrefte at undersøkelsen skal lukkes.",
        "Kryss av for å stadfeste at undersøkinga skal stengjast.",
        "Tick the box to confirm that the survey is to be closed.",
    ),
    "closed_note": (
        "Undersøkelsen er lukket, og sluttallene er publisert.",
        "Undersøkinga er stengd, og sluttala er publiserte.",
        "The survey is closed, and its final figures are published.",
    ),
    "status_changed_open": (
        "Undersøkelsen er åpnet.",
        "Undersøkinga er opna.",
        "The survey is open.",
    ),
    "status_changed_closed": (
        "Undersøkelsen er lukket.",
        "Undersøkinga er stengd.",
        "The survey is closed.",
    ),
    "status_conflict": (
        "Statusen kunne ikke endres: undersøkelsen er allerede {status}.",
        "Statusen kunne ikkje endrast: undersøkinga er alt {status}.",
        "The status could not be changed: the survey is {status} already.",
    ),
    "invitations_heading": ("Invitasjoner", "Invitasjonar", "Invitations"),
    "invitations_text": (
        "Hver invitasjon er en lenke som kan brukes til å svare én gang. Lenkene vises bare "
        "nå, som en CSV-fil til fletting i e-post; bare et fingeravtrykk lagres.",
        "Kvar invitasjon er ei lenkje som kan brukast til å svare éin gong. Lenkjene blir "
        "viste berre no, som ei CSV-fil til fletting i e-post; berre eit fingeravtrykk blir lagra.",
        "Each invitation is a link that can answer once. The links are shown only now, as a "
        "CSV file for a mail merge; only a fingerprint is kept.",
    ),
    "invitations_count": ("Antall invitasjoner", "Tal på invitasjonar", "Number of invitations"),
    "invitations_count_hint": ("Fra 1 til 10 000.", "Frå 1 til 10 000.", "From 1 to 10,000."),
    "invitations_button": (
        "Lag invitasjoner og last ned CSV",
        "Lag invitasjonar og last ned CSV",
        "Make invitations and download CSV",
    ),
    "invitations_count_invalid": (
        "Skriv et helt tall fra 1 til 10 000.",
        "Skriv eit heilt tal frå 1 til 10 000.",
        "Enter a whole number from 1 to 10,000.",
    ),
    "invitations_closed": (
        "En lukket undersøkelse får ikke flere invitasjoner.",
        "Ei stengd undersøking får ikkje fleire invitasjonar.",
        "A closed survey gets no more invitations.",
    ),
    "embed_heading": ("Bygg inn skjemaet", "Byggje inn skjemaet", "Embed the form"),
    "embed_text": (
        "Lim inn denne koden på kommunens nettside. Siden må ligge på en av adressene som "
        "har lov til å vise skjemaet: {origins}.",
        "Lim inn denne koden på nettsida til kommunen. Sida må liggje på ei av adressene som "
        "har lov til å vise skjemaet: {origins}.",
        "Paste this code into the municipality's web page. The page must be on one of the "
        "addresses allowed to show the form: {origins}.",
    ),
    "embed_no_origins": (
        "Ingen adresser har ennå lov til å vise skjemaet innebygd; lenken til skjemaet virker "
        "likevel.",
        "Ingen adresser har enno lov til å vise skjemaet innebygd; lenkja til skjemaet verkar "
        "likevel.",
        "No address may show the form embedded yet; the link to the form works all the same.",
    ),
    "embed_label": ("Kode å lime inn", "Kode å lime inn", "Code to paste"),
    "copy_button": ("Kopier koden", "Kopier koden", "Copy the code"),
    "copied": ("Koden er kopiert.", "Koden er kopiert.", "The code is copied."),
    "form_link_label": ("Lenke til skjemaet", "Lenkje til skjemaet", "Link to the form"),
    "preview_heading": ("Se skjemaet", "Sjå skjemaet", "Preview the form"),
    "preview_text": (
        "Slik ser respondentene skjemaet. Før undersøkelsen er åpnet, sier skjemaet at den "
        "ikke er åpen ennå.",
        "Slik ser respondentane skjemaet. Før undersøkinga er opna, seier skjemaet at ho "
        "ikkje er open enno.",
        "This is how respondents see the form. Until the survey is open, the form says it "
        "is not open yet.",
    ),
    "preview_in": ("Skjemaet på {language}", "Skjemaet på {language}", "The form in {language}"),
    "language_in_nb": ("bokmål", "bokmål", "Bokmål"),
    "language_in_nn": ("nynorsk", "nynorsk", "Nynorsk"),
    "language_in_en": ("engelsk", "engelsk", "English"),
    # -- creating a survey ---------------------------------------------------------------
    "new_survey_title": ("Ny undersøkelse", "Ny undersøking", "New survey"),
    "new_survey_intro": (
        "Undersøkelsen lagres som utkast. Du åpner den når du er klar.",
        "Undersøkinga blir lagra som utkast. Du opnar ho når du er klar.",
        "The survey is saved as a draft. You open it when you are ready.",
    ),
    "field_title": ("Tittel", "Tittel", "Title"),
    "field_title_hint": (
        "Respondentene ser tittelen øverst i skjemaet. Høyst 200 tegn.",
        "Respondentane ser tittelen øvst i skjemaet. Høgst 200 teikn.",
        "Respondents see the title at the top of the form. At most 200 characters.",
    ),
    "field_instrument": ("Spørreskjema", "Spørjeskjema", "Questionnaire"),
    "field_audience": ("Målgruppe", "Målgruppe", "Audience"),
    "field_access": ("Hvem kan svare", "Kven kan svare", "Who can answer"),
    "access_open": ("Alle med lenken", "Alle med lenkja", "Anyone with the link"),
    "access_invitation": (
        "Bare de som får en invitasjon",
        "Berre dei som får ein invitasjon",
        "Only those invited",
    ),
    "field_language": (
        "Standardspråk i skjemaet",
        "Standardspråk i skjemaet",
        "The form's default language",
    ),
    "field_period": ("Periode", "Periode", "Period"),
    "field_period_hint": (
        "For eksempel 2026. Tomt: året undersøkelsen åpnes.",
        "Til dømes 2026. Tomt: året undersøkinga blir opna.",
        "For example 2026. Empty: the year the survey opens.",
    ),
    "field_baseline": ("Førmåling", "Førmåling", "Baseline survey"),
    "field_baseline_hint": (
        "En tidligere undersøkelse med samme skjema, som endringen måles fra.",
        "Ei tidlegare undersøking med same skjema, som endringa blir målt frå.",
        "An earlier survey with the same questionnaire to measure change from.",
    ),
    "no_baseline": ("Ingen", "Ingen", "None"),
    "field_origins": (
        "Nettsider som kan vise skjemaet",
        "Nettsider som kan vise skjemaet",
        "Web sites that may show the form",
    ),
    "field_origins_hint": (
        "Én adresse per linje, for eksempel https://www.bergen.kommune.no. Kan stå tom.",
        "Éi adresse per line, til dømes https://www.bergen.kommune.no. Kan stå tom.",
        "One address per line, for example https://www.bergen.kommune.no. May be empty.",
    ),
    "create_button": ("Lagre som utkast", "Lagre som utkast", "Save as draft"),
    "created": (
        "Undersøkelsen er lagret som utkast.",
        "Undersøkinga er lagra som utkast.",
        "The survey is saved as a draft.",
    ),
    "error_summary_title": (
        "Noe må rettes før undersøkelsen kan lagres",
        "Noko må rettast før undersøkinga kan lagrast",
        "Something must be corrected before the survey can be saved",
    ),
    "error_prefix": ("Feil:", "Feil:", "Error:"),
    "error_title": (
        "Skriv en tittel på høyst 200 tegn.",
        "Skriv ein tittel på høgst 200 teikn.",
        "Enter a title of at most 200 characters.",
    ),
    "error_choice": (
        "Velg et av alternativene.",
        "Vel eitt av alternativa.",
        "Choose one of the options.",
    ),
    "error_period": (
        "Skriv perioden med høyst 16 tegn, for eksempel 2026.",
        "Skriv perioden med høgst 16 teikn, til dømes 2026.",
        "Enter the period in at most 16 characters, for example 2026.",
    ),
    "error_baseline": (
        "Førmålingen må være en av kommunens undersøkelser med samme skjema.",
        "Førmålinga må vere ei av undersøkingane til kommunen med same skjema.",
        "The baseline must be one of the municipality's surveys with the same questionnaire.",
    ),
    "error_origins": (
        "Hver linje må være en adresse som https://www.bergen.kommune.no: {bad}.",
        "Kvar line må vere ei adresse som https://www.bergen.kommune.no: {bad}.",
        "Each line must be an address like https://www.bergen.kommune.no: {bad}.",
    ),
    "error_audience_instrument": (
        "Dette skjemaet er ikke laget for denne målgruppen.",
        "Dette skjemaet er ikkje laga for denne målgruppa.",
        "This questionnaire is not made for this audience.",
    ),
    "error_other": ("Rett opp: {message}", "Rett opp: {message}", "Correct this: {message}"),
    # -- the national view ---------------------------------------------------------------
    "national_title": ("Alle kommuner", "Alle kommunar", "All municipalities"),
    "national_intro": (
        "Kommunene rangert på {measure}. Rangeringen bruker det modellbaserte anslaget, som "
        "trekker usikre tall fra små utvalg mot snittet for kommuner av samme størrelse. Da "
        "havner ikke kommunene med færrest svar øverst og nederst bare på grunn av tilfeldigheter.",
        "Kommunane rangerte på {measure}. Rangeringa nyttar det modellbaserte anslaget, som "
        "trekkjer usikre tal frå små utval mot snittet for kommunar av same storleik. Då "
        "hamnar ikkje kommunane med færrast svar øvst og nedst berre på grunn av tilfeldigheiter.",
        "Municipalities ranked on {measure}. The ranking uses the model-based estimate, which "
        "draws uncertain figures from small samples towards the average of municipalities of "
        "the same size, so those with the fewest responses do not top and tail the list by "
        "chance alone.",
    ),
    "national_choose": (
        "Velg hva som sammenlignes",
        "Vel kva som blir samanlikna",
        "Choose what to compare",
    ),
    "measure": ("Tall", "Tal", "Figure"),
    "show_button": ("Vis", "Vis", "Show"),
    "rank": ("Plass", "Plass", "Rank"),
    "municipality": ("Kommune", "Kommune", "Municipality"),
    "measured": ("Målt skår", "Målt skår", "Measured score"),
    "change_and_target": ("Endring og mål", "Endring og mål", "Change and target"),
    "sort_by": ("Sorter etter {column}", "Sorter etter {column}", "Sort by {column}"),
    "sorted_ascending": ("sortert stigende", "sortert stigande", "sorted ascending"),
    "sorted_descending": ("sortert synkende", "sortert søkkjande", "sorted descending"),
    "ranking_count": (
        "{ranked} kommuner rangert av {total} med en undersøkelse i utvalget.",
        "{ranked} kommunar rangerte av {total} med ei undersøking i utvalet.",
        "{ranked} municipalities ranked of {total} with a survey in the selection.",
    ),
    "not_ranked": ("Ikke rangert", "Ikkje rangert", "Not ranked"),
    "no_ranking": (
        "Ingen undersøkelser med dette skjemaet har publiserte tall ennå.",
        "Ingen undersøkingar med dette skjemaet har publiserte tal enno.",
        "No survey with this questionnaire has published figures yet.",
    ),
    "ranking_table": (
        "Kommunene rangert på {measure}, {audience}, {period}",
        "Kommunane rangerte på {measure}, {audience}, {period}",
        "Municipalities ranked on {measure}, {audience}, {period}",
    ),
    "selection_label": (
        "{audience}, {period} ({count})",
        "{audience}, {period} ({count})",
        "{audience}, {period} ({count})",
    ),
    "selection": ("Utvalg", "Utval", "Selection"),
    "scroll_hint": (
        "Tabellen kan rulles sidelengs på en smal skjerm.",
        "Tabellen kan rullast sidelengs på ein smal skjerm.",
        "The table scrolls sideways on a narrow screen.",
    ),
}

#: Keys whose Nynorsk may equal the Bokmål (names, shared words, numbers).
SAME_IN_NB_AND_NN = frozenset(
    {
        "language_name_nb",
        "language_name_nn",
        "language_name_en",
        "municipality_name",
        "front_municipality_heading",
        "front_dashboard_link",
        "front_api_docs_link",
        "sign_in_title",
        "sign_in_key_label",
        "sign_in_button",
        "sign_in_empty",
        "busy_title",
        "busy_text",
        "role_admin",
        "role_municipality",
        "role_dashboard",
        "sign_out_button",
        "nav_label",
        "county",
        "audience",
        "period",
        "status",
        "status_draft",
        "responses",
        "n_responses",
        "baseline_survey",
        "score",
        "interval",
        "interval_long",
        "figure_value",
        "reason_fewer_than_min_n",
        "reason_other",
        "change_value",
        "change_down",
        "target_label",
        "staircase_heading_forankring",
        "group_county",
        "benchmark_cell",
        "model_based",
        "verdict_clearly_above",
        "verdict_clearly_below",
        "wave",
        "benefit_heading",
        "targets_heading",
        "before_after",
        "fieldwork_responses",
        "fieldwork_completion",
        "fieldwork_response_rate",
        "fieldwork_invitations_value",
        "fieldwork_per_day",
        "date",
        "admin_heading",
        "embed_label",
        "copy_button",
        "copied",
        "preview_in",
        "language_in_nb",
        "language_in_nn",
        "language_in_en",
        "back_to_municipality",
        "field_title",
        "field_audience",
        "field_language",
        "field_period",
        "field_baseline",
        "no_baseline",
        "field_origins",
        "create_button",
        "error_prefix",
        "error_other",
        "show_button",
        "rank",
        "municipality",
        "measured",
        "change_and_target",
        "sort_by",
        "selection_label",
    }
)


def texts_for(lang: str) -> Mapping[str, str]:
    """All dashboard texts in one language."""
    index = LANGUAGES.index(lang)
    return {key: value[index] for key, value in TEXTS.items()}


def language_from_request(asked: str | None, accept: list[tuple[str, float]]) -> str:
    """``asked`` (``?lang=``) when it is one of ours, else the best of ``Accept-Language``
    (``no`` and ``nb-NO`` are Bokmål, ``nn-NO`` Nynorsk), else Bokmål."""
    if asked in LANGUAGES:
        return str(asked)
    ours = {"nb": "nb", "no": "nb", "nn": "nn", "en": "en"}
    for tag, quality in sorted(accept, key=lambda pair: -pair[1]):
        primary = tag.lower().replace("_", "-").split("-")[0]
        if quality > 0 and primary in ours:
            return ours[primary]
    return "nb"
