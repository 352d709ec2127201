#!/usr/bin/env python3
"""Builds this fixture: release-1/, release-2/, bnf-snomed-mapping.xlsx and expected.csv.

Input: the cut-down NHSBSA dm+d release in OpenPrescribing's test data (not in this repository;
pass its folder as DMD_REFERENCE, default /work/shared/reference/dmd) and the codelists in
rules/codelists/ of this repository. Output: written next to this script. Re-running it gives
byte-identical files. See README.md; validate.py checks the result.
"""
import csv
import io
import os
import re
import shutil
import sys
import zipfile
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", "..", ".."))
REF = os.environ.get("DMD_REFERENCE", "/work/shared/reference/dmd")
REF1 = os.path.join(REF, "openprescribing-dmd-test-data", "1")
REF_MAPPING = os.path.join(REF, "bnf-snomed-mapping", "mapping.xlsx")
CODELISTS = os.path.join(REPO, "rules", "codelists")

MARK = "Added for asthma-surveillance tests"
RELEASE_DATE = "2019-04-01"  # the reference release is NHSBSA_4.0.1_20190401000001

# --------------------------------------------------------------------------------------------
# Verhoeff check digit (SNOMED CT). Tables derived from the dihedral group D5 and the
# permutation p1 rather than typed in.


def _d5(j, k):
    if j < 5 and k < 5:
        return (j + k) % 5
    if j < 5:
        return 5 + (j + k) % 5
    if k < 5:
        return 5 + (j - k) % 5
    return (j - k) % 5


_P1 = [1, 5, 7, 6, 2, 8, 3, 0, 9, 4]
_P = [list(range(10))]
for _ in range(7):
    _P.append([_P1[x] for x in _P[-1]])
_INV = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9]


def verhoeff_digit(digits):
    c = 0
    for i, ch in enumerate(reversed(digits)):
        c = _d5(c, _P[(i + 1) % 8][int(ch)])
    return str(_INV[c])


def invented(n):
    """An invented dm+d-style code: item id 999nnnnn, namespace 1000001, partition 10, check.

    Real dm+d item ids in namespace 1000001 are below 50,000,000 (2025), so 999nnnnn cannot
    collide with a real code for decades.
    """
    body = "999%05d" % n + "1000001" + "10"
    return body + verhoeff_digit(body)


# --------------------------------------------------------------------------------------------
# Lookups from the reference release (complete real lookup, VTM and ingredient files).

LOOKUP = ET.parse(os.path.join(REF1, "f_lookup2_3010419.xml")).getroot()
TABLES = {t.tag: {i.findtext("CD"): i.findtext("DESC") for i in t} for t in LOOKUP}
INGREDIENTS = {
    i.findtext("ISID"): i.findtext("NM")
    for i in ET.parse(os.path.join(REF1, "f_ingredient2_3010419.xml")).getroot()
}
VTMS = {
    v.findtext("VTMID"): v.findtext("NM")
    for v in ET.parse(os.path.join(REF1, "f_vtm2_3010419.xml")).getroot()
}
SUPPLIERS = {desc: cd for cd, desc in TABLES["SUPPLIER"].items()}


def uom(desc):
    codes = [cd for cd, d in TABLES["UNIT_OF_MEASURE"].items() if d == desc]
    assert len(codes) == 1, desc
    return codes[0]


def form(desc):
    codes = [cd for cd, d in TABLES["FORM"].items() if d == desc]
    assert len(codes) == 1, desc
    return codes[0]


def route(desc):
    codes = [cd for cd, d in TABLES["ROUTE"].items() if d == desc]
    assert len(codes) == 1, desc
    return codes[0]


def ont(desc):
    codes = [cd for cd, d in TABLES["ONT_FORM_ROUTE"].items() if d == desc]
    assert len(codes) == 1, desc
    return codes[0]


def ing(name):
    codes = [cd for cd, d in INGREDIENTS.items() if d == name]
    assert len(codes) == 1, name
    return codes[0]


def vtm(name):
    codes = [cd for cd, d in VTMS.items() if d == name]
    assert len(codes) == 1, name
    return codes[0]


MCG, MG, ML, GRAM = uom("microgram"), uom("mg"), uom("ml"), uom("gram")
DOSE, UNIT_DOSE, TABLET = uom("dose"), uom("unit dose"), uom("tablet")
SACHET, CAPSULE, SUPPOSITORY, DEVICE = uom("sachet"), uom("capsule"), uom("suppository"), uom("device")

# --------------------------------------------------------------------------------------------
# Codelists: the real codes, names and BNF codes (dm+d of April-June 2020).

CODELIST = {}  # code -> dict(type, bnf, nm, file, vpid)
for path in sorted(os.listdir(CODELISTS)):
    if not path.endswith(".csv"):
        continue
    with open(os.path.join(CODELISTS, path), newline="") as f:
        for r in csv.DictReader(f):
            if "snomed_id" in r:
                code, typ, nm, vpid = r["snomed_id"], r["obj_type"], r["dmd_name"], r["vpid"]
            else:
                code, typ, nm, vpid = r["id"], r["type"], r["nm"], None
            CODELIST.setdefault(code, {"type": typ, "bnf": r["bnf_code"], "nm": nm,
                                       "file": path, "vpid": vpid})

# --------------------------------------------------------------------------------------------
# The products. Codes of VMPs and AMPs come from the codelists where the product is there
# (real=True); every VMPP and AMPP code, and the codes of products not in the codelists, are
# invented. Strengths, flags, pack sizes and forms are written for the fixture from the names.

_next = {"vmpp": 101, "ampp": 201}


def next_code(kind):
    n = _next[kind]
    _next[kind] += 1
    return invented(n)


INVENTED_VTMS = [  # (VTMID, NM): not in the 2019 VTM file
    (invented(1), "Indacaterol + Mometasone"),
    (invented(2), "Indacaterol + Glycopyrronium bromide + Mometasone"),
]
INVENTED_INGREDIENTS = [  # (ISID, NM): not in the 2019 ingredient file
    (invented(3), "Indacaterol acetate"),
]
assert "Indacaterol acetate" not in INGREDIENTS.values()
RECODED_OLD = "320139002"
RECODED_NEW = invented(10)

FAMILIES = []


def strength(ingredient, value, unit, per=None, per_unit=None, base=None):
    isid = ing(ingredient) if ingredient in INGREDIENTS.values() else \
        dict((n, c) for c, n in INVENTED_INGREDIENTS)[ingredient]
    return {"isid": isid, "val": value, "uom": unit, "dval": per, "duom": per_unit,
            "bs": ing(base) if base else None}


def per_dose(ingredient, mcg, base=None):
    return strength(ingredient, mcg, MCG, "1", DOSE, base)


