"""Module 3.2.2 — intellectual property: may the association reuse this image, dataset or model?

A small licence-compatibility helper. For a licence (CC0, the Creative Commons 4.0 family,
the French public-sector Licence Ouverte / Etalab 2.0, ODbL, Apache-2.0, MIT, an open-weight
model licence with use restrictions, "all rights reserved", an AI-generated image) and a use
(free newsletter, paid training, modified image in a poster, fundraising campaign,
republishing a modified version), `assess` returns a verdict — allowed, allowed with
conditions, grey zone (ask the author), not allowed — with the conditions and the reason.

The rules summarise the official licence texts (URLs in course3_ai/licences_reutilisation.csv)
and French copyright law (Code de la propriété intellectuelle). Two simplifications are
stated to the learner: "non-commercial" (NC) is judged on the use, and a paid training or a
fundraising appeal is treated as a grey zone where asking the author is the safe course.

A teaching aid, not legal advice.
"""

from __future__ import annotations

import html
import unicodedata
from dataclasses import dataclass, field

import pandas as pd

from .common import CheckResult, dataset_path, show, lang_of

DATA = "course3_ai/licences_reutilisation.csv"

ALLOWED, CONDITIONS, GREY, NOT_ALLOWED, UNKNOWN = "allowed", "conditions", "grey", "not_allowed", "unknown"
VERDICTS = (ALLOWED, CONDITIONS, GREY, NOT_ALLOWED)

USES = ("newsletter", "formation_payante", "affiche_modifiee", "collecte_dons", "republier_modifie")
USE_ALIASES = {"lettredinformation": "newsletter", "paidtraining": "formation_payante",
               "modifiedposter": "affiche_modifiee", "fundraising": "collecte_dons",
               "republishmodified": "republier_modifie"}
USES_EN = ("newsletter", "paid_training", "modified_poster", "fundraising", "republish_modified")
MODIFYING = {"affiche_modifiee", "republier_modifie"}
MONEY = {"formation_payante", "collecte_dons"}
SHORT_NAMES = {"CC0-1.0": "CC0 1.0", "CC-BY-4.0": "CC BY 4.0", "CC-BY-SA-4.0": "CC BY-SA 4.0",
               "CC-BY-NC-4.0": "CC BY-NC 4.0", "CC-BY-ND-4.0": "CC BY-ND 4.0"}
# Codes of the table that are French words: English notebooks show (and accept) these instead.
CODES_EN = {"poids-ouverts-restreint": "open-weights-restricted", "tous-droits-reserves": "all-rights-reserved",
            "image-ia": "ai-image"}


def display_code(code: str, lang: str = "fr") -> str:
    """A licence code as the notebook's language shows it."""
    return CODES_EN.get(code, code) if lang_of(lang) == "en" else code

_VERDICT_LABEL = {
    "fr": {ALLOWED: "autorisé", CONDITIONS: "autorisé sous conditions", GREY: "zone grise : demandez l'accord",
           NOT_ALLOWED: "non autorisé (sans accord de l'auteur)", UNKNOWN: "inconnu"},
    "en": {ALLOWED: "allowed", CONDITIONS: "allowed with conditions", GREY: "grey zone: ask for permission",
           NOT_ALLOWED: "not allowed (without the author's permission)", UNKNOWN: "unknown"},
}
_COLOUR = {ALLOWED: "#1b5e20", CONDITIONS: "#1f5fa8", GREY: "#8a5a00", NOT_ALLOWED: "#8a1c1c", UNKNOWN: "#555555"}

_USE_LABEL = {
    "fr": {"newsletter": "dans la lettre d'information gratuite de l'association",
           "formation_payante": "comme support d'une formation payante organisée par l'association",
           "affiche_modifiee": "modifié (recadré, retouché, texte ajouté) dans une affiche",
           "collecte_dons": "dans une campagne d'appel aux dons",
           "republier_modifie": "republié en ligne dans une version modifiée (ex. jeu de données corrigé et enrichi)"},
    "en": {"newsletter": "in the association's free newsletter",
           "formation_payante": "as material for a paid training session run by the association",
           "affiche_modifiee": "modified (cropped, retouched, text added) in a poster",
           "collecte_dons": "in a fundraising (donation appeal) campaign",
           "republier_modifie": "republished online in a modified version (e.g. a corrected, enriched dataset)"},
}

