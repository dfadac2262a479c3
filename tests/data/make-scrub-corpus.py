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
EMAIL, CP, DATE, PERSONNE (a person named after a title: the name words,
not the title), or the label of a row value (NOM, IPP, NDA, ADRESSE).
A backslash and n (two characters) in a sentence stands for a line break,
so that multi-line texts fit on one line.
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
    "Dr {{PERSONNE:Morel}} a appelé pour {F}.", "Échantillon de {F} {L} non étiqueté.", "Compte rendu pour {L}.",
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
case("P4", "M. {NOM:Mueller} revu.")   # a spelling the scrubber cannot know (found as a person)
# word boundaries: other words containing the names are not names
case("P8", "Dosage demandé par le Dr {PERSONNE:Martinez}, service de Martinique.")
case("P8", "Lea Martineau, interne, a validé.")
case("P1", "Prélèvement au pont de Dupontel.")
case("P6", "Dr {PERSONNE:Lefebvre} de garde.")
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
def date_case(cid, off, r=None):
    r = r or rnd
    d = datetime.date(2020, 1, 1) + datetime.timedelta(days=r.randint(0, 1800))
    s = d + datetime.timedelta(days=off)
    st = r.randint(0, 8)
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

# --- people named after a title (clinicians, relatives) ---------------------------
# Drawn from their own random stream, so that the sections above stay as
# they were.  The gold span is the name (one to four words, initials and
# particles), never the title, which stays.
prnd = random.Random(20261130)
CLINICIANS = [
    "Philippe Richard", "Sandrine Caron", "Claire Moreau", "Jérémy Müller",
    "Jean-Pierre Le Goff", "Anne-Sophie N'Diaye", "Loïc D'Almeida", "Gaëlle Kerouédan",
    "Hervé Lecœur", "Zoé Aït-Ali", "Côme Saint-Jore", "Pierre-Étienne Ben Saïd",
    "Inès Núñez", "Maëlle Kowalski", "Timothée van der Berg", "Bérénice de Villiers",
    "Aïcha Traoré", "Yannick Le Bihan", "Noémie Thébault", "Grégoire Abécassis",
]
def dr():
    return prnd.choice(["Dr ", "Dr ", "Dr ", "Pr "]) + "{PERSONNE:%s}" % prnd.choice(CLINICIANS)
def p_date(cid):
    return date_case(cid, CTX[cid][2], prnd)
def p_hour():
    return "%dh%02d" % (prnd.randint(7, 18), 5 * prnd.randint(0, 11))
def p_tel():
    return "{TEL:0%d %02d %02d %02d %02d}" % tuple([prnd.randint(1, 7)] + [prnd.randint(0, 99) for _ in range(4)])
def p_mail():
    return "{EMAIL:%s.%s@chu-exemple.test}" % (prnd.choice("abcdejlmps"), prnd.choice(["durand", "petit", "ben-said", "fleury", "roux"]))
def p_nir():
    b = prnd.choice("12") + "%02d%02d%02d%03d%03d" % (prnd.randint(0, 99), prnd.randint(1, 12), prnd.choice([13, 33, 59, 69, 75]), prnd.randint(1, 990), prnd.randint(1, 999))
    return "{NIR:%s%02d}" % (b, nir_key(b))
