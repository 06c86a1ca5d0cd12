"""Den tekniska spårbarheten talar svenska: inga Python-uttryck (`= None`, `= []`, `= '…'`),
inga parameternamn som `mc_fro`, och den säger kommandot som gör om rapporten och tiden i svensk tid."""

from __future__ import annotations

import re

from openpyxl import load_workbook

FORBJUDET = ("= None", "= []", "= '", "mc_fro", "mc_dragningar", "jamfor_scenario", "ut_dir", "rapportnamn")


def _tekniska_rader_i_arbetsbok(fil) -> dict[str, str]:
    ws = load_workbook(fil)["Källor"]
    rader = {}
    for a, b in ws.iter_rows(min_col=1, max_col=2, values_only=True):
        if a:
            rader[str(a)] = str(b or "")
    return rader


def test_no_python_in_any_rendered_output(rapporter):
    from pypdf import PdfReader

    filer = sorted(rapporter.glob("*/*.html")) + sorted(rapporter.glob("*/*.xlsx")) + sorted(rapporter.glob("*/*.pdf"))
    assert filer
    for fil in filer:
        if fil.suffix == ".html":
            text = fil.read_text(encoding="utf-8")
            text = re.sub(r"<script.*?</script>", "", text, flags=re.S)
            text = re.sub(r"<[^>]+>", " ", text)
        elif fil.suffix == ".xlsx":
            wb = load_workbook(fil)
            text = "\n".join(str(v) for ws in wb.worksheets for r in ws.iter_rows(values_only=True) for v in r if v)
        else:
            text = "\n".join(p.extract_text() or "" for p in PdfReader(fil).pages)
        for ord_ in FORBJUDET:
            assert ord_ not in text, (fil.name, ord_)


def test_the_technical_block_says_how_to_remake_the_report(rapporter):
    for fil in sorted(rapporter.glob("*/*.xlsx")):
        rader = _tekniska_rader_i_arbetsbok(fil)
        namn = fil.parent.name
        assert rader["Gör om med"] == f"analys rapport --bara {namn}", fil.name
        assert re.fullmatch(r"\d{1,2} [a-zåäö]+ \d{4} kl\. \d{2}\.\d{2} \(svensk tid\)", rader["Skapad"]), rader[
            "Skapad"
        ]
        assert "_" not in rader.get("Parametrar", "") and "=" not in rader.get("Parametrar", ""), rader
