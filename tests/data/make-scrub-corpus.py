#!/usr/bin/env python3
"""Generate tests/data/scrub-corpus.txt, the synthetic free-text corpus of the
scrubber test (tests/check_scrub.c).  Run once; the output is committed, so
the test never depends on this script.  Everything here is synthetic: the
people, numbers and addresses are made up (NIR keys are computed so that
they are valid, which is what the scrubber looks for).

Format of the output, one item per line:
  @ID field=value;field=value;...;offset=N   a row context (identifying values)
  ID<TAB>annotated sentence                  a case, scrubbed with that context
In a sentence, {KIND:text} marks a span the scrubber must replace, and
{DATE:text=shifted} a date and its expected shifted form.  KIND is NIR, TEL,
EMAIL, CP, DATE, or the label of a row value (NOM, IPP, NDA, ADRESSE).
Expected outputs are derived from the annotations, never from the code.
"""
import datetime
import random

rnd = random.Random(20261129)
out = []

CONTEXTS = [
    ("P1", dict(last_name="Dupont", first_name="Jean-Pierre", ipp="123456", nda="987654321", address="12 rue des Lilas"), -10),
    ("P2", dict(last_name="Le Gall", first_name="Anaïs", ipp="0045678", nda="200312345", address="3 bis avenue Jean Jaurès"), 45),
    ("P3", dict(last_name="N'Diaye", first_name="Fatou", ipp="7654321", nda="201900001", address="8 impasse du Moulin"), -200),
    ("P4", dict(last_name="Müller", first_name="Günther", ipp="5550001", nda="202000002", address="27 boulevard Voltaire"), 120),
    ("P5", dict(last_name="de La Fontaine", first_name="Marie-Hélène", ipp="880011", nda="202100003", address="5 place Bellecour"), -365),
    ("P6", dict(last_name="Lefèvre", first_name="Émile", ipp="9012345", nda="202200004", address="41 chemin des Vignes"), 1),
    ("P7", dict(last_name="Nguyen", first_name="Thi Minh", ipp="3141592", nda="202300005", address="9 allée des Tilleuls"), -1),
    ("P8", dict(last_name="Martin", first_name="Léa", ipp="2718281", nda="202400006", address="100 route de Lyon"), 300),
    ("P9", dict(last_name="Ben Saïd", first_name="Karim", ipp="1618033", nda="202500007", address="2 rue Pasteur"), -45),
    ("P10", dict(last_name="Østergaard", first_name="Søren", ipp="4242424", nda="202600008", address="14 quai Saint-Vincent"), 17),
    ("P11", dict(last_name="Da Silva", first_name="João", ipp="6060606", nda="202700009", address="33 cours Lafayette"), -90),
    ("P12", dict(last_name="Œuvrard", first_name="Cécile", ipp="7070707", nda="202800010", address="6 rue de l'Église"), 200),
]
CTX = {c[0]: c for c in CONTEXTS}
for cid, f, off in CONTEXTS:
    out.append("@%s %s;offset=%d" % (cid, ";".join("%s=%s" % kv for kv in f.items()), off))

cases = []
def case(cid, s):
    cases.append((cid, s))

def pick():
    return rnd.choice(CONTEXTS)[0]

# --- NIR ---------------------------------------------------------------------
def nir_key(body):
    n = int(body.replace("2A", "19").replace("2B", "18"))
    return 97 - n % 97

def make_nir(corsica=None):
    sex = rnd.choice("12")
    yy = "%02d" % rnd.randint(0, 99)
    mm = "%02d" % rnd.randint(1, 12)
    dep = corsica or "%02d" % rnd.choice([1, 13, 33, 59, 69, 75, 92, 93, 94, 95])
    com = "%03d" % rnd.randint(1, 990)
    order = "%03d" % rnd.randint(1, 999)
    body = sex + yy + mm + dep + com + order
    return body, "%02d" % nir_key(body)

