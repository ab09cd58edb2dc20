"""Three public-domain state documents for the demo, each with its original-language
transcript (Russian), an English translation and page scans.

The Russian texts are official documents: treaties and decrees are not subject to copyright
(Civil Code of the Russian Federation, art. 1259(6); the 1858 treaty is long out of any term).
The transcripts were typed for the demo in modern spelling; check them against the printed
source named in ``source`` before quoting them. The English translations were made for the
demo by its editors (translator "Chancery"). The "scans" are facsimiles rendered from the
transcripts (:mod:`chancery.corpus.facsimile`), not photographs of the originals, and say so
on every image and in every caption.

A page is a list of paragraphs; "[…]" marks an omission. Page numbers are the facsimile's
pages, the same in both layers, so the reading view can set them side by side.
"""

from __future__ import annotations

from typing import TypedDict


class Note(TypedDict):
    mark: str  # the word after which the note's number stands
    text: str


class Layer(TypedDict):
    pages: list[list[str]]
    notes: list[Note]


class TreatyText(TypedDict):
    public_id: str
    date: str
    title: str
    summary: str
    type: str
    source: str
    places: list[str]
    people: list[str]
    creators: list[str]  # the signatories or the body that adopted it
    subjects: list[str]
    heading_ru: str
    russian: Layer
    english: Layer


TRANSCRIPT_NOTE = "Transcript typed for the demo from the printed text named as its source."
TRANSLATION_NOTE = "English translation made for the demo by its editors."
FACSIMILE_NOTE = (
    "Facsimile rendered from the transcript for the demo, not a photograph of the original."
)
#: One word, so citations keep it whole (a name of two words is read as a person's).
TRANSLATOR = "Chancery"