KINDS = {  # DF_INDCD, UDFS, UDFS_UOMCD, UNIT_DOSE_UOMCD
    "inhaler": ("1", "1", DOSE, DOSE),
    "tablet": ("1", "1", TABLET, TABLET),
    "sachet": ("1", "1", SACHET, SACHET),
    "capsule": ("1", "1", CAPSULE, CAPSULE),
    "suppository": ("1", "1", SUPPOSITORY, SUPPOSITORY),
    "device": ("1", "1", DEVICE, DEVICE),
    "continuous": ("2", None, None, None),
}


def family(vpid, nm, cls, role, kind, onts, dform, droute, vpis, vtm_name=None, vtm_id=None,
           abbrev=None, bnf=None, cfc=False, sugar_free=False, basis="0001", udfs_ml=None,
           note="", mapping=None):
    real = vpid is not None
    if real:
        row = CODELIST[vpid]
        assert row["type"] == "vmp" and row["nm"] == nm, (vpid, nm, row)
        bnf = row["bnf"]
    else:
        vpid = invented(11 + len([f for f in FAMILIES if not f["real"]]))
    if kind == "nebule":
        df = ("1", udfs_ml, ML, UNIT_DOSE)
    else:
        df = KINDS[kind]
    fam = {
        "vpid": vpid, "nm": nm, "real": real, "bnf": bnf, "cls": cls, "role": role,
        "vtm": vtm_id or (vtm(vtm_name) if vtm_name else None), "abbrev": abbrev,
        "df": df, "onts": [ont(o) for o in onts], "dform": form(dform) if dform else None,
        "droute": route(droute), "vpis": vpis, "cfc": cfc, "sugar_free": sugar_free,
        "basis": basis, "note": note, "vmpps": [], "amps": [], "mdr": mapping,
        "source": CODELIST[vpid]["file"] if real else None,
    }
    FAMILIES.append(fam)
    return fam


def pack(fam, qty, unit_desc):
    code = next_code("vmpp")
    fam["vmpps"].append({"vppid": code, "qty": qty, "uom": uom(unit_desc), "unit": unit_desc,
                         "nm": "%s %s %s" % (fam["nm"], qty, unit_desc)})
    return code


def amp(fam, apid, desc, packs, legal="0003", lic="0001", avail="0001", invented_n=None,
        bnf=None, mapping=None, note=""):
    """desc is the dm+d AMP description 'NM (Supplier)'; packs lists VPPIDs of fam."""
    real = apid is not None
    if real:
        row = CODELIST[apid]
        assert row["type"] == "amp" and row["nm"] == desc, (apid, desc, row)
        if row["vpid"]:
            assert row["vpid"] == fam["vpid"], (apid, row["vpid"], fam["vpid"])
        bnf = row["bnf"]
        b = bnf
        if b[9] == "B" and not b.startswith("0301011AB"):
            # A brand's BNF code ends in the generic's strength/formulation code.
            assert fam["bnf"] == b[:9] + "AA" + b[13:] + b[13:], (apid, b, fam["bnf"])
    else:
        apid = invented(invented_n)
    supplier = [s for s in SUPPLIERS if desc.endswith(" (%s)" % s)]
    assert len(supplier) == 1, (desc, supplier)
    supplier = supplier[0]
    nm = desc[: -len(" (%s)" % supplier)]
    a = {"apid": apid, "nm": nm, "desc": desc, "supp": SUPPLIERS[supplier], "lic": lic,
         "avail": avail, "legal": legal, "real": real, "bnf": bnf, "mdr": mapping, "note": note,
         "source": CODELIST[apid]["file"] if real else None, "ampps": []}
    for vppid in packs:
        vmpp = [p for p in fam["vmpps"] if p["vppid"] == vppid][0]
        a["ampps"].append({"appid": next_code("ampp"), "vppid": vppid, "qty": vmpp["qty"],
                           "unit": vmpp["unit"],
                           "nm": "%s %s %s" % (desc, vmpp["qty"], vmpp["unit"])})
    fam["amps"].append(a)
    return a


PRESSURISED = ["pressurizedinhalation.inhalation"]
POWDER = ["powderinhalation.inhalation"]
INH, ORAL = "Inhalation", "Oral"

# ---- SABA inhalers -------------------------------------------------------------------------
f = family("320139002", "Salbutamol 100micrograms/dose inhaler CFC free", "saba_inhaler",
           "reliever", "inhaler", PRESSURISED, "Pressurised inhalation", INH,
           [per_dose("Salbutamol sulfate", "100", base="Salbutamol")], vtm_name="Salbutamol",
           cfc=True, mapping="Salbutamol_Inha 100mcg (200 D) CFF",
           note="re-coded in release-2 (VPIDPREV of the new VPID)")
p = pack(f, 200, "dose")
amp(f, "222311000001102", "Ventolin 100micrograms/dose Evohaler (GlaxoSmithKline UK Ltd)", [p],
    mapping="Ventolin_Evohaler 100mcg (200 D)")
amp(f, "106511000001103", "Salamol 100micrograms/dose inhaler CFC free (Teva UK Ltd)", [p],
    mapping="Salamol_Inha 100mcg (200 D) CFF")
amp(f, "22503111000001109", "AirSalb 100micrograms/dose inhaler CFC free (Sandoz Ltd)", [p],
    mapping="AirSalb_Inha 100mcg (200 D) CFF")
amp(f, "757611000001104", "Salbutamol 100micrograms/dose inhaler CFC free (Teva UK Ltd)", [p],
    mapping="Salbutamol_Inha 100mcg (200 D) CFF")

f = family("320151000", "Salbutamol 100micrograms/dose breath actuated inhaler CFC free",
           "saba_inhaler", "reliever", "inhaler", PRESSURISED, "Pressurised inhalation", INH,
           [per_dose("Salbutamol sulfate", "100", base="Salbutamol")], vtm_name="Salbutamol",
           abbrev="Salbutamol 100micrograms/dose breath actuated inh CFC free", cfc=True,
           mapping="Salbutamol_Inha B/A 100mcg (200 D) CFF")
p = pack(f, 200, "dose")
amp(f, "3215311000001107", "Salamol 100micrograms/dose Easi-Breathe inhaler (Teva UK Ltd)", [p],
    mapping="Salamol_Easi-Breathe Inha 100mcg(200D)")
amp(f, "3214311000001108", "Airomir 100micrograms/dose Autohaler (Teva UK Ltd)", [p],
    mapping="Airomir_Autohaler 100mcg (200 D)")

# ---- Nebules -------------------------------------------------------------------------------
f = family("320177008", "Salbutamol 2.5mg/2.5ml nebuliser liquid unit dose vials", "saba_nebule",
           "saba_nebule", "nebule", ["solutionnebuliser.inhalation"], "Nebuliser liquid", INH,
           [strength("Salbutamol sulfate", "1", MG, "1", ML, base="Salbutamol")],
           vtm_name="Salbutamol", udfs_ml="2.5", mapping="Salbutamol_Neb Soln 2.5mg/2.5ml Ud")
