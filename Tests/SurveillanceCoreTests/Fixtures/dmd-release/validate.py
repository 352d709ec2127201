#!/usr/bin/env python3
"""Checks this fixture. Run after generate.py; needs xmllint (apt-get install libxml2-utils).

Exits non-zero on the first failed check. It reads only the fixture, rules/codelists/ and, for
the "reference untouched" checks, the reference release (DMD_REFERENCE, default
/work/shared/reference/dmd; those checks are skipped if it is absent).
"""
import csv
import difflib
import glob
import os
import re
import subprocess
import sys
import zipfile
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", "..", ".."))
REF = os.environ.get("DMD_REFERENCE", "/work/shared/reference/dmd")
REF1 = os.path.join(REF, "openprescribing-dmd-test-data", "1")
SCHEMAS = {"vtm": "vtm_v2_3", "vmp": "vmp_v2_3", "vmpp": "vmpp_v2_3", "amp": "amp_v2_3",
           "ampp": "ampp_v2_3", "ingredient": "ingredient_v2_3", "lookup": "lookup_v2_3"}
failures = []


def check(ok, message):
    if not ok:
        failures.append(message)
        print("FAIL:", message)


# ---- Verhoeff, from the published tables (typed independently of generate.py) -------------
D = ["0123456789", "1234067895", "2340178956", "3401289567", "4012395678", "5987604321",
     "6598710432", "7659821043", "8765932104", "9876543210"]
P = ["0123456789", "1576283094", "5803796142", "8916043527", "9453126870", "4286573901",
     "2793806415", "7046913258"]


def verhoeff_ok(code):
    c = 0
    for i, ch in enumerate(reversed(code)):
        c = int(D[c][int(P[i % 8][int(ch)])])
    return c == 0


def snomed_ok(code):
    return (code.isdigit() and not code.startswith("0") and 6 <= len(code) <= 18
            and code[-3:-1] in ("00", "10") and verhoeff_ok(code))


codelist = {}
for path in glob.glob(os.path.join(REPO, "rules", "codelists", "*.csv")):
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            code = r.get("snomed_id") or r["id"]
            codelist.setdefault(code, r.get("bnf_code"))
check(all(snomed_ok(c) for c in codelist), "self-test: every codelist code passes Verhoeff")
print("Verhoeff self-test on %d codelist codes: ok" % len(codelist))

# ---- 1. xmllint --------------------------------------------------------------------------
for release in ("release-1", "release-2"):
    folder = os.path.join(HERE, release)
    pairs = [("f_%s2_3010419.xml" % k, v + ".xsd") for k, v in SCHEMAS.items()]
    pairs.append(("f_gtin2_0010419.xml", "gtin_v2_0.xsd"))
    for xml, xsd in pairs:
        r = subprocess.run(["xmllint", "--noout", "--schema", xsd, xml], cwd=folder,
                           capture_output=True, text=True)
        line = (r.stderr.strip().splitlines() or ["?"])[-1]
        print("%s: %s" % (release, line))
        check(r.returncode == 0 and line == "%s validates" % xml, "%s/%s: %s" % (release, xml, line))


# ---- 2. parse ------------------------------------------------------------------------------
def rows(folder, name, section, tag):
    root = ET.parse(os.path.join(folder, name)).getroot()
    parent = root if section is None else root.find(section)
    return [{c.tag: c.text for c in e} for e in parent.findall(tag)]


def load(folder):
    x = {}
    x["vtm"] = rows(folder, "f_vtm2_3010419.xml", None, "VTM")
    x["ing"] = rows(folder, "f_ingredient2_3010419.xml", None, "ING")
    x["vmp"] = rows(folder, "f_vmp2_3010419.xml", "VMPS", "VMP")
    x["vpi"] = rows(folder, "f_vmp2_3010419.xml", "VIRTUAL_PRODUCT_INGREDIENT", "VPI")
    x["ont"] = rows(folder, "f_vmp2_3010419.xml", "ONT_DRUG_FORM", "ONT")
    x["dform"] = rows(folder, "f_vmp2_3010419.xml", "DRUG_FORM", "DFORM")
    x["droute"] = rows(folder, "f_vmp2_3010419.xml", "DRUG_ROUTE", "DROUTE")
    x["control"] = rows(folder, "f_vmp2_3010419.xml", "CONTROL_DRUG_INFO", "CONTROL_INFO")
    x["vmpp"] = rows(folder, "f_vmpp2_3010419.xml", "VMPPS", "VMPP")
    x["amp"] = rows(folder, "f_amp2_3010419.xml", "AMPS", "AMP")
    x["lic_route"] = rows(folder, "f_amp2_3010419.xml", "LICENSED_ROUTE", "LIC_ROUTE")
    x["ampp"] = rows(folder, "f_ampp2_3010419.xml", "AMPPS", "AMPP")
    x["pack_info"] = rows(folder, "f_ampp2_3010419.xml", "APPLIANCE_PACK_INFO", "PACK_INFO")
    lk = ET.parse(os.path.join(folder, "f_lookup2_3010419.xml")).getroot()
    x["lookup"] = {t.tag: {i.findtext("CD") for i in t} for t in lk}
    return x


