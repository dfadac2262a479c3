/*
 * eds-gen-data.h: the word lists and text templates tools/eds-gen.c draws
 * from, in UTF-8 (converted to Windows-1252 at start-up for the sources
 * that use it, so every character here must exist in Windows-1252).
 * Everything is invented: names are common French surnames and first
 * names combined at random, e-mail domains are reserved (.test, example.*),
 * study references are made up.  Included by tools/eds-gen.c only.
 *
 * Templates hold placeholders in braces, filled per row (see fill() in
 * eds-gen.c): {NOM} {PRENOM} {CIV} {IPP} {NDA} {NIR} {NIRS} {DDN} {DDNL}
 * (birth date in words) {DATE} {DATEL} {HEURE} {TEL} {EMAIL} {DR} {DRMAIL} {ACC} {EXAM} {N} (a line
 * break in the source's style) and {T} (a tab).
 */

static const char *const last_names[] = {
	"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit",
	"Durand", "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel",
	"Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Morel",
	"Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet",
	"François", "Martinez", "Legrand", "Garnier", "Faure", "Rousseau",
	"Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas", "Perrin",
	"Morin", "Mathieu", "Clément", "Gauthier", "Dumont", "Lopez",
	"Fontaine", "Chevalier", "Robin", "Masson", "Sanchez", "Gérard",
	"Nguyen", "Boyer", "Denis", "Lemaire", "Duval", "Joly", "Gautier",
	"Roger", "Roche", "Roy", "Noël", "Meyer", "Lucas", "Meunier", "Pérez",
	"Marchand", "Dufour", "Blanchard", "Barbier", "Brun", "Dumas",
	"Brunet", "Schmitt", "Leroux", "Colin", "Fernandez", "Renard",
	"Arnaud", "Rolland", "Caron", "Aubert", "Giraud", "Leclerc", "Vidal",
	"Bourgeois", "Renaud", "Lemoine", "Picard", "Gaillard", "Lacroix",
	"Fabre", "Dupuis", "Olivier", "Rodriguez", "Da Silva", "Hubert",
	"Rivière", "Le Gall", "Guillaume", "Moulin", "Berger", "Lecomte",
	"Ménard", "Fleury", "Deschamps", "Carpentier", "Maillard", "Aubry",
	"Le Roux", "Prévost", "Poirier", "Charpentier", "Huet", "Dupuy",
	"Carré", "Breton", "Rémy", "Schneider", "Guyot", "Barré", "Bénard",
	"Lecœur", "Lebœuf", "Garçon", "D'Almeida", "N'Diaye", "Dos Santos",
	"Le Goff", "Le Bihan", "Ben Saïd", "Aït-Ali", "Abécassis", "Müller",
	"Núñez", "Kowalski", "Diallo", "Haddad", "Benali", "Tran", "Traoré",
	"Martin-Dubois", "Lefèvre-Pontalis", "de La Fontaine", "Saint-Jore",
	"Hénaff", "Kerouédan", "Pécresse", "Ollivier", "Thébault", "Bréhier",
	"Hoarau", "Payet", "Grondin", "Técher", "Jean-Baptiste", "Zébina",
	"Santoni", "Luciani", "Casanova", "Paoli", "Giacomoni", "Orsini"
};

static const char *const first_names_f[] = {
	"Marie", "Nathalie", "Isabelle", "Sylvie", "Catherine", "Françoise",
	"Christine", "Monique", "Valérie", "Sandrine", "Hélène", "Céline",
	"Chloé", "Zoé", "Léa", "Inès", "Anaïs", "Gaëlle", "Maëlle", "Noémie",
	"Aurélie", "Mélanie", "Clémence", "Agnès", "Bérénice", "Cécile",
	"Élodie", "Éloïse", "Marie-Thérèse", "Anne-Sophie", "Joséphine",
	"Renée", "Geneviève", "Thérèse", "Léonie", "Emma", "Jade", "Louise",
	"Alice", "Lina", "Rose", "Mila", "Ambre", "Yasmine", "Fatoumata",
	"Aïcha", "Nadège", "Solène", "Maïwenn", "Océane", "Mégane", "Jeanne"
};