TEXTS: list[TreatyText] = [
    {
        "public_id": "11",
        "date": "1858-05-28",
        "title": "Treaty of Aigun between Russia and the Qing Empire, Aigun, 16 (28) May 1858",
        "summary": "Governor-General Nikolai Muravyov and the Qing commander I Shan fix the "
        "Amur as the frontier: the left bank to Russia, the right bank down to the Ussuri to "
        "the Qing, the land between the Ussuri and the sea held in common, the rivers closed "
        "to other nations' ships and trade opened along them.",
        "type": "Treaty",
        "source": "Russian text as reprinted in Сборник договоров России с другими "
        "государствами, 1856–1917 (Moscow: Gospolitizdat, 1952)",
        "places": ["Manchuria", "China"],
        "people": ["Nikolai Muravyov", "I Shan"],
        "creators": ["Nikolai Muravyov", "I Shan"],
        "subjects": ["Treaties", "Boundaries", "Amur River", "Russo-Chinese relations"],
        "heading_ru": "Айгунский договор",
        "russian": {
            "pages": [
                [
                    "Великого Российского государства генерал-губернатор всей Восточной "
                    "Сибири, государя императора Александра Николаевича генерал-адъютант, "
                    "генерал-лейтенант Николай Муравьев и великого Дайцинского государства "
                    "генерал-цзянь-цзюнь, главнокомандующий Амурскими войсками, князь И Шань, "
                    "по общему согласию, ради большей вечной взаимной дружбы двух государств, "
                    "для пользы их подданных, постановили:",
                    "1. Левый берег реки Амура, начиная от реки Аргуни до морского устья "
                    "р. Амура, да будет владением Российского государства, а правый берег, "
                    "считая вниз по течению до р. Уссури, владением Дайцинского государства; "
                    "от реки Уссури далее до моря находящиеся места и земли, впредь до "
                    "определения по сим местам границы между двумя государствами, как ныне да "
                    "будут в общем владении Дайцинского и Российского государств. По рекам "
                    "Амуру, Сунгари и Уссури могут плавать только суда Дайцинского и "
                    "Российского государств; всех же прочих иностранных государств судам по "
                    "сим рекам плавать не должно. Находящихся по левому берегу р. Амура от "
                    "р. Зеи на юг, до деревни Хормолдзинь, маньчжурских жителей оставить "
                    "вечно на прежних местах их жительства, под ведением маньчжурского "
                    "правительства, с тем чтобы русские жители обид и притеснений им не делали.",
                ],
                [
                    "2. Для взаимной дружбы подданных двух государств дозволяется взаимная "
                    "торговля проживающим по рекам Уссури, Амуру и Сунгари подданным обоих "
                    "государств, а начальствующие должны взаимно покровительствовать на "
                    "обоих берегах торгующим людям двух государств.",
                    "3. Что Российского государства уполномоченный генерал-губернатор "
                    "Муравьев и Дайцинского государства уполномоченный амурский "
                    "главнокомандующий И Шань обоюдно согласились, да будет исполняемо в "
                    "точности и ненарушимо на вечные времена; для чего Российского "
                    "государства генерал-губернатор Муравьев, написавши на русском и "
                    "маньчжурском языках, передал Дайцинского государства главнокомандующему "
                    "И Шаню, а Дайцинского государства главнокомандующий И Шань, написавши на "
                    "маньчжурском и монгольском языках, передал Российского государства "
                    "генерал-губернатору Муравьеву. Все здесь написанное распубликовать к "
                    "сведению пограничных жителей двух государств.",
                    "Город Айгун, 1858 года мая 16-го дня.",
                ],
            ],
            "notes": [],
        },
        "english": {
            "pages": [
                [
                    "Nikolai Muravyov, Governor-General of all Eastern Siberia of the great "
                    "Russian State, Adjutant-General of the Sovereign Emperor Alexander "
                    "Nikolaevich, Lieutenant-General, and Prince I Shan, General (jiangjun) of "
                    "the great Daicing State and Commander-in-Chief of the Amur forces, by "
                    "common consent, for the sake of greater, eternal, mutual friendship of the "
                    "two States and for the benefit of their subjects, have agreed:",
                    "1. The left bank of the Amur River, from the Argun River to the sea mouth "
                    "of the Amur, shall be the possession of the Russian State, and the right "
                    "bank, counting downstream as far as the Ussuri River, the possession of the "
                    "Daicing State; the places and lands lying from the Ussuri River onward to "
                    "the sea shall be, as now, in the common possession of the Daicing and "
                    "Russian States until the frontier between the two States is determined in "
                    "those places. Only vessels of the Daicing and Russian States may sail on "
                    "the Amur, Sungari and Ussuri rivers; vessels of all other foreign States "
                    "shall not sail on these rivers. The Manchu inhabitants living on the left "
                    "bank of the Amur, from the Zeya River south to the village of Khormoldzin, "
                    "shall remain forever in their former places of residence, under the "
                    "authority of the Manchu government, and the Russian inhabitants shall do "
                    "them no wrong or oppression.",
                ],
                [
                    "2. For the mutual friendship of the subjects of the two States, mutual "
                    "trade is permitted to the subjects of both States living along the "
                    "Ussuri, Amur and Sungari rivers, and the authorities shall mutually "
                    "protect the trading people of the two States on both banks.",
                    "3. What the plenipotentiary of the Russian State, Governor-General "
                    "Muravyov, and the plenipotentiary of the Daicing State, the Amur "
                    "Commander-in-Chief I Shan, have mutually agreed shall be carried out "
                    "exactly and inviolably for all time; to this end Governor-General "
                    "Muravyov of the Russian State, having written it in the Russian and "
                    "Manchu languages, has handed it to Commander-in-Chief I Shan of the "
                    "Daicing State, and Commander-in-Chief I Shan of the Daicing State, having "
                    "written it in the Manchu and Mongolian languages, has handed it to "
                    "Governor-General Muravyov of the Russian State. All that is written here "
                    "shall be made public for the information of the frontier inhabitants of "
                    "the two States.",
                    "City of Aigun, the 16th day of May 1858.",
                ],
            ],
            "notes": [
                {
                    "mark": "1858.",
                    "text": "16 May in the Julian calendar used in Russia, 28 May 1858 in the "
                    "Gregorian.",
                },
            ],
        },
    },
    {
        "public_id": "12",
        "date": "1917-11-08",
        "title": "Decree on Peace, adopted by the Second All-Russian Congress of Soviets, "
        "26 October (8 November) 1917 (excerpt)",
        "summary": "The new Soviet government proposes to all the belligerent peoples and "
        "their governments an immediate peace without annexations or indemnities, and "
        "abolishes secret diplomacy.",
        "type": "Decree",
        "source": "Russian text as printed in Декреты Советской власти, vol. 1 (Moscow: "
        "Gospolitizdat, 1957)",
        "places": ["Soviet Union"],
        "people": [],
        "creators": ["Second All-Russian Congress of Soviets"],
        "subjects": ["Peace", "Secret diplomacy", "First World War"],
        "heading_ru": "Декрет о мире",
        "russian": {
            "pages": [
                [
                    "Рабочее и крестьянское правительство, созданное революцией 24—25 октября "
                    "и опирающееся на Советы рабочих, солдатских и крестьянских депутатов, "
                    "предлагает всем воюющим народам и их правительствам начать немедленно "
                    "переговоры о справедливом демократическом мире.",
                    "Справедливым или демократическим миром, которого жаждет подавляющее "
                    "большинство истощенных, измученных и истерзанных войной рабочих и "
                    "трудящихся классов всех воюющих стран, — миром, которого самым "
                    "определенным и настойчивым образом требовали русские рабочие и крестьяне "
                    "после свержения царской монархии, — таким миром правительство считает "
                    "немедленный мир без аннексий (т. е. без захвата чужих земель, без "
                    "насильственного присоединения чужих народностей) и без контрибуций.",
                    "Такой мир предлагает Правительство России заключить всем воюющим народам "
                    "немедленно, выражая готовность сделать без малейшей оттяжки тотчас же все "
                    "решительные шаги, впредь до окончательного утверждения всех условий "
                    "такого мира полномочными собраниями народных представителей всех стран и "
                    "всех наций.",
                ],
                [
                    "[…]",
                    "Продолжать эту войну из-за того, как разделить между сильными и богатыми "
                    "нациями захваченные ими слабые народности, правительство считает "
                    "величайшим преступлением против человечества и торжественно заявляет "
                    "свою решимость немедленно подписать условия мира, прекращающего эту "
                    "войну на указанных, равно справедливых для всех без изъятия народностей "
                    "условиях.",
                    "Тайную дипломатию правительство отменяет, со своей стороны выражая "
                    "твердое намерение вести все переговоры совершенно открыто перед всем "
                    "народом, приступая немедленно к полному опубликованию тайных договоров, "
                    "подтвержденных или заключенных правительством помещиков и капиталистов "
                    "с февраля по 25 октября 1917 года.",
                    "[…]",
                ],
            ],
            "notes": [],
        },
        "english": {
            "pages": [
                [
                    "The workers' and peasants' government, created by the revolution of "
                    "24–25 October and resting on the Soviets of Workers', Soldiers' and "
                    "Peasants' Deputies, proposes to all the belligerent peoples and their "
                    "governments to begin at once negotiations for a just, democratic peace.",
                    "By a just or democratic peace, for which the overwhelming majority of the "
                    "working and toiling classes of all the belligerent countries, exhausted, "
                    "tormented and racked by the war, are longing — a peace that the Russian "
                    "workers and peasants demanded in the most definite and insistent manner "
                    "after the overthrow of the tsarist monarchy — by such a peace the "
                    "government means an immediate peace without annexations (that is, "
                    "without the seizure of foreign lands, without the forcible incorporation "
                    "of foreign nationalities) and without indemnities.",
                    "The Government of Russia proposes to all the belligerent peoples that "
                    "such a peace be concluded immediately, and declares its readiness to "
                    "take all decisive steps at once, without the slightest delay, pending the "
                    "final confirmation of all the terms of such a peace by plenipotentiary "
                    "assemblies of the people's representatives of all countries and all "
                    "nations.",
                ],
                [
                    "[…]",
                    "The government considers it the greatest of crimes against humanity to "
                    "continue this war over how to divide among the strong and rich nations "
                    "the weak nationalities they have seized, and solemnly declares its "
                    "determination to sign at once terms of peace ending this war on the "
                    "terms indicated, equally just for all nationalities without exception.",
                    "The government abolishes secret diplomacy and, for its part, expresses "
                    "the firm intention to conduct all negotiations quite openly before the "
                    "whole people, proceeding at once to publish in full the secret treaties "
                    "confirmed or concluded by the government of landowners and capitalists "
                    "from February to 25 October 1917.",
                    "[…]",
                ],
            ],
            "notes": [
                {
                    "mark": "24–25 October",
                    "text": "Julian calendar, used in Russia until February 1918: 6–7 "
                    "November 1917 in the Gregorian.",
                },
            ],
        },
    },
    {
        "public_id": "13",
        "date": "1950-02-14",
        "title": "Treaty of Friendship, Alliance and Mutual Assistance between the USSR and "
        "the People's Republic of China, Moscow, 14 February 1950 (articles 1–4)",
        "summary": "Signed in Moscow by Andrei Vyshinsky and Zhou Enlai: each side will come "
        "to the other's aid if it is attacked by Japan or a state allied with Japan; neither "
        "will join an alliance against the other, and the two will consult on all important "
        "international questions.",
        "type": "Treaty",
        "source": "Russian text as published in Pravda, 15 February 1950",
        "places": ["Moscow", "China", "Soviet Union", "Japan"],
        "people": ["Andrei Vyshinsky", "Zhou Enlai", "Mao Zedong"],
        "creators": ["Andrei Vyshinsky", "Zhou Enlai"],
        "subjects": ["Treaties", "Sino-Soviet relations", "Alliances"],
        "heading_ru": "Договор о дружбе, союзе и взаимной помощи между Союзом Советских "
        "Социалистических Республик и Китайской Народной Республикой",
        "russian": {
            "pages": [
                [
                    "Статья 1",
                    "Обе Высокие Договаривающиеся Стороны обязуются совместно предпринимать "
                    "все имеющиеся в их распоряжении необходимые меры в целях недопущения "
                    "повторения агрессии и нарушения мира со стороны Японии или любого "
                    "другого государства, которое объединилось бы с Японией прямо или "
                    "косвенно в актах агрессии. В случае же, если одна из Высоких "
                    "Договаривающихся Сторон подвергнется нападению со стороны Японии или "
                    "союзных с ней государств и окажется, таким образом, в состоянии войны, "
                    "то другая Высокая Договаривающаяся Сторона немедленно окажет военную и "
                    "иную помощь всеми имеющимися в её распоряжении средствами.",
                ],
                [
                    "Статья 2",
                    "Обе Высокие Договаривающиеся Стороны обязуются путём взаимного согласия "
                    "добиваться заключения в возможно более короткий срок совместно с другими "
                    "державами, союзниками во второй мировой войне, мирного договора с Японией.",
                    "Статья 3",
                    "Обе Высокие Договаривающиеся Стороны обязуются не заключать какого-либо "
                    "союза, направленного против другой Высокой Договаривающейся Стороны, и не "
                    "участвовать ни в какой коалиции, а также в действиях или мероприятиях, "
                    "направленных против другой Высокой Договаривающейся Стороны.",
                    "Статья 4",
                    "Обе Высокие Договаривающиеся Стороны будут консультироваться друг с "
                    "другом по всем важным международным вопросам, затрагивающим общие "
                    "интересы Советского Союза и Китая, исходя из интересов укрепления мира и "
                    "всеобщей безопасности.",
                ],
            ],
            "notes": [],
        },
        "english": {
            "pages": [
                [
                    "Article 1",
                    "Both High Contracting Parties undertake to take jointly all the necessary "
                    "measures at their disposal to prevent a repetition of aggression and "
                    "violation of peace on the part of Japan or any other State that should "
                    "unite with Japan, directly or indirectly, in acts of aggression. In the "
                    "event of one of the High Contracting Parties being attacked by Japan or "
                    "States allied with it, and thus being involved in a state of war, the "
                    "other High Contracting Party will immediately render military and other "
                    "assistance with all the means at its disposal.",
                ],
                [
                    "Article 2",
                    "Both High Contracting Parties undertake, by mutual agreement, to strive "
                    "for the conclusion of a peace treaty with Japan, jointly with the other "
                    "Powers that were allies in the Second World War, within the shortest "
                    "possible time.",
                    "Article 3",
                    "Both High Contracting Parties undertake not to conclude any alliance "
                    "directed against the other High Contracting Party and not to take part in "
                    "any coalition, or in actions or measures, directed against the other High "
                    "Contracting Party.",
                    "Article 4",
                    "Both High Contracting Parties will consult each other on all important "
                    "international questions affecting the common interests of the Soviet "
                    "Union and China, being guided by the interests of strengthening peace and "
                    "universal security.",
                ],
            ],
            "notes": [],
        },
    },
]