DISCLAIMER = {
    "fr": "Aide pédagogique, pas un conseil juridique : lisez toujours le texte de la licence et, en cas de doute, "
          "demandez l'accord écrit de l'auteur ou l'avis d'un ou d'une juriste.",
    "en": "A teaching aid, not legal advice: always read the licence text and, when in doubt, ask the author for "
          "written permission or ask a lawyer.",
}

# --- conditions and reasons, by language -------------------------------------------------------------------
_C = {
    "fr": {
        "cc_credit": "Créditer : titre, auteur, source (lien) et licence avec son lien (règle « TASL » recommandée par "
                     "Creative Commons).",
        "cc_changes": "Indiquer que l'œuvre a été modifiée (ex. « recadrée et texte ajouté par l'association »).",
        "sa": "Diffuser la version modifiée sous la même licence (CC BY-SA 4.0 ou une licence compatible) ; le reste "
              "de votre support (vos textes, votre logo) n'y est pas soumis s'il n'est pas mélangé à l'œuvre.",
        "nc": "Rester dans un usage non commercial : pas d'usage principalement destiné à obtenir un avantage "
              "commercial ou une rémunération.",
        "nd": "Reproduire l'œuvre telle quelle, sans la modifier.",
        "moral": "En France, le droit moral de l'auteur demeure (Code de la propriété intellectuelle, art. L121-1) : "
                 "pas de modification qui dénature l'œuvre ou son sens.",
        "etalab": "Mentionner la source (au moins le nom du producteur) et la date de dernière mise à jour des "
                  "données réutilisées.",
        "odbl_notice": "Mentionner la source et la licence (pour OpenStreetMap : « © les contributeurs "
                       "d'OpenStreetMap »).",
        "odbl_sa": "Diffuser la base de données modifiée sous ODbL (partage à l'identique), avec la mention de la "
                   "source, et sans verrou technique sauf à proposer aussi une version non verrouillée.",
        "odbl_produced": "Une carte ou un graphique tiré des données est une « œuvre produite » : elle peut porter votre "
                         "propre licence, avec la mention de la source ; si vous avez modifié la base pour la produire, "
                         "cette base modifiée doit être rendue disponible sous ODbL.",
        "apache": "Joindre une copie de la licence Apache 2.0, conserver les mentions de droits d'auteur et le fichier "
                  "NOTICE, et signaler les fichiers modifiés.",
        "mit": "Conserver la mention de droits d'auteur et le texte de la licence MIT dans toute copie.",
        "ow_aup": "Respecter la politique d'usage acceptable du modèle (usages interdits listés par l'éditeur).",
        "ow_credit": "Respecter les obligations de mention : pour Llama 3, afficher « Built with Meta Llama 3 » et "
                     "joindre la licence si vous diffusez le modèle ou un produit qui l'utilise ; un modèle dérivé "
                     "diffusé doit avoir un nom commençant par « Llama 3 ».",
        "cc0_note": "Citer l'auteur reste une bonne pratique. CC0 ne règle pas les droits des autres personnes : droit à "
                    "l'image des personnes photographiées, marques et logos visibles.",
    },
    "en": {
        "cc_credit": "Give credit: title, author, source (link) and licence with its link (the 'TASL' rule recommended "
                     "by Creative Commons).",
        "cc_changes": "State that the work was modified (e.g. 'cropped and text added by the association').",
        "sa": "Share the modified version under the same licence (CC BY-SA 4.0 or a compatible one); the rest of your "
              "material (your own text, your logo) is not bound by it if it is not blended into the work.",
        "nc": "Stay non-commercial: no use mainly intended for commercial advantage or monetary compensation.",
        "nd": "Reproduce the work as it is, without modifying it.",
        "moral": "In France the author's moral right remains (Intellectual Property Code, art. L121-1): no change that "
                 "distorts the work or its meaning.",
        "etalab": "Mention the source (at least the producer's name) and the date the reused data were last updated.",
        "odbl_notice": "Mention the source and the licence (for OpenStreetMap: '© OpenStreetMap contributors').",
        "odbl_sa": "Share the modified database under the ODbL (share-alike), with the source notice, and without "
                   "technical locks unless an unlocked version is offered too.",
        "odbl_produced": "A map or chart made from the data is a 'produced work': it may carry your own licence, with the "
                         "source notice; if you modified the database to make it, that modified database must be made "
                         "available under the ODbL.",
        "apache": "Include a copy of the Apache 2.0 licence, keep the copyright notices and the NOTICE file, and flag "
                  "the files you changed.",
        "mit": "Keep the copyright notice and the MIT licence text in every copy.",
        "ow_aup": "Follow the model's acceptable use policy (uses forbidden by the publisher).",
        "ow_credit": "Meet the credit obligations: for Llama 3, display 'Built with Meta Llama 3' and include the licence "
                     "if you distribute the model or a product using it; a distributed derived model must have a name "
                     "starting with 'Llama 3'.",
        "cc0_note": "Crediting the author is still good practice. CC0 does not settle other people's rights: image rights "
                    "of people in a photo, visible trademarks and logos.",
    },
}