static const char *const first_names_m[] = {
	"Jean", "Pierre", "Michel", "André", "Philippe", "Alain", "Jacques",
	"Bernard", "René", "Daniel", "François", "Jérôme", "Loïc", "Noël",
	"Benoît", "Gaël", "Joël", "Raphaël", "Michaël", "Hervé", "Frédéric",
	"Stéphane", "Sébastien", "Grégoire", "Mathéo", "Théo", "Léo",
	"Jean-François", "Pierre-Étienne", "Aimé", "Clément", "Valère",
	"Gaëtan", "Anthony", "Kévin", "Jérémy", "Hugo", "Lucas", "Nathan",
	"Mohamed", "Youssef", "Karim", "Moussa", "Thierry", "Patrice",
	"Yannick", "Erwan", "Côme", "Timothée", "Ange-Marie", "Dominique"
};

/* Postcode and city of residence: mainland, Corsica (2A/2B), DOM. */
struct place {
	const char *postcode;
	const char *city;
};

static const struct place places[] = {
	{ "75011", "Paris" }, { "75018", "Paris" }, { "92100",
	    "Boulogne-Billancourt" }, { "93200", "Saint-Denis" },
	{ "94000", "Créteil" }, { "91000", "Évry-Courcouronnes" },
	{ "69003", "Lyon" }, { "69100", "Villeurbanne" }, { "42000",
	    "Saint-Étienne" }, { "38000", "Grenoble" }, { "73000", "Chambéry" },
	{ "13005", "Marseille" }, { "13090", "Aix-en-Provence" },
	{ "06000", "Nice" }, { "83000", "Toulon" }, { "84000", "Avignon" },
	{ "30000", "Nîmes" }, { "34000", "Montpellier" }, { "34500",
	    "Béziers" }, { "34200", "Sète" }, { "31000", "Toulouse" },
	{ "33000", "Bordeaux" }, { "64000", "Pau" }, { "44000", "Nantes" },
	{ "35000", "Rennes" }, { "29200", "Brest" }, { "56100", "Lorient" },
	{ "22000", "Saint-Brieuc" }, { "49000", "Angers" }, { "37000",
	    "Tours" }, { "45000", "Orléans" }, { "21000", "Dijon" },
	{ "25000", "Besançon" }, { "71000", "Mâcon" }, { "67000",
	    "Strasbourg" }, { "68100", "Mulhouse" }, { "57000", "Metz" },
	{ "54000", "Nancy" }, { "51100", "Reims" }, { "51000",
	    "Châlons-en-Champagne" }, { "59000", "Lille" }, { "59300",
	    "Valenciennes" }, { "62000", "Arras" }, { "80000", "Amiens" },
	{ "76000", "Rouen" }, { "14000", "Caen" }, { "63000",
	    "Clermont-Ferrand" }, { "87000", "Limoges" }, { "86000",
	    "Poitiers" }, { "17000", "La Rochelle" }, { "01000",
	    "Bourg-en-Bresse" }, { "02100", "Saint-Quentin" }, { "05000",
	    "Gap" }, { "09000", "Foix" }, { "48000", "Mende" },
	{ "74000", "Annecy" }, { "74400", "Chamonix-Mont-Blanc" },
	{ "20000", "Ajaccio" }, { "20090", "Ajaccio" }, { "20137",
	    "Porto-Vecchio" }, { "20100", "Sartène" }, { "20200", "Bastia" },
	{ "20220", "L'Île-Rousse" }, { "20260", "Calvi" }, { "20250",
	    "Corte" }, { "97110", "Pointe-à-Pitre" }, { "97100",
	    "Basse-Terre" }, { "97200", "Fort-de-France" }, { "97300",
	    "Cayenne" }, { "97400", "Saint-Denis" }, { "97410",
	    "Saint-Pierre" }, { "97600", "Mamoudzou" }
};

static const char *const street_types[] = {
	"rue", "rue", "rue", "avenue", "boulevard", "chemin", "impasse",
	"allée", "place", "route", "quai", "cours"
};