def nir_form(body, key, style):
    g = [body[0], body[1:3], body[3:5], body[5:7], body[7:10], body[10:13], key]
    if style == 0: return body + key
    if style == 1: return " ".join(g)
    if style == 2: return "-".join(g)
    if style == 3: return ".".join(g)
    if style == 4: return body + " " + key
    return " ".join(g[:6]) + " " + key

nir_templates = [
    "NIR {x}.", "Numéro de sécurité sociale : {x}", "n° SS {x} à vérifier",
    "Assuré social {x}, régime général.", "NIR du patient: {x}",
    "Carte Vitale {x} présentée au secrétariat.", "({x})", "NIR={x};",
]
for i in range(44):
    corsica = rnd.choice([None, None, None, "2A", "2B"])
    b, k = make_nir(corsica)
    x = "{NIR:%s}" % nir_form(b, k, i % 6)
    case(pick(), rnd.choice(nir_templates).format(x=x))
# invalid keys: not a NIR, left alone
for i in range(8):
    b, k = make_nir()
    bad = "%02d" % ((int(k) + 1 + i) % 97 or 1)
    case(pick(), "Numéro illisible %s, à ressaisir." % nir_form(b, bad, i % 3))

# --- telephone -----------------------------------------------------------------
def d2():
    return "%02d" % rnd.randint(0, 99)

def fr_national(sep):
    first = rnd.choice("1234567")
    pairs = [d2() for _ in range(4)]
    return "0" + first + "".join(sep + p for p in pairs), first, pairs

tel_templates = [
    "Appeler le {x} pour les résultats.", "Tél : {x}", "Joindre la famille au {x}.",
    "Médecin traitant prévenu ({x}).", "Contact: {x} (portable)", "tel {x}",
    "Rappeler au {x} avant 18h.", "Numéro du laboratoire {x}, poste de garde.",
]
def tel_forms():
    f = []
    for sep in [" ", ".", "-", ""]:
        f.append(fr_national(sep)[0])
    n, first, pairs = fr_national(" ")
    f.append("+33 %s %s" % (first, " ".join(pairs)))
    f.append("+33%s%s" % (first, "".join(pairs)))
    f.append("+33 (0)%s %s" % (first, " ".join(pairs)))
    f.append("+33 (0) %s %s" % (first, " ".join(pairs)))
    f.append("0033 %s %s" % (first, " ".join(pairs)))
    f.append("+33.%s.%s" % (first, ".".join(pairs)))
    f.append("0 800 %03d %03d" % (rnd.randint(0, 999), rnd.randint(0, 999)))
    f.append("0800 %03d %03d" % (rnd.randint(0, 999), rnd.randint(0, 999)))
    f.append("+44 20 %04d %04d" % (rnd.randint(0, 9999), rnd.randint(0, 9999)))
    f.append("0044 20 %04d %04d" % (rnd.randint(0, 9999), rnd.randint(0, 9999)))
    f.append("+1 (%03d) %03d-%04d" % (rnd.randint(200, 999), rnd.randint(200, 999), rnd.randint(0, 9999)))
    f.append("+1 %03d %03d %04d" % (rnd.randint(200, 999), rnd.randint(200, 999), rnd.randint(0, 9999)))
    f.append("(%03d) %03d-%04d" % (rnd.randint(200, 999), rnd.randint(200, 999), rnd.randint(0, 9999)))
    f.append("%03d-%03d-%04d" % (rnd.randint(200, 999), rnd.randint(200, 999), rnd.randint(0, 9999)))
    f.append("+49 30 %08d" % rnd.randint(0, 99999999))
    f.append("+32 2 %03d %02d %02d" % (rnd.randint(0, 999), rnd.randint(0, 99), rnd.randint(0, 99)))
    f.append("+41 22 %03d %02d %02d" % (rnd.randint(0, 999), rnd.randint(0, 99), rnd.randint(0, 99)))
    f.append("+212 6 %s %s %s %s" % (d2(), d2(), d2(), d2()))
    f.append("+39 06 %04d %04d" % (rnd.randint(0, 9999), rnd.randint(0, 9999)))
    f.append("+34 91 %03d %02d %02d" % (rnd.randint(0, 999), rnd.randint(0, 99), rnd.randint(0, 99)))
    return f