_R = {
    "fr": {
        "cc0": "CC0 : l'auteur a renoncé à ses droits autant que la loi le permet ; tout usage est possible, y compris "
               "commercial et modifié.",
        "cc_ok": "{name} autorise la copie, la modification et l'usage commercial, sous les conditions listées.",
        "nd_mod": "{name} interdit de diffuser une version modifiée (« pas de modification ») : retoucher l'œuvre ou "
                  "ajouter un texte dessus crée une adaptation (un simple recadrage peut déjà en être une). Demandez l'accord de l'auteur ou choisissez "
                  "une autre œuvre.",
        "nd_ok": "{name} autorise la diffusion, même commerciale, de l'œuvre non modifiée, avec le crédit.",
        "nc_money": "{name} interdit les usages commerciaux. Une formation payante ou un appel aux dons vise une "
                    "rémunération : même pour une association, c'est une zone grise (la licence juge l'usage, pas le "
                    "statut de l'organisation). Le plus sûr : demander l'accord écrit de l'auteur.",
        "nc_ok": "{name} autorise cet usage s'il reste non commercial, avec le crédit.",
        "etalab": "La Licence Ouverte 2.0 d'Etalab (licence de référence des données publiques françaises) autorise "
                  "toute réutilisation, y compris commerciale et modifiée, à condition de citer la source.",
        "odbl": "L'ODbL autorise la réutilisation, y compris commerciale, avec mention de la source ; une base de "
                "données modifiée diffusée reste sous ODbL (partage à l'identique).",
        "apache": "La licence Apache 2.0 est permissive : usage, modification et diffusion libres, y compris "
                  "commerciaux, en conservant les mentions. Elle ne fixe pas de condition sur ce que vous produisez "
                  "avec un modèle ; ces productions peuvent toutefois poser leurs propres questions de droits.",
        "mit": "La licence MIT est permissive : tout usage est possible, à condition de conserver la mention de droits "
               "d'auteur et la licence.",
        "ow": "Un modèle « à poids ouverts » n'est pas forcément sous licence libre : sa licence peut restreindre "
              "certains usages. La licence Llama 3, par exemple, autorise l'usage commercial mais impose une politique "
              "d'usage acceptable, des mentions, et une licence séparée au-delà de 700 millions d'utilisateurs actifs "
              "mensuels (hors de portée d'une association).",
        "arr": "Sans licence, l'œuvre est protégée par le droit d'auteur : toute reproduction ou représentation sans le "
               "consentement de l'auteur est illicite (Code de la propriété intellectuelle, art. L122-4). Les exceptions "
               "(art. L122-5, par exemple la courte citation) sont étroites et couvrent rarement la reprise d'une "
               "image entière. Demandez une autorisation écrite.",
        "ia": "Tout dépend des conditions d'utilisation du service (à qui appartiennent les images produites, usage "
              "commercial autorisé ou non selon l'offre). La protection par le droit d'auteur d'une image produite "
              "sans apport créatif humain est incertaine, et l'image peut reproduire une œuvre, un personnage ou une "
              "marque protégés. Si elle imite une personne, un lieu ou un événement réels au point de paraître "
              "authentique, le règlement européen sur l'IA (art. 50) impose de signaler qu'elle a été générée ; le "
              "signaler reste une bonne pratique dans tous les cas.",
        "unknown_lic": "Licence non reconnue : « {v} ». Choisissez un code de la table : {codes}.",
        "unknown_use": "Usage non reconnu : « {v} ». Choisissez parmi : {uses}.",
    },
    "en": {
        "cc0": "CC0: the author has waived their rights as far as the law allows; any use is possible, including "
               "commercial and modified.",
        "cc_ok": "{name} allows copying, modifying and commercial use, under the conditions listed.",
        "nd_mod": "{name} forbids sharing a modified version ('no derivatives'): retouching the work or adding text on "
                  "it creates an adaptation (even cropping can be one). Ask the author for permission or choose another work.",
        "nd_ok": "{name} allows sharing the unmodified work, even commercially, with credit.",
        "nc_money": "{name} forbids commercial uses. A paid training session or a donation appeal seeks money: even for "
                    "an association it is a grey zone (the licence looks at the use, not at the organisation's "
                    "status). The safe course: ask the author for written permission.",
        "nc_ok": "{name} allows this use as long as it stays non-commercial, with credit.",
        "etalab": "Etalab's Licence Ouverte 2.0 (the reference licence for French public-sector data) allows any reuse, "
                  "including commercial and modified, provided the source is credited.",
        "odbl": "The ODbL allows reuse, including commercial, with a source notice; a modified database that is shared "
                "stays under the ODbL (share-alike).",
        "apache": "The Apache 2.0 licence is permissive: free use, modification and distribution, including "
                  "commercial, keeping the notices. It sets no condition on what you produce with a model; those "
                  "outputs may still raise rights questions of their own.",
        "mit": "The MIT licence is permissive: any use is possible, provided the copyright notice and the licence are "
               "kept.",
        "ow": "An 'open-weight' model is not necessarily under a free licence: its licence may restrict some uses. The "
              "Llama 3 licence, for example, allows commercial use but imposes an acceptable use policy, credit "
              "notices, and a separate licence above 700 million monthly active users (out of reach for an "
              "association).",
        "arr": "Without a licence, the work is protected by copyright: in France any reproduction or performance without "
               "the author's consent is unlawful (Intellectual Property Code, art. L122-4). The exceptions (art. L122-5, "
               "e.g. short quotation) are narrow and rarely cover reusing a whole image. Ask for written permission.",
        "ia": "It all depends on the service's terms of use (who owns the generated images, whether commercial use is "
              "allowed on your plan). Copyright protection of an image made without human creative input is uncertain, "
              "and the image may reproduce a protected work, character or trademark. If it imitates a real person, "
              "place or event so that it looks authentic, the EU AI Act (art. 50) requires disclosing that it was "
              "generated; saying so is good practice in every case.",
        "unknown_lic": "Licence not recognised: '{v}'. Pick a code from the table: {codes}.",
        "unknown_use": "Use not recognised: '{v}'. Pick one of: {uses}.",
    },
}


