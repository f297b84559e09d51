"""Module 2.2.4 — read an ads export, compute the key indicators, propose next month's budget split.

The export (synthetic) has one row per campaign: campagne, plateforme, objectif, impressions,
couverture (reach), clics, depense_eur, inscriptions (sign-ups) in the French file
(ads_campagnes_mars.csv); campaign, platform, objective, impressions, reach, clicks, spend_eur,
signups in its English counterpart (ads_campaigns_march_en.csv), chosen by the notebook's
language. The indicators get column names in the same language.

Indicators (computed by :func:`compute_metrics`):
- CTR (click-through rate) = clics / impressions
- CPC (cost per click) = dépense / clics
- taux de conversion = inscriptions / clics
- coût par inscription = dépense / inscriptions (infinite when no sign-up)
- répétition (frequency) = impressions / couverture

:func:`check_budget` evaluates a proposed split of next month's budget against these figures:
the total must match, every funded campaign must get at least ``min_share`` of the budget
(small amounts give too little data to learn anything), no campaign may get more than
``max_share`` (a small audience saturates and its cost rises), a campaign without any sign-up
can only keep a test budget, and the expected sign-ups must reach ``target`` of the best split
possible under the same rules (computed with the past cost per sign-up, a simplification).
"""

from __future__ import annotations

import math

import pandas as pd

from .common import CheckResult, dataset_path, lang_of, show

DATASETS = {"fr": "course2_digital/ads_campagnes_mars.csv", "en": "course2_digital/ads_campaigns_march_en.csv"}
DATASET = DATASETS["fr"]
# Column names of the export and of the indicators, per language.
COLUMNS = {
    "fr": {"campaign": "campagne", "platform": "plateforme", "impressions": "impressions", "reach": "couverture",
           "clicks": "clics", "spend": "depense_eur", "signups": "inscriptions", "ctr": "ctr_pct", "cpc": "cpc_eur",
           "conversion": "conversion_pct", "cps": "cout_par_inscription_eur", "frequency": "repetition"},
    "en": {"campaign": "campaign", "platform": "platform", "impressions": "impressions", "reach": "reach",
           "clicks": "clicks", "spend": "spend_eur", "signups": "signups", "ctr": "ctr_pct", "cpc": "cpc_eur",
           "conversion": "conversion_pct", "cps": "cost_per_signup_eur", "frequency": "frequency"},
}

LABELS = {
    "fr": {"ctr": "Taux de clics (%)", "cpc": "Coût par clic (€)", "conversion": "Taux de conversion (%)",
           "cps": "Coût par inscription (€)", "title": "Campagnes de mars : indicateurs clés (données fictives)",
           "campaign": "Campagne"},
    "en": {"ctr": "Click-through rate (%)", "cpc": "Cost per click (€)", "conversion": "Conversion rate (%)",
           "cps": "Cost per sign-up (€)", "title": "March campaigns: key indicators (synthetic data)",
           "campaign": "Campaign"},
}

