# Jupyter-inställningar för den som startar JupyterLab själv (`jupyter lab --config=jupyter/jupyter_server_config.py`):
# samma som `analys lab` använder. Notebooks sparas utan utdata (utdata hör hemma i reports/), så att
# notebooks/ förblir som den checkas in, och JupyterLab hämtar inga nyheter.
from analys.app import rensa_utdata

c = get_config()  # noqa: F821 (sätts av Jupyter när filen läses)
c.FileContentsManager.pre_save_hook = rensa_utdata
c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