for rep in range(3):
    for x in tel_forms():
        case(pick(), rnd.choice(tel_templates).format(x="{TEL:%s}" % x))

# --- e-mail ----------------------------------------------------------------------
email_templates = [
    "Envoyer le compte rendu à {x}.", "Courriel : {x}", "Contact {x} pour le suivi",
    "Résultats transmis par mail ({x}).", "<{x}>", "mailto:{x}", "cc {x}, {y}",
]
locals_ = ["jean.dupont", "p.martin", "secretariat.labo", "marie-helene.lf", "k_bensaid",
           "fatou.ndiaye+resultats", "DR.LEFEVRE", "user123", "a.b.c", "contact"]
domains = ["chu-lyon.fr", "gmail.com", "hopital.ap-hm.fr", "orange.fr", "labo.example.org",
           "sub.domain.co.uk", "CHU-BORDEAUX.FR", "wanadoo.fr", "yahoo.fr", "aphp.fr"]
def email():
    return rnd.choice(locals_) + "@" + rnd.choice(domains)
for i in range(40):
    t = rnd.choice(email_templates)
    case(pick(), t.format(x="{EMAIL:%s}" % email(), y="{EMAIL:%s}" % email()))
for i in range(4):
    l, d = rnd.choice(locals_), rnd.choice(domains)
    sep = rnd.choice([" (at) ", "(at)", " [at] ", "[at]"])
    case(pick(), "Adresse : {EMAIL:%s%s%s}" % (l, sep, d))

# --- row names -------------------------------------------------------------------
def strip_accents(s):
    import unicodedata
    s = s.replace("Œ", "Oe").replace("œ", "oe").replace("Ø", "O").replace("ø", "o")
    return "".join(c for c in unicodedata.normalize("NFD", s) if unicodedata.category(c) != "Mn")

def variants(name):
    v = [name, name.upper(), name.lower(), strip_accents(name), strip_accents(name).upper()]
    return v

name_templates = [
    "M. {L} a été prélevé ce matin.", "Mme {L} signale une fièvre.", "Patient {F} {L}, bilan de contrôle.",
    "{L} {F} : hémolyse, à reprélever.", "Vu avec {F} {L} et sa fille.", "Prévenir {L} du résultat.",
    "Dr Morel a appelé pour {F}.", "Échantillon de {F} {L} non étiqueté.", "Compte rendu pour {L}.",
    "Famille de {F} présente.", "{F} est allergique à la pénicilline.", "Résultat communiqué à M. {L} par téléphone.",
]
for rep in range(7):
    for cid, f, off in CONTEXTS:
        L = rnd.choice(variants(f["last_name"]))
        F = rnd.choice(variants(f["first_name"]))
        t = rnd.choice(name_templates)
        case(cid, t.format(L="{NOM:%s}" % L, F="{NOM:%s}" % F))