def _norm(text) -> str:
    s = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    return "".join(ch for ch in s if ch.isalnum())


def load_licences() -> pd.DataFrame:
    return pd.read_csv(dataset_path(DATA), comment="#")


def licence_codes() -> list[str]:
    return list(load_licences()["code"])


def _find_licence(licence: str) -> str | None:
    key = _norm(licence)
    aliases = {"cc0": "CC0-1.0", "ccby": "CC-BY-4.0", "ccbysa": "CC-BY-SA-4.0", "ccbync": "CC-BY-NC-4.0",
               "ccbynd": "CC-BY-ND-4.0", "etalab": "Etalab-2.0", "licenceouverte": "Etalab-2.0",
               "licenceouverte20": "Etalab-2.0", "odbl": "ODbL-1.0", "apache": "Apache-2.0", "apache20": "Apache-2.0",
               "llama3": "poids-ouverts-restreint", "toutdroitsreserves": "tous-droits-reserves",
               "allrightsreserved": "tous-droits-reserves", "imageia": "image-ia", "aigenerated": "image-ia"}
    for code in licence_codes():
        if _norm(code) == key or _norm(CODES_EN.get(code, code)) == key:
            return code
    return aliases.get(key)


def _find_use(use: str) -> str | None:
    key = _norm(use)
    for u in USES:
        if _norm(u) == key:
            return u
    return USE_ALIASES.get(key)