static const char *const street_names[] = {
	"Victor-Hugo", "de la République", "Jean-Jaurès", "du Général-de-Gaulle",
	"Pasteur", "de l'Église", "des Écoles", "Émile-Zola", "de la Gare",
	"des Lilas", "des Œillets", "du Château-d'Eau", "Saint-Exupéry",
	"de la Forêt", "des Prés", "Molière", "du 8-Mai-1945", "Gambetta",
	"Aristide-Briand", "des Châtaigniers", "de Verdun", "Marie-Curie",
	"des Pêcheurs", "de Bretagne", "Saint-Éloi", "Françoise-Dolto"
};

/* Hospital units (UF): 4 characters. */
static const char *const units[] = {
	"1010", "1020", "2041", "2042", "3105", "3110", "4200", "5300",
	"URGA", "URGP", "CARD", "PNEU", "NEPH", "ONCO", "REA1", "MATE",
	"PEDI", "GERI", "CHIV", "ORTH"
};

/* CIM-10 diagnosis codes, written with their dot. */
static const char *const icd10[] = {
	"I10", "E11.9", "J18.9", "I48.9", "N18.3", "C50.9", "C34.1", "K35.8",
	"S72.0", "I21.4", "J44.1", "F32.9", "G30.9", "E66.9", "K80.2",
	"N39.0", "A41.9", "I50.9", "Z51.1", "R07.4", "M17.1", "C18.7",
	"D50.9", "E78.0", "I63.9", "J96.0", "K57.3", "U07.1", "E10.9",
	"Z51.01", "C61", "O80", "B20", "E87.1", "R50.9", "T81.4"
};

/* CCAM act codes and whether they are surgical (activity 4 added). */
struct act {
	const char *code;
	int surgical;
};

static const struct act ccam[] = {
	{ "DEQP003", 0 }, { "ZBQK002", 0 }, { "ZCQH001", 0 },
	{ "ACQH003", 0 }, { "HHFA016", 1 }, { "NEKA020", 1 },
	{ "JQGD010", 1 }, { "DZQM006", 0 }, { "HEQE002", 0 },
	{ "GLLD003", 0 }, { "EBLA003", 1 }, { "QEFA004", 1 },
	{ "YYYY015", 0 }, { "JVJF004", 0 }, { "AHQJ021", 0 }
};

/* Laboratory tests: LOINC, label, unit, bounds, value model. */
struct labtest {
	const char *loinc;
	const char *label;
	const char *unit;
	double low, high;	/* reference bounds; low < 0: none printed */
	int has_high;		/* high bound printed */
	int decimals;
	double mean, sd;	/* value distribution */
	double lod;		/* below this: "<lod" (0: never) */
	double lod_high;	/* above this: ">lod_high" (0: never) */
};

