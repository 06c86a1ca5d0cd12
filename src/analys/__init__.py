"""analys: fördelning av regionala kostnader för Yrkesresan och BBIC bland länets kommuner.

Biblioteket räknar; notebooks och kommandoraden (`analys …`) presenterar. Importen hålls lätt:
tunga paket (matplotlib, openpyxl) laddas först när de behövs.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("analys")
except PackageNotFoundError:  # pragma: no cover - körs från källträdet utan installation
    __version__ = "0+okand"

__all__ = ["__version__"]
