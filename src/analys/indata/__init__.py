"""Indata: allt som läses utifrån och kontrolleras innan något räknas.

Befolkning (medföljande SCB-data, hämtade ögonblicksbilder, framskrivning), SCB:s API, avtal,
antaganden och scenarier, uppföljningsunderlag och aktivitetsfiler och värden från
kommandoraden. Varje funktion här returnerar frysta, kontrollerade objekt eller DataFrames, eller
ger ett svenskt fel som nämner filen, raden och fältet.
"""