static const struct labtest labtests[] = {
	/* 0-4: NFS (complete blood count) */
	{ "718-7", "Hémoglobine", "g/dL", 12, 16, 1, 1, 13.2, 1.8, 0, 0 },
	{ "6690-2", "Leucocytes", "G/L", 4, 10, 1, 2, 7.5, 2.5, 0, 0 },
	{ "777-3", "Plaquettes", "G/L", 150, 400, 1, 0, 250, 70, 0, 0 },
	{ "789-8", "Hématies", "T/L", 4.2, 5.7, 1, 2, 4.7, 0.5, 0, 0 },
	{ "4544-3", "Hématocrite", "%", 37, 50, 1, 1, 41, 4, 0, 0 },
	/* 5-10: ionogram, kidney */
	{ "2951-2", "Sodium", "mmol/L", 136, 145, 1, 0, 139, 3, 0, 0 },
	{ "2823-3", "Potassium", "mmol/L", 3.5, 5.1, 1, 1, 4.2, 0.5, 0, 0 },
	{ "2075-0", "Chlorure", "mmol/L", 98, 107, 1, 0, 102, 3, 0, 0 },
	{ "14682-9", "Créatinine", "µmol/L", 62, 106, 1, 0, 85, 30, 0, 0 },
	{ "22664-7", "Urée", "mmol/L", 2.5, 7.5, 1, 1, 5.5, 2, 0, 0 },
	{ "62238-1", "DFG estimé (CKD-EPI)", "mL/min/1,73m²", 90, 0, 0, 0,
	    80, 25, 0, 90 },
	/* 11-15: liver */
	{ "1920-8", "ASAT (TGO)", "U/L", 0, 35, 1, 0, 28, 12, 0, 0 },
	{ "1742-6", "ALAT (TGP)", "U/L", 0, 45, 1, 0, 30, 15, 0, 0 },
	{ "2324-2", "Gamma-GT", "U/L", 0, 55, 1, 0, 40, 30, 0, 0 },
	{ "6768-6", "Phosphatases alcalines", "U/L", 40, 130, 1, 0, 80, 25,
	    0, 0 },
	{ "14631-6", "Bilirubine totale", "µmol/L", 0, 21, 1, 0, 11, 6, 0, 0 },
	/* 16: CRP */
	{ "1988-5", "Protéine C réactive", "mg/L", -1, 5, 1, 1, 8, 15, 0.5,
	    0 },
	/* 17-18: glucose */
	{ "14749-6", "Glycémie à jeun", "mmol/L", 3.9, 5.8, 1, 2, 5.4, 1.2,
	    0, 0 },
	{ "4548-4", "Hémoglobine glyquée (HbA1c)", "%", 4, 6, 1, 1, 6.2, 1.1,
	    0, 0 },
	/* 19-20: lipids */
	{ "14647-2", "Cholestérol total", "mmol/L", 3.6, 5.2, 1, 2, 5, 0.9,
	    0, 0 },
	{ "14927-8", "Triglycérides", "mmol/L", 0.4, 1.7, 1, 2, 1.4, 0.6,
	    0, 0 },
	/* 21-22: coagulation */
	{ "5894-1", "Taux de prothrombine", "%", 70, 100, 1, 0, 88, 15, 0,
	    0 },
	{ "6301-6", "INR", "", 0.8, 1.2, 1, 2, 1.2, 0.5, 0, 0 },
	/* 23-24: cardiac */
	{ "10839-9", "Troponine I hypersensible", "ng/L", -1, 34, 1, 0, 12,
	    20, 3, 0 },
	{ "33762-6", "NT-proBNP", "pg/mL", -1, 125, 1, 0, 300, 600, 35, 0 },
	/* 25-35: others */
	{ "3016-3", "TSH ultrasensible", "mUI/L", 0.4, 4, 1, 2, 1.8, 1.2,
	    0.01, 0 },
	{ "2276-4", "Ferritine", "µg/L", 30, 400, 1, 0, 150, 120, 0, 0 },
	{ "1751-7", "Albumine", "g/L", 35, 50, 1, 1, 40, 5, 0, 0 },
	{ "2000-8", "Calcium total", "mmol/L", 2.15, 2.55, 1, 2, 2.35, 0.12,
	    0, 0 },
	{ "2524-7", "Lactates", "mmol/L", 0.5, 2.2, 1, 1, 1.4, 0.8, 0, 0 },
	{ "11558-4", "pH artériel", "", 7.35, 7.45, 1, 2, 7.4, 0.04, 0, 0 },
	{ "2019-8", "pCO2 artérielle", "mmHg", 35, 45, 1, 0, 40, 5, 0, 0 },
	{ "2703-7", "pO2 artérielle", "mmHg", 80, 100, 1, 0, 88, 12, 0, 0 },
	{ "30341-2", "Vitesse de sédimentation", "mm/h", 0, 20, 1, 0, 15, 12,
	    0, 0 },
	{ "2157-6", "Créatine kinase (CK)", "U/L", 30, 200, 1, 0, 120, 80, 0,
	    0 },
	{ "2532-0", "LDH", "U/L", 125, 243, 1, 0, 190, 50, 0, 0 }
};

/* Panels: tests usually requested together (indices into labtests). */
struct panel {
	int weight;
	int n;
	int t[6];
};