p = pack(f, 20, "unit dose")
amp(f, "3387011000001107", "Ventolin 2.5mg Nebules (GlaxoSmithKline UK Ltd)", [p],
    mapping="Ventolin_Nebules 2.5mg/2.5ml")
amp(f, "3387511000001104",
    "Salamol 2.5mg/2.5ml nebuliser liquid Steri-Neb unit dose vials (Teva UK Ltd)", [p],
    mapping="Salamol_Steri-Neb 2.5mg/2.5ml Ud")
amp(f, None, "Maxivent 2.5mg/2.5ml nebuliser liquid unit dose vials (Aspire Pharma Ltd)", [p],
    invented_n=31, note="invented brand: no BNF code, no codelist entry; its VMP (or the brand term maxivent) classifies it")

f = family("320445000", "Salbutamol 2.5mg/2.5ml / Ipratropium bromide 500micrograms/2.5ml "
           "nebuliser liquid unit dose vials", "saba_nebule", "saba_nebule", "nebule",
           ["solutionnebuliser.inhalation"], "Nebuliser liquid", INH,
           [strength("Salbutamol sulfate", "1", MG, "1", ML, base="Salbutamol"),
            strength("Ipratropium bromide", "200", MCG, "1", ML)],
           vtm_name="Salbutamol + Ipratropium", udfs_ml="2.5",
           abbrev="Salbutamol 2.5mg / Ipratropium 500mcg/2.5ml neb liq UDV",
           mapping="Salbutamol/Ipratrop_Neb 2.5mg/500mcg Ud")
p = pack(f, 60, "unit dose")
amp(f, "3406011000001104", "Combivent nebuliser liquid 2.5ml UDVs (Boehringer Ingelheim Ltd)",
    [p], mapping="Combivent_Neb Soln 2.5ml Ud")

f = family("320346000", "Ipratropium bromide 250micrograms/1ml nebuliser liquid unit dose vials",
           "bronchodilator_nebule", "other_nebule", "nebule", ["solutionnebuliser.inhalation"],
           "Nebuliser liquid", INH, [strength("Ipratropium bromide", "250", MCG, "1", ML)],
           vtm_name="Ipratropium", udfs_ml="1",
           abbrev="Ipratropium bromide 250micrograms/1ml neb liq UDV",
           mapping="Ipratrop Brom_Neb Soln 250mcg/ml 1ml Ud")
p = pack(f, 20, "unit dose")
amp(f, "3226411000001101",
    "Atrovent 250micrograms/1ml nebuliser liquid UDVs (Boehringer Ingelheim Ltd)", [p],
    mapping="Atrovent_Neb Soln 250mcg/ml 1ml Ud")

f = family("3654511000001105", "Budesonide 500micrograms/2ml nebuliser liquid unit dose vials",
           "ics_nebule", "other_nebule", "nebule", ["suspensionnebuliser.inhalation"],
           "Nebuliser liquid", INH, [strength("Budesonide", "250", MCG, "1", ML)],
           vtm_name="Budesonide", udfs_ml="2",
           abbrev="Budesonide 500micrograms/2ml neb liq unit dose vials",
           mapping="Budesonide_Neb Susp 250mcg/ml 2ml Ud")
p = pack(f, 20, "unit dose")
amp(f, "3635411000001106", "Pulmicort 0.5mg Respules (AstraZeneca UK Ltd)", [p],
    mapping="Pulmicort_Respules 500mcg/2ml")

# ---- ICS inhalers --------------------------------------------------------------------------
f = family("35908111000001105", "Beclometasone 100micrograms/dose inhaler CFC free",
           "ics_inhaler", "preventer", "inhaler", PRESSURISED, "Pressurised inhalation", INH,
           [per_dose("Beclometasone dipropionate", "100")], vtm_name="Beclometasone", cfc=True,
           mapping="Beclomet Diprop_Inha 100mcg (200 D) CFF")
p = pack(f, 200, "dose")
amp(f, "10618211000001109", "Clenil Modulite 100micrograms/dose inhaler (Chiesi Ltd)", [p],
    mapping="Clenil Modulite_Inha 100mcg (200 D)")

f = family("35912411000001100", "Budesonide 200micrograms/dose dry powder inhaler", "ics_inhaler",
           "preventer", "inhaler", POWDER, "Inhalation powder", INH,
           [per_dose("Budesonide", "200")], vtm_name="Budesonide",
           mapping="Budesonide_Inh Pdr 200mcg",
           note="two VMPPs (100 dose and 200 dose) under one VMP")
p100 = pack(f, 100, "dose")
p200 = pack(f, 200, "dose")
amp(f, "10074611000001102",
    "Easyhaler Budesonide 200micrograms/dose dry powder inhaler (Orion Pharma (UK) Ltd)", [p200],
    mapping="Easyhaler_Budesonide 200mcg (200 D)")
amp(f, "3112411000001105", "Pulmicort 200 Turbohaler (AstraZeneca UK Ltd)", [p100],
    mapping="Pulmicort_Turbohaler 200mcg (100 D)")

f = family("320618008", "Fluticasone 50micrograms/dose inhaler CFC free", "ics_inhaler",
           "preventer", "inhaler", PRESSURISED, "Pressurised inhalation", INH,
           [per_dose("Fluticasone propionate", "50")], vtm_name="Fluticasone", cfc=True,
           mapping="Fluticasone Prop_Inha 50mcg (120 D) CFF",
           note="dm+d names it 'Fluticasone', not 'Fluticasone propionate'")
p = pack(f, 120, "dose")
amp(f, "726611000001102", "Flixotide 50micrograms/dose Evohaler (GlaxoSmithKline UK Ltd)", [p],
    mapping="Flixotide_Evohaler 50mcg (120 D)")

# ---- ICS/formoterol ------------------------------------------------------------------------
f = family("134498003",
           "Budesonide 200micrograms/dose / Formoterol 6micrograms/dose dry powder inhaler",
           "ics_formoterol", "ics_formoterol", "inhaler", POWDER, "Inhalation powder", INH,
           [per_dose("Budesonide", "200"), per_dose("Formoterol fumarate dihydrate", "6")],
           vtm_name="Budesonide + Formoterol",
           abbrev="Budesonide 200mcg/dose / Formoterol 6mcg/dose dry pdr inh",
           mapping="Budesonide/Formoterol_Inh 200/6mcg 120D")
p = pack(f, 120, "dose")
amp(f, "3294611000001104", "Symbicort 200/6 Turbohaler (AstraZeneca UK Ltd)", [p],
    mapping="Symbicort_Turbohaler 200/6mcg (120 D)")
amp(f, None, "WockAIR 160micrograms/dose / 4.5micrograms/dose dry powder inhaler "
    "(Wockhardt UK Ltd)", [p], invented_n=32,
    note="post-2020 brand, invented code: no BNF code, no codelist entry")