# The phrasings of tools/eds-gen (tools/eds-gen-data.h): every template
# that writes a clinician ({DR}), in every source.
GEN_TEMPLATES = [
    lambda c: "Valeur critique téléphonée au %s le %s à %s (poste %s)." % (dr(), p_date(c), p_hour(), p_tel()),
    lambda c: "Résultat \"critique\" ; %s prévenu(e) à %s." % (dr(), p_hour()),
    lambda c: "Prescription de %s ; NIR %s." % (dr(), p_nir()),
    lambda c: "Indication : Contrôle post-opératoire demandé par %s.\\nTechnique : Cliché de face debout en inspiration." % dr(),
    lambda c: "Conclusion : Résultats communiqués par téléphone à %s (%s)." % (dr(), p_tel()),
    lambda c: "Conclusion : Absence d'anomalie significative.\\n\\n%s" % dr(),
    lambda c: "Conclusion : compte rendu transmis à %s (%s)." % (dr(), p_mail()),
    lambda c: "Copie au médecin traitant, %s, %s." % (dr(), p_mail()),
    lambda c: "Je vous remercie de m'avoir adressé ce patient et reste à votre disposition.\\nBien confraternellement, %s." % dr(),
    lambda c: "Antécédents : diabète de type 2, HTA.\\nFin de dictée. Relu et validé par %s." % dr(),
]
for rep in range(4):
    for tpl in GEN_TEMPLATES:
        cid = prnd.choice(CONTEXTS)[0]
        case(cid, tpl(cid))
# Titles, names and their forms, written by hand.
people_cases = [
    ("P4", "Validé par le Docteur {PERSONNE:Jérémy Müller}."),
    ("P2", "Vu avec sa fille Mme {PERSONNE:Laure Petit}."),
    ("P1", "M. {PERSONNE:Paul Dupont}, son époux, est présent."),
    ("P8", "Avis du Pr {PERSONNE:Claire Moreau} demandé."),
    ("P6", "Dr. {PERSONNE:Hugo Berger} prévenu par téléphone."),
    ("P9", "Avis du Pr. {PERSONNE:Anne Roussel} en RCP."),
    ("P3", "Courrier au Professeur {PERSONNE:Jean-Baptiste Lemoine}."),
    ("P7", "Revu en présence de Madame {PERSONNE:Hélène Rivière}, sa sœur."),
    ("P10", "Monsieur {PERSONNE:Marc Lambert} (fils) accompagne le patient."),
    ("P12", "Mlle {PERSONNE:Chloé Fabre}, petite-fille, prévenue."),
    ("P5", "Mademoiselle {PERSONNE:Océane Picard} présente."),
    ("P11", "Contact : Me {PERSONNE:Arnaud Gaillard}, avocat de la famille."),
    ("P4", "Tutelle exercée par Maître {PERSONNE:Sophie Renaud}."),
    ("P2", "Appel de MAÎTRE {PERSONNE:LECLERC} ce matin."),
    ("P6", "AVIS DR {PERSONNE:MARTIN} : RAS."),
    ("P7", "MME {PERSONNE:ROUX} (mère) joignable."),
    ("P3", "vu par le docteur {PERSONNE:Maboul} hier."),
    ("P9", "mme {PERSONNE:Roussel} a appelé."),
    ("P1", "Dr {PERSONNE:J.-P. Martin} de garde."),
    ("P8", "Relu par le Dr {PERSONNE:A. Lefèvre}."),
    ("P12", "Pr {PERSONNE:J. Ng} (hématologie) informé."),
    ("P5", "Dr {PERSONNE:Jean-Pierre Le Goff} et Mme {PERSONNE:Jeanne d'Arc}."),
    ("P10", "Avis du Dr {PERSONNE:van der Berg} (néphrologie)."),
    ("P11", "Revu par le Dr {PERSONNE:Anne-Sophie N’Diaye}."),
    ("P9", "Dr {PERSONNE:O'Brien} consulté."),
    ("P4", "Transmis au Dr {PERSONNE:Marie Anne Sophie Dubois}."),
    ("P2", "Pr {PERSONNE:Pierre-Étienne de Saint-Exupéry} informé."),
    ("P6", "Drs {PERSONNE:Martin} et {PERSONNE:Durand} présents."),
    ("P7", "MM. {PERSONNE:Petit} et {PERSONNE:Roux}, les fils, sont venus."),
    ("P3", "Mr {PERSONNE:John Smith} (interprète) présent."),
    ("P8", "Mrs {PERSONNE:Smith} called back."),
    ("P12", "Ms. {PERSONNE:Jane Doe}, case manager, informed."),
    ("P1", "Prof. {PERSONNE:Ng} a validé."),
    ("P10", "Doctor {PERSONNE:Watson} reviewed the films."),
    ("P11", "Dr\u00a0{PERSONNE:Lucie Vidal} prévenue."),
    ("P5", "Transmis au\\nDr {PERSONNE:Claire Moreau}\\nService de cardiologie"),
    ("P9", "À l'attention de Madame\\n{PERSONNE:Hélène Rivière}\\nSecrétariat"),
    ("P4", "Cher Monsieur {PERSONNE:Lambert},\\nJe vous remercie."),
    ("P6", "Copie : Dr.{PERSONNE:Martin}, cardiologue."),
    ("P3", "Dr {PERSONNE:Zoé Aït-Ali} et Dr {PERSONNE:Côme Saint-Jore} en RCP."),
    ("P2", "Revue par Mme {PERSONNE:Œuvrard}, infirmière."),
    ("P12", "Revu par Dr {PERSONNE:Søren Østergaard} (réanimation)."),
    ("P1", "Monsieur le Professeur {PERSONNE:Le Goff} a validé."),
    ("P8", "PR {PERSONNE:Carpentier} informé."),
    ("P10", "Dre {PERSONNE:Julie Tremblay} (Québec) consultée."),
    # the row's own names after a title keep their label
    ("P2", "Mme {NOM:Le Gall} informée."),
    ("P8", "Mme {NOM:Léa} {NOM:Martin} vue ce jour."),
    ("P3", "Mme {NOM:Fatou} {NOM:N'Diaye} revue."),
    ("P6", "M. ou Mme {NOM:LEFEVRE} joignable au {TEL:06 11 22 33 44}."),
    ("P9", "Compte rendu d'hospitalisation de M. {NOM:BEN SAÏD} {NOM:Karim}."),
    # a person whose name holds the patient's is one person
    ("P11", "Dr {PERSONNE:Ange-Marie Da Silva} (cousin) prévenu."),
    ("P5", "Mme {PERSONNE:Claire de La Fontaine}, sa belle-sœur."),
]
for cid, t in people_cases:
    case(cid, t)