releases = {r: load(os.path.join(HERE, r)) for r in ("release-1", "release-2")}

# ---- 3. referential integrity and lookups ------------------------------------------------
for name, x in releases.items():
    vpids = {v["VPID"] for v in x["vmp"]}
    vppids = {v["VPPID"] for v in x["vmpp"]}
    apids = {a["APID"] for a in x["amp"]}
    appids = {a["APPID"] for a in x["ampp"]}
    isids = {i["ISID"] for i in x["ing"]}
    vtmids = {v["VTMID"] for v in x["vtm"]}
    lk = x["lookup"]
    uoms, forms, routes, onts = lk["UNIT_OF_MEASURE"], lk["FORM"], lk["ROUTE"], lk["ONT_FORM_ROUTE"]
    for kind, ids in (("VMP", [v["VPID"] for v in x["vmp"]]),
                      ("VMPP", [v["VPPID"] for v in x["vmpp"]]),
                      ("AMP", [a["APID"] for a in x["amp"]]),
                      ("AMPP", [a["APPID"] for a in x["ampp"]])):
        check(len(ids) == len(set(ids)), "%s: duplicate %s codes" % (name, kind))
    for v in x["vmp"]:
        check(v.get("VTMID") is None or v["VTMID"] in vtmids, "%s VMP %s VTMID" % (name, v["VPID"]))
        for k in ("UDFS_UOMCD", "UNIT_DOSE_UOMCD"):
            check(v.get(k) is None or v[k] in uoms, "%s VMP %s %s" % (name, v["VPID"], k))
        check(v.get("ABBREVNM") is None or len(v["ABBREVNM"]) <= 60,
              "%s VMP %s ABBREVNM over 60" % (name, v["VPID"]))
    for r in x["vpi"]:
        check(r["VPID"] in vpids, "%s VPI VPID %s" % (name, r["VPID"]))
        check(r["ISID"] in isids, "%s VPI ISID %s" % (name, r["ISID"]))
        check(r.get("BS_SUBID") is None or r["BS_SUBID"] in isids, "%s BS_SUBID" % name)
        for k in ("STRNT_NMRTR_UOMCD", "STRNT_DNMTR_UOMCD"):
            check(r.get(k) is None or r[k] in uoms, "%s VPI %s %s" % (name, r["VPID"], k))
    for r in x["ont"]:
        check(r["VPID"] in vpids and r["FORMCD"] in onts, "%s ONT %s" % (name, r))
    for r in x["dform"]:
        check(r["VPID"] in vpids and r["FORMCD"] in forms, "%s DFORM %s" % (name, r))
    for r in x["droute"]:
        check(r["VPID"] in vpids and r["ROUTECD"] in routes, "%s DROUTE %s" % (name, r))
    for r in x["control"]:
        check(r["VPID"] in vpids and r["CATCD"] in lk["CONTROL_DRUG_CATEGORY"],
              "%s CONTROL_INFO %s" % (name, r))
    for v in vpids:
        check(any(r["VPID"] == v for r in x["control"]), "%s VMP %s lacks CONTROL_INFO" % (name, v))
        check(any(r["VPID"] == v for r in x["droute"]), "%s VMP %s lacks DROUTE" % (name, v))
    for r in x["vmpp"]:
        check(r["VPID"] in vpids, "%s VMPP %s VPID %s" % (name, r["VPPID"], r["VPID"]))
        check(r["QTY_UOMCD"] in uoms, "%s VMPP %s QTY_UOMCD" % (name, r["VPPID"]))
    for r in x["amp"]:
        check(r["VPID"] in vpids, "%s AMP %s VPID %s" % (name, r["APID"], r["VPID"]))
        check(r["SUPPCD"] in lk["SUPPLIER"], "%s AMP %s SUPPCD" % (name, r["APID"]))
        check(r["LIC_AUTHCD"] in lk["LICENSING_AUTHORITY"], "%s AMP LIC_AUTHCD" % name)
        check(r["AVAIL_RESTRICTCD"] in lk["AVAILABILITY_RESTRICTION"], "%s AMP AVAIL" % name)
    for r in x["lic_route"]:
        check(r["APID"] in apids and r["ROUTECD"] in routes, "%s LIC_ROUTE %s" % (name, r))
    vmpp_vpid = {r["VPPID"]: r["VPID"] for r in x["vmpp"]}
    amp_vpid = {r["APID"]: r["VPID"] for r in x["amp"]}
    for r in x["ampp"]:
        check(r["APID"] in apids, "%s AMPP %s APID" % (name, r["APPID"]))
        check(r["VPPID"] in vppids, "%s AMPP %s VPPID" % (name, r["APPID"]))
        check(vmpp_vpid.get(r["VPPID"]) == amp_vpid.get(r["APID"]),
              "%s AMPP %s: its VMPP and AMP belong to different VMPs" % (name, r["APPID"]))
        check(r["LEGAL_CATCD"] in lk["LEGAL_CATEGORY"], "%s AMPP LEGAL_CATCD" % name)
    for r in x["pack_info"]:
        check(r["APPID"] in appids and r["REIMB_STATCD"] in lk["REIMBURSEMENT_STATUS"],
              "%s PACK_INFO %s" % (name, r))
    print("%s: %d VMP, %d VMPP, %d AMP, %d AMPP; references and lookups: checked" % (
        name, len(vpids), len(vppids), len(apids), len(appids)))