f = family("12911011000001100",
           "Beclometasone 100micrograms/dose / Formoterol 6micrograms/dose inhaler CFC free",
           "ics_formoterol", "ics_formoterol", "inhaler", PRESSURISED, "Pressurised inhalation",
           INH, [per_dose("Beclometasone dipropionate", "100"),
                 per_dose("Formoterol fumarate dihydrate", "6")],
           vtm_name="Beclometasone + Formoterol", cfc=True,
           abbrev="Beclometasone 100mcg / Formoterol 6mcg/dose inh CFC free",
           mapping="Beclomet/Formoterol_Inh 100/6mcg CFF")
p = pack(f, 120, "dose")
amp(f, "12906411000001100", "Fostair 100micrograms/dose / 6micrograms/dose inhaler (Chiesi Ltd)",
    [p], mapping="Fostair_Inh 100mcg/6mcg (120D) CFF")

# ---- ICS/LABA ------------------------------------------------------------------------------
for vpid, apid, ics, brand_nm, mdr_g, mdr_b in [
    ("23661411000001103", "23622011000001107", "92",
     "Relvar Ellipta 92micrograms/dose / 22micrograms/dose dry powder inhaler "
     "(GlaxoSmithKline UK Ltd)", "Flutic Fur/Vilanterol_Inh 92/22mcg", "Relvar Ellipta_Inh 92/22mcg"),
    ("23661311000001105", "23621711000001102", "184",
     "Relvar Ellipta 184micrograms/dose / 22micrograms/dose dry powder inhaler "
     "(GlaxoSmithKline UK Ltd)", "Flutic Fur/Vilanterol_Inh 184/22mcg",
     "Relvar Ellipta_Inh 184/22mcg"),
]:
    f = family(vpid, "Fluticasone furoate %smicrograms/dose / Vilanterol 22micrograms/dose dry "
               "powder inhaler" % ics, "ics_laba", "preventer", "inhaler", POWDER,
               "Inhalation powder", INH,
               [per_dose("Fluticasone furoate", ics),
                per_dose("Vilanterol trifenatate", "22", base="Vilanterol")],
               vtm_name="Fluticasone + Vilanterol",
               abbrev="Fluticasone furoate %smcg / Vilanterol 22mcg dry pdr inh" % ics,
               mapping=mdr_g)
    p = pack(f, 30, "dose")
    amp(f, apid, brand_nm, [p], mapping=mdr_b)

f = family("320275008", "Fluticasone 125micrograms/dose / Salmeterol 25micrograms/dose inhaler "
           "CFC free", "ics_laba", "preventer", "inhaler", PRESSURISED, "Pressurised inhalation",
           INH, [per_dose("Fluticasone propionate", "125"),
                 per_dose("Salmeterol xinafoate", "25", base="Salmeterol")],
           vtm_name="Fluticasone + Salmeterol", cfc=True,
           abbrev="Fluticasone 125mcg/dose / Salmeterol 25mcg/dose inh CFC free",
           mapping="Flutic/Salmet_Inh 125/25mcg (120D) CFF")
p = pack(f, 120, "dose")
amp(f, "810211000001105", "Seretide 125 Evohaler (GlaxoSmithKline UK Ltd)", [p],
    mapping="Seretide 125_Evohaler 125/25mcg (120D)")

ATECTURA_N = 33
for mom, abbrev_mom in [("62.5", "62.5"), ("127.5", "127.5"), ("260", "260")]:
    f = family(None, "Indacaterol 125micrograms/dose / Mometasone %smicrograms/dose inhalation "
               "powder capsules with device" % mom, "ics_laba", "preventer", "capsule", POWDER,
               "Inhalation powder", INH,
               [per_dose("Indacaterol acetate", "125", base="Indacaterol"),
                per_dose("Mometasone furoate", mom)], vtm_id=INVENTED_VTMS[0][0],
               abbrev="Indacaterol 125mcg / Mometasone %smcg inh pdr caps + dev" % abbrev_mom,
               note="post-2020 product (Atectura), invented codes; AMP name has no substance")
    p = pack(f, 30, "capsule")
    amp(f, None, "Atectura Breezhaler 125microgram/%smicrogram inhalation powder capsules with "
        "device (Novartis Pharmaceuticals UK Ltd)" % mom, [p], invented_n=ATECTURA_N,
        note="post-2020 brand, invented code; the name names neither substance (VMP or brand term classifies it)")
    ATECTURA_N += 1

# ---- Triples -------------------------------------------------------------------------------
f = family(None, "Indacaterol 114micrograms/dose / Glycopyrronium 46micrograms/dose / Mometasone "
           "136micrograms/dose inhalation powder capsules with device", "ics_laba_lama_inhaler",
           "preventer", "capsule", POWDER, "Inhalation powder", INH,
           [per_dose("Indacaterol acetate", "114", base="Indacaterol"),
            per_dose("Glycopyrronium bromide", "46", base="Glycopyrronium"),
            per_dose("Mometasone furoate", "136")], vtm_id=INVENTED_VTMS[1][0],
           abbrev="Indacaterol/Glycopyrronium/Mometasone 114/46/136mcg caps+dev",
           note="post-2020 product (Enerzair), invented codes")
p = pack(f, 30, "capsule")
amp(f, None, "Enerzair Breezhaler 114microgram/46microgram/136microgram inhalation powder "
    "capsules with device (Novartis Pharmaceuticals UK Ltd)", [p], invented_n=36,
    note="post-2020 brand, invented code; the name names no substance (VMP or brand term classifies it)")

f = family("34683311000001106",
           "Generic Trimbow 87micrograms/dose / 5micrograms/dose / 9micrograms/dose inhaler",
           "ics_laba_lama_inhaler", "preventer", "inhaler", PRESSURISED, "Pressurised inhalation",
           INH, [per_dose("Beclometasone dipropionate", "87"),
                 per_dose("Formoterol fumarate dihydrate", "5"),
                 per_dose("Glycopyrronium bromide", "9", base="Glycopyrronium")],
           vtm_name="Beclometasone + Formoterol + Glycopyrronium bromide", basis="0007",
           abbrev="Generic Trimbow 87mcg/dose / 5mcg/dose / 9mcg/dose inh",
           mapping="Trimbow_Inh 87/5/9mcg (120D)")
p = pack(f, 120, "dose")
amp(f, "34681611000001100",
    "Trimbow 87micrograms/dose / 5micrograms/dose / 9micrograms/dose inhaler (Chiesi Ltd)", [p],
    mapping="Trimbow_Inh 87/5/9mcg (120D)")

# ---- LABA alone ----------------------------------------------------------------------------
f = family("10075611000001101", "Salmeterol 25micrograms/dose inhaler CFC free", "laba_alone",
           "laba_alone", "inhaler", PRESSURISED, "Pressurised inhalation", INH,
           [per_dose("Salmeterol xinafoate", "25", base="Salmeterol")], vtm_name="Salmeterol",
           cfc=True, mapping="Salmeterol_Inha 25mcg (120 D) CFF")