static const struct panel panels[] = {
	{ 30, 5, { 0, 1, 2, 3, 4 } },		/* NFS */
	{ 25, 6, { 5, 6, 7, 8, 9, 10 } },	/* ionogramme + rein */
	{ 10, 5, { 11, 12, 13, 14, 15 } },	/* bilan hépatique */
	{ 12, 1, { 16 } },			/* CRP */
	{ 6, 2, { 17, 18 } },			/* glycémie, HbA1c */
	{ 4, 2, { 19, 20 } },			/* bilan lipidique */
	{ 5, 2, { 21, 22 } },			/* hémostase */
	{ 4, 2, { 23, 24 } },			/* marqueurs cardiaques */
	{ 3, 1, { 25 } },			/* TSH */
	{ 2, 1, { 26 } },			/* ferritine */
	{ 2, 2, { 27, 28 } },			/* albumine, calcium */
	{ 3, 4, { 29, 30, 31, 32 } },		/* gaz du sang, lactates */
	{ 1, 1, { 33 } },			/* VS */
	{ 2, 2, { 34, 35 } }			/* CK, LDH */
};

static const char *const lab_comments[] = {
	"Contrôlé sur un second prélèvement.",
	"Résultat vérifié ; à interpréter selon le contexte clinique.",
	"Hémolyse légère : interpréter le potassium avec prudence.",
	"Valeur critique téléphonée au {DR} le {DATE} à {HEURE} (poste {TEL}).",
	"Prélèvement \"coagulé\" : à refaire.",
	"Résultat transmis pour {PRENOM} {NOM}, IPP {IPP}, séjour {NDA}.",
	"Commentaire du biologiste :{N}Contrôle demandé sous 48 h.{N}"
	    "Résultat antérieur du {DATE} comparable.",
	"Patient(e) sous AVK ; INR cible 2-3. Joindre le service au {TEL}.",
	"NIR {NIRS} vérifié à l'accueil du laboratoire.",
	"Copie adressée à {DRMAIL}.",
	"Demande non conforme : identité à vérifier ({NOM} {PRENOM}, "
	    "né(e) le {DDN}).",
	"Échantillon reçu à {HEURE}, délai d'acheminement > 4 h ; résultat "
	    "\"sous réserve\".",
	"{CIV} {NOM} joignable au {TEL} ou par courriel : {EMAIL}",
	"Œdème ? Protéinurie à contrôler — résultat à confirmer.",
	"Prélèvement du {DATE} reçu le lendemain.{N}Stabilité non garantie.",
	"Dossier {IPP} : antériorité du {DATE} disponible.",
	"Résultat \"critique\" ; {DR} prévenu(e) à {HEURE}.",
	"Prescription de {DR} ; NIR {NIR}."
};

static const char *const lab_nonresult[] = {
	"Prélèvement hémolysé, analyse non réalisable.",
	"Tube non conforme (\"tube sec\" reçu) : analyse non réalisée.",
	"Quantité insuffisante ; merci de renouveler le prélèvement.",
	"Prélèvement non reçu au laboratoire le {DATE}."
};

/* Radiology: modality, exam label, technique. */
struct exam {
	const char *modality;
	const char *label;
	const char *technique;
};

static const struct exam exams[] = {
	{ "CT", "Scanner thoracique", "Acquisition hélicoïdale thoracique "
	    "sans puis avec injection de produit de contraste iodé." },
	{ "CT", "Scanner cérébral", "Acquisition sans injection, "
	    "reconstructions en fenêtres parenchymateuse et osseuse." },
	{ "CT", "Angioscanner thoracique", "Acquisition au temps artériel "
	    "pulmonaire après injection de 70 mL d'iode." },
	{ "CT", "Scanner abdomino-pelvien", "Acquisition au temps portal "
	    "après injection ; opacification digestive haute." },
	{ "MR", "IRM cérébrale", "Séquences T1, T2 FLAIR, diffusion et T1 "
	    "après injection de gadolinium." },
	{ "MR", "IRM du genou droit", "Séquences DP fat-sat dans les trois "
	    "plans, T1 sagittal." },
	{ "MR", "IRM prostatique multiparamétrique", "Séquences T2, "
	    "diffusion (b 1400) et perfusion." },
	{ "US", "Échographie abdominale", "Examen réalisé à jeun, sonde "
	    "convexe 3,5 MHz." },
	{ "US", "Échographie thyroïdienne", "Sonde linéaire haute "
	    "fréquence ; Doppler couleur." },
	{ "US", "Échographie obstétricale du 2e trimestre", "Voie "
	    "abdominale ; biométries et morphologie." },
	{ "CR", "Radiographie du thorax de face", "Cliché de face debout en "
	    "inspiration." },
	{ "DX", "Radiographie du poignet gauche", "Incidences de face et "
	    "de profil." },
	{ "DX", "Radiographie du bassin de face", "Cliché de face en "
	    "décubitus." },
	{ "MG", "Mammographie bilatérale", "Incidences face et oblique "
	    "externe bilatérales ; tomosynthèse." },
	{ "NM", "Scintigraphie osseuse", "Acquisition corps entier 3 h "
	    "après injection de 99mTc-HMDP (550 MBq)." },
	{ "PT", "TEP-TDM au 18F-FDG", "Acquisition 60 min après injection "
	    "de 3 MBq/kg de 18F-FDG ; glycémie à 5,6 mmol/L." },
	{ "XA", "Coronarographie", "Abord radial droit ; injections "
	    "sélectives des deux réseaux coronaires." },
	{ "RF", "Transit œso-gastro-duodénal", "Ingestion de baryte sous "
	    "scopie ; clichés en réplétion et mucographie." }
};