@dataclass
class Assessment:
    """The verdict for one licence and one use, with the conditions to meet and the reason."""

    licence: str | None
    use: str | None
    verdict: str
    conditions: list[str] = field(default_factory=list)
    reason: str = ""
    lang: str = "fr"

    @property
    def label(self) -> str:
        return _VERDICT_LABEL[lang_of(self.lang)][self.verdict]

    def _repr_html_(self) -> str:
        colour = _COLOUR[self.verdict]
        lang = lang_of(self.lang)
        use = _USE_LABEL[lang].get(self.use, self.use or "")
        head = f"{html.escape(display_code(self.licence, lang) if self.licence else '?')} — {html.escape(use)}"
        conds = "".join(f"<li>{html.escape(c)}</li>" for c in self.conditions)
        title = {ALLOWED: ("À noter :", "Note:"), GREY: ("Dans tous les cas :", "In any case:")}.get(
            self.verdict, ("Conditions :", "Conditions:"))[0 if lang == "fr" else 1]
        return (f'<div role="status" style="border-left:4px solid {colour};padding-left:0.7em">'
                f'<p><strong>{head}</strong><br><strong style="color:{colour}">{html.escape(self.label)}</strong></p>'
                f'<p>{html.escape(self.reason)}</p>'
                + (f"<p>{title}</p><ul>{conds}</ul>" if conds else "")
                + f'<p><em>{html.escape(DISCLAIMER[lang])}</em></p></div>')

    def __str__(self) -> str:
        code = display_code(self.licence, self.lang) if self.licence else "?"
        lines = [f"{code} / {self.use}: {self.label}", self.reason] + [f"- {c}" for c in self.conditions]
        return "\n".join(lines)


def _rules(code: str, name: str, use: str, lang: str) -> tuple[str, list[str], str]:
    c, r = _C[lang], _R[lang]
    mod = use in MODIFYING
    if code == "CC0-1.0":
        return ALLOWED, [c["cc0_note"]], r["cc0"]
    if code.startswith("CC-BY"):
        if code == "CC-BY-ND-4.0":
            if mod:
                return NOT_ALLOWED, [], r["nd_mod"].format(name=name)
            return CONDITIONS, [c["cc_credit"], c["nd"]], r["nd_ok"].format(name=name)
        conds = [c["cc_credit"]]
        if mod:
            conds.append(c["cc_changes"])
        if code == "CC-BY-SA-4.0" and mod:
            conds.append(c["sa"])
        if code == "CC-BY-NC-4.0":
            if use in MONEY:
                return GREY, conds, r["nc_money"].format(name=name)
            conds.append(c["nc"])
        if use == "affiche_modifiee":
            conds.append(c["moral"])
        reason = r["nc_ok"].format(name=name) if code == "CC-BY-NC-4.0" else r["cc_ok"].format(name=name)
        return CONDITIONS, conds, reason
    if code == "Etalab-2.0":
        return CONDITIONS, [c["etalab"]], r["etalab"]
    if code == "ODbL-1.0":
        if use == "republier_modifie":
            return CONDITIONS, [c["odbl_notice"], c["odbl_sa"]], r["odbl"]
        return CONDITIONS, [c["odbl_notice"], c["odbl_produced"]], r["odbl"]
    if code == "Apache-2.0":
        return CONDITIONS, [c["apache"]], r["apache"]
    if code == "MIT":
        return CONDITIONS, [c["mit"]], r["mit"]
    if code == "poids-ouverts-restreint":
        return CONDITIONS, [c["ow_aup"], c["ow_credit"]], r["ow"]
    if code == "tous-droits-reserves":
        return NOT_ALLOWED, [], r["arr"]
    if code == "image-ia":
        return GREY, [], r["ia"]
    return UNKNOWN, [], ""


