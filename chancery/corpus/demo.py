"""The demo archive: the ten documents of the page that started Chancery, and three
public-domain state documents with every layer a record can have.

Titles and dates are the documents' own; the summaries are ours. Nothing else is
invented: no document text, and no archival citation we could not vouch for. The three
treaties and decrees (``demo_texts``) carry their Russian text, an English translation and
page images, rendered from the transcript as facsimiles (``facsimile``) and labelled so.
"""

from __future__ import annotations

from typing import NotRequired, TypedDict

from django.core.files.base import ContentFile
from django.db import transaction

from chancery.search.indexing import index_documents, indexing_paused

from . import facsimile, models
from .demo_texts import (
    FACSIMILE_NOTE,
    TEXTS,
    TRANSCRIPT_NOTE,
    TRANSLATION_NOTE,
    TRANSLATOR,
    layer_html,
)

LANGUAGES = {"rus": "Russian", "ger": "German", "chi": "Chinese", "eng": "English"}

# (name, parent) in order, parents first.
PLACES = [
    ("World", None), ("Asia", "World"), ("East Asia", "Asia"), ("Southeast Asia", "Asia"),
    ("China", "East Asia"), ("Beijing", "China"), ("Manchuria", "China"), ("Qingdao", "China"),
    ("Taiwan", "East Asia"), ("Japan", "East Asia"), ("Europe", "World"),
    ("Soviet Union", "Europe"), ("Crimea", "Soviet Union"), ("Moscow", "Soviet Union"),
    ("France", "Europe"), ("Paris", "France"), ("Germany", "Europe"), ("Americas", "World"),
    ("Cuba", "Americas"), ("Havana", "Cuba"), ("United States", "Americas"),
    ("New York", "United States"),
]  # fmt: skip

PLACE_VARIANTS = {
    "Beijing": [("Peking", "postal / Wade-Giles"), ("Peiping", "1928–1949"), ("北京", "Chinese")],
    "Qingdao": [("Tsingtao", "postal"), ("Tsingtau", "German")],
    "Soviet Union": [("USSR", "abbreviation"), ("СССР", "Russian")],
    "Crimea": [("Krym", "Russian, romanised"), ("Крым", "Russian")],
}

PEOPLE = {
    "Erich Honecker": [],
    "Leonid Brezhnev": [("Leonid Brezhnew", "German"), ("Брежнев", "Russian")],
    "N. V. Roshchin": [("Nikolai Roshchin", "full name"), ("Рощин", "Russian")],
    "Luo Ruiqing": [("Lo Jui-ch'ing", "Wade-Giles")],
    "V. M. Molotov": [("Vyacheslav Molotov", "full name"), ("Молотов", "Russian")],
    "Jing Tai": [],
    "Mikhail Gorbachev": [("Gorbatschow", "German"), ("Горбачёв", "Russian")],
    "Deng Xiaoping": [("Teng Hsiao-p'ing", "Wade-Giles"), ("邓小平", "Chinese")],
    "Anastas Mikoyan": [("Mikojan", "German"), ("Микоян", "Russian")],
    "Mao Zedong": [("Mao Tse-tung", "Wade-Giles"), ("Мао Цзэдун", "Russian")],
    "Aleksandr Alekseev": [("Alexandr Alexeyev", "variant"), ("Алексеев", "Russian")],
    "Fidel Castro": [],
    "Nikolai Muravyov": [("Nikolai Muravyov-Amursky", "later title"), ("Муравьёв", "Russian")],
    "I Shan": [("Yishan", "pinyin"), ("奕山", "Chinese")],
    "Andrei Vyshinsky": [("Вышинский", "Russian")],
    "Zhou Enlai": [("Chou En-lai", "Wade-Giles"), ("周恩来", "Chinese")],
    "Nikita Khrushchev": [("Khrushchov", "variant"), ("Chruschtschow", "German"),
                          ("Хрущёв", "Russian")],
}  # fmt: skip
ORGANISATIONS = [
    "Central Committee of the Communist Party of the Soviet Union",
    "Politburo of the CPSU Central Committee",
    "Chinese Communist Party",
    "Second All-Russian Congress of Soviets",
]