static const char *const rad_indications[] = {
	"Douleur thoracique atypique depuis le {DATE}.",
	"Bilan d'extension d'un adénocarcinome pulmonaire.",
	"Traumatisme après chute de sa hauteur ; douleur à la palpation.",
	"Céphalées inhabituelles, \"en coup de tonnerre\" selon {CIV} {NOM}.",
	"Suspicion d'appendicite ; CRP à 85 mg/L.",
	"Dépistage organisé du cancer du sein.",
	"Dyspnée d'effort, recherche d'embolie pulmonaire.",
	"Contrôle post-opératoire demandé par {DR}.",
	"Fièvre prolongée, altération de l'état général.",
	"Suivi d'un nodule découvert le {DATE} (examen {ACC})."
};

static const char *const rad_findings[] = {
	"Absence d'épanchement pleural | pas de pneumothorax.",
	"Nodule de 8 mm du lobe supérieur droit, \"en verre dépoli\".",
	"Comparaison avec l'examen du {DATE} : stabilité.",
	"Mesures : 12 x 8 mm | 15 x 9 mm (précédent).",
	"Pas de lésion focale hépatique. Voies biliaires fines.",
	"Épaississement pariétal colique segmentaire, sans collection.",
	"Fracture non déplacée de l'extrémité distale du radius.",
	"Micro-calcifications regroupées du quadrant supéro-externe gauche.",
	"Hypofixation focale sans traduction morphologique.",
	"Identité vérifiée : {NOM} {PRENOM}, né(e) le {DDN}, IPP {IPP}.",
	"Lésion de 23 x 17 mm ; rehaussement \"en cocarde\".",
	"Sténose serrée de l'IVA proximale ; réseau droit sans lésion."
};

static const char *const rad_conclusions[] = {
	"Absence d'anomalie significative.",
	"Aspect compatible avec une pneumopathie lobaire inférieure droite.",
	"ACR 2 | contrôle à un an.",
	"Résultats communiqués par téléphone à {DR} ({TEL}).",
	"Compte rendu adressé à {DRMAIL} le {DATE}.",
	"Pas d'argument pour une embolie pulmonaire.",
	"Lésion suspecte : avis en RCP ; {CIV} {NOM} informé(e).",
	"Examen à compléter par une IRM (rendez-vous le {DATE} à {HEURE})."
};

/* Pathology: organ label and ADICAP organ code. */
struct organ {
	const char *label;
	const char *code;	/* 2 letters */
};

static const struct organ organs[] = {
	{ "Sein gauche", "SE" }, { "Sein droit", "SE" },
	{ "Côlon sigmoïde", "CO" }, { "Rectum", "RE" },
	{ "Prostate", "PR" }, { "Peau (dos)", "PE" },
	{ "Poumon, lobe supérieur droit", "PU" }, { "Col utérin", "UC" },
	{ "Thyroïde", "TH" }, { "Estomac (antre)", "ES" },
	{ "Rein droit", "RE" }, { "Œsophage", "OE" },
	{ "Ganglion axillaire", "GG" }, { "Vésicule biliaire", "VB" }
};

