"""The content contract as data: every key of every content file, its kind of value,
whether it is required, and what it is for.

`content` takes its key checks (required, allowed, "did you mean") from these tables and
`schema` writes the JSON Schemas from them, so the loader and the editors' checks cannot
drift apart. A kind names the value a key holds; `schema` turns each kind into JSON
Schema, `content` validates it in code (templates, links and glyphs need more than a
schema can say).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    name: str
    kind: str               # see KINDS
    required: bool = False
    description: str = ""


KINDS = {
    "text": "a content string: plain text with **bold**, *italic*, [links](https://…) and {{ clinic.* }}",
    "plain": "plain text or a number, printed as written (no markup)",
    "texts": "a list of content strings",
    "blocks": "a list of blocks: a paragraph (text), or one of bullets:, steps:, note:, figure:",
    "sections": "a list of sections, each {heading, body}",
    "guide_sections": "a list of sections, each {heading, body} or {heading, procedures}",
    "review": "document control",
    "date": "a date written YYYY-MM-DD (no quotes)",
    "colour": "a hex colour in quotes, like \"#1d4e89\"",
    "brand": "the clinic's colours",
    "brand_colour": "a hex colour in quotes, like \"#1d4e89\", or its print values {rgb, cmyk, spot}",
    "ink": "a colour as a brand guide gives it: rgb, cmyk and the spot colour's name",
    "cmyk": "four ink percentages [C, M, Y, K], each 0 or from 5 to 100, like [70, 95, 0, 5]",
    "address": "the postal address, one line of text or a list of lines",
    "grade": "a school grade from 1 to 18",
    "flag": "true or false",
    "language": "a BCP 47 language tag like en, es, zh-Hans or pt-br",
    "website": "a web address",
    "email": "an e-mail address",
    "logo": "a logo file inside the content folder",
    "terms": "a mapping of Term: plain-language definition",
    "plains": "a list of plain words or phrases",
    "procedures": "all, or a list of procedure slugs",
    "figure_name": "the name of a figure file in layouts/figures/, without .svg",
}

REVIEW = (
    Field("id", "plain", description="The document's control number, printed in the footer (default: "
          "PROC-<SLUG>, GUIDE or BROCHURE)."),
    Field("version", "plain", description="The text's version, printed as written (1.10 stays v1.10); a "
          "translation older than its source is warned about."),
    Field("reviewed_by", "plain", description="The clinician who signed the text off. Until it is set, "
          "every page prints \"DRAFT — not yet clinically reviewed\"."),
    Field("reviewed_on", "date", description="When the clinician reviewed the text, YYYY-MM-DD; printed "
          "in the footer."),
    Field("next_review", "date", description="When the text is due for review again, YYYY-MM-DD; a date "
          "that has passed is a warning."),
)

BRAND = (
    Field("primary", "brand_colour", description="The clinic's main colour: bands, headings, links, covers "
          "(must keep white text readable, checked against WCAG AA). A hex colour, or "
          "{rgb, cmyk, spot} as the brand guide gives it."),
    Field("accent", "brand_colour", description="The second colour: rules, bullets and highlights. A hex "
          "colour, or {rgb, cmyk, spot} as the brand guide gives it."),
)

INK = (
    Field("rgb", "colour", description="The colour on screen and in office files, like \"#5b2a86\" "
          "(derived from cmyk through the press profile if left out)."),
    Field("cmyk", "cmyk", description="The inks press files print it with, exactly: [C, M, Y, K] in per "
          "cent, like [70, 95, 0, 5]."),
    Field("spot", "plain", description="The spot colour it is printed with, like PANTONE 268 C: press "
          "files print it as that separation, with cmyk as its process equivalent (needs cmyk)."),
)

SECTION = (
    Field("heading", "text", True, "The section's heading."),
    Field("body", "blocks", True, "The section's paragraphs, lists, notes and figures, in order."),
)

GUIDE_SECTION = (
    Field("heading", "text", True, "The chapter's heading, listed in the contents."),
    Field("body", "blocks", description="The chapter's paragraphs, lists, notes and figures (required "
          "unless the section places procedures)."),
    Field("procedures", "procedures", description="Place the procedure chapters here: `all` (every "
          "file in procedures/) or a list of slugs. Each procedure's text is written once, in its file."),
)

FIGURE = (
    Field("figure", "figure_name", True, "The drawing: the name of an SVG file in layouts/figures/ "
          "(incision, spine, advantages, vertebrae, or one the clinic adds)."),
    Field("caption", "text", True, "The caption printed under the drawing."),
    Field("alt", "plain", True, "What the drawing shows, in words, for screen readers and search."),
)

BLOCK_KINDS = ("bullets", "steps", "note", "figure")
BLOCKS = {
    "bullets": Field("bullets", "texts", True, "A bulleted list."),
    "steps": Field("steps", "texts", True, "A numbered list of steps."),
    "note": Field("note", "text", True, "A highlighted box."),
}

FILES: dict[str, tuple[Field, ...]] = {
    "clinic": (
        Field("name", "plain", True, "The clinic's name, on every page and as each PDF's author."),
        Field("phone", "plain", True, "The main phone number, printed as written."),
        Field("emergency", "plain", description="The emergency number in the 'When to call us' box "
              "(default 911)."),
        Field("after_hours", "plain", description="The phone number out of office hours, if it differs."),
        Field("website", "website", description="The clinic's website: https://… or a bare address like "
              "example.org/patients. It becomes a live link and the brochure's QR code."),
        Field("email", "email", description="A plain e-mail address like care@example.org (no mailto:)."),
        Field("address", "address", description="The postal address, printed on the brochure's back panel "
              "and the guide's covers."),
        Field("language", "language", description="The language the top-level content is written in "
              "(default en); translations live in folders named by language code."),
        Field("brand", "brand", description="The clinic's brand colours."),
        Field("logo", "logo", description="A PNG, JPEG or SVG logo file, as a path inside the content "
              "folder (like images/logo.svg)."),
        Field("reading_grade", "grade", description="The reading-level target (default 8): a document "
              "over it is a warning."),
        Field("language_help", "flag", description="true: every leaflet's last page and the brochure's back "
              "panel say, in each language the content offers, that free language help is available "
              "and the number to call (each language's fixed words `language_help`)."),
    ),
    "procedure": (
        Field("title", "text", True, "The procedure's name: the leaflet's title."),
        Field("summary", "text", True, "One to three sentences under the title, in plain words."),
        Field("sections", "sections", True, "The leaflet's sections, in order; at least one."),
        Field("treats", "texts", description="What the procedure treats, printed under the summary."),
        Field("when_to_call", "texts", description="Warning signs for the 'When to call us' box."),
        Field("review", "review", description="Document control: who signed the text off and when."),
    ),
    "guide": (
        Field("title", "text", True, "The guide's title, on its cover."),
        Field("sections", "guide_sections", True, "The guide's chapters, in order."),
        Field("subtitle", "text", description="The line under the title on the cover."),
        Field("review", "review", description="Document control: who signed the text off and when."),
    ),
    "brochure": (
        Field("title", "text", True, "The brochure's title, on its front cover."),
        Field("tagline", "text", True, "The short line under the title on the front cover."),
        Field("panels", "sections", True, "The inside flap, then the three inside panels, in order."),
        Field("call_to_action", "text", True, "What the reader should do next, set in a coloured box."),
        Field("review", "review", description="Document control: who signed the text off and when."),
    ),
    "glossary": (
        Field("terms", "terms", True, "Each medical word and its plain-language definition; leaflets "
              "print the ones they use in a 'Words to know' box."),
        Field("jargon", "plains", description="More words that need a definition when used (added to the "
              "built-in list of medical terms)."),
    ),
}

# The parts of a file that are mappings of their own.
PARTS: dict[str, tuple[Field, ...]] = {"review": REVIEW, "brand": BRAND, "ink": INK, "section": SECTION,
                                       "guide_section": GUIDE_SECTION, "figure": FIGURE}


def _table(name: str) -> tuple[Field, ...]:
    return FILES.get(name) or PARTS[name]


def required(name: str) -> tuple[str, ...]:
    """The keys a file or part must have, in the order they are reported."""
    return tuple(f.name for f in _table(name) if f.required)


def optional(name: str) -> tuple[str, ...]:
    return tuple(f.name for f in _table(name) if not f.required)


def keys(name: str) -> tuple[str, ...]:
    return tuple(f.name for f in _table(name))