REPOSITORIES = {
    "SAPMO": "Stiftung Archiv der Parteien und Massenorganisationen der DDR im Bundesarchiv",
    "AVP RF": "Archive of Foreign Policy of the Russian Federation",
    "APRF": "Archive of the President of the Russian Federation",
    "Gorbachev Foundation": "Gorbachev Foundation Archive",
}

# (slug, title, parent slug, featured, short description)
COLLECTIONS = [
    ("sino-soviet-relations", "Sino-Soviet Relations", None, True,
     "Alliance, split and rapprochement between Moscow and Beijing."),
    ("sino-soviet-alliance", "The Sino-Soviet Alliance, 1946–1958", "sino-soviet-relations",
     False, "From the civil war in China to the Taiwan Strait Crisis."),
    ("sino-soviet-rivalry", "Rivalry and Rapprochement, 1978–1989", "sino-soviet-relations",
     False, "Soviet worries about China and the United States, and the 1989 summit."),
    ("cuban-missile-crisis", "The Cuban Missile Crisis", None, True,
     "Soviet, Cuban and American views of the crisis of October 1962 and its aftermath."),
    ("end-of-the-cold-war", "The End of the Cold War", None, True,
     "Gorbachev's new thinking in foreign policy."),
    ("treaties-and-decrees", "Treaties and State Documents", None, True,
     "Public-domain texts in Russian with English translations and page facsimiles, "
     "to read side by side."),
]  # fmt: skip


class DemoDocument(TypedDict):
    public_id: str
    date: str
    title: str
    summary: str
    type: str
    languages: list[str]
    collections: list[str]
    subjects: list[str]
    places: list[str]
    people: NotRequired[list[str]]
    creators: NotRequired[list[str]]
    repositories: NotRequired[list[str]]
    status: NotRequired[str]