static const char *const adicap_lesions[] = {
	"A7A0", "A7C4", "0000", "M7K0", "B7F0", "C7C2", "J0A0", "T0A0"
};

static const char *const path_macro[] = {
	"Macroscopie : {N}{T}Biopsie de 12 mm et 8 mm, incluse en totalité.",
	"Macroscopie : pièce orientée par un fil (\"fil long = latéral\").",
	"Macroscopie : fragment de 2,3 x 1,1 x 0,6 cm ; encre de Chine.",
	"Macroscopie :{T}3 fragments{T}inclusion totale.",
	"Prélèvement de {PRENOM} {NOM} (IPP {IPP}) reçu le {DATE} à {HEURE}."
};

static const char *const path_micro[] = {
	"Microscopie : prolifération carcinomateuse infiltrante de grade II.",
	"Microscopie : muqueuse d'architecture conservée, sans dysplasie.",
	"Microscopie : adénome tubuleux en dysplasie de bas grade ; "
	    "marges saines.",
	"Microscopie : lésion \"naevique\" jonctionnelle, exérèse complète.",
	"Microscopie : Ki67 à 15 %, RE 90 %, RP 60 %, HER2 score 1+.",
	"Renseignements cliniques : \"nodule suspect\" ; tél. du "
	    "prescripteur {TEL}."
};

static const char *const path_conclusions[] = {
	"Conclusion : carcinome canalaire infiltrant, pT1c.",
	"Conclusion : absence de lésion tumorale.",
	"Conclusion : adénocarcinome acinaire, score de Gleason 7 (3+4).",
	"Conclusion : compte rendu transmis à {DR} ({DRMAIL}).",
	"Conclusion : lésion bénigne ; examen {EXAM} clos.",
	"Conclusion : à confronter aux données cliniques de {CIV} {NOM}."
};

/* Dictation: speech-to-text, with its habits (spoken punctuation). */
static const char *const dict_openings[] = {
	"Compte rendu d'hospitalisation de {CIV} {NOM} {PRENOM}, né(e) le "
	    "{DDNL}, hospitalisé(e) à partir du {DATE}.",
	"Cher confrère, j'ai vu en consultation ce jour {CIV} {PRENOM} {NOM} "
	    "que vous m'avez adressé(e).",
	"Compte rendu opératoire. Patient(e) : {NOM} {PRENOM}, IPP {IPP}.",
	"Lettre de liaison. Séjour numéro {NDA}. {CIV} {NOM}.",
	"Dictée du {DATEL} concernant {PRENOM} {NOM} point à la ligne"
};

static const char *const dict_bodies[] = {
	"Motif d'admission : douleur thoracique, virgule, dyspnée.",
	"Antécédents : diabète de type 2, HTA, \"pas d'allergie connue\".",
	"L'examen clinique retrouve une auscultation normale ; pas d'œdème.",
	"Le scanner du {DATE} montre une image \"en verre dépoli\" du lobe "
	    "inférieur gauche.",
	"Traitement de sortie : Kardégic 75 mg, 1 sachet par jour, "
	    "Bisoprolol 2,5 mg.",
	"Biologie : hémoglobine 10,2 g/dL, CRP à 48, créatinine 110 µmol/L.",
	"Le patient signale « une gêne, comme un poids » depuis trois "
	    "semaines.",
	"Intervention le {DATEL} à {HEURE} ; suites simples.",
	"Numéro de sécurité sociale dicté : {NIRS}.",
	"Je vous remercie de m'avoir adressé ce patient et reste à votre "
	    "disposition."
};

static const char *const dict_closings[] = {
	"Rendez-vous de contrôle le {DATEL} à {HEURE}.",
	"{CIV} {NOM} peut être jointe au {TEL}.",
	"Copie au médecin traitant, {DR}, {DRMAIL}.",
	"Bien confraternellement, {DR}.",
	"Fin de dictée. Relu et validé par {DR}."
};

/* Consent: where a decision was recorded, and study scopes. */
static const char *const consent_sources[] = {
	"portail-patient", "admission", "courrier", "dpi", "consultation"
};

static const char *const study_scopes[] = {
	"study:PROJ-2026-014", "study:PROJ-2025-003", "study:CARDIO-IA-2025"
};
