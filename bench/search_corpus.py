"""A generated bilingual press-office catalogue for the search benchmark: deterministic for a given seed."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

CITIES = [("Brussels", "Bruxelles", "Belgium", "Belgique"), ("Vilnius", "Vilnius", "Lithuania", "Lituanie"),
          ("Washington", "Washington", "United States", "États-Unis"), ("Madrid", "Madrid", "Spain", "Espagne"),
          ("Ottawa", "Ottawa", "Canada", "Canada"), ("The Hague", "La Haye", "Netherlands", "Pays-Bas"),
          ("Warsaw", "Varsovie", "Poland", "Pologne"), ("London", "Londres", "United Kingdom", "Royaume-Uni"),
          ("Rome", "Rome", "Italy", "Italie"), ("Berlin", "Berlin", "Germany", "Allemagne"),
          ("Oslo", "Oslo", "Norway", "Norvège"), ("Tallinn", "Tallinn", "Estonia", "Estonie"),
          ("Bucharest", "Bucarest", "Romania", "Roumanie"), ("Ankara", "Ankara", "Türkiye", "Türkiye"),
          ("Riga", "Riga", "Latvia", "Lettonie"), ("Helsinki", "Helsinki", "Finland", "Finlande"),
          ("Stockholm", "Stockholm", "Sweden", "Suède"), ("Lisbon", "Lisbonne", "Portugal", "Portugal"),
          ("Athens", "Athènes", "Greece", "Grèce"), ("Prague", "Prague", "Czechia", "Tchéquie")]
TOPICS = [("defence spending", "dépenses de défense"), ("negotiations", "négociations"),
          ("cyber defence", "cyberdéfense"), ("maritime security", "sécurité maritime"),
          ("arms control", "maîtrise des armements"), ("air policing", "police du ciel"),
          ("climate and security", "climat et sécurité"), ("support for partners", "soutien aux partenaires"),
          ("industrial production", "production industrielle"), ("space policy", "politique spatiale"),
          ("counter-terrorism", "lutte contre le terrorisme"), ("energy security", "sécurité énergétique"),
          ("missile defence", "défense antimissile"), ("military mobility", "mobilité militaire"),
          ("innovation", "innovation"), ("women, peace and security", "femmes, paix et sécurité"),
          ("hybrid threats", "menaces hybrides"), ("crisis management", "gestion de crise"),
          ("deterrence", "dissuasion"), ("reinforcement of the eastern flank", "renforcement du flanc est")]
EXTRA_TOPICS = [
    ("logistics", "logistique"), ("submarines", "sous-marins"), ("air defence", "défense aérienne"),
    ("border security", "sécurité des frontières"), ("humanitarian aid", "aide humanitaire"),
    ("peacekeeping", "maintien de la paix"), ("disinformation", "désinformation"), ("ammunition", "munitions"),
    ("training mission", "mission de formation"), ("satellites", "satellites"), ("drones", "drones"),
    ("artificial intelligence", "intelligence artificielle"), ("critical infrastructure", "infrastructures critiques"),
    ("undersea cables", "câbles sous-marins"), ("nuclear policy", "politique nucléaire"), ("budget", "budget"),
    ("enlargement", "élargissement"), ("the Arctic", "l'Arctique"), ("the Black Sea", "la mer Noire"),
    ("the Western Balkans", "les Balkans occidentaux"), ("the Sahel", "le Sahel"), ("medical support",
    "soutien médical"), ("search and rescue", "recherche et sauvetage"),
    ("fuel supply", "approvisionnement en carburant"),
    ("standardisation", "normalisation"), ("capability targets", "objectifs capacitaires"), ("readiness",
    "disponibilité opérationnelle"), ("naval patrols", "patrouilles navales"), ("mine clearance", "déminage"),
    ("cyber attacks", "cyberattaques"), ("quantum technology", "technologies quantiques"), ("wildfires",
    "feux de forêt"), ("floods", "inondations"), ("pipelines", "gazoducs"), ("helicopters", "hélicoptères"),
    ("tanks", "chars"), ("frigates", "frégates"), ("air transport", "transport aérien"), ("fuel depots",
    "dépôts de carburant"), ("veterans", "anciens combattants"), ("youth", "jeunesse"), ("science", "science"),
    ("public diplomacy", "diplomatie publique"), ("resilience", "résilience"), ("strategic concept",
    "concept stratégique"), ("partnerships", "partenariats"), ("interoperability", "interopérabilité"),
    ("defence industry", "industrie de défense"), ("procurement", "acquisitions"), ("research", "recherche"),
]
EXTRA_CITIES = [
    ("Copenhagen", "Copenhague", "Denmark", "Danemark"), ("Reykjavik", "Reykjavik", "Iceland", "Islande"),
    ("Luxembourg", "Luxembourg", "Luxembourg", "Luxembourg"), ("Paris", "Paris", "France", "France"),
    ("Sofia", "Sofia", "Bulgaria", "Bulgarie"), ("Zagreb", "Zagreb", "Croatia", "Croatie"),
    ("Tirana", "Tirana", "Albania", "Albanie"), ("Skopje", "Skopje", "North Macedonia", "Macédoine du Nord"),
    ("Podgorica", "Podgorica", "Montenegro", "Monténégro"), ("Bratislava", "Bratislava", "Slovakia", "Slovaquie"),
    ("Ljubljana", "Ljubljana", "Slovenia", "Slovénie"), ("Budapest", "Budapest", "Hungary", "Hongrie"),
    ("Naples", "Naples", "Italy", "Italie"), ("Norfolk", "Norfolk", "United States", "États-Unis"),
    ("Mons", "Mons", "Belgium", "Belgique"), ("Ramstein", "Ramstein", "Germany", "Allemagne"),
    ("Brunssum", "Brunssum", "Netherlands", "Pays-Bas"), ("Geilenkirchen", "Geilenkirchen", "Germany", "Allemagne"),
    ("Andøya", "Andøya", "Norway", "Norvège"), ("Constanța", "Constanța", "Romania", "Roumanie"),
    ("Gdańsk", "Gdańsk", "Poland", "Pologne"), ("Kaunas", "Kaunas", "Lithuania", "Lituanie"),
    ("Tartu", "Tartu", "Estonia", "Estonie"), ("Toronto", "Toronto", "Canada", "Canada"),
    ("Halifax", "Halifax", "Canada", "Canada"), ("Izmir", "Izmir", "Türkiye", "Türkiye"),
    ("Thessaloniki", "Thessalonique", "Greece", "Grèce"), ("Porto", "Porto", "Portugal", "Portugal"),
    ("Seville", "Séville", "Spain", "Espagne"), ("Edinburgh", "Édimbourg", "United Kingdom", "Royaume-Uni"),
]
TOPICS = TOPICS + EXTRA_TOPICS
CITIES = CITIES + EXTRA_CITIES
MEETINGS = [("summit", "sommet"), ("meeting of defence ministers", "réunion des ministres de la Défense"),
            ("meeting of foreign ministers", "réunion des ministres des Affaires étrangères"),
            ("press conference", "conférence de presse"), ("visit", "visite"), ("exercise", "exercice"),
            ("conference", "conférence"), ("round table", "table ronde"), ("seminar", "séminaire"),
            ("parliamentary assembly", "assemblée parlementaire"), ("ceremony", "cérémonie"),
            ("working lunch", "déjeuner de travail"), ("bilateral meeting", "réunion bilatérale"),
            ("town hall", "débat public"), ("trip", "déplacement"), ("forum", "forum"), ("workshop", "atelier"),
            ("signing ceremony", "cérémonie de signature"), ("interview", "entretien"), ("briefing", "point presse"),
            ("change of command", "passation de commandement"), ("open day", "journée portes ouvertes")]
ROLES = [("Secretary General", "Secrétaire général"), ("Deputy Secretary General", "Secrétaire général adjoint"),
         ("Chair of the Military Committee", "Président du Comité militaire"),
         ("Defence Minister", "ministre de la Défense"), ("Foreign Minister", "ministre des Affaires étrangères"),
         ("Prime Minister", "Premier ministre"), ("President", "Président")]
VERBS = [("discusses", "évoque"), ("welcomes progress on", "salue les progrès en matière de"),
         ("calls for more", "appelle à davantage de"), ("opens talks on", "ouvre les discussions sur"),
         ("highlights", "souligne"), ("reviews", "examine"), ("announces new measures on",
                                                             "annonce de nouvelles mesures de")]
SHOTS = [("Wide shot of the venue, flags", "Plan large du lieu, drapeaux"),
         ("{role} arrives and greets the hosts", "{role_fr} arrive et salue ses hôtes"),
         ("SOUNDBITE (English): {role} on {topic}", "EXTRAIT SONORE (anglais) : {role_fr} sur {topic_fr}"),
         ("Cutaways: delegations, interpreters' booths", "Plans de coupe : délégations, cabines d'interprètes"),
         ("Family photo of the participants", "Photo de famille des participants"),
         ("Press conference, questions from journalists", "Conférence de presse, questions des journalistes"),
         ("Aerial view of the exercise area", "Vue aérienne de la zone d'exercice"),
         ("Landing craft approach the beach", "Les engins de débarquement approchent de la plage"),
         ("Fighter jets take off from the air base", "Des avions de chasse décollent de la base aérienne"),
         ("Troops board vehicles in the snow", "Les troupes embarquent dans des véhicules sous la neige"),
         ("Close-up of the signing of the agreement", "Gros plan sur la signature de l'accord"),
         ("Ships sail in formation at sea", "Des navires naviguent en formation en mer")]
SENTENCES = [
    ("Allies agreed to step up {topic} and to review progress at the next {meeting}.",
     "Les Alliés sont convenus de renforcer leurs efforts en matière de {topic_fr} "
     "et de faire le point lors du prochain {meeting_fr}."),
    ("The {role} said that {topic} remains a priority for all nations.",
     "Le {role_fr} a déclaré que les {topic_fr} restent une priorité pour toutes les nations."),
    ("Talks in {city} focused on {topic} and on cooperation with industry.",
     "Les discussions à {city_fr} ont porté sur les {topic_fr} et sur la coopération avec l'industrie."),
    ("Participants from {n} countries took part in the {meeting}.",
     "Des participants de {n} pays ont pris part au {meeting_fr}."),
    ("Negotiations continued late into the night before an agreement was reached.",
     "Les négociations se sont poursuivies tard dans la nuit avant qu'un accord ne soit trouvé."),
    ("The {meeting} in {city} was the first of its kind since {year}.",
     "Le {meeting_fr} à {city_fr} était le premier du genre depuis {year}."),
    ("Ministers welcomed the new plan for {topic}.", "Les ministres ont salué le nouveau plan de {topic_fr}."),
]
FIRST = ["Anna", "Mark", "Jens", "Maria", "Pieter", "Sofia", "Luc", "Ingrid", "Tomas", "Claire", "Mircea", "Ayşe",
         "Jan", "Elena", "Henrik", "Giulia", "Andrzej", "Zoé", "Kristjan", "Inês"]
LAST = ["Example", "Nordberg", "Dubois", "Kowalski", "Rossi", "Jansen", "Lefèvre", "Petrov", "Müller", "Silva",
        "Öztürk", "Novák", "Larsen", "Ionescu", "Tamm", "Berzins", "Virtanen", "García", "Smith", "Papadopoulos"]


@dataclass
class GenItem:
    kind: str
    title_en: str
    title_fr: str
    summary_en: str
    summary_fr: str
    description_en: str
    description_fr: str
    location: str
    event: int  # index into events, -1 for none
    tags: list[int]
    people: list[int]
    shots: list[tuple[str, str, str, str]] = field(default_factory=list)
    days_ago: float = 0.0
    shot_days_ago: int = 0
    status: str = "published"


def _fill(rng: random.Random, template: str, ctx: dict[str, str]) -> str:
    return template.format(**ctx)


def _context(rng: random.Random) -> dict[str, str]:
    city = rng.choice(CITIES)
    topic = rng.choice(TOPICS)
    meeting = rng.choice(MEETINGS)
    role = rng.choice(ROLES)
    return {"city": city[0], "city_fr": city[1], "country": city[2], "country_fr": city[3], "topic": topic[0],
            "topic_fr": topic[1], "meeting": meeting[0], "meeting_fr": meeting[1], "role": role[0],
            "role_fr": role[1], "n": str(rng.randint(3, 40)), "year": str(rng.randint(1995, 2025))}


def events(rng: random.Random, count: int) -> list[tuple[str, str, str]]:
    out = []
    for _ in range(count):
        ctx = _context(rng)
        year = rng.randint(2015, 2026)
        out.append((f"{ctx['meeting'].capitalize()} in {ctx['city']} {year}",
                    f"{ctx['meeting_fr'].capitalize()} à {ctx['city_fr']} {year}", f"{ctx['city']}, {ctx['country']}"))
    return out


def people(count: int) -> list[str]:
    return [f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]}" for i in range(count)]


def item(rng: random.Random, *, n_events: int, n_tags: int, n_people: int, kind: str | None = None) -> GenItem:
    ctx = _context(rng)
    kind = kind or rng.choices(["video", "photo", "audio"], weights=[5, 4, 1])[0]
    verb = rng.choice(VERBS)
    title_en = f"{ctx['role']} {verb[0]} {ctx['topic']} in {ctx['city']}"
    title_fr = f"Le {ctx['role_fr']} {verb[1]} {ctx['topic_fr']} à {ctx['city_fr']}"
    sentences = rng.sample(SENTENCES, k=rng.randint(2, 5))
    description_en = " ".join(_fill(rng, en, _context(rng) | {"topic": ctx["topic"]}) for en, _ in sentences)
    description_fr = " ".join(_fill(rng, fr, _context(rng) | {"topic_fr": ctx["topic_fr"]}) for _, fr in sentences)
    shots = []
    if kind == "video" and rng.random() < 0.8:
        second = 0
        for en, fr in rng.sample(SHOTS, k=rng.randint(3, 8)):
            length = rng.randint(4, 40)
            shots.append((_tc(second), _tc(second + length), en.format(**ctx), fr.format(**ctx)))
            second += length
    return GenItem(
        kind=kind, title_en=title_en, title_fr=title_fr,
        summary_en=f"{ctx['meeting'].capitalize()} in {ctx['city']}, {ctx['country']}.",
        summary_fr=f"{ctx['meeting_fr'].capitalize()} à {ctx['city_fr']} ({ctx['country_fr']}).",
        description_en=description_en, description_fr=description_fr,
        location=f"{ctx['city']}, {ctx['country']}", event=rng.randrange(n_events) if rng.random() < 0.7 else -1,
        tags=rng.sample(range(n_tags), k=rng.randint(0, 3)), people=rng.sample(range(n_people), k=rng.randint(0, 2)),
        shots=shots, days_ago=rng.uniform(0, 3650), shot_days_ago=rng.randint(1, 3651),
        status=rng.choices(["published", "draft", "scheduled", "withdrawn"], weights=[94, 3, 2, 1])[0],
    )


def _tc(second: int) -> str:
    return f"{second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}:00"