p = pack(f, 120, "dose")
amp(f, "10073011000001107", "Serevent 25micrograms/dose Evohaler (GlaxoSmithKline UK Ltd)", [p],
    mapping="Serevent_Evohaler 25mcg (120 D)")

# ---- Montelukast ---------------------------------------------------------------------------
MONTELUKAST = dict(base="Montelukast")
f = family("410944008", "Montelukast 4mg granules sachets sugar free", "ltra", "preventer",
           "sachet", ["granules.oral"], "Granules", ORAL,
           [strength("Montelukast sodium", "4", MG, **MONTELUKAST)], vtm_name="Montelukast",
           sugar_free=True, mapping="Montelukast_Gran Sach 4mg S/F")
p = pack(f, 28, "sachet")
amp(f, "6741711000001104", "Singulair Paediatric 4mg granules sachets (Merck Sharp & Dohme Ltd)",
    [p], mapping="Singulair Paed_Gran Sach 4mg")
amp(f, "22112811000001103", "Montelukast 4mg granules sachets sugar free (Teva UK Ltd)", [p],
    mapping="Montelukast_Gran Sach 4mg S/F")

f = family("320885001", "Montelukast 5mg chewable tablets sugar free", "ltra", "preventer",
           "tablet", ["tabletchewable.oral"], "Chewable tablet", ORAL,
           [strength("Montelukast sodium", "5", MG, **MONTELUKAST)], vtm_name="Montelukast",
           sugar_free=True, mapping="Montelukast_Tab Chble 5mg S/F")
p = pack(f, 28, "tablet")
amp(f, "892311000001104", "Singulair Paediatric 5mg chewable tablets (Merck Sharp & Dohme Ltd)",
    [p], mapping="Singulair Paed_Tab Chble 5mg")
amp(f, "22112611000001102", "Montelukast 5mg chewable tablets sugar free (Teva UK Ltd)", [p],
    mapping="Montelukast_Tab Chble 5mg S/F")

f = family("320884002", "Montelukast 10mg tablets", "ltra", "preventer", "tablet",
           ["tablet.oral"], "Tablet", ORAL,
           [strength("Montelukast sodium", "10", MG, **MONTELUKAST)], vtm_name="Montelukast",
           mapping="Montelukast_Tab 10mg")
p = pack(f, 28, "tablet")
amp(f, "719811000001104", "Singulair 10mg tablets (Merck Sharp & Dohme Ltd)", [p],
    mapping="Singulair_Tab 10mg")
amp(f, "22111911000001102", "Montelukast 10mg tablets (Teva UK Ltd)", [p],
    mapping="Montelukast_Tab 10mg")

# ---- Oral prednisolone ---------------------------------------------------------------------
f = family("325427002", "Prednisolone 5mg tablets", "oral_prednisolone", "oral_steroid", "tablet",
           ["tablet.oral"], "Tablet", ORAL, [strength("Prednisolone", "5", MG)],
           vtm_name="Prednisolone", mapping="Prednisolone_Tab 5mg")
p = pack(f, 28, "tablet")
amp(f, "110811000001100", "Prednisolone 5mg tablets (Teva UK Ltd)", [p],
    mapping="Prednisolone_Tab 5mg")

f = family("325444003", "Prednisolone 5mg soluble tablets", "oral_prednisolone", "oral_steroid",
           "tablet", ["tablet.oral", "suspension.oral"], "Soluble tablet", ORAL,
           [strength("Prednisolone sodium phosphate", "5", MG, base="Prednisolone")],
           vtm_name="Prednisolone", mapping="Prednisolone_Tab Solb 5mg",
           note="two ONT form-routes (tablet.oral, suspension.oral) as in the OpenSAFELY list")
p = pack(f, 30, "tablet")
amp(f, "392511000001108", "Prednisolone 5mg soluble tablets (Advanz Pharma)", [p],
    mapping="Prednisolone_Tab Solb 5mg")

f = family("29904211000001102", "Prednisolone 10mg/ml oral solution sugar free",
           "oral_prednisolone", "oral_steroid", "continuous", ["solution.oral"], "Oral solution",
           ORAL, [strength("Prednisolone sodium phosphate", "10", MG, "1", ML,
                           base="Prednisolone")],
           vtm_name="Prednisolone", sugar_free=True,
           mapping="Prednisolone_Oral Soln 10mg/ml S/F")
p = pack(f, 30, "ml")
amp(f, "29879111000001105", "Prednisolone 10mg/ml oral solution sugar free (Advanz Pharma)", [p],
    mapping="Prednisolone_Oral Soln 10mg/ml S/F")

f = family("13133111000001100", "Prednisolone 5mg/5ml oral solution", "oral_prednisolone",
           "oral_steroid", "continuous", ["solution.oral"], "Oral solution", ORAL,
           [strength("Prednisolone sodium phosphate", "1", MG, "1", ML, base="Prednisolone")],
           vtm_name="Prednisolone", mapping="Prednisolone_Oral Soln 5mg/5ml",
           note="the liquid-name case: no prednisolone 'syrup' exists in dm+d of 2020")
p = pack(f, 100, "ml")
amp(f, "13120411000001104", "Prednisolone 5mg/5ml oral solution (Special Order)", [p],
    lic="0000", avail="0006", mapping="Prednisolone_Oral Soln 5mg/5ml")

# ---- Spacer (appliance: no VTM, no ingredients, no ONT) ------------------------------------
f = family(None, "Spacer device", "spacer", "spacer", "device", [], "Not applicable",
           "Route of administration not applicable", [], basis="0007",
           note="appliance VMP, invented codes")
p = pack(f, 1, "device")
amp(f, None, "Volumatic spacer (GlaxoSmithKline UK Ltd)", [p], legal="0004", lic="0002",
    invented_n=37, note="appliance, invented code; found by name (spacer_names)")

# ---- Look-alikes that are not asthma medicines (invented codes, real-style names) ----------
f = family(None, "Fluticasone propionate 50micrograms/dose nasal spray", "other", "other",
           "inhaler", ["suspensionspray.nasal"], "Nasal spray suspension", "Nasal",
           [per_dose("Fluticasone propionate", "50")], vtm_name="Fluticasone",
           note="nasal corticosteroid: shares the ICS substance, not an asthma medicine")
p = pack(f, 150, "dose")
amp(f, None, "Flixonase 50micrograms/dose aqueous nasal spray (GlaxoSmithKline UK Ltd)", [p],
    invented_n=38, note="nasal spray: not an ICS inhaler")

f = family(None, "Beclometasone 50micrograms/dose nasal spray", "other", "other", "inhaler",
           ["suspensionspray.nasal"], "Nasal spray suspension", "Nasal",
           [per_dose("Beclometasone dipropionate", "50")], vtm_name="Beclometasone",
           note="nasal corticosteroid: not an asthma medicine")
