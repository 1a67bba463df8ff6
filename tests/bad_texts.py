"""Invented news articles that the bad-input corpus spoils (re-encodes, wraps in hostile HTML,
names oddly). Helpers for tests/bad_inputs.py, not a test module.

Every person, organisation and place here is made up, so that a repaired article published
beside the real ones cannot merge with their entities or join their event stories. The first
four use only latin-1 characters (so that latin-1 can carry them); the others use curly
quotes, dashes, ellipses and the euro sign, which only cp1252 and Unicode carry, and one is
Romanian, which only Unicode carries.
"""

from __future__ import annotations

ARTICLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Harbour council in Vællø approves ferry link to Østrik island", (
        "VÆLLØ - The harbour council of Vællø voted on Tuesday to pay for a ferry link to the "
        "island of Østrik, ending a decade of argument over the cost of the crossing.",
        "\"This is the day the islanders have waited for,\" said council chair Åsa "
        "Lindqvist-Øberg after the vote, which passed by eleven votes to four.",
        "The ferry will carry up to two hundred passengers and forty cars, and the first "
        "sailings are planned for the spring, according to the council's transport office.",
        "Opponents said the money would be better spent on the old harbour wall, which was "
        "damaged in the storms of the past winter and still has not been repaired.",
        "Fishermen from Østrik said the link would let them sell their catch at the market in "
        "Vællø on the same morning, instead of waiting for the weekly freight boat.",
    )),
    ("Señora Núñez wins mayoral race in San Ébrico after recount", (
        "SAN ÉBRICO - Marisol Núñez Ibáñez was declared mayor of San Ébrico on Sunday after a "
        "recount gave her a lead of ninety-one votes over the sitting mayor, Tomás Quiñones.",
        "\"We counted every ballot twice, and the result is clear,\" said Begoña Castañeda, who "
        "chairs the town's electoral board, at a news conference in the old market hall.",
        "Núñez, a former schoolteacher, campaigned on repairing the town's water pipes and "
        "reopening the library, which has been closed since the roof collapsed.",
        "Quiñones said he accepted the result and would help with the handover, but added "
        "that his party would ask the regional court to look at two polling stations.",
        "Turnout was sixty-two per cent, the highest in San Ébrico for twenty years, the "
        "electoral board said in a statement published on Monday morning.",
    )),
    ("Brückstadt brewery cuts jobs as barley prices climb", (
        "BRÜCKSTADT - The Grünwalder brewery in Brückstadt will cut ninety jobs over the next "
        "year, its owners said on Thursday, blaming the rising price of barley.",
        "\"We have held our prices for three years, and we cannot hold them any longer,\" said "
        "managing director Jörg Schäfer-Möllendorf in a letter to the staff.",
        "The union at the plant said it would ask for talks about early retirement for older "
        "workers before any of the younger brewers are made redundant.",
        "The brewery, founded in 1871, employs about six hundred people and is the largest "
        "private employer in the Brückstadt valley, according to the town's chamber of trade.",
        "Local farmers said the barley harvest had been poor for a second year running, after "
        "a dry spring and heavy rain in the weeks before the harvest.",
    )),
    ("Lake Quévreux fishing ban extended after algae bloom", (
        "QUÉVREUX - The water authority of Lake Quévreux extended its ban on fishing by "
        "another month on Wednesday, after tests found the algae bloom had spread.",
        "\"The water is not safe for fish, and the fish are not safe to eat,\" said Hélène "
        "Daguerre-Lefèvre, who heads the authority's laboratory in the lakeside town.",
        "About thirty families on the lake make their living from fishing, and the authority "
        "said it would pay them a weekly sum until the ban is lifted.",
        "Scientists blame the bloom on fertiliser washed into the lake by the spring floods, "
        "and on a summer that has been the warmest since records began in the valley.",
        "The authority said it would publish new test results every Friday and lift the ban "
        "as soon as two tests in a row show the water is clean again.",
    )),
    ("Tårnvik council approves €4 million repair of the old bridge", (
        "TÅRNVIK – The town council of Tårnvik approved on Monday a €4 million repair of the "
        "old stone bridge over the river Skjelda, closed to traffic since the spring floods.",
        "“The bridge is the heart of this town… we could not leave it broken,” said mayor "
        "Ingrid Sørbø-Halvorsen after the council’s vote, which was unanimous.",
        "Engineers found cracks in two of the bridge’s five arches in April; the work — which "
        "includes new foundations — is expected to take fourteen months.",
        "Shopkeepers on both banks say trade has fallen by a third since the closure, and the "
        "council’s “bridge fund” will pay them a small sum each month until it reopens.",
        "The last major repair of the bridge, built in 1790, was in 1952, according to the "
        "town’s archive, which lent its records to the engineers.",
    )),
    ("Orchestra of Vîlcea-Mare cancels tour after instruments are stolen", (
        "VÎLCEA-MARE – The chamber orchestra of Vîlcea-Mare cancelled its autumn tour on "
        "Friday after thieves took eleven instruments from its rehearsal hall.",
        "“Some of these violins are older than the town itself,” said conductor Ștefan "
        "Mărgineanu, who asked anyone offered an old instrument to call the police.",
        "The police said the thieves came in through a skylight on Wednesday night — the "
        "alarm had been switched off for repairs — and left before dawn.",
        "The orchestra’s manager, Oana Lăzărescu, said the tour had already sold €120,000 of "
        "tickets… and that every buyer would get their money back within a month.",
        "The stolen instruments include a cello made in 1742 that the orchestra bought with "
        "money raised by the townspeople in the 1960s, she said.",
    )),
    ("Château-Bérlin vineyard workers strike over “unpaid” overtime", (
        "CHÂTEAU-BÉRLIN – Pickers at the three largest vineyards around Château-Bérlin walked "
        "out on Tuesday, saying they had not been paid for overtime during the harvest.",
        "“We work twelve hours a day in the heat, and we are paid for eight,” said Amélie "
        "Brézé-Nouvion, who speaks for the pickers’ union in the valley.",
        "The vineyards’ owners said overtime had been paid in full — “every hour, to the "
        "cent” — and that the union’s figures were wrong.",
        "The strike comes at the worst moment for the growers: the grapes must be picked "
        "within days… or they will be lost, according to the growers’ association.",
        "A mediator from the regional labour office, Gaëlle Fontvieille, said she would meet "
        "both sides on Thursday at the town hall.",
    )),
    ("Kråkeby library reopens with a café and a repair shop", (
        "KRÅKEBY – The public library of Kråkeby reopened on Saturday after two years of "
        "work, with a café, a workshop for mending clothes and a room for children’s theatre.",
        "“A library is not only books any more — it is the town’s living room,” said head "
        "librarian Solveig Ødegård-Lunde at the opening, which drew several hundred people.",
        "The €2.3 million rebuilding was paid for by the town and by a foundation set up by "
        "a retired shipowner, Harald Bjørnstad, who grew up near the library.",
        "The repair shop, run by volunteers, will mend clothes, bicycles and small "
        "appliances for free on Saturday mornings… as long as the volunteers keep coming.",
        "Visitors on the first day borrowed more than nine hundred books, a record for the "
        "library, the town’s culture office said on Sunday.",
    )),
)
LATIN1_ARTICLES = (0, 1, 2, 3)
CP1252_ARTICLES = (0, 1, 2, 3, 4, 6, 7)  # 5 is Romanian: "ă" and "Ș" are not in cp1252


def article_text(index: int, newline: str = "\n") -> str:
    """An invented article as scraped text: the headline, then its paragraphs, a blank line
    between them."""
    headline, paragraphs = ARTICLES[index]
    return (newline * 2).join([headline, *paragraphs]) + newline


def article_html(index: int, charset: str | None = "utf-8", extra_head: str = "",
                 extra_body: str = "", between: str = "") -> str:
    """An invented article as a plain news page, with room for hostile additions."""
    import html

    headline, paragraphs = ARTICLES[index]
    meta = f'<meta charset="{charset}">' if charset else ""
    body = f"\n{between}".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs)
    return (f"<!DOCTYPE html>\n<html><head>{meta}<title>{html.escape(headline)}</title>"
            f"{extra_head}</head><body><article><h1>{html.escape(headline)}</h1>\n{body}\n"
            f"{extra_body}</article></body></html>\n")