def layer_html(layer: Layer, prefix: str, note: str = "") -> str:
    """A layer as HTML: ``note`` (in English: what the layer is), a printed page marker
    before each page's paragraphs, and the notes as numbered footnotes with links both ways
    (ids start with ``prefix``)."""
    from html import escape

    parts = [f'<p class="editorial-note" lang="en">{escape(note)}</p>'] if note else []
    for number, page in enumerate(layer["pages"], start=1):
        parts.append(f'<span class="pb" data-page="{number}">[Page {number}]</span>')
        parts.extend(f"<p>{escape(paragraph)}</p>" for paragraph in page)
    html = "\n".join(parts)
    notes = []
    for n, footnote in enumerate(layer["notes"], start=1):
        mark = escape(footnote["mark"])
        ref = (
            f'{mark}<sup class="footnote-ref"><a href="#{prefix}-note-{n}" '
            f'id="{prefix}-ref-{n}">{n}</a></sup>'
        )
        html = html.replace(mark, ref, 1)
        notes.append(
            f'<li id="{prefix}-note-{n}"><span class="footnote-mark">{n}</span> '
            f'{escape(footnote["text"])} <a href="#{prefix}-ref-{n}" class="footnote-back" '
            f'title="Back to the text">↩</a></li>'
        )
    if notes:
        html += (
            '\n<section class="footnotes"><h4>Notes</h4><ul class="footnote-list">'
            + "".join(notes)
            + "</ul></section>"
        )
    return html
