"""Beräkning: fördelning, kostnadsmodell, uppföljning och fakturor, utan att läsa eller skriva filer.

Funktionerna tar DataFrames och frysta objekt (`analys.begrepp`) och returnerar DataFrames och
frysta objekt. Belopp är hela kronor och summerar alltid exakt (största-restmetoden).
"""