# parts of compound names, hyphen/space/apostrophe variants
case("P1", "Jean Pierre ({NOM:JEAN PIERRE}) prélevé".replace("Jean Pierre (", "{NOM:Jean Pierre} ("))
case("P1", "Appel de {NOM:Pierre}, le fils.")
case("P2", "Mme {NOM:Gall} présente.")
case("P2", "Mme {NOM:LE GALL}, chambre 12.")
case("P3", "Mme {NOM:N’Diaye} vue ce jour.")
case("P3", "Mme {NOM:NDIAYE} vue ce jour.")
case("P3", "Mme {NOM:N DIAYE} vue ce jour.")
case("P5", "Mme {NOM:La Fontaine} hospitalisée.")
case("P5", "Mme {NOM:DE LA FONTAINE} hospitalisée.")
case("P5", "{NOM:Marie} se plaint de céphalées.")
case("P5", "{NOM:Hélène} se plaint de céphalées.")
case("P5", "{NOM:MARIE HELENE} se plaint de céphalées.")
case("P7", "{NOM:Minh} a faim.")
case("P9", "M. {NOM:Said} revu.")
case("P9", "M. {NOM:BEN SAID} revu.")
case("P11", "M. {NOM:da silva} revu.")
case("P11", "M. {NOM:Silva} revu.")
case("P12", "Mme {NOM:OEUVRARD} revue.")
case("P12", "Mme {NOM:Œuvrard} revue.")
case("P10", "M. {NOM:Ostergaard} revu.")
case("P4", "M. {NOM:Mueller} revu.")   # a spelling the scrubber cannot know
# word boundaries: other words containing the names are not names
case("P8", "Dosage demandé par le Dr Martinez, service de Martinique.")
case("P8", "Lea Martineau, interne, a validé.")
case("P1", "Prélèvement au pont de Dupontel.")
case("P6", "Dr Lefebvre de garde.")
case("P7", "Nguyenne? Non.")

# --- IPP, NDA, address --------------------------------------------------------------
for cid, f, off in CONTEXTS:
    ipp = f["ipp"]
    case(cid, rnd.choice(["IPP {IPP:%s}", "IPP:{IPP:%s}", "patient n°{IPP:%s}", "dossier {IPP:%s} à compléter"]) % ipp)
    if ipp.startswith("0"):
        case(cid, "ipp {IPP:%s} (sans zéros)" % ipp.lstrip("0"))
    case(cid, rnd.choice(["séjour {NDA:%s}", "NDA{NDA:%s}", "venue n° {NDA:%s}"]) % f["nda"])
    a = f["address"]
    case(cid, rnd.choice(["Domicile : {ADRESSE:%s}.", "Habite {ADRESSE:%s}, 2e étage.", "Adresse {ADRESSE:%s}"]) % rnd.choice([a, a.upper()]))
for cid in ["P1", "P2", "P8", "P9"]:
    a = CTX[cid][1]["address"]
    num, rest = a.split(" ", 1)
    case(cid, "Ambulance au {ADRESSE:%s, %s}." % (num, rest))
    if rest.split(" ")[0] in ("bis", "ter"):
        rest = rest.split(" ", 1)[1]
    case(cid, "Vit {ADRESSE:%s} depuis 2019.".replace("2019", "longtemps") % rest)

# --- postcodes -----------------------------------------------------------------------
cities = [("75012", "Paris"), ("13005", "Marseille"), ("69003", "LYON"), ("20000", "Ajaccio"),
          ("20200", "Bastia"), ("97400", "Saint-Denis"), ("33000", "Bordeaux"), ("59000", "Lille"),
          ("67000", "Strasbourg"), ("44000", "Nantes"), ("06000", "Nice"), ("98800", "Nouméa"),
          ("31000", "Toulouse"), ("01000", "Bourg-en-Bresse"), ("29200", "Brest"), ("35000", "Rennes")]
for cp, city in cities:
    case(pick(), rnd.choice(["Transféré à {x} %s.", "Né à {x} %s", "Réside {x} %s, sans aide.", "CHU, {x} %s Cedex"]).format(x="{CP:%s}" % cp) % city)
case(pick(), "Envoi à F-{CP:67000} Strasbourg.")
case(pick(), "Adresse : {CP:75015} PARIS.")

# --- dates -------------------------------------------------------------------------------
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre"]
def fmt_words(d, style, er):
    m = MONTHS[d.month - 1]
    if style == 1: m = m[0].upper() + m[1:]
    if style == 2: m = m.upper()
    day = "1er" if (d.day == 1 and er) else str(d.day)
    return "%s %s %04d" % (day, m, d.year)

date_templates = ["Prélevé le {x}.", "Dernier bilan du {x}, stable.", "Contrôle prévu le {x}",
                  "Hospitalisé du {x} au {y}.", "Résultat du {x} à 10h30."]