def assess(licence: str, use: str, lang: str = "fr", display: bool = True) -> Assessment:
    """Verdict for reusing an item under `licence` for `use` (one of USES); displayed in the notebook."""
    lang = lang_of(lang)
    code, use_code = _find_licence(licence), _find_use(use)
    if code is None or use_code is None:
        msg = (_R[lang]["unknown_lic"].format(v=licence, codes=", ".join(display_code(c, lang) for c in licence_codes()))
               if code is None else
               _R[lang]["unknown_use"].format(v=use, uses=", ".join(USES if lang == "fr" else
                                                                    USES_EN)))
        result = Assessment(code, use_code, UNKNOWN, [], msg, lang)
    else:
        name = SHORT_NAMES.get(code, display_code(code, lang))
        verdict, conds, reason = _rules(code, name, use_code, lang)
        result = Assessment(code, use_code, verdict, conds, reason, lang)
    if display:
        from IPython.display import display as _display
        _display(result)
    return result


def licence_table(lang: str = "fr") -> pd.DataFrame:
    """The licences with their main properties, in the notebook's language."""
    lang = lang_of(lang)
    df = load_licences()
    yes = {"oui": "oui", "non": "non", "variable": "variable"} if lang == "fr" else \
          {"oui": "yes", "non": "no", "variable": "varies"}
    cols = (["code", "nom", "attribution", "partage à l'identique", "pas d'usage commercial", "pas de modification",
             "exemple"] if lang == "fr" else
            ["code", "name", "attribution", "share-alike", "non-commercial only", "no modification", "example"])
    out = pd.DataFrame({
        cols[0]: df["code"].map(lambda c: display_code(c, lang)), cols[1]: df["nom"] if lang == "fr" else df["name_en"],
        cols[2]: df["attribution"].map(yes), cols[3]: df["partage_identique"].map(yes),
        cols[4]: df["non_commercial"].map(yes), cols[5]: df["pas_de_modification"].map(yes),
        cols[6]: df["exemple_fr"] if lang == "fr" else df["exemple_en"],
    })
    return out


def verdict_matrix(lang: str = "fr") -> pd.DataFrame:
    """Every licence (rows) against every use (columns)."""
    lang = lang_of(lang)
    short = ({"newsletter": "lettre d'info", "formation_payante": "formation payante",
              "affiche_modifiee": "affiche (modifiée)", "collecte_dons": "appel aux dons",
              "republier_modifie": "republier modifié"} if lang == "fr" else
             {"newsletter": "newsletter", "formation_payante": "paid training", "affiche_modifiee": "poster (modified)",
              "collecte_dons": "donation appeal", "republier_modifie": "republish modified"})
    rows = {}
    for code in licence_codes():
        rows[display_code(code, lang)] = {short[u]: assess(code, u, lang, display=False).label for u in USES}
    return pd.DataFrame(rows).T


# --- the five cases -----------------------------------------------------------------------------------------
CASES = [
    {"id": 1, "licence": "CC-BY-NC-4.0", "use": "formation_payante",
     "fr": "Une photo sous CC BY-NC 4.0, trouvée sur le site d'un photographe, projetée pendant une formation payante "
           "organisée par l'association.",
     "en": "A photo under CC BY-NC 4.0, found on a photographer's website, shown during a paid training session run "
           "by the association."},
    {"id": 2, "licence": "CC-BY-ND-4.0", "use": "affiche_modifiee",
     "fr": "Une illustration sous CC BY-ND 4.0, recadrée, avec le slogan de l'association ajouté dessus, pour "
           "l'affiche de la fête de quartier.",
     "en": "An illustration under CC BY-ND 4.0, cropped, with the association's slogan added on it, for the "
           "neighbourhood festival poster."},
    {"id": 3, "licence": "ODbL-1.0", "use": "republier_modifie",
     "fr": "Les données OpenStreetMap (ODbL 1.0) des commerces du quartier, corrigées et enrichies par les bénévoles, "
           "republiées sur le site de l'association.",
     "en": "OpenStreetMap data (ODbL 1.0) on the neighbourhood's shops, corrected and enriched by volunteers, "
           "republished on the association's website."},
    {"id": 4, "licence": "CC0-1.0", "use": "collecte_dons",
     "fr": "Une photo sous CC0 dans la campagne d'appel aux dons de fin d'année.",
     "en": "A CC0 photo in the end-of-year donation appeal."},
    {"id": 5, "licence": "CC-BY-SA-4.0", "use": "affiche_modifiee",
     "fr": "Une image sous CC BY-SA 4.0, retouchée (couleurs, recadrage) pour l'affiche d'une réunion publique "
           "gratuite.",
     "en": "An image under CC BY-SA 4.0, retouched (colours, cropping) for the poster of a free public meeting."},
]