DOCUMENTS: list[DemoDocument] = [
    {
        "public_id": "1",
        "date": "1978-07-25",
        "title": "Transcript, Meeting of East German leader Erich Honecker and Soviet leader "
        "Leonid Brezhnev, Crimea, 25 July 1978 (excerpt)",
        "summary": "Meeting in the Crimea, the two leaders review the strained state of "
        "relations between Moscow and Washington and exchange views on China and on "
        "Southeast Asia.",
        "type": "Transcript", "languages": ["ger"], "collections": ["sino-soviet-rivalry"],
        "subjects": ["Soviet-American relations", "Sino-Soviet relations", "Southeast Asia"],
        "places": ["Crimea", "China", "Southeast Asia"],
        "people": ["Erich Honecker", "Leonid Brezhnev"], "repositories": ["SAPMO"],
    },
    {
        "public_id": "2",
        "date": "1958-09-27",
        "title": "Letter, Central Committee of the Communist Party of the Soviet Union to the "
        "Chinese Communist Party, on the Soviet Union's Readiness to Provide Assistance to "
        "China in the Event of an Attack",
        "summary": "Written during the Taiwan Strait Crisis: Moscow assures the Chinese "
        "leadership that the Soviet Union would come to China's defence if the United States "
        "attacked it with nuclear weapons.",
        "type": "Letter", "languages": ["rus"], "collections": ["sino-soviet-alliance"],
        "subjects": ["Taiwan Strait Crisis, 1958", "Nuclear weapons", "Sino-Soviet relations"],
        "places": ["China", "Taiwan", "United States"],
        "creators": ["Central Committee of the Communist Party of the Soviet Union"],
        "people": ["Chinese Communist Party"],
    },
    {
        "public_id": "3",
        "date": "1980-10-02",
        "title": "CPSU CC Politburo Directive to Soviet Ambassadors and Representatives, "
        "'Carrying Out Additional Measures to Counter American-Chinese Military Cooperation'",
        "summary": "The Politburo instructs Soviet ambassadors on how to respond to the "
        "deepening military ties between the United States and China.",
        "type": "Directive", "languages": ["rus"], "collections": ["sino-soviet-rivalry"],
        "subjects": ["Sino-American relations", "Military cooperation", "Sino-Soviet relations"],
        "places": ["China", "United States"],
        "creators": ["Politburo of the CPSU Central Committee"],
    },
    {
        "public_id": "4",
        "date": "1952-01-18",
        "title": "Memorandum of Conversation, Soviet Ambassador to China N.V. Roshchin with "
        "Chinese Minister of Public Security Luo Ruiqing, 24 December 1951",
        "summary": "Luo Ruiqing explains the Chinese government's plan to expel foreigners "
        "from imperialist countries from Manchuria, Qingdao and Beijing within two years, and "
        "the two men discuss the harder question of Soviet citizens living in China, some of "
        "whom are suspected of working against the USSR and the People's Republic.",
        "type": "Memorandum of Conversation", "languages": ["rus"],
        "collections": ["sino-soviet-alliance"],
        "subjects": ["Foreigners in China", "Public security", "Sino-Soviet relations"],
        "places": ["Manchuria", "Qingdao", "Beijing"],
        "people": ["N. V. Roshchin", "Luo Ruiqing"], "repositories": ["AVP RF"],
    },
    {
        "public_id": "5",
        "date": "1946-05-06",
        "title": "From the Diary of V.M. Molotov, Reception of the Chinese Ambassador to "
        "France, Jing Tai, on 6 May 1946 at 3:00 p.m. in the Soviet Embassy in Paris",
        "summary": "The Chinese ambassador raises the German question: China sees a settlement "
        "on Germany as a possible model for the Japanese surrender and asks Molotov to let "
        "China take part in the negotiations. The trials of Japanese war criminals also come "
        "up.",
        "type": "Diary", "languages": ["rus"], "collections": ["sino-soviet-alliance"],
        "subjects": ["German question", "War crimes trials", "Sino-Soviet relations"],
        "places": ["Paris", "Germany", "Japan"],
        "people": ["V. M. Molotov", "Jing Tai"], "creators": ["V. M. Molotov"],
        "repositories": ["AVP RF"],
    },
    {
        "public_id": "6",
        "date": "1989-05-16",
        "title": "Meeting between Mikhail Gorbachev and Deng Xiaoping (Excerpts)",
        "summary": "At the Beijing summit that ended three decades of estrangement, Gorbachev "
        "and Deng talk about the relationship between their countries and about each side's "
        "relations with the United States.",
        "type": "Memorandum of Conversation", "languages": ["rus"],
        "collections": ["sino-soviet-rivalry", "end-of-the-cold-war"],
        "subjects": ["Sino-Soviet relations", "Soviet-American relations"],
        "places": ["Beijing"], "people": ["Mikhail Gorbachev", "Deng Xiaoping"],
        "repositories": ["Gorbachev Foundation"],
    },
    {
        "public_id": "7",
        "date": "1949-01-31",
        "title": "Notes by Anastas Mikoyan ahead of Meetings with Mao Zedong",
        "summary": "Mikoyan's notes from his secret mission to the Chinese communist leadership "
        "cover relations with the United States and the Western powers, the nationalisation "
        "of foreign-owned factories, and his advice on building the new government. He "
        "records that China, in his view, would have to find its own path rather than copy the "
        "Soviet revolution or the people's democracies.",
        "type": "Notes", "languages": ["rus"], "collections": ["sino-soviet-alliance"],
        "subjects": ["Chinese Communist Revolution", "Nationalisation", "Sino-Soviet relations"],
        "places": ["China"], "people": ["Anastas Mikoyan", "Mao Zedong"],
        "creators": ["Anastas Mikoyan"], "repositories": ["APRF"],
    },
    {
        "public_id": "8",
        "date": "1988-12-07",
        "title": "Address by Mikhail Gorbachev at the UN General Assembly Session (Excerpts)",
        "summary": "Before the 43rd session of the General Assembly, Gorbachev announces deep "
        "unilateral cuts in Soviet forces in Eastern Europe and on the border with China.",
        "type": "Speech", "languages": ["rus"], "collections": ["end-of-the-cold-war"],
        "subjects": ["Arms control", "Troop reductions", "United Nations"],
        "places": ["New York"], "people": ["Mikhail Gorbachev"],
        "creators": ["Mikhail Gorbachev"],
    },
    {
        "public_id": "9",
        "date": "1962-11-02",
        "title": "Ciphered Telegram from Ambassador to Cuba Alekseev to the Central Committee "
        "for the Communist Party of the Soviet Union",
        "summary": "The Soviet ambassador reconstructs how Fidel Castro came to write his letter "
        "of 27 October to Khrushchev: his anger and suspicion at the height of the crisis, his "
        "visit to the embassy in the night of 26–27 October, and the mood of the Cuban "
        "leadership. Alekseev advises Moscow on how to deal with Castro.",
        "type": "Telegram", "languages": ["rus"], "collections": ["cuban-missile-crisis"],
        "subjects": ["Cuban Missile Crisis, 1962", "Soviet-Cuban relations"],
        "places": ["Havana", "Cuba"],
        "people": ["Aleksandr Alekseev", "Fidel Castro", "Nikita Khrushchev"],
        "creators": ["Aleksandr Alekseev"], "repositories": ["AVP RF"],
    },
    {
        "public_id": "10",
        "date": "1954-04-15",
        "title": "The Question of a Conference of the Five Great Powers with the "
        "Participation of the PRC",
        "summary": "At the meeting of the foreign ministers of the Soviet Union, the United "
        "States, Britain and France, Moscow proposes a five-power conference that would "
        "include the People's Republic of China; the Western powers refuse to admit China.",
        "type": "Report", "languages": ["rus"], "collections": ["sino-soviet-alliance"],
        "subjects": ["Great-power conferences", "Sino-Soviet relations"],
        "places": ["China"],
        # Left as a draft so editors can try publishing in the back office.
        "status": models.Document.DRAFT,
    },
]  # fmt: skip