MSG = {
    "unknown": {"fr": "Campagne inconnue : « {c} ». Campagnes possibles : {ok}.",
                "en": "Unknown campaign: '{c}'. Possible campaigns: {ok}."},
    "negative": {"fr": "Montant négatif pour « {c} ».", "en": "Negative amount for '{c}'."},
    "total_ok": {"fr": "Total respecté : {t:.0f} € pour un budget de {b:.0f} €.",
                 "en": "Total respected: €{t:.0f} for a budget of €{b:.0f}."},
    "total_bad": {"fr": "Le total proposé ({t:.0f} €) ne correspond pas au budget ({b:.0f} €).",
                  "en": "The proposed total (€{t:.0f}) does not match the budget (€{b:.0f})."},
    "min_ok": {"fr": "Part minimale respectée : chaque campagne financée reçoit au moins {m:.0%} du budget ({v:.0f} €).",
               "en": "Minimum share respected: every funded campaign gets at least {m:.0%} of the budget (€{v:.0f})."},
    "min_bad": {"fr": "« {c} » reçoit {a:.0f} €, moins que la part minimale de {m:.0%} ({v:.0f} €) : "
                      "mettez-la à 0 € (pause) ou donnez-lui assez pour apprendre quelque chose.",
                "en": "'{c}' gets €{a:.0f}, less than the minimum share of {m:.0%} (€{v:.0f}): "
                      "set it to €0 (pause) or give it enough to learn something."},
    "max_ok": {"fr": "Aucune campagne ne dépasse {m:.0%} du budget : vous limitez le risque de saturer un public.",
               "en": "No campaign exceeds {m:.0%} of the budget: you limit the risk of saturating an audience."},
    "max_bad": {"fr": "« {c} » reçoit {s:.0%} du budget, plus que le plafond de {m:.0%} : un même public "
                      "vu trop souvent se lasse et le coût par inscription monte.",
                "en": "'{c}' gets {s:.0%} of the budget, above the {m:.0%} cap: the same audience shown "
                      "the ad too often tires of it and the cost per sign-up rises."},
    "zero_ok": {"fr": "Les campagnes sans aucune inscription ne reçoivent au plus qu'un budget de test.",
                "en": "Campaigns with no sign-up get at most a test budget."},
    "zero_bad": {"fr": "« {c} » n'a produit aucune inscription en mars mais reçoit {a:.0f} € : "
                       "au plus un budget de test ({v:.0f} €), ou changez d'abord le message.",
                 "en": "'{c}' produced no sign-up in March but gets €{a:.0f}: "
                       "at most a test budget (€{v:.0f}), or change the message first."},
    "eff_ok": {"fr": "Efficacité : environ {e:.0f} inscriptions attendues, soit {r:.0%} du meilleur partage possible "
                     "({o:.0f}). L'argent va surtout aux campagnes au coût par inscription le plus bas.",
               "en": "Efficiency: about {e:.0f} sign-ups expected, {r:.0%} of the best possible split ({o:.0f}). "
                     "The money goes mainly to the campaigns with the lowest cost per sign-up."},
    "eff_bad": {"fr": "Efficacité : environ {e:.0f} inscriptions attendues, seulement {r:.0%} du meilleur partage "
                      "possible ({o:.0f}). Donnez davantage aux campagnes au coût par inscription le plus bas : {best}.",
                "en": "Efficiency: about {e:.0f} sign-ups expected, only {r:.0%} of the best possible split ({o:.0f}). "
                      "Give more to the campaigns with the lowest cost per sign-up: {best}."},
    "line": {"fr": "{c} : {a:.0f} € ({s:.0%}), coût par inscription en mars {cps}.",
             "en": "{c}: €{a:.0f} ({s:.0%}), March cost per sign-up {cps}."},
    "limit": {"fr": "Limite : ce calcul suppose que le coût par inscription reste le même ; en réalité il "
                    "augmente souvent quand on dépense plus. Vérifiez chaque semaine et ajustez.",
              "en": "Caveat: this assumes the cost per sign-up stays the same; in reality it often rises "
                    "as you spend more. Check every week and adjust."},
}


def _t(key: str, lang: str, **kw) -> str:
    return MSG[key]["en" if lang == "en" else "fr"].format(**kw)


def load_export(lang: str = "fr") -> pd.DataFrame:
    """The synthetic ads export of an association recruiting volunteers (March), in the notebook's language."""
    return pd.read_csv(dataset_path(DATASETS[lang_of(lang)]), encoding="utf-8")


def _frame_lang(df: pd.DataFrame | None, lang: str) -> str:
    """The language of an export's column names (the notebook's language when there is no frame yet)."""
    if df is None:
        return lang_of(lang)
    return "en" if COLUMNS["en"]["campaign"] in df.columns or COLUMNS["en"]["campaign"] == df.index.name else "fr"


def compute_metrics(df: pd.DataFrame | None = None, lang: str = "fr") -> pd.DataFrame:
    """CTR, CPC, conversion rate, cost per sign-up and frequency, one row per campaign (names in the export's language)."""
    c = COLUMNS[_frame_lang(df, lang)]
    df = load_export(lang) if df is None else df.copy()
    clicks = df[c["clicks"]].where(df[c["clicks"]] > 0)
    signups = df[c["signups"]].where(df[c["signups"]] > 0)
    df[c["ctr"]] = (100 * df[c["clicks"]] / df[c["impressions"]]).round(2)
    df[c["cpc"]] = (df[c["spend"]] / clicks).round(2)
    df[c["conversion"]] = (100 * df[c["signups"]] / clicks).round(2)
    df[c["cps"]] = (df[c["spend"]] / signups).round(2).fillna(math.inf)
    df[c["frequency"]] = (df[c["impressions"]] / df[c["reach"]]).round(2)
    return df.set_index(c["campaign"])


def _cps(m: pd.DataFrame) -> pd.Series:
    """The cost-per-sign-up column of a metrics table, whatever its language."""
    return m[COLUMNS["en"]["cps"]] if COLUMNS["en"]["cps"] in m.columns else m[COLUMNS["fr"]["cps"]]


def plot_metrics(df: pd.DataFrame | None = None, lang: str = "fr"):
    """Four bar charts (CTR, CPC, conversion, cost per sign-up), one bar per campaign."""
    import matplotlib.pyplot as plt

    m = compute_metrics(df, lang)
    lab = LABELS["en" if lang == "en" else "fr"]
    fig, axes = plt.subplots(2, 2, figsize=(11, 7))
    cps = _cps(m).replace(math.inf, float("nan"))
    for ax, col, key in zip(axes.flat, [m["ctr_pct"], m["cpc_eur"], m["conversion_pct"], cps],
                            ["ctr", "cpc", "conversion", "cps"]):
        ax.bar(m.index, col.fillna(0), color="#2e7d32" if key in ("ctr", "conversion") else "#c62828")
        ax.set_title(lab[key])
        ax.set_ylabel(lab[key])
        ax.set_xlabel(lab["campaign"])
        ax.tick_params(axis="x", rotation=30, labelsize=8)
        if key == "cps":
            for i, v in enumerate(cps):
                if v != v:  # NaN: no sign-up
                    ax.text(i, 0, "∞", ha="center", va="bottom", fontsize=12)
    fig.suptitle(lab["title"])
    fig.tight_layout()
    plt.show()
    plt.close(fig)
    return m