# ---- 4. the reference's own content is untouched (only insertions) -----------------------
if os.path.isdir(REF1):
    for release in ("release-1", "release-2"):
        for name in sorted(os.listdir(REF1)):
            with open(os.path.join(REF1, name), encoding="utf-8") as f:
                a = f.read().splitlines(keepends=True)
            with open(os.path.join(HERE, release, name), encoding="utf-8") as f:
                b = f.read().splitlines(keepends=True)
            if not name.startswith("f_"):
                check(a == b, "%s/%s differs from the reference" % (release, name))
                continue
            for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
                if op == "equal" or op == "insert":
                    continue
                allowed = (op == "replace" and a[i1:i2] == ["  <APPLIANCE_PACK_INFO/>\n"]
                           and b[j1] == "  <APPLIANCE_PACK_INFO>\n")
                check(allowed, "%s/%s: reference lines changed: %r" % (release, name, a[i1:i2][:3]))
    print("reference content kept: checked (only insertions)")
else:
    print("reference not found at %s: untouched-content check skipped" % REF1)

# ---- 5. release-2 differs from release-1 only by the re-coded VPID ------------------------
r1, r2 = releases["release-1"], releases["release-2"]
old = [v for v in r2["vmp"] if v.get("VPIDPREV") and v["VPIDPREV"] not in {x["VPID"] for x in r2["vmp"]}]
recoded = [v for v in old if v["VPIDPREV"] == "320139002"]
check(len(recoded) == 1, "release-2: one VMP with VPIDPREV 320139002")
new = recoded[0]["VPID"]
check(bool(recoded[0].get("VPIDDT")), "release-2: VPIDDT set")
check(snomed_ok(new), "release-2: new VPID well formed")
check(new not in {v["VPID"] for v in r1["vmp"]}, "release-2: new VPID not in release-1")
with open(os.path.join(HERE, "release-2", "f_vmp2_3010419.xml")) as f:
    check("<VPID>320139002</VPID>" not in f.read(), "release-2: old VPID left as a VPID")
for name in ("f_vmpp2_3010419.xml", "f_amp2_3010419.xml"):
    with open(os.path.join(HERE, "release-2", name)) as f:
        check("320139002" not in f.read(), "release-2/%s still refers to 320139002" % name)


def normalised(x, swap):
    s = lambda v: new if (swap and v == "320139002") else v
    out = {}
    for k in ("vpi", "ont", "dform", "droute", "control", "vmpp", "amp"):
        out[k] = sorted(tuple(sorted((a, s(b) if a == "VPID" else b) for a, b in r.items()))
                        for r in x[k])
    def vmp(r):
        d = dict(r)
        d["VPID"] = s(d["VPID"])
        if not swap and d.get("VPIDPREV") == "320139002":
            del d["VPIDPREV"]
            d.pop("VPIDDT", None)
        return tuple(sorted(d.items()))
    out["vmp"] = sorted(vmp(r) for r in x["vmp"])
    for k in ("ampp", "vtm", "ing", "pack_info", "lic_route"):
        out[k] = sorted(tuple(sorted(r.items())) for r in x[k])
    return out


check(normalised(r1, True) == normalised(r2, False),
      "release-2 differs from release-1 by more than the re-coded VPID")
print("release-2: VMP 320139002 re-coded to %s; every reference updated: checked" % new)

# ---- 6. expected.csv covers every added code; invented codes well formed ----------------
ref = load(REF1) if os.path.isdir(REF1) else None
with open(os.path.join(HERE, "expected.csv"), newline="") as f:
    expected = list(csv.DictReader(f))
check(list(expected[0].keys()) == ["code", "level", "name", "expected_class", "expected_role",
                                   "doses_or_units_per_pack", "pack_unit", "real_code", "note"],
      "expected.csv header")