RIGHTS = (
    "For research and teaching",
    "Shared for research and teaching. Ask the holding repository before republishing.",
)


PUBLIC_DOMAIN = (
    "Public domain",
    "Official documents of states (treaties, decrees) are not subject to copyright. "
    "The English translations and facsimiles were made for the demo and may be reused freely.",
)


def _get(model, **lookup):
    return model.objects.get_or_create(**lookup)[0]


def _authorities():
    for code, name in LANGUAGES.items():
        models.Language.objects.update_or_create(code=code, defaults={"name": name})
    places: dict[str, models.Place] = {}
    for name, parent in PLACES:
        place = _get(models.Place, name=name)
        place.parent = places[parent] if parent else None
        place.save()
        places[name] = place
        for variant, note in PLACE_VARIANTS.get(name, []):
            models.PlaceVariant.objects.get_or_create(place=place, name=variant, note=note)
    agents = {}
    for name, variants in PEOPLE.items():
        agents[name] = _get(models.Agent, name=name, kind=models.Agent.PERSON)
        for variant, note in variants:
            models.AgentVariant.objects.get_or_create(agent=agents[name], name=variant, note=note)
    for name in ORGANISATIONS:
        agents[name] = _get(models.Agent, name=name, kind=models.Agent.ORGANISATION)
    repositories = {key: _get(models.Repository, name=name) for key, name in REPOSITORIES.items()}
    collections: dict[str, models.Collection] = {}
    for position, (slug, title, parent, featured, short) in enumerate(COLLECTIONS):
        collections[slug], _ = models.Collection.objects.update_or_create(
            slug=slug,
            defaults={
                "title": title, "parent": collections[parent] if parent else None,
                "featured": featured, "short_description": short, "position": position,
            },
        )  # fmt: skip
    rights, _ = models.Rights.objects.get_or_create(name=RIGHTS[0], defaults={"text": RIGHTS[1]})
    return places, agents, repositories, collections, rights