def best_split(budget: float, min_share: float = 0.1, max_share: float = 0.6,
               df: pd.DataFrame | None = None, lang: str = "fr") -> dict[str, float]:
    """The split that maximises expected sign-ups under the caps (greedy on cost per sign-up)."""
    m = compute_metrics(df, lang)
    cps = _cps(m)
    order = cps.sort_values().index
    split = {c: 0.0 for c in m.index}
    left = budget
    for c in order:
        if left <= 1e-9 or math.isinf(cps[c]):
            break
        amount = min(max_share * budget, left)
        if amount < min_share * budget:  # too small to fund: top up the previous one if possible
            break
        split[c] = amount
        left -= amount
    return split


def expected_signups(split: dict[str, float], df: pd.DataFrame | None = None, lang: str = "fr") -> float:
    costs = _cps(compute_metrics(df, lang))
    total = 0.0
    for c, amount in split.items():
        cps = costs[c]
        if amount > 0 and not math.isinf(cps):
            total += amount / cps
    return total


def check_budget(split: dict[str, float], budget: float = 500, min_share: float = 0.1,
                 max_share: float = 0.6, target: float = 0.85, lang: str = "fr",
                 df: pd.DataFrame | None = None, display: bool = True) -> CheckResult:
    """Evaluate a budget split {campaign: euros}; score = share of the five rules met."""
    m = compute_metrics(df, lang)
    costs = _cps(m)
    known = list(m.index)
    messages: list[str] = []
    rules: dict[str, bool] = {}
    clean: dict[str, float] = {c: 0.0 for c in known}
    for c, amount in split.items():
        if c not in known:
            messages.append(_t("unknown", lang, c=c, ok=", ".join(known)))
            rules["names"] = False
            continue
        amount = float(amount or 0)
        if amount < 0:
            messages.append(_t("negative", lang, c=c))
            rules["names"] = False
            amount = 0.0
        clean[c] = amount
    total = sum(clean.values())
    rules["total"] = bool(abs(total - budget) <= 1)
    messages.append(_t("total_ok" if rules["total"] else "total_bad", lang, t=total, b=budget))

    low = [c for c, a in clean.items() if 0 < a < min_share * budget - 1e-9]
    rules["min_share"] = not low
    if low:
        messages += [_t("min_bad", lang, c=c, a=clean[c], m=min_share, v=min_share * budget) for c in low]
    else:
        messages.append(_t("min_ok", lang, m=min_share, v=min_share * budget))

    high = [c for c, a in clean.items() if a > max_share * budget + 1e-9]
    rules["max_share"] = not high
    if high:
        messages += [_t("max_bad", lang, c=c, s=clean[c] / budget, m=max_share) for c in high]
    else:
        messages.append(_t("max_ok", lang, m=max_share))

    zero = [c for c, a in clean.items() if math.isinf(costs[c])
            and a > min_share * budget + 1e-9]
    rules["no_signup"] = not zero
    if zero:
        messages += [_t("zero_bad", lang, c=c, a=clean[c], v=min_share * budget) for c in zero]
    else:
        messages.append(_t("zero_ok", lang))

    optimum = expected_signups(best_split(budget, min_share, max_share, df, lang), df, lang)
    expected = expected_signups(clean, df, lang)
    ratio = expected / optimum if optimum else 0.0
    rules["efficiency"] = bool(ratio >= target)
    cheapest = ", ".join(costs.sort_values().index[:2])
    messages.append(_t("eff_ok" if rules["efficiency"] else "eff_bad", lang,
                       e=expected, r=ratio, o=optimum, best=cheapest))

    for c in known:
        cps = costs[c]
        cps_txt = "∞" if math.isinf(cps) else (f"{cps:.2f} €".replace(".", ",") if lang != "en" else f"€{cps:.2f}")
        messages.append(_t("line", lang, c=c, a=clean[c], s=clean[c] / budget if budget else 0, cps=cps_txt))
    messages.append(_t("limit", lang))

    main = ["total", "min_share", "max_share", "no_signup", "efficiency"]
    score = float(sum(bool(rules[k]) for k in main) / len(main))
    ok = all(rules.values())
    result = CheckResult(ok=ok, score=score, messages=messages,
                         details={"rules": rules, "expected_signups": round(expected, 1),
                                  "best_expected_signups": round(optimum, 1), "split": clean})
    return show(result) if display else result