_ANSWER_WORDS = {
    ALLOWED: {"autorise", "oui", "allowed", "yes", "ok", "libre"},
    CONDITIONS: {"conditions", "sousconditions", "avecconditions", "autorisesousconditions", "withconditions",
                 "allowedwithconditions", "conditionnel"},
    GREY: {"zonegrise", "grise", "grey", "gray", "greyzone", "grayzone", "incertain", "demander", "askpermission",
           "ask"},
    NOT_ALLOWED: {"nonautorise", "non", "interdit", "notallowed", "no", "forbidden"},
}


def parse_answer(answer) -> str | None:
    key = _norm(answer)
    for verdict, words in _ANSWER_WORDS.items():
        if key in words:
            return verdict
    return None


def cases(lang: str = "fr") -> pd.DataFrame:
    lang = lang_of(lang)
    return pd.DataFrame([{"cas" if lang == "fr" else "case": c["id"], "situation": c[lang]} for c in CASES]) \
        .set_index("cas" if lang == "fr" else "case")


def expected_answers() -> dict[int, str]:
    return {c["id"]: assess(c["licence"], c["use"], display=False).verdict for c in CASES}


def check_cases(answers: dict, lang: str = "fr") -> CheckResult:
    """The learner gives a verdict for each of the 5 cases: autorisé / sous conditions / zone grise / non autorisé."""
    lang = lang_of(lang)
    fr = lang == "fr"
    answers = answers if isinstance(answers, dict) else {}
    norm_answers = {}
    for k, v in answers.items():
        try:
            norm_answers[int(k)] = v
        except (TypeError, ValueError):
            continue
    msgs, good, per_case = [], 0, {}
    for case in CASES:
        a = assess(case["licence"], case["use"], lang, display=False)
        given = norm_answers.get(case["id"])
        parsed = parse_answer(given) if given is not None else None
        per_case[case["id"]] = {"expected": a.verdict, "given": parsed}
        if parsed is None:
            shown = "—" if given is None else given
            msgs.append((f"Cas {case['id']} : réponse manquante ou non reconnue (« {shown} »). Écrivez « autorisé », "
                         "« sous conditions », « zone grise » ou « non autorisé »." if fr else
                         f"Case {case['id']}: missing or unrecognised answer ('{shown}'). Write 'allowed', "
                         "'with conditions', 'grey zone' or 'not allowed'."))
            continue
        if parsed == a.verdict:
            good += 1
            head = f"Cas {case['id']} : juste — {a.label}." if fr else f"Case {case['id']}: right — {a.label}."
        else:
            head = (f"Cas {case['id']} : non, la réponse attendue est « {a.label} »." if fr else
                    f"Case {case['id']}: no, the expected answer is '{a.label}'.")
        extra = ""
        if a.conditions and a.verdict in (CONDITIONS, ALLOWED):
            lead = ("À respecter : " if fr else "To do: ") if a.verdict == CONDITIONS else ("À noter : " if fr else "Note: ")
            extra = " " + lead + " ".join(a.conditions)
        msgs.append(f"{head} {a.reason}{extra}")
    msgs.append(DISCLAIMER[lang])
    score = good / len(CASES)
    return show(CheckResult(good == len(CASES), score, msgs, {"per_case": per_case, "right": good}))


def _display_full(df: pd.DataFrame) -> pd.DataFrame:
    from IPython.display import display
    with pd.option_context("display.max_colwidth", None):
        display(df)
    return df


def show_licences(lang: str = "fr") -> pd.DataFrame:
    """Display the licence table without cutting long names (and return it)."""
    return _display_full(licence_table(lang))


def show_cases(lang: str = "fr") -> pd.DataFrame:
    """Display the five cases of the quiz (and return them)."""
    return _display_full(cases(lang))


def show_matrix(lang: str = "fr") -> pd.DataFrame:
    """Display every licence against every use (and return the table)."""
    return _display_full(verdict_matrix(lang))