@transaction.atomic
def load_demo(texts: bool = True) -> int:
    """Create or update the demo archive; return the number of documents. ``texts=False``
    leaves out the three state documents with text layers and scans (tests whose counts
    are pinned to the ten catalogue records)."""
    places, agents, repositories, collections, rights = _authorities()
    with indexing_paused():
        pks = []
        for data in DOCUMENTS:
            doc, _ = models.Document.objects.update_or_create(
                public_id=data["public_id"],
                defaults={
                    "title": data["title"], "summary": data["summary"], "date": data["date"],
                    "doc_type": _get(models.DocumentType, name=data["type"]), "rights": rights,
                    "status": data.get("status", models.Document.PUBLISHED),
                },
            )  # fmt: skip
            doc.languages.set(models.Language.objects.filter(code__in=data["languages"]))
            doc.subjects.set([_get(models.Subject, name=s) for s in data["subjects"]])
            doc.places.set([places[p] for p in data["places"]])
            doc.people.set([agents[p] for p in data.get("people", [])])
            doc.creators.set([agents[p] for p in data.get("creators", [])])
            doc.repositories.set([repositories[r] for r in data.get("repositories", [])])
            for position, slug in enumerate(data["collections"]):
                models.Membership.objects.update_or_create(
                    collection=collections[slug], document=doc,
                    defaults={"position": int(data["public_id"]) + position},
                )  # fmt: skip
            pks.append(doc.pk)
        by_id = {d.public_id: d for d in models.Document.objects.filter(pk__in=pks)}
        by_id["6"].related.add(by_id["8"])
        by_id["4"].related.add(by_id["7"])
        if texts:
            pks += _texts(places, agents, collections)
    index_documents(pks)
    return len(pks)


def _texts(places, agents, collections) -> list[int]:
    """The three state documents, each with its Russian transcript, English translation
    and one facsimile page image per page (made again on every load: the demo is data)."""
    rights, _ = models.Rights.objects.get_or_create(
        name=PUBLIC_DOMAIN[0], defaults={"text": PUBLIC_DOMAIN[1]}
    )
    russian = models.Language.objects.get(code="rus")
    english = models.Language.objects.get(code="eng")
    treaties = collections["treaties-and-decrees"]
    pks = []
    for position, data in enumerate(TEXTS, start=1):
        doc, _ = models.Document.objects.update_or_create(
            public_id=data["public_id"],
            defaults={
                "title": data["title"], "summary": data["summary"], "date": data["date"],
                "source": data["source"], "rights": rights,
                "doc_type": _get(models.DocumentType, name=data["type"]),
                "status": models.Document.PUBLISHED,
            },
        )  # fmt: skip
        doc.languages.set([russian])
        doc.subjects.set([_get(models.Subject, name=s) for s in data["subjects"]])
        doc.places.set([places[p] for p in data["places"]])
        doc.people.set([agents[p] for p in data["people"]])
        doc.creators.set([agents[p] for p in data["creators"]])
        models.Membership.objects.update_or_create(
            collection=treaties, document=doc, defaults={"position": position}
        )
        prefix = f"d{data['public_id']}"
        models.Transcript.objects.update_or_create(
            document=doc, position=0,
            defaults={"label": "Original", "language": russian,
                      "html": layer_html(data["russian"], f"{prefix}-ru", TRANSCRIPT_NOTE)},
        )  # fmt: skip
        models.Translation.objects.update_or_create(
            document=doc, position=0,
            defaults={"label": "Translation", "language": english,
                      "translator": TRANSLATOR,
                      "html": layer_html(data["english"], f"{prefix}-en", TRANSLATION_NOTE)},
        )  # fmt: skip
        for scan in doc.scans.all():  # the facsimiles are made again from the text
            scan.file.delete(save=False)
            scan.delete()
        for number, page in enumerate(data["russian"]["pages"], start=1):
            image = facsimile.render_page(
                page, str(number), data["heading_ru"] if number == 1 else "", FACSIMILE_NOTE
            )
            scan = models.Scan(
                document=doc, position=number,
                label=f"Page {number} (facsimile rendered from the transcript)",
            )  # fmt: skip
            scan.file.save(f"demo-{data['public_id']}-p{number}.png", ContentFile(image),
                           save=True)  # fmt: skip
        pks.append(doc.pk)
    return pks