exp_codes = [r["code"] for r in expected]
check(len(exp_codes) == len(set(exp_codes)), "expected.csv: duplicate codes")
formulary = __import__("json").load(open(os.path.join(REPO, "rules", "formulary", "formulary.json")))
roles = {c["id"]: c["role"] for c in formulary["classes"]}
roles.update({"other": "other", "unclassified": "unclassified"})
for r in expected:
    check(roles.get(r["expected_class"]) == r["expected_role"], "role of %s" % r["code"])
    check(snomed_ok(r["code"]), "expected.csv code %s malformed" % r["code"])
    check(r["real_code"] in ("yes", "no"), "real_code of %s" % r["code"])
    if r["real_code"] == "yes":
        check(r["code"] in codelist, "real code %s not in rules/codelists" % r["code"])
    else:
        check(r["code"] not in codelist, "invented code %s collides with a codelist code" % r["code"])
if ref:
    def codes(x):
        return ({("vmp", v["VPID"]) for v in x["vmp"]} | {("vmpp", v["VPPID"]) for v in x["vmpp"]} |
                {("amp", v["APID"]) for v in x["amp"]} | {("ampp", v["APPID"]) for v in x["ampp"]})
    ref_codes = {c for _, c in codes(ref)}
    added = (codes(r1) | codes(r2)) - codes(ref)
    check(added == {(r["level"], r["code"]) for r in expected},
          "expected.csv does not match the added codes: %s" %
          sorted(added ^ {(r["level"], r["code"]) for r in expected})[:6])
    check(not (set(exp_codes) & ref_codes), "an added code collides with a reference code")
    added_other = ({v["VTMID"] for v in r1["vtm"]} - {v["VTMID"] for v in ref["vtm"]}) | \
                  ({i["ISID"] for i in r1["ing"]} - {i["ISID"] for i in ref["ing"]})
    for c in added_other:
        check(snomed_ok(c) and c not in codelist, "added VTM/ingredient code %s" % c)
    print("expected.csv: %d rows = every added VMP/VMPP/AMP/AMPP code (+ re-coded VPID); "
          "%d invented, %d real; added VTM/ISID codes: %s" % (
              len(expected), sum(r["real_code"] == "no" for r in expected),
              sum(r["real_code"] == "yes" for r in expected), ", ".join(sorted(added_other))))
by_code = {r["code"]: r for r in expected}
for v in r1["vmpp"]:
    if v["VPPID"] in by_code:
        check(by_code[v["VPPID"]]["doses_or_units_per_pack"] == v["QTYVAL"],
              "pack size of %s" % v["VPPID"])

# ---- 7. mapping spreadsheet --------------------------------------------------------------
with zipfile.ZipFile(os.path.join(HERE, "bnf-snomed-mapping.xlsx")) as z:
    check(z.testzip() is None, "xlsx zip intact")
    sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    ET.fromstring(sheet)
    for part in z.namelist():
        if part.endswith(".xml") or part.endswith(".rels"):
            ET.fromstring(z.read(part))
mrows = []
for n, body in re.findall(r'<row r="(\d+)">(.*?)</row>', sheet):
    cells = dict(re.findall(r'<c r="([A-G])\d+" t="inlineStr"><is><t>(.*?)</t></is></c>', body))
    mrows.append(cells)
dim = re.search(r'<dimension ref="A1:G(\d+)"/>', sheet).group(1)
check(int(dim) == len(mrows), "xlsx dimension")
all_codes = {v["VPID"] for v in r1["vmp"]} | {v["VPPID"] for v in r1["vmpp"]} | \
    {v["APID"] for v in r1["amp"]} | {v["APPID"] for v in r1["ampp"]}
levels = {"VMP": set(), "VMPP": set(), "AMP": set(), "AMPP": set()}
for cells in mrows[1:]:
    code = cells["E"].lstrip("'")
    check(cells["E"].startswith("'"), "xlsx code apostrophe")
    if code in by_code:
        levels[cells["B"]].add(code)
        check(code in all_codes, "xlsx code %s not in release-1" % code)
        bnf = cells.get("C", "").lstrip("'")
        if bnf and cells["B"] in ("VMP", "AMP"):
            check(codelist.get(code) == bnf, "xlsx BNF of %s is not its codelist BNF" % code)
check(all(levels.values()), "xlsx gives added VMP, VMPP, AMP and AMPP rows")
print("bnf-snomed-mapping.xlsx: %d rows (%d added: %s)" % (
    len(mrows) - 1, sum(len(v) for v in levels.values()),
    ", ".join("%d %s" % (len(v), k) for k, v in levels.items())))

if failures:
    print("%d check(s) failed" % len(failures))
    sys.exit(1)
print("all checks passed")