def date_case(cid, off):
    d = datetime.date(2020, 1, 1) + datetime.timedelta(days=rnd.randint(0, 1800))
    s = d + datetime.timedelta(days=off)
    st = rnd.randint(0, 8)
    if st == 0: a, b = d.strftime("%d/%m/%Y"), s.strftime("%d/%m/%Y")
    elif st == 1:
        # Unpadded input stays unpadded; two two-digit fields read as padded.
        a = "%d/%d/%d" % (d.day, d.month, d.year)
        if d.day >= 10 and d.month >= 10: b = s.strftime("%d/%m/%Y")
        else: b = "%d/%d/%d" % (s.day, s.month, s.year)
    elif st == 2: a, b = d.strftime("%d-%m-%Y"), s.strftime("%d-%m-%Y")
    elif st == 3: a, b = d.strftime("%d.%m.%Y"), s.strftime("%d.%m.%Y")
    elif st == 4: a, b = d.isoformat(), s.isoformat()
    elif st == 5: a, b = d.strftime("%d/%m/%y"), s.strftime("%d/%m/%y")
    else:
        style = st - 6
        er = d.day == 1
        a, b = fmt_words(d, style, er), fmt_words(s, style, True)
    return "{DATE:%s=%s}" % (a, b)
for i in range(40):
    cid, f, off = rnd.choice(CONTEXTS)
    t = rnd.choice(date_templates)
    case(cid, t.format(x=date_case(cid, off), y=date_case(cid, off)))
case("P6", "Né le {DATE:1er janvier 1960=2 janvier 1960}.")
case("P7", "Vu le {DATE:1 mars 2024=29 février 2024}.")

# --- text that must stay as it is -------------------------------------------------------------
negatives = [
    "Hb 12,5 g/dL, contrôle à 08h30.", "Leucocytes 12000 /mm3.", "Plaquettes 250 000/mm3, normal.",
    "INR 2,3 sous AVK.", "Glycémie 5.5 mmol/L, HbA1c 6.5 %.", "CRP < 5 mg/L.", "Prélèvement 1/2 hémolysé.",
    "Volume 1 200 mL.", "Code LOINC 718-7 demandé.", "Lot 123456789012 du réactif.", "15000 UFC/mL dans l'urine.",
    "20000 UI d'héparine.", "10000 copies/mL.", "Créatinine 75 µmol/L, DFG 90 mL/min/1,73 m2.",
    "Score 12/20.", "2/3 des cas.", "1/2 comprimé le soir.", "T4L 12.3 pmol/L, TSH 1.25 mUI/L.",
    "Dilution au 1/100.", "Temps de Quick 13 s (témoin 12 s).", "Ferritine 300 µg/L.",
    "Séquence 0123 4567 89 non lisible.", "Tube n° 4 sur 6.", "Réf. 2024-00123.", "pH 7.38, pCO2 40 mmHg.",
    "Valeurs: 10.2.3 invalides.", "Hématies 4.5 T/L, VGM 90 fL.", "Bilan à refaire dans 3 mois.",
    "Centrifugé 10 min à 3000 tours.", "Patient vu par l'interne de garde.", "Analyse 20 000 cellules.",
    "Protocole 1.2.840.10008 hors sujet.", "Dossier archivé en 2019.", "Taux 0,05 UI/mL.",
    "Résultat rendu à 12:45.", "Fibrinogène 3,2 g/L.", "Numération 12 34 56 cellules/champ.",
    "Le 3e tube est coagulé.", "Tension 12/8.", "Prise de sang à jeun depuis 12 h.",
]
for s in negatives:
    case(pick(), s)

for cid, s in cases:
    assert "\t" not in s and "\n" not in s
    out.append("%s\t%s" % (cid, s))
with open("scrub-corpus.txt", "w", encoding="utf-8") as f:
    f.write("# Synthetic scrubber corpus: generated by make-scrub-corpus.py (see there).\n")
    f.write("\n".join(out) + "\n")
print(len(cases), "cases")
