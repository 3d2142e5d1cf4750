"""Every issue code in the shop owner's words (Norwegian bokmål): one entry per code.

The report shows an issue by its entry - what it is, what it means for the shop, what to do -
and keeps the code only as a small tag for the engineer. `group` sorts it for the owner:

    must   must be decided or fixed before the full migration (money, VAT, what customers see)
    check  worth a look: the migration went on, but the result may not be what the shop wants
    info   for information: done as the shop would expect, nothing to do

An error is always `must`, whatever its entry says. A code without an entry is shown with a
neutral fallback, and tests/test_report_catalogue.py fails for every code the mappings, the
pipeline or the stager can emit that has none here: add the entry with the code.
Texts may name `{valuta}` (a code such as EUR) and `{valutanavn}` ("euro"); the report
fills them from the manifest.
"""
from __future__ import annotations

from dataclasses import dataclass

GROUPS = ("must", "check", "info")


@dataclass(frozen=True)
class Entry:
    group: str  # must | check | info
    title: str  # what happened, in one line
    consequence: str  # what it means for the shop
    action: str  # what the owner (or the engineer) does about it


_ = Entry
ISSUES: dict[str, Entry] = {
    # --- money and VAT ---------------------------------------------------------------------
    "CURRENCY_NOT_CONVERTED": _(
        "must", "Prisene står i {valutanavn} og blir lagt inn som kroner",
        "Uten en valutakurs blir 19,90 {valuta} til 19,90 kr i Mystore: alle priser, tilbud og ordrebeløp blir feil.",
        "Avgjør kursen (kroner for én {valuta}) og gi den til den som kjører migreringen før full migrering."),
    "CURRENCY_KEPT": _(
        "must", "Beløpene er ikke regnet om til kroner",
        "Pakken har beløpene i {valutanavn}, men Mystore tolker dem som kroner.",
        "Ikke last inn denne pakken; kjør migreringen på nytt med valutakursen."),
    "CURRENCY_CONVERTED": _(
        "info", "Beløpene er regnet om til kroner",
        "Priser og ordrebeløp er regnet om fra {valutanavn} med kursen som ble oppgitt.",
        "Sjekk at kursen stemmer med det du vil ha."),
    "FOREIGN_CURRENCY": _(
        "info", "Ordren ble betalt i en annen valuta",
        "Beløpene er regnet om til butikkens valuta med kursen ordren hadde; kunden så beløpene i sin valuta.",
        "Ingenting, med mindre du vil se ordren i den opprinnelige valutaen."),
    "CURRENCY_MISSING": _(
        "check", "Ordrens valuta finnes ikke i databasen",
        "Ordren er regnet som om den var i butikkens egen valuta.",
        "Sjekk beløpene på ordren."),
    "TAX_CLASS_MISSING": _(
        "must", "Produkter uten gyldig MVA-klasse får 25 % MVA",
        "MVA-klassen produktet peker på finnes ikke, så det får standardsatsen 25 %. Har varen en annen sats, blir prisen med MVA feil.",
        "Sjekk at 25 % er riktig for disse varene, eller oppgi riktig sats før full migrering."),
    "TAX_CLASS_ADDED": _(
        "info", "MVA-klassen «MVA 25 %» er lagt til",
        "Produkter uten MVA-klasse får denne klassen i Mystore.",
        "Ingenting; se «Produkter uten gyldig MVA-klasse» om hvilke varer det gjelder."),
    "TAX_CLASS_UNKNOWN": _(
        "must", "Produktet har en MVA-klasse som ikke finnes",
        "Produktet får standardsatsen 25 % i Mystore.",
        "Sjekk at 25 % er riktig for varen."),
    "TAX_RATE_CONVERTED": _(
        "must", "En MVA-sats som ikke er norsk, blir 25 %",
        "Satsen i den gamle butikken (for eksempel 20 %) finnes ikke i Norge. Varene får 25 % MVA, så prisen med MVA endres.",
        "Avgjør hvilken norsk sats (25, 15, 12 eller 0 %) varene skal ha."),
    "VAT_RATE_NOT_NORWEGIAN": _(
        "must", "En MVA-sats som ikke er norsk, er byttet ut",
        "Varene i denne klassen får en annen sats i Mystore enn i den gamle butikken, og prisen med MVA endres.",
        "Avgjør hvilken norsk sats varene skal ha."),
    "VAT_RATE_UNUSUAL": _(
        "check", "Uvanlig MVA-sats",
        "Satsen er gyldig i Norge, men brukes sjelden (for eksempel 11,11 % for råfisk).",
        "Sjekk at satsen er riktig for varene i klassen."),
    "NO_TAX_RATE": _(
        "must", "MVA-klasse uten sats blir 0 % MVA",
        "Den gamle butikken hadde ingen sats for Norge i denne klassen, så varene selges uten MVA i Mystore.",
        "Avgjør riktig sats for klassen før full migrering."),
    "NOT_TAXABLE": _(
        "info", "Vare uten MVA",
        "Varen var merket som ikke avgiftspliktig og får 0 % MVA.",
        "Sjekk at varen virkelig skal selges uten MVA."),
    "FIXED_TAX_DROPPED": _(
        "check", "Fast avgift per vare blir ikke med",
        "Mystore har bare MVA i prosent; en fast avgift per vare (for eksempel miljøavgift) forsvinner fra prisen.",
        "Legg avgiften inn i prisen hvis den skal tas videre."),
    "VARIANT_TAX_CLASS": _(
        "check", "Variant med egen MVA-klasse",
        "Mystore har én MVA-klasse per produkt; varianten får produktets klasse.",
        "Sjekk at satsen passer for alle variantene."),
    "UNUSUAL_TAX_RATE": _(
        "check", "Ordrelinje med uvanlig MVA",
        "MVA-en på linjen tilsvarer ingen norsk sats. Ordren er flyttet som den var.",
        "Ingenting for gamle ordrer; sjekk MVA-oppsettet hvis det gjelder nye ordrer."),
    "TAX_ROWS_MISSING": _(
        "check", "Ordren har MVA på linjene, men ingen MVA-linje i summene",
        "Summen på ordren er som i den gamle butikken, men MVA vises ikke for seg.",
        "Sjekk ordren; gamle ordrer er bare historikk."),
    "ORDER_TOTAL_MISMATCH": _(
        "check", "Ordresummen går ikke opp",
        "Delsum, frakt, rabatt og MVA blir ikke totalen. Totalen er flyttet slik den gamle butikken hadde den.",
        "Sjekk ordren mot den gamle butikken."),
    "ORDER_TOTAL_MISSING": _(
        "check", "Ordren har ingen totalsum",
        "Ordren vises uten totalbeløp i Mystore.",
        "Sjekk ordren i den gamle butikken."),
    "ORDER_LINES_MISMATCH": _(
        "check", "Ordrelinjene stemmer ikke med delsummen",
        "Summen av varelinjene er en annen enn ordrens delsum.",
        "Sjekk ordren mot den gamle butikken."),
    "LINE_TOTAL_INCONSISTENT": _(
        "check", "Linjesum rettet på en ordre",
        "Linjesummen i den gamle butikken stemte ikke med pris × antall; den er rettet, og ordrens beløp endres.",
        "Sammenlign ordren med den gamle butikken (rettelsen står på ordren)."),
    "REFUND_NOT_CARRIED": _(
        "check", "Refusjon blir ikke med",
        "Ordren ble helt eller delvis refundert; refusjonen vises ikke i Mystore.",
        "Noter refusjonen hvis du trenger den i historikken."),
    "UNKNOWN_TOTAL_CODE": _(
        "check", "Ukjent sumlinje på ordre",
        "En sumlinje av ukjent type er tatt med som gebyr eller rabatt, så ordren går opp.",
        "Sjekk at linjen er riktig plassert."),
    "DISCOUNT_NOT_MIGRATED": _(
        "check", "Mengderabatter og kundegrupperabatter blir ikke med",
        "Mystore har ikke slike rabatter; kundene betaler ordinær pris.",
        "Sett opp rabattene på nytt i Mystore hvis du trenger dem."),
    "QUANTITY_DISCOUNT": _(
        "check", "Mengderabatt blir ikke med",
        "Prisen som gjaldt fra et visst antall varer, finnes ikke i Mystore.",
        "Sett opp rabatten på nytt hvis du trenger den."),
    # --- specials ------------------------------------------------------------------------------
    "GROUP_SPECIAL": _("info", "Tilbud for én kundegruppe blir ikke med",
                       "Mystore-tilbud gjelder alle kunder.", "Sett opp tilbudet på nytt hvis du trenger det."),
    "CUSTOMER_GROUP_SPECIAL": _("info", "Tilbud for én kundegruppe blir ikke med",
                                "Mystore-tilbud gjelder alle kunder.", "Sett opp tilbudet på nytt hvis du trenger det."),
    "CUSTOMER_SPECIAL": _("info", "Tilbud for én kunde blir ikke med",
                          "Mystore-tilbud gjelder alle kunder.", "Ingenting, med mindre kunden skal beholde prisen."),
    "COUNTRY_SPECIAL": _("info", "Tilbud for ett land blir ikke med",
                         "Mystore-tilbud gjelder alle land.", "Ingenting for en norsk butikk."),
    "CURRENCY_SPECIAL": _("info", "Tilbud i en annen valuta blir ikke med",
                          "Tilbudet gjaldt bare i en annen valuta.", "Ingenting."),
    "CART_SPECIAL": _("info", "Tilbud for én handlekurv blir ikke med",
                      "Prisen var laget for én bestemt handlekurv.", "Ingenting."),
    "COMBINATION_SPECIAL": _("check", "Tilbud på én variant blir ikke med",
                             "Mystore har tilbud per produkt, ikke per variant.",
                             "Avgjør om tilbudet skal gjelde hele produktet."),
    "VARIANT_SALE_PRICE": _("check", "Tilbudspris på en variant blir ikke med",
                            "Mystore har tilbud per produkt, ikke per variant.",
                            "Avgjør om tilbudet skal gjelde hele produktet."),
    "NO_REDUCTION": _("info", "Tilbud som ikke senker prisen, blir ikke med",
                      "Tilbudsprisen var ikke lavere enn ordinær pris.", "Ingenting."),
    "UNKNOWN_REDUCTION": _("check", "Tilbud av ukjent type blir ikke med",
                           "Vi forstår ikke hvordan rabatten var regnet.", "Sett opp tilbudet på nytt hvis du trenger det."),
    "SPECIAL_NOT_LOWER": _("info", "Tilbud som ikke senker prisen, blir ikke med",
                           "Tilbudsprisen var ikke lavere enn ordinær pris.", "Ingenting."),
    "SPECIAL_NOT_POSITIVE": _("check", "Tilbud som ville gitt pris 0 eller lavere, blir ikke med",
                              "Rabatten var større enn prisen.", "Sjekk tilbudet i den gamle butikken."),
    "SPECIAL_STARTS_LATER": _("info", "Tilbud som starter senere",
                              "Mystore har ingen startdato for tilbud; tilbudet gjelder fra det lastes inn.",
                              "Legg inn tilbudet når det skal starte, hvis det er viktig."),
    "SPECIAL_SUPERSEDED": _("info", "Tilbud som et annet tilbud overstyrer, er lagt inn som inaktivt",
                            "Et bedre tilbud på samme vare gjelder i hele perioden.", "Ingenting."),
    # --- products ------------------------------------------------------------------------------
    "DUPLICATE_SKU": _(
        "must", "Like artikkelnumre: noen blir tomme",
        "Mystore krever unike artikkelnumre. Der flere varer hadde samme nummer, beholder den første det, og de andre står uten.",
        "Gi varene egne artikkelnumre i den gamle butikken, eller godta at de blir tomme."),
    "INVALID_EAN": _("check", "Ugyldig EAN-strekkode er fjernet",
                     "Strekkoden har feil antall sifre og blir tom i Mystore.", "Rett strekkoden hvis du bruker den."),
    "INVALID_GTIN": _("check", "Ugyldig strekkode (GTIN) er fjernet",
                      "Strekkoden har feil antall sifre og blir tom i Mystore.", "Rett strekkoden hvis du bruker den."),
    "EMPTY_NAME": _("check", "Tomt navn fylt ut",
                    "Mystore krever navn; posten fikk navnet «N/A» eller navnet på et annet språk.",
                    "Gi posten et navn, i den gamle butikken eller i Mystore etterpå."),
    "LANGUAGE_FALLBACK": _("check", "Tekst mangler på norsk",
                           "Teksten finnes ikke på norsk og er kopiert fra butikkens hovedspråk.",
                           "Oversett tekstene i Mystore etterpå hvis butikken skal være på norsk."),
    "SLUG_CHANGED": _("info", "Nettadressen er endret for å være unik",
                      "To sider hadde samme nettadresse; den ene har fått et tall på slutten. Gamle lenker sendes videre.",
                      "Ingenting."),
    "NO_CATEGORY": _("check", "Produkt uten kategori",
                     "Produktet ligger i den skjulte kategorien «Ukategorisert» og vises ikke i menyen.",
                     "Legg produktet i en kategori."),
    "HIDDEN_CATEGORY_ADDED": _("info", "Skjult kategori «Ukategorisert» er lagt til",
                               "Mystore krever minst én kategori per produkt.", "Ingenting."),
    "EMPTY_DEFAULT_CATEGORY": _("info", "Tom standardkategori blir ikke med",
                                "WooCommerce sin tomme standardkategori har ingen produkter.", "Ingenting."),
    "ROOT_CATEGORY": _("info", "Rotkategorien blir ikke med",
                       "Toppkategoriene under rotkategorien blir toppkategorier i Mystore, slik kundene så dem.", "Ingenting."),
    "PARENT_MISSING": _("check", "Kategori uten overordnet kategori",
                        "Kategorien den lå under, finnes ikke; den blir en toppkategori.", "Flytt kategorien om nødvendig."),
    "DUPLICATE_PATH": _("info", "Dobbel nettadresse blir ikke med",
                        "To gamle adresser pekte på samme side; én videresending holder.", "Ingenting."),
    "ROUTE_RULE_UNUSABLE": _("check", "Gamle produktadresser får ingen videresending",
                             "Butikkens regel for produktadresser (innstillingen for vennlige adresser) er for lang til å "
                             "være en ekte regel, så de gamle adressene til produktene kan ikke regnes ut.",
                             "Sjekk innstillingen i den gamle butikken; videresendinger kan legges inn for hånd i Mystore."),
    "PRODUCT_HIDDEN": _("info", "Skjult produkt blir inaktivt",
                        "Produktet var skjult i den gamle butikken og blir inaktivt i Mystore.", "Ingenting."),
    "EXTERNAL_PRODUCT": _("check", "Produkt som selges et annet sted, blir inaktivt",
                          "Kjøpsknappen pekte til en annen nettbutikk; det har Mystore ikke.", "Avgjør om produktet skal med."),
    "VIRTUAL_PRODUCT": _("check", "Nedlastbar fil blir ikke med",
                         "Produktet er med, men filen kunden lastet ned, må legges inn på nytt.",
                         "Last opp filen i Mystore hvis produktet fortsatt selges."),
    "PACK_PRODUCT": _("check", "Pakke blir vanlig produkt",
                      "Innholdet i pakken følger ikke med; pakken selges som ett produkt.", "Beskriv innholdet i produktteksten."),
    "GROUPED_PRODUCT": _("info", "Produktgruppe blir ikke med",
                         "En gruppe bare lister andre produkter; produktene selv er med.", "Ingenting."),
    "CUSTOMIZATION_DROPPED": _("check", "Tekst- og filfelt kunden fyller ut, blir ikke med",
                               "Produktet selges uten feltene.", "Sett opp feltene på nytt i Mystore hvis du trenger dem."),
    "IMAGE_ABOVE_8": _("check", "Mer enn åtte bilder: resten vises ikke",
                       "Mystore viser åtte bilder per produkt; de øvrige lastes ikke inn.", "Velg de åtte viktigste bildene."),
    "IMAGE_MISSING": _("check", "Bilde mangler",
                       "Bildefilen er ikke registrert i den gamle butikken og kan ikke hentes.", "Last opp bildet på nytt."),
    "DUPLICATE_IMAGE": _("info", "Samme bilde to ganger tas med én gang", "Ingen synlig forskjell.", "Ingenting."),
    "WEIGHT_UNIT_UNKNOWN": _("check", "Vekt med ukjent enhet blir ikke med",
                             "Vekten kan ikke regnes om til gram; fraktpriser etter vekt kan bli feil.", "Legg inn vekten i Mystore."),
    "NO_PRICE": _("check", "Variant uten pris selges til produktets pris",
                  "Varianten hadde ingen egen pris.", "Sjekk prisen på varianten."),
    "NO_STOCK_ROW": _("check", "Variant uten lagertall får lager 0",
                      "Varianten kan ikke kjøpes før lageret er fylt på.", "Legg inn lagertall."),
    # --- options and variants ------------------------------------------------------------------
    "OPTION_NOT_MIGRATED": _("check", "Fritekstvalg blir ikke med",
                             "Valg der kunden skriver tekst, velger dato eller laster opp fil, finnes ikke i Mystore.",
                             "Avgjør om du trenger valgene, og sett dem opp på nytt."),
    "CHECKBOX_OPTION": _("check", "Avkrysningsvalg blir vanlige valg",
                         "Kunden kan velge flere verdier i den gamle butikken; tillegg i pris og lager for dem blir ikke med.",
                         "Sjekk prisene på produktet."),
    "MULTIPLE_VARIANT_OPTIONS": _("check", "Flere valg på samme produkt blir egne varianter",
                                  "Den gamle butikken hadde lager per valgverdi, ikke per kombinasjon; hver verdi blir en variant.",
                                  "Sjekk variantene på produktet."),
    "OPTION_TYPE_UNSUPPORTED": _("check", "Valgtype som Mystore ikke har, blir ikke med",
                                 "Produktet selges uten valget.", "Sett opp valget på nytt hvis du trenger det."),
    "OPTION_MISSING": _("check", "Valg som ikke finnes",
                        "Valget varianten viser til, finnes ikke i databasen.", "Sjekk variantene på produktet."),
    "NO_OPTION_VALUES": _("check", "Variant uten valgverdier blir ikke med",
                          "Varianten sier ikke hvilken farge, størrelse e.l. den er.", "Sjekk variantene på produktet."),
    "NO_VALUES": _("info", "Egenskap uten verdier blir ikke med", "Ingen produkter bruker den.", "Ingenting."),
    "ANY_VALUE": _("check", "Variant for «alle verdier» er delt opp",
                   "Mystore trenger én verdi per valg.", "Sjekk variantene på produktet."),
    "DUPLICATE_VARIANT": _("check", "Dobbel variant blir ikke med",
                           "To varianter hadde de samme valgene; den første beholdes.", "Sjekk lageret på varianten."),
    "DUPLICATE_COMBINATION": _("check", "Dobbel variant blir ikke med",
                               "To varianter hadde de samme valgene; den første beholdes.", "Sjekk lageret på varianten."),
    "DUPLICATE_OPTION": _("check", "Variant med to verdier av samme valg",
                          "Mystore tillater én verdi per valg; varianten blir ikke med.", "Rett varianten."),
    "ATTRIBUTE_NOT_REGISTERED": _("info", "Egenskap som ikke er registrert, tas med som tekst",
                                  "Variantene beholder verdien slik den står.", "Ingenting."),
    "VALUE_WITHOUT_TERM": _("info", "Verdi uten registrert term tas med som tekst",
                            "Variantene beholder verdien slik den står.", "Ingenting."),
    "PRICE_PREFIX_UNKNOWN": _("check", "Pristillegg med ukjent fortegn",
                              "Tillegget for valget er regnet som et påslag.", "Sjekk prisen på varianten."),
    "VARIANT_PRODUCT": _("info", "Variantprodukt blir variant",
                         "Produktet er en variant av et annet produkt og flyttes som variant av det.", "Ingenting."),
    "VARIANT_OPTIONS_UNKNOWN": _("check", "Variantprodukt uten kjente valg",
                                 "Det er uklart hvilke valg varianten står for.", "Sjekk variantene på produktet."),
    "REPLACED_BY_VARIANT_PRODUCT": _("info", "Valgverdi erstattet av variantprodukt",
                                     "Variantproduktet tar over for verdien.", "Ingenting."),
    "PRODUCT_LEFT_OUT": _("info", "Hører til et produkt som ikke er med", "Posten følger produktet.", "Ingenting."),
    "SEVERAL_BRANDS": _("check", "Produkt med flere merker får det første",
                        "Mystore har én produsent per produkt.", "Sjekk produsenten på produktet."),
    # --- customers -------------------------------------------------------------------------------
    "INVALID_EMAIL": _("check", "Ugyldig e-postadresse",
                       "Kunden kan ikke logge inn eller få e-post før adressen er rettet.", "Rett adressen."),
    "DUPLICATE_EMAIL": _("must", "Flere kunder med samme e-postadresse",
                         "En Mystore-kunde logger inn med e-post; bare én av kundene kan bruke adressen.",
                         "Avgjør hvilken kunde som skal ha adressen, eller slå kundene sammen."),
    "NO_EMAIL": _("check", "Kunde uten e-post blir ikke med",
                  "En Mystore-kunde logger inn med e-post. Kundens ordrer er med.", "Ingenting, med mindre kunden skal med."),
    "EMPTY_COUNTRY": _("check", "Adresse uten land får butikkens land",
                       "Landet manglet i den gamle butikken.", "Sjekk adressen."),
    "UNKNOWN_COUNTRY": _("check", "Ukjent land i adressen",
                         "Landet kan ikke tolkes og er satt til butikkens land.", "Sjekk adressen."),
    "INVALID_POSTCODE": _("check", "Ugyldig norsk postnummer",
                          "Postnummeret har ikke fire sifre; frakt og adresseoppslag kan feile.", "Rett postnummeret."),
    "INVALID_ORG_NUMBER": _("check", "Ugyldig organisasjonsnummer",
                            "Nummeret har ikke ni sifre og er ikke tatt med.", "Rett organisasjonsnummeret."),
    "ZONE_COUNTRY_MISMATCH": _("info", "Fylke/region som ikke hører til landet, er fjernet",
                               "Resten av adressen er med.", "Ingenting."),
    "PLACEHOLDER_ACCOUNT": _("info", "Plasskonto for slettede kunder blir ikke med",
                             "Kontoen sto for anonymiserte kunder; ordrene deres ligger på gjestekunder.", "Ingenting."),
    "NOT_A_CUSTOMER": _("info", "Bruker som ikke er kunde, blir ikke med",
                        "Administratorer og andre brukere uten ordrer er ikke kunder.", "Ingenting."),
    "CUSTOMER_DISABLED": _("check", "Deaktivert kunde blir aktiv",
                           "Mystore har ikke deaktiverte kunder; kunden kan logge inn.", "Avgjør om kunden skal med."),
    "CUSTOMER_NOT_APPROVED": _("check", "Kunde som aldri ble godkjent",
                               "Kontoen ble aldri godkjent i den gamle butikken.", "Avgjør om kunden skal med."),
    "GUEST_CUSTOMER": _("info", "Gjestekunde laget av gjesteordre",
                        "Mystore krever en kunde på hver ordre; gjesteordrer med samme e-post deler én gjestekunde.", "Ingenting."),
    "GUEST_ORDER_OF_CUSTOMER": _("info", "Gjesteordre lagt på registrert kunde",
                                 "Ordren ble lagt inn som gjest med e-posten til en registrert kunde og hører nå til kunden.",
                                 "Ingenting."),
    "ANONYMISED_CUSTOMER": _("info", "Ordre fra slettet kunde ligger på gjestekunde",
                             "Kunden er anonymisert (GDPR) i den gamle butikken.", "Ingenting."),
    "CUSTOMER_DELETED": _("info", "Ordre fra slettet kunde ligger på gjestekunde",
                          "Kunden er slettet i den gamle butikken.", "Ingenting."),
    "CUSTOMER_MISSING": _("check", "Ordre fra kunde som ikke finnes",
                          "Kunden finnes ikke i databasen; ordren ligger på en gjestekunde.", "Ingenting, med mindre kunden skal finnes."),
    "CUSTOMER_GONE": _("check", "Ordre fra kunde som ikke finnes",
                       "Kunden finnes ikke i databasen; ordren ligger på en gjestekunde.", "Ingenting, med mindre kunden skal finnes."),
    # --- orders --------------------------------------------------------------------------------
    "ORDER_NOTE_NOT_LOADED": _("info", "Internt ordrenotat blir ikke lastet inn",
                               "Butikkens private notat er tatt vare på i pakken, men Mystore har ikke noe felt for det.",
                               "Noter det som er viktig, hvis du trenger det i Mystore."),
    "UNMAPPED_VALUE": _("must", "Ordrestatus uten norsk motstykke",
                        "Statusen fra den gamle butikken har ingen Mystore-status og er beholdt som den var.",
                        "Avgjør hvilken Mystore-status den skal bli."),
    "UNKNOWN_STATUS": _("check", "Ukjent ordrestatus", "Statusen finnes ikke i den gamle butikkens oppsett.", "Sjekk ordren."),
    "OTHER_SHOP": _("info", "Tilhører en annen butikk i samme database", "Bare denne butikkens data flyttes.", "Ingenting."),
    "DELETED_IN_SOURCE": _("info", "Slettet i den gamle butikken blir ikke med", "Posten lå i papirkurven.", "Ingenting."),
    "AUTO_DRAFT": _("info", "Kladd som aldri ble lagret, blir ikke med", "Det er ingen ekte post.", "Ingenting."),
    "CHECKOUT_DRAFT": _("info", "Uferdig kassebestilling blir ikke med", "Handlekurven ble aldri en ordre.", "Ingenting."),
    "MISSING_ORDER": _("info", "Bestilling som aldri ble bekreftet, blir ikke med",
                       "Kassen ble ikke fullført, så det er ingen ekte ordre.", "Ingenting."),
    "PLACEHOLDER": _("info", "Teknisk kopi av en ordre blir ikke med", "Ordren selv er med.", "Ingenting."),
    "NOT_IN_ORDER_STORE": _("info", "Utdatert kopi av en ordre blir ikke med",
                            "Ordren finnes bare i WooCommerce sitt gamle ordrelager, som butikken ikke viser.", "Ingenting."),
    "NO_DATE": _("check", "Ordre uten dato", "Ordren har ingen bestillingsdato.", "Sjekk ordren."),
    "INVALID_QUANTITY": _("check", "Ugyldig antall på ordrelinje er satt til 1", "Antallet var 0 eller tomt.", "Sjekk ordren."),
    "FRACTIONAL_QUANTITY": _("check", "Antall med desimaler er rundet ned", "Mystore har hele antall på ordrelinjer.", "Sjekk ordren."),
    "PRODUCT_MISSING": _("info", "Ordrelinje med vare som ikke finnes lenger",
                         "Linjen beholder navn og pris, men peker ikke til noen vare.", "Ingenting."),
    "VARIANT_MISSING": _("info", "Ordrelinje med variant som ikke finnes lenger",
                         "Linjen beholder navn og pris, men peker ikke til noen variant.", "Ingenting."),
    "REFERENCE_MISSING": _("check", "Henvisning til noe som ikke er med",
                           "En post peker på noe som ikke finnes i pakken; henvisningen er fjernet.", "Sjekk posten."),
    "ORDER_WITHOUT_CUSTOMER": _("must", "Ordre uten kunde",
                                "Mystore tar ikke imot ordrer uten kunde.", "Be den som kjører migreringen se på ordren."),
    # --- the migration itself ----------------------------------------------------------------------
    "NOT_ACCOUNTED_FOR": _("must", "Poster som mangler uten forklaring",
                           "Noe fra den gamle butikken er verken flyttet eller forklart - en feil i migreringen.",
                           "Meld fra til den som kjører migreringen før full migrering."),
    "DEMO_TAKES_ALL": _("info", "Hele butikken er med i demoen",
                        "Butikken har færre poster enn demoen skulle vise, så alle er med.", "Ingenting."),
    # --- reading the database file (staging) -----------------------------------------------------
    "ZERO_DATE": _("info", "Ugyldige datoer er tomme",
                   "Datoer lagret som 0000-00-00 betyr «ingen dato» og blir tomme.", "Ingenting."),
    "BAD_VALUE": _("check", "Verdier som ikke kunne leses, er tomme",
                   "Noen verdier i databasefilen var ugyldige og blir tomme.", "Sjekk de berørte postene."),
    "BAD_ENCODING": _("check", "Tekst med feil tegnkoding",
                      "Noen tegn (for eksempel æ, ø, å) kan vises feil.", "Sjekk tekstene på de berørte postene."),
    "CHARSET_GUESSED": _("check", "Tegnkodingen er gjettet",
                         "Databasefilen sier ikke hvilken tegnkoding den bruker; æ, ø og å kan vises feil.",
                         "Sjekk at æ, ø og å ser riktige ut i demoen."),
    "UTF8_IN_LATIN1_DUMP": _("info", "Tegnkoding rettet",
                             "Teksten var lagret med feil tegnkoding og er lest riktig.", "Sjekk at æ, ø og å ser riktige ut."),
    "VALUE_COMPUTED": _("info", "Verdier regnet ut ved innlesing",
                        "Databasefilen inneholdt formler (for eksempel dagens dato) som er regnet ut da filen ble lest.",
                        "Ingenting."),
    "GENERATED_COLUMN": _("info", "Utregnede felt er tomme", "Felt databasen regner ut selv, følger ikke med filen.", "Ingenting."),
    "AUTO_INCREMENT_FILLED": _("info", "Manglende løpenumre er fylt inn", "Som databasen ville gjort det.", "Ingenting."),
    "TYPES_INFERRED": _("info", "Felttyper er utledet av innholdet",
                        "Databasefilen hadde ikke tabelloppsettet; typene er lest ut av verdiene.", "Ingenting."),
    "ROWS_REMOVED": _("info", "Rader slettet i databasefilen", "Filen selv sletter dem, som databasen ville gjort.", "Ingenting."),
    "ROWS_NOT_STAGED": _("info", "Tabeller som ikke flyttes, er bare talt opp",
                         "Logger, handlekurver, søkeindeks og lignende: ingen del av nettbutikken leser dem.", "Ingenting."),
    "DUPLICATE_KEY": _("info", "Doble rader er slått sammen", "Som databasen ville gjort det.", "Ingenting."),
    "TABLE_RECREATED": _("info", "Tabell laget på nytt i databasefilen", "Bare den siste versjonen er med.", "Ingenting."),
    "UNKNOWN_COLUMN": _("check", "Felt som ikke finnes i tabellen", "Verdiene i feltet er ikke lest inn.",
                        "Be den som kjører migreringen sjekke databasefilen."),
    "COLUMN_COUNT_MISMATCH": _("check", "Rader med feil antall felt", "Radene er ikke lest inn.",
                               "Be den som kjører migreringen sjekke databasefilen."),
    "DDL_FALLBACK": _("info", "Tabelloppsett lest på en enklere måte", "Innholdet er lest inn.", "Ingenting."),
    "INHERITED_TABLE": _("info", "Arvet tabell", "Tabellen har bare sine egne rader.", "Ingenting."),
    "BAD_ROW": _("check", "Rader som ikke kunne leses", "Radene er ikke lest inn.", "Be den som kjører migreringen sjekke databasefilen."),
    "STATEMENT_TOO_LARGE": _("must", "Del av databasefilen er for stor til å leses",
                             "Dataene i den delen er ikke med.", "Be den som kjører migreringen øke grensen og kjøre på nytt."),
    "UNBALANCED_QUOTES": _("must", "Databasefilen er ødelagt et sted",
                           "Dataene etter feilen kan mangle.", "Lag en ny databasefil og kjør på nytt."),
    "UNPARSABLE_STATEMENT": _("check", "Del av databasefilen kunne ikke leses",
                              "Dataene i den delen er ikke med.", "Be den som kjører migreringen sjekke databasefilen."),
    "UNSUPPORTED_STATEMENT": _("info", "Instruksjon i databasefilen som ikke trengs", "Ingen data går tapt.", "Ingenting."),
    "TRUNCATED": _("must", "Databasefilen er ufullstendig",
                   "Filen slutter midt i; data kan mangle.", "Lag en ny, hel databasefil og kjør på nytt."),
    "SYMLINK_OUTSIDE": _("info", "Fil utenfor mappen er ikke lest", "Lenker ut av mappen følges ikke.", "Ingenting."),
    # --- Magento 2 and Shopware 6 -------------------------------------------------------------
    "ADVANCED_PRICES_NOT_MIGRATED": _(
        "check", "Priser per kundegruppe eller antall er ikke flyttet",
        "Varen har egne priser for noen kunder eller ved kjøp av flere; i Mystore gjelder vanlig pris for alle.",
        "Lag kundegrupper og rabatter i Mystore om du vil beholde dem."),
    "BASE_CURRENCY_CHANGED": _(
        "check", "Butikkens valuta var en annen da ordren ble lagt",
        "Ordrebeløpene er i valutaen butikken hadde da; kursen står på ordren.",
        "Sjekk beløpene på ordren."),
    "BUNDLE_PRODUCT": _(
        "check", "Pakkeprodukter er ikke flyttet",
        "Mystore har ikke pakker satt sammen av andre varer; delene er egne produkter.",
        "Lag pakken som et vanlig produkt i Mystore om du vil selge den."),
    "CATALOG_PRICE_RULE": _(
        "check", "Prisregler (rabatter på utvalgte varer) er ikke flyttet",
        "Rabatten gjelder ikke i Mystore; varene har vanlig pris.",
        "Lag tilbudet på nytt i Mystore."),
    "CATEGORY_LINK": _(
        "info", "Menypunkt som lenker et annet sted, er ikke en kategori",
        "Menypunktet er ikke flyttet.", "Lag lenken i Mystores meny om du trenger den."),
    "CONFIGURABLE_CHILD": _(
        "info", "Variant solgt under et annet produkt",
        "Varen er en variant av produktet den hører til, ikke et eget produkt.", "Ingenting."),
    "CONFIGURABLE_SPECIAL": _(
        "info", "Tilbudspris som den gamle butikken ikke brukte",
        "Butikken brukte variantenes priser, ikke denne; den er ikke flyttet.", "Ingenting."),
    "DECIMAL_QUANTITY": _(
        "check", "Antall med desimaler",
        "Mystore teller hele stykk; antallet er rundet av.", "Sjekk lagerantallet for varen."),
    "DOWNLOADABLE_PRODUCT": _(
        "check", "Nedlastbare filer er ikke flyttet",
        "Produktet er flyttet, men filene kunden laster ned er ikke med.", "Legg filene inn i Mystore."),
    "GROUP_PRICE": _(
        "check", "Pris for én kundegruppe er ikke flyttet",
        "Kundegrupper lages for hånd i Mystore; til da gjelder vanlig pris.", "Lag kundegruppen og prisen i Mystore."),
    "IMAGE_HIDDEN": _(
        "info", "Bilde som var skjult på produktsiden", "Bildet er ikke flyttet.", "Ingenting."),
    "LIST_PRICE_NOT_MIGRATED": _(
        "check", "«Før»-prisen er ikke flyttet",
        "Varen viste en førpris ved siden av prisen; i Mystore vises bare prisen.",
        "Lag et tilbud i Mystore om du vil vise prisen som nedsatt."),
    "MENU_CATEGORY": _(
        "info", "Side i menyen som ikke er en kategori", "Siden er ikke flyttet som kategori.", "Ingenting."),
    "MISSING_OPTION_VALUE": _(
        "check", "Variant uten verdi for et valg",
        "Varianten mangler for eksempel farge eller størrelse i Mystore.", "Sjekk varianten i Mystore."),
    "NO_VARIANTS": _(
        "check", "Produkt med varianter der ingen var i salg",
        "Produktet er flyttet uten varianter, med sin egen pris.", "Sjekk produktet."),
    "ORDER_DRAFT_VERSION": _(
        "info", "Ordren hadde en ulagret endring",
        "Ordren er flyttet slik den var lagret; utkastet er ikke med.", "Ingenting."),
    "ORPHAN_VARIANT": _(
        "check", "Variant uten produkt", "Produktet varianten hører til, finnes ikke; varianten er ikke flyttet.",
        "Ingenting, med mindre varen fortsatt selges."),
    "PRODUCT_NOT_IN_SALES_CHANNEL": _(
        "check", "Produktet var ikke synlig i butikken",
        "Produktet er flyttet som inaktivt.", "Aktiver det i Mystore om det skal selges."),
    "PRODUCT_NOT_MIGRATED": _(
        "info", "Tilbud på en vare som ikke er flyttet som eget produkt", "Tilbudet er ikke flyttet.", "Ingenting."),
    "PRODUCT_VIDEO": _(
        "info", "Video i bildegalleriet", "Videoer er ikke flyttet.", "Legg inn videoen i produktbeskrivelsen om du vil."),
    "PROPERTIES_NOT_MIGRATED": _(
        "check", "Produktegenskaper er ikke flyttet",
        "Egenskaper som ikke er varianter (for eksempel materiale) er ikke med i Mystore.",
        "Skriv dem inn i beskrivelsen om de skal vises."),
    "SECOND_PARENT": _(
        "check", "Variant som hørte til to produkter",
        "Varianten er flyttet under det første produktet.", "Sjekk det andre produktet."),
    "STOCK_RESERVED": _(
        "info", "Noe av lageret var reservert for ordrer",
        "Lagerantallet i Mystore er det som står på lager, uten fradrag for reservasjonene.", "Sjekk lagerantallet."),
    "TARGET_NOT_MIGRATED": _(
        "info", "Videresending til noe som ikke er flyttet", "Den gamle adressen videresendes ikke.", "Ingenting."),
    "TIER_PRICE": _(
        "check", "Mengderabatt er ikke flyttet",
        "Lavere pris ved kjøp av flere gjelder ikke i Mystore.", "Lag rabatten i Mystore."),
    "UNKNOWN_LINE_TYPE": _(
        "check", "Ukjent type ordrelinje", "Linjen er flyttet med navn og beløp slik den var.", "Sjekk ordren."),
    "UNSUPPORTED_PRODUCT_TYPE": _(
        "check", "Produkttype som Mystore ikke har", "Produktet er ikke flyttet.", "Lag produktet for hånd i Mystore."),
    "VARIANT_NAME_NOT_MIGRATED": _(
        "info", "Variantens eget navn er ikke flyttet",
        "I Mystore har varianten produktets navn og sine valg.", "Ingenting."),
    "WEBSITE_PRICE": _(
        "check", "Pris for én nettbutikk er ikke flyttet",
        "Den gamle løsningen hadde egne priser per nettbutikk; Mystore bruker hovedprisen.", "Sjekk prisene."),
    # --- staging: names the database keeps apart that DuckDB would not ----------------------------------
    "TABLE_RENAMED": _("info", "Tabell med samme navn som en annen (bare store/små bokstaver)",
                       "Den er lest inn under et eget navn, og ingenting er blandet.", "Ingenting."),
    "COLUMN_RENAMED": _("info", "Kolonne med samme navn som en annen (bare store/små bokstaver)",
                        "Den er lest inn under et eget navn, og ingenting er blandet.", "Ingenting."),
}
del _

FALLBACK = {
    "error": Entry("must", "Feil i migreringen", "Noe gikk galt med disse postene.",
                   "Be den som kjører migreringen se på saken."),
    "warning": Entry("check", "Avvik som bør sjekkes", "Postene er flyttet, men noe er endret.", "Sjekk postene."),
    "info": Entry("info", "Merknad", "Postene er flyttet slik de var.", "Ingenting."),
}


def entry(code: str, level: str) -> Entry:
    """The code's entry, or the level's fallback; an error is always a must."""
    e = ISSUES.get(code) or FALLBACK.get(level, FALLBACK["info"])
    return Entry("must", e.title, e.consequence, e.action) if level == "error" and e.group != "must" else e