p = pack(f, 200, "dose")
amp(f, None, "Beclometasone 50micrograms/dose nasal spray (A A H Pharmaceuticals Ltd)", [p],
    invented_n=39, note="nasal spray: not an ICS inhaler")

f = family(None, "Mometasone 0.1% cream", "other", "other", "continuous", ["cream.cutaneous"],
           "Cream", "Cutaneous", [strength("Mometasone furoate", "1", MG, "1", GRAM)],
           vtm_name="Mometasone", note="topical corticosteroid: not an asthma medicine")
p = pack(f, 30, "gram")
amp(f, None, "Elocon 0.1% cream (Merck Sharp & Dohme Ltd)", [p], invented_n=40,
    note="cream: not an ICS")

f = family(None, "Methylprednisolone 4mg tablets", "other", "other", "tablet", ["tablet.oral"],
           "Tablet", ORAL, [strength("Methylprednisolone", "4", MG)],
           vtm_name="Methylprednisolone",
           note="'methylprednisolone' contains 'prednisolone': not oral prednisolone")
p = pack(f, 30, "tablet")
amp(f, None, "Medrone 4mg tablets (Pfizer Ltd)", [p], invented_n=41,
    note="methylprednisolone: not oral prednisolone")

f = family(None, "Prednisolone 5mg suppositories", "other", "other", "suppository",
           ["suppository.rectal"], "Suppository", "Rectal",
           [strength("Prednisolone sodium phosphate", "5", MG, base="Prednisolone")],
           vtm_name="Prednisolone", note="rectal prednisolone: not an oral steroid")
p = pack(f, 10, "suppository")
amp(f, None, "Prednisolone 5mg suppositories (Special Order)", [p], lic="0000", avail="0006",
    invented_n=42, note="rectal: not an oral steroid")

f = family(None, "Prednisolone acetate 1% eye drops", "other", "other", "continuous",
           ["suspensiondrops.ophthalmic"], "Eye drops", "Ocular",
           [strength("Prednisolone acetate", "10", MG, "1", ML)], vtm_name="Prednisolone",
           note="ophthalmic prednisolone: not an oral steroid")
p = pack(f, 5, "ml")
amp(f, None, "Pred Forte 1% eye drops (Allergan Ltd)", [p], invented_n=43,
    note="eye drops: not an oral steroid")

# ---- Respiratory, but no asthma class (the safety net) -------------------------------------
f = family(None, "Sodium cromoglicate 5mg/dose inhaler CFC free", "unclassified",
           "unclassified", "inhaler", PRESSURISED, "Pressurised inhalation", INH,
           [strength("Sodium cromoglicate", "5", MG, "1", DOSE)],
           vtm_name="Sodium cromoglicate", cfc=True,
           note="respiratory (BNF 3.3.1 cromoglicate) but in no asthma class")
p = pack(f, 112, "dose")
amp(f, None, "Intal 5mg/dose inhaler CFC free (Sanofi)", [p], invented_n=44,
    note="cromoglicate inhaler: no asthma class")

f = family(None, "Theophylline 200mg modified-release tablets", "unclassified", "unclassified",
           "tablet", ["tabletmodified-release.oral"], "Modified-release tablet", ORAL,
           [strength("Theophylline", "200", MG)], vtm_name="Theophylline",
           note="respiratory (BNF 3.1.3 theophylline) but in no asthma class")
p = pack(f, 56, "tablet")
amp(f, None, "Uniphyllin Continus 200mg tablets (Napp Pharmaceuticals Ltd)", [p], legal="0002",
    invented_n=45, note="no asthma class; the AMP name names no substance: its VMP (theophylline) makes it respiratory")

# --------------------------------------------------------------------------------------------
# Checks on the product table itself.

ALL_CODES = []
for fam in FAMILIES:
    ALL_CODES.append(fam["vpid"])
    assert len(fam["nm"]) <= 60 or fam["abbrev"], "needs ABBREVNM: " + fam["nm"]
    assert fam["abbrev"] is None or len(fam["abbrev"]) <= 60, fam["abbrev"]
    assert fam["abbrev"] is None or len(fam["nm"]) > 60, "ABBREVNM only for long names"
    for p in fam["vmpps"]:
        ALL_CODES.append(p["vppid"])
    for a in fam["amps"]:
        ALL_CODES.append(a["apid"])
        ALL_CODES += [x["appid"] for x in a["ampps"]]
ALL_CODES += [RECODED_NEW] + [c for c, _ in INVENTED_VTMS + INVENTED_INGREDIENTS]
assert len(ALL_CODES) == len(set(ALL_CODES)), "duplicate code"

# --------------------------------------------------------------------------------------------
# XML writing.


def el(tag, value, indent=6):
    return "%s<%s>%s</%s>\n" % (" " * indent, tag, escape(str(value)), tag)


def real_or_invented(real, source=None):
    return ("real code (rules/codelists/%s)" % source) if real else "invented code"


def vpid_of(fam, release):
    return RECODED_NEW if (release == 2 and fam["vpid"] == RECODED_OLD) else fam["vpid"]


def vpid_note(fam, release):
    if release == 2 and fam["vpid"] == RECODED_OLD:
        return ("VPID %s invented (re-coded in release-2; VPIDPREV %s is the real code)"
                % (RECODED_NEW, RECODED_OLD))
    return "VPID %s %s" % (fam["vpid"], real_or_invented(fam["real"], fam["source"]))


def comment(text, indent=4):
    assert "--" not in text
    return "%s<!-- %s -->\n" % (" " * indent, text)


