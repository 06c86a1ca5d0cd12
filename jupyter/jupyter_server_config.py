# Jupyter-inställningar för `make lab`: notebooks sparas utan utdata (utdata hör hemma i reports/),
# så att notebooks/ förblir som den checkas in.


def rensa_utdata(model, path=None, contents_manager=None, **kwargs):
    """Före varje sparning: ta bort utdata och körningsnummer ur kodcellerna."""
    if model.get("type") != "notebook" or not model.get("content"):
        return
    for cell in model["content"].get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None


c = get_config()  # noqa: F821 (sätts av Jupyter när filen läses)
c.FileContentsManager.pre_save_hook = rensa_utdata
