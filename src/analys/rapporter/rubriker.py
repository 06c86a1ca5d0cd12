"""Rubrikerna: det enda stället där en kolumn i resultaten får sitt svenska namn i tabeller,
arbetsböcker och CSV för Excel, och där kostnadsposterna och nycklarna får sina namn.

Kolumnerna heter som i resultaten (`fast_kostnad`, `kommunkod` …). En rubrik som beror på talets
slag (enligt avtal, förslag, utfall, beräknat) byggs med `med_slag`, så att slaget alltid står på samma sätt.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from analys.indata.underlag import POSTNAMN

__all__ = ["KORT", "NYCKELNAMN", "PARAMETRAR", "POSTNAMN", "RUBRIKER", "med_slag", "rubrik"]

# Svenska rubriker för kolumnerna i resultaten (fördelning, scenarier, uppföljning, fakturor).
RUBRIKER = {
    "scenario": "Scenario",
    "ar": "År",
    "slag": "Underlag",
    "avtal": "Avtal",
    "kommunkod": "Kommunkod",
    "kommun": "Kommun",
    "befolkningsdatum": "Folkmängd per",
    "folkmangd": "Folkmängd",
    "andel": "Andel",
    "belopp": "Belopp",
    "fast_kostnad": "Fast kostnad",
    "deltagardagar": "Deltagardagar (antagna)",
    "rorlig_kostnad": "Kursavgifter (beräknat)",
    "utbildardagar": "Utbildardagar (antagna)",
    "pott_tillbaka": "Pott tillbaka (beräknat)",
    "netto": "Netto (fast + avgifter − pott)",
    "tjanster": "Tjänster",
    "aktiva_resor": "Aktiva Yrkesresor",
    "fast_total": "Fast kostnad totalt",
    "region_del": "Regionens del",
    "kommunernas_del": "Kommunernas fasta kostnad",
    "pott": "Pott",
    "befolkningskalla": "Befolkningens källa",
    "nyckel": "Fördelningsnyckel",
    "belopp_fore": "Föregående år",
    "forandring_kr": "Förändring",
    "forandring_procent": "Förändring %",
    "avser": "Avser",
    "fakturadatum": "Fakturadatum",
    "forfallodatum": "Förfallodatum",
    "kostnadspost": "Kostnadspost",
    "utfall": "Utfall",
    "avgifter": "Kursavgifter",
    "netto_rorligt": "Netto",
    "fakturerat": "Fakturerat",
    "aterstar": "Återstår att fakturera",
    # avtalen: förra → nya avtalet och förändringens två delar
    "fore": "Förra avtalet",
    "efter": "Nya avtalet",
    "forandring": "Förändring",
    "forandring_andel": "Förändring %",
    "beloppseffekt": "Beloppseffekt",
    "befolkningseffekt": "Befolkningseffekt",
    # känsligheten och osäkerheten
    "etikett": "Parameter",
    "lag": "Lågt värde",
    "hog": "Högt värde",
    "varde_bas": "Fast kostnad, bas",
    "varde_lag": "Fast kostnad, lågt",
    "varde_hog": "Fast kostnad, högt",
    "effekt_lag": "Effekt, lågt",
    "effekt_hog": "Effekt, högt",
    "p10": "P10",
    "p50": "Median",
    "p90": "P90",
    "medel": "Medel",
}

# Kortare rubriker i HTML-tabellerna, där bredden är knapp (mobilen).
KORT = {"kommunkod": "Kod", "forandring_procent": "Förändring %", "aterstar": "Återstår"}

# Notebookarnas parametrar (data/rapporter.yaml) som de står i den tekniska spårbarheten.
PARAMETRAR = {
    "avtal": "avtal",
    "belopp": "belopp",
    "befolkningsdatum": "befolkningsdatum",
    "lan": "län",
    "nyckel": "fördelningsnyckel",
    "fast_andel": "andel lika delar",
    "exkludera": "kommuner som inte deltar",
    "jamfor_scenario": "jämförelsescenario",
    "scenarier": "scenarier",
    "fran": "från år",
    "till": "till år",
    "tabellar": "år i kommuntabellen",
    "antaganden": "antagandefil",
    "mc_dragningar": "dragningar i osäkerhetsanalysen",
    "mc_fro": "slumptalsfrö",
    "kommunkod": "kommunkod",
    "underlag": "underlag",
}

NYCKELNAMN = {"befolkning": "efter folkmängd", "lika": "lika delar", "blandad": "blandad", "egen": "egna vikter"}


def rubrik(kolumn: str, kort: bool = False) -> str:
    """Kolumnens svenska rubrik (den korta i HTML om `kort`); okända kolumner som de är."""
    if kort and kolumn in KORT:
        return KORT[kolumn]
    return RUBRIKER.get(kolumn, kolumn)


def med_slag(text: str, slag: str) -> str:
    """'Fast kostnad (enligt avtal)': rubriken med talens slag."""
    return f"{text} ({slag})"


def rubriker_for(kolumner: Iterable[str], egna: Mapping[str, str] | None = None, kort: bool = True) -> dict[str, str]:
    """Rubrikerna för html_tabell: kolumn → svensk rubrik."""
    egna = egna or {}
    return {k: egna.get(k, rubrik(k, kort)) for k in kolumner}