def vmp_xml(release):
    vmps, vpi, onts, dforms, droutes, control = [], [], [], [], [], []
    for fam in FAMILIES:
        vpid = vpid_of(fam, release)
        note = vpid_note(fam, release)
        name_src = "name real" if fam["real"] else "name written in dm+d style"
        x = comment("%s: VMP. %s; %s; %s; other fields written for the fixture." % (
            MARK, note, name_src,
            "VTMID real" if fam["vtm"] in VTMS else
            ("VTMID invented" if fam["vtm"] else "no VTM (appliance)")))
        x += "    <VMP>\n" + el("VPID", vpid)
        if release == 2 and fam["vpid"] == RECODED_OLD:
            x += el("VPIDDT", RELEASE_DATE) + el("VPIDPREV", RECODED_OLD)
        if fam["vtm"]:
            x += el("VTMID", fam["vtm"])
        x += el("NM", fam["nm"])
        if fam["abbrev"]:
            x += el("ABBREVNM", fam["abbrev"])
        x += el("BASISCD", fam["basis"]) + el("PRES_STATCD", "0001")
        if fam["sugar_free"]:
            x += el("SUG_F", "0001")
        if fam["cfc"]:
            x += el("CFC_F", "0001")
        dfind, udfs, udfs_uom, ud_uom = fam["df"]
        x += el("DF_INDCD", dfind)
        if udfs:
            x += el("UDFS", udfs) + el("UDFS_UOMCD", udfs_uom) + el("UNIT_DOSE_UOMCD", ud_uom)
        x += "    </VMP>\n"
        vmps.append(x)
        what = "VMP %s (%s)" % (vpid, "re-coded, invented" if vpid == RECODED_NEW else
                                ("real" if fam["real"] else "invented"))
        if fam["vpis"]:
            y = comment("%s: ingredients of %s; ISIDs from f_ingredient2%s" % (
                MARK, what,
                " (Indacaterol acetate invented, added there)"
                if any(v["isid"] == INVENTED_INGREDIENTS[0][0] for v in fam["vpis"]) else ""))
            for v in fam["vpis"]:
                y += "    <VPI>\n" + el("VPID", vpid) + el("ISID", v["isid"])
                y += el("BASIS_STRNTCD", "0002" if v["bs"] else "0001")
                if v["bs"]:
                    y += el("BS_SUBID", v["bs"])
                y += el("STRNT_NMRTR_VAL", v["val"]) + el("STRNT_NMRTR_UOMCD", v["uom"])
                if v["dval"]:
                    y += el("STRNT_DNMTR_VAL", v["dval"]) + el("STRNT_DNMTR_UOMCD", v["duom"])
                y += "    </VPI>\n"
            vpi.append(y)
        if fam["onts"]:
            y = comment("%s: ONT form-route of %s (codes from f_lookup2)" % (MARK, what))
            for o in fam["onts"]:
                y += "    <ONT>\n" + el("VPID", vpid) + el("FORMCD", o) + "    </ONT>\n"
            onts.append(y)
        if fam["dform"]:
            dforms.append(comment("%s: dose form of %s (code from f_lookup2)" % (MARK, what)) +
                          "    <DFORM>\n" + el("VPID", vpid) + el("FORMCD", fam["dform"]) +
                          "    </DFORM>\n")
        droutes.append(comment("%s: route of %s (code from f_lookup2)" % (MARK, what)) +
                       "    <DROUTE>\n" + el("VPID", vpid) + el("ROUTECD", fam["droute"]) +
                       "    </DROUTE>\n")
        control.append(comment("%s: controlled drug category of %s" % (MARK, what)) +
                       "    <CONTROL_INFO>\n" + el("VPID", vpid) + el("CATCD", "0000") +
                       "    </CONTROL_INFO>\n")
    return {"VMPS": vmps, "VIRTUAL_PRODUCT_INGREDIENT": vpi, "ONT_DRUG_FORM": onts,
            "DRUG_FORM": dforms, "DRUG_ROUTE": droutes, "CONTROL_DRUG_INFO": control}


def vmpp_xml(release):
    out = []
    for fam in FAMILIES:
        for p in fam["vmpps"]:
            out.append(comment("%s: VMPP. VPPID %s invented; of VMP %s" % (
                MARK, p["vppid"], vpid_of(fam, release))) +
                "    <VMPP>\n" + el("VPPID", p["vppid"]) + el("NM", p["nm"]) +
                el("VPID", vpid_of(fam, release)) + el("QTYVAL", p["qty"]) +
                el("QTY_UOMCD", p["uom"]) + "    </VMPP>\n")
    return {"VMPPS": out}


def amp_xml(release):
    amps, routes = [], []
    for fam in FAMILIES:
        for a in fam["amps"]:
            amps.append(comment("%s: AMP. APID %s %s; of VMP %s; SUPPCD from f_lookup2" % (
                MARK, a["apid"], real_or_invented(a["real"], a["source"]),
                vpid_of(fam, release))) +
                "    <AMP>\n" + el("APID", a["apid"]) + el("VPID", vpid_of(fam, release)) +
                el("NM", a["nm"]) + el("DESC", a["desc"]) + el("SUPPCD", a["supp"]) +
                el("LIC_AUTHCD", a["lic"]) + el("AVAIL_RESTRICTCD", a["avail"]) +
                "    </AMP>\n")
            if a["lic"] == "0001":
                routes.append(comment("%s: licensed route of AMP %s" % (MARK, a["apid"])) +
                              "    <LIC_ROUTE>\n" + el("APID", a["apid"]) +
                              el("ROUTECD", fam["droute"]) + "    </LIC_ROUTE>\n")
    return {"AMPS": amps, "LICENSED_ROUTE": routes}


def ampp_xml():
    ampps, pack_info = [], []
    for fam in FAMILIES:
        for a in fam["amps"]:
            for x in a["ampps"]:
                ampps.append(comment("%s: AMPP. APPID %s invented; of AMP %s and VMPP %s" % (
                    MARK, x["appid"], a["apid"], x["vppid"])) +
                    "    <AMPP>\n" + el("APPID", x["appid"]) + el("NM", x["nm"]) +
                    el("VPPID", x["vppid"]) + el("APID", a["apid"]) +
                    el("LEGAL_CATCD", a["legal"]) + "    </AMPP>\n")
                if a["lic"] == "0002":
                    pack_info.append(comment("%s: appliance reimbursement of AMPP %s" % (
                        MARK, x["appid"])) + "    <PACK_INFO>\n" + el("APPID", x["appid"]) +
                        el("REIMB_STATCD", "0001") + "    </PACK_INFO>\n")
    return ampps, pack_info


def insert_before(text, closing, blocks):
    assert text.count(closing) == 1, closing
    return text.replace(closing, "".join(blocks) + closing)


COMB_NOTE = comment(
    "%s: empty COMB_CONTENT, which the XSD requires and NHSBSA's releases carry; "
    "OpenPrescribing's cut-down dropped it" % MARK, 2)


