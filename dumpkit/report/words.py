"""The owner's words for what the package calls by its column and entity names (bokmål).

Data only: labels for entities, fields and values the report shows. The report never shows a
package column name or an issue code outside its technical section; anything it shows goes
through here (or the issue catalogue, catalogue.py).
"""
from __future__ import annotations

# entity -> (singular, plural)
ENTITY = {
    "tax_classes": ("MVA-klasse", "MVA-klasser"),
    "manufacturers": ("produsent", "produsenter"),
    "categories": ("kategori", "kategorier"),
    "product_options": ("produktvalg", "produktvalg"),
    "product_option_values": ("valgverdi", "valgverdier"),
    "products": ("produkt", "produkter"),
    "product_variants": ("variant", "varianter"),
    "product_images": ("produktbilde", "produktbilder"),
    "product_specials": ("tilbudspris", "tilbudspriser"),
    "customers": ("kunde", "kunder"),
    "orders": ("ordre", "ordrer"),
    "order_lines": ("ordrelinje", "ordrelinjer"),
    "order_totals": ("ordresum", "ordresummer"),
    "order_status_history": ("statusendring", "ordrehistorikk"),
    "redirects": ("videresending", "videresendinger (gamle nettadresser)"),
}


def entity_count(entity: str | None, n: int) -> str:
    """'1 produkt', '12 produkter'."""
    if entity not in ENTITY:
        return f"{n} {'post' if n == 1 else 'poster'}"
    one, many = ENTITY[entity]
    return f"{n:,}".replace(",", "\u00a0") + f" {one if n == 1 else many}"


# the card fields, in the order the cards show them
PRODUCT_FIELDS = {
    "name": "Navn", "sku": "Artikkelnummer", "ean": "Strekkode (EAN)", "manufacturer_sku": "Produsentens varenr.",
    "price": "Pris", "cost": "Innpris", "tax": "MVA", "manufacturer": "Produsent", "categories": "Kategorier",
    "quantity": "Lager", "status": "Synlig i butikken", "weight": "Vekt", "slug": "URL-navn",
    "date_available": "Tilgjengelig fra", "created_at": "Opprettet",
}
CUSTOMER_FIELDS = {
    "name": "Fornavn", "lastname": "Etternavn", "email": "E-post", "phone": "Telefon", "is_guest": "Kundetype",
    "gender": "Kjønn", "dob": "Fødselsdato", "newsletter": "Nyhetsbrev", "created_at": "Registrert",
}
ORDER_FIELDS = {
    "reference": "Ordrenummer", "created_at": "Bestilt", "order_status": "Status", "customer": "Kunde",
    "customer_email": "E-post", "payment_method": "Betaling", "shipping_method": "Levering", "currency": "Kunden betalte i",
}

# a package field an issue names -> the card field it concerns
ISSUE_FIELD = {
    "tax_class_source_id": "tax", "manufacturer_source_id": "manufacturer", "category_source_ids": "categories",
    "price_gross": "price", "customer_source_id": "customer", "customer_address_name": "customer",
    "customer_address_email": "customer_email", "currency_value": "currency", "source_status": "order_status",
}

ADDRESS_KIND = {"address": "Adresse", "billing": "Fakturaadresse", "shipping": "Leveringsadresse"}
NEW_ADDRESS = {"main": "Hovedadresse", "billing": "Fakturaadresse", "extra": "Annen adresse",
               "customer": "Kunde (faktura)", "shipping": "Levering"}
ADDRESS_PARTS = {"name": "navn", "company": "firma", "street": "gateadresse", "zipcode": "postnummer", "city": "sted",
                 "region": "region", "country": "land", "phone": "telefon"}

TOTAL_CLASS = {"subtotal": "Varer (eks. mva)", "discount": "Rabatt (eks. mva)", "shipping": "Frakt (eks. mva)",
               "fee": "Gebyr (eks. mva)", "tax": "MVA", "total": "Totalt (inkl. mva)"}

GENDER = {"m": "mann", "f": "kvinne"}

CURRENCY_NAME = {
    "NOK": "kroner", "EUR": "euro", "USD": "amerikanske dollar", "GBP": "britiske pund", "SEK": "svenske kroner",
    "DKK": "danske kroner", "CHF": "sveitsiske franc", "PLN": "polske zloty", "ISK": "islandske kroner",
}

# the demo's and the run's options, for the technical section
OPTION = {
    "platform": "Plattform (valgt)", "only": "Bare", "implied": "Tatt med fordi de trengs", "value_map": "Verdikart",
    "shop_country": "Butikkens land", "timezone": "Tidssone i den gamle butikken", "shop_currency": "Butikkens valuta",
    "currency_rates": "Valutakurser", "keep_currency": "Beholdt valuta", "languages": "Språk", "demo": "Demo",
    "seed": "Utvalg (seed)", "size": "Antall i utvalget", "picked": "Trukket", "notes": "Merknader",
}

MONTHS = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober", "november",
          "desember")
