"""Which countries a post names, for phone numbers written the national way ("090-1234-5678").

A number without "+<country code>" is read in presidio's eight default regions
(US, GB, DE, FR, IL, IN, CA, BR). "My Japanese number is 090-1234-5678" is a
Japanese mobile, but read in the UK it is a premium-rate line; "My CN number
is 13812345678" is valid in none of the eight. The post says which country:
a country's name, its people's, its ISO code in capitals, or one of its
biggest cities. ``hinted_regions`` returns those regions, in the order the
post names them, at most ``MAX_HINTED_REGIONS``.

ISO codes that are also English words or common abbreviations (IT, NO, AT,
BE, IN, ID, MY, AR, CO, PE, SA, EG, US) are not hints; nor are names that
are also ordinary words ("polish the deck", "Jordan", "Georgia").
"""

from __future__ import annotations

import re

MAX_HINTED_REGIONS = 3
# Region -> the words that name it: country, people (adjective), biggest cities.
REGION_WORDS: dict[str, str] = {
    "CN": "china|chinese|prc|mainland|beijing|shanghai|shenzhen|guangzhou|chengdu|hangzhou",
    "JP": "japan|japanese|tokyo|osaka|kyoto|yokohama|nagoya|fukuoka|sapporo",
    "KR": "korea|korean|south korea|seoul|busan",
    "TW": "taiwan|taiwanese|taipei",
    "HK": "hong kong|hongkong",
    "SG": "singapore|singaporean",
    "MY": "malaysia|malaysian|kuala lumpur",
    "TH": "thailand|thai|bangkok",
    "VN": "vietnam|vietnamese|hanoi|ho chi minh|saigon",
    "PH": "philippines|filipino|filipina|manila",
    "ID": "indonesia|indonesian|jakarta|bali",
    "AU": "australia|australian|aussie|sydney|melbourne|brisbane|perth",
    "NZ": "new zealand|kiwi|auckland|wellington",
    "MX": "mexico|mexican|mexico city|guadalajara|monterrey",
    "AR": "argentina|argentinian|argentine|buenos aires",
    "CO": "colombia|colombian|bogota|bogotá|medellin|medellín",
    "CL": "chile|chilean",
    "ES": "spain|spanish|madrid|barcelona|valencia|seville|sevilla",
    "IT": "italy|italian|rome|roma|milan|milano|naples|turin|florence",
    "PT": "portugal|portuguese|lisbon|lisboa|porto",
    "NL": "netherlands|dutch|holland|amsterdam|rotterdam|the hague|utrecht",
    "BE": "belgium|belgian|brussels|antwerp",
    "CH": "switzerland|swiss|zurich|zürich|geneva|basel",
    "AT": "austria|austrian|vienna|wien",
    "SE": "sweden|swedish|stockholm|gothenburg",
    "NO": "norway|norwegian|oslo",
    "DK": "denmark|danish|copenhagen",
    "FI": "finland|finnish|helsinki",
    "PL": "poland|warsaw|krakow|kraków",
    "IE": "ireland|irish|dublin|cork",
    "TR": "turkey|turkish|turkiye|türkiye|istanbul|ankara",
    "AE": "uae|emirates|emirati|dubai|abu dhabi",
    "SA": "saudi|riyadh|jeddah",
    "EG": "egypt|egyptian|cairo",
    "ZA": "south africa|south african|johannesburg|cape town|durban",
    "NG": "nigeria|nigerian|lagos|abuja",
    "KE": "kenya|kenyan|nairobi",
    "RU": "russia|russian|moscow|st petersburg",
    "UA": "ukraine|ukrainian|kyiv|kiev",
    "PK": "pakistan|pakistani|karachi|lahore|islamabad",
    "BD": "bangladesh|bangladeshi|dhaka",
    "GB": "uk|britain|british|england|english|scotland|scottish|wales|welsh|london|manchester",
    "DE": "germany|german|berlin|munich|munchen|münchen|hamburg|frankfurt",
    "FR": "france|french|paris|lyon|marseille",
    "IN": "india|indian|mumbai|delhi|bangalore|bengaluru|hyderabad|chennai",
    "BR": "brazil|brazilian|sao paulo|são paulo|rio de janeiro",
    "IL": "israel|israeli|tel aviv|jerusalem",
    "CA": "canada|canadian|toronto|vancouver|montreal",
}  # fmt: skip
# ISO codes written in capitals ("my CN number"); not those that are English words.
ISO_CODES = (
    "CN JP KR TW HK SG TH VN PH AU NZ MX CL ES PT NL CH SE DK FI PL IE TR AE ZA NG KE RU UA "
    "PK BD UK GB DE FR BR IL"
).split()
ISO_REGION = {"UK": "GB"}

REGION_OF_WORD = {
    word: region for region, words in REGION_WORDS.items() for word in words.split("|")
}
# The first words of the names of two words or more ("hong", "rio"), with the names.
LONGER_NAMES: dict[str, list[list[str]]] = {}
for _name in REGION_OF_WORD:
    if " " in _name:
        LONGER_NAMES.setdefault(_name.split()[0], []).append(_name.split())
ISO_CODE_REGIONS = {code: ISO_REGION.get(code, code) for code in ISO_CODES}
# Words and two capitals, looked up in dicts: a regex of some 300 names, ignoring
# case, cost 0.5 ms a post; this about 0.03 ms.
_WORD = re.compile(r"[^\W\d_]+")


def hinted_regions(text: str) -> list[str]:
    """The regions the text names, first named first, at most MAX_HINTED_REGIONS."""
    words = [(m.start(), m.group()) for m in _WORD.finditer(text)]
    lowered = [word.lower() for _, word in words]
    named: list[tuple[int, str]] = []
    for i, (start, word) in enumerate(words):
        region = ISO_CODE_REGIONS.get(word) or REGION_OF_WORD.get(lowered[i])
        for name in LONGER_NAMES.get(lowered[i], ()):
            if lowered[i : i + len(name)] == name:
                region = REGION_OF_WORD[" ".join(name)]
        if region is not None:
            named.append((start, region))
    regions: list[str] = []
    for _, region in named:
        if region not in regions:
            regions.append(region)
            if len(regions) == MAX_HINTED_REGIONS:
                break
    return regions