def build_release(release):
    out = os.path.join(HERE, "release-%d" % release)
    if os.path.isdir(out):
        shutil.rmtree(out)
    os.makedirs(out)
    for name in sorted(os.listdir(REF1)):
        shutil.copyfile(os.path.join(REF1, name), os.path.join(out, name))

    def rewrite(name, fn):
        path = os.path.join(out, name)
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        text = fn(text)
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)

    def vmp(text):
        for section, blocks in vmp_xml(release).items():
            text = insert_before(text, "  </%s>\n" % section, blocks)
        return text

    def vmpp(text):
        text = insert_before(text, "  </VMPPS>\n", vmpp_xml(release)["VMPPS"])
        return insert_before(text, "</VIRTUAL_MED_PRODUCT_PACK>\n",
                             [COMB_NOTE, "  <COMB_CONTENT/>\n"])

    def amp_(text):
        for section, blocks in amp_xml(release).items():
            text = insert_before(text, "  </%s>\n" % section, blocks)
        return text

    def ampp(text):
        ampps, pack_info = ampp_xml()
        text = insert_before(text, "  </AMPPS>\n", ampps)
        assert text.count("  <APPLIANCE_PACK_INFO/>\n") == 1
        text = text.replace("  <APPLIANCE_PACK_INFO/>\n",
                            "  <APPLIANCE_PACK_INFO>\n" + "".join(pack_info) +
                            "  </APPLIANCE_PACK_INFO>\n")
        return insert_before(text, "</ACTUAL_MEDICINAL_PROD_PACKS>\n",
                             [COMB_NOTE, "  <COMB_CONTENT/>\n"])

    def vtm_(text):
        blocks = [comment("%s: VTM %s invented (not in the 2019 VTM file)" % (MARK, c), 2) +
                  "  <VTM>\n" + el("VTMID", c, 4) + el("NM", n, 4) + "  </VTM>\n"
                  for c, n in INVENTED_VTMS]
        return insert_before(text, "</VIRTUAL_THERAPEUTIC_MOIETIES>\n", blocks)

    def ingredient(text):
        blocks = [comment("%s: ingredient %s invented (not in the 2019 ingredient file)"
                          % (MARK, c), 2) +
                  "  <ING>\n" + el("ISID", c, 4) + el("NM", n, 4) + "  </ING>\n"
                  for c, n in INVENTED_INGREDIENTS]
        return insert_before(text, "</INGREDIENT_SUBSTANCES>\n", blocks)

    rewrite("f_vmp2_3010419.xml", vmp)
    rewrite("f_vmpp2_3010419.xml", vmpp)
    rewrite("f_amp2_3010419.xml", amp_)
    rewrite("f_ampp2_3010419.xml", ampp)
    rewrite("f_vtm2_3010419.xml", vtm_)
    rewrite("f_ingredient2_3010419.xml", ingredient)
    for name in os.listdir(out):
        os.chmod(os.path.join(out, name), 0o644)


# --------------------------------------------------------------------------------------------
# The BNF SNOMED mapping: the reference's rows, then one row per added product with a real
# BNF code (packs take their product's BNF code), in the reference's own XML.


def mapping_rows():
    rows = []
    for fam in FAMILIES:
        if not fam["bnf"]:
            continue
        rows.append(["Presentation", "VMP", fam["bnf"], fam["mdr"], fam["vpid"], fam["nm"], None])
        for p in fam["vmpps"]:
            rows.append(["Pack", "VMPP", fam["bnf"], fam["mdr"], p["vppid"], fam["nm"], p["nm"]])
        for a in fam["amps"]:
            bnf, mdr = (a["bnf"], a["mdr"]) if a["bnf"] else (None, None)
            rows.append(["Presentation", "AMP", bnf, mdr, a["apid"], a["desc"], None])
            for x in a["ampps"]:
                rows.append(["Pack", "AMPP", bnf, mdr, x["appid"], a["desc"], x["nm"]])
    return rows


def build_mapping():
    with zipfile.ZipFile(REF_MAPPING) as z:
        infos = z.infolist()
        parts = {i.filename: z.read(i.filename) for i in infos}
    sheet = parts["xl/worksheets/sheet1.xml"].decode("utf-8")
    head, rest = sheet.split("<sheetData>", 1)
    data, tail = rest.split("</sheetData>", 1)
    existing = re.findall(r'<row r="(\d+)">', data)
    n = int(existing[-1])
    cells = []
    for row in mapping_rows():
        n += 1
        c = ""
        for col, value in zip("ABCDEFG", row):
            if value is None:
                continue
            if col in "CE":
                value = "'" + value  # codes carry a leading apostrophe, as in the real sheet
            c += '<c r="%s%d" t="inlineStr"><is><t>%s</t></is></c>' % (col, n, escape(value))
        cells.append('<row r="%d">%s</row>' % (n, c))
    head = re.sub(r'<dimension ref="A1:G\d+"/>', '<dimension ref="A1:G%d"/>' % n, head)
    parts["xl/worksheets/sheet1.xml"] = (
        head + "<sheetData>" + data + "".join(cells) + "</sheetData>" + tail).encode("utf-8")
    out = os.path.join(HERE, "bnf-snomed-mapping.xlsx")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for i in infos:
            zi = zipfile.ZipInfo(i.filename, date_time=i.date_time)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            z.writestr(zi, parts[i.filename])


# --------------------------------------------------------------------------------------------
# The answer key.


def build_expected():
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["code", "level", "name", "expected_class", "expected_role",
                "doses_or_units_per_pack", "pack_unit", "real_code", "note"])
    yes = lambda b: "yes" if b else "no"
    for fam in FAMILIES:
        sizes = sorted({p["qty"] for p in fam["vmpps"]})
        units = sorted({p["unit"] for p in fam["vmpps"]})
        qty = str(sizes[0]) if len(sizes) == 1 else ""
        note = fam["note"]
        if len(sizes) > 1:
            note = (note + "; " if note else "") + "packs of " + " or ".join(map(str, sizes))
        if fam["vpid"] == RECODED_OLD:
            note = ("old VPID of the re-coded VMP: the VPID in release-1, VPIDPREV of %s in "
                    "release-2" % RECODED_NEW)
        w.writerow([fam["vpid"], "vmp", fam["nm"], fam["cls"], fam["role"], qty, units[0],
                    yes(fam["real"]), note])
        if fam["vpid"] == RECODED_OLD:
            w.writerow([RECODED_NEW, "vmp", fam["nm"], fam["cls"], fam["role"], qty, units[0],
                        "no", "release-2 only: new VPID of %s (VPIDDT %s, VPIDPREV %s)"
                        % (RECODED_OLD, RELEASE_DATE, RECODED_OLD)])
        for p in fam["vmpps"]:
            w.writerow([p["vppid"], "vmpp", p["nm"], fam["cls"], fam["role"], p["qty"],
                        p["unit"], "no", ""])
        for a in fam["amps"]:
            sizes = sorted({x["qty"] for x in a["ampps"]})
            w.writerow([a["apid"], "amp", a["desc"], fam["cls"], fam["role"],
                        str(sizes[0]) if len(sizes) == 1 else "", a["ampps"][0]["unit"],
                        yes(a["real"]), a["note"]])
            for x in a["ampps"]:
                w.writerow([x["appid"], "ampp", x["nm"], fam["cls"], fam["role"], x["qty"],
                            x["unit"], "no", ""])
    with open(os.path.join(HERE, "expected.csv"), "w", encoding="utf-8", newline="") as fh:
        fh.write(out.getvalue())


if __name__ == "__main__":
    build_release(1)
    build_release(2)
    build_mapping()
    build_expected()
    counts = {"vmp": len(FAMILIES), "vmpp": sum(len(f["vmpps"]) for f in FAMILIES),
              "amp": sum(len(f["amps"]) for f in FAMILIES),
              "ampp": sum(len(a["ampps"]) for f in FAMILIES for a in f["amps"])}
    print("added:", counts, file=sys.stderr)