# Titles without a name, and words that only look like titles: left alone.
people_negatives = [
    "M. tuberculosis isolé en culture.", "Recherche de M. pneumoniae négative.",
    "PR séropositive sous méthotrexate.", "ANTÉCÉDENTS : PR SÉROPOSITIVE, HTA.",
    "PR EN POUSSÉE.", "Dr de garde prévenu.", "Avis du Dr demandé.",
    "À revoir avec le Dr.", "Cher Monsieur,\\nJe vous remercie de votre confiance.",
    "Madame, Monsieur,\\nSuite à votre demande, voici le résultat.",
    "Cher Confrère,\\nNous avons revu votre patient.", "Cher Monsieur\\nNous avons revu votre patient.",
    "Madame la Directrice des soins informée.", "Monsieur le Maire a signé.",
    "Docteur en pharmacie de garde.", "Prof. associé absent.",
    "Composant monoclonal de type M. Le bilan est à refaire.",
    "Mme présente une fièvre.", "Monsieur a bien compris les consignes.",
    "Madame est sortie ce matin.", "Patient adressé par son médecin traitant.",
    "Le Dr. Le patient refuse.", "MR angiographie réalisée.", "IRM : MR ANGIO sans anomalie.",
    "dr. prévenu", "Me revoir dans 3 mois.", "Ms en attente.",
    "Bilan demandé par les Drs de l'équipe.", "Prélèvement M. 3 reçu.", "Tube PR1 hémolysé.",
]
for t in people_negatives:
    case(prnd.choice(CONTEXTS)[0], t)

for cid, s in cases:
    assert "\t" not in s and "\n" not in s
    out.append("%s\t%s" % (cid, s))
with open("scrub-corpus.txt", "w", encoding="utf-8") as f:
    f.write("# Synthetic scrubber corpus: generated by make-scrub-corpus.py (see there).\n")
    f.write("\n".join(out) + "\n")
print(len(cases), "cases")
