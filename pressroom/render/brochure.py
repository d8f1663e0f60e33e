"""The tri-fold marketing brochure: two pages (outside, inside) of three panels each.

Geometry and its checks live in `brochure_layout` (the folding is explained there),
fitting in `brochure_fit`, CMYK/boxes/marks in `prepress`, the cover art in `art`.
Every panel is composed and fitted before anything is drawn, so all overflows are
reported together and no PDF is half made.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace

from reportlab.platypus import Spacer

from ..source import model as m
from ..build import prepress
from ..source.jargon import texts
from ..errors import ContentError, Problem, warning
from ..build.jobs import Job, Rendered, output_name
from .figures import FigureArt, figure as figure_art
from .logo import load_logo
from .brochure_parts import AccentBar, Picture, link, logo_box, qr_with_caption, site
from .brochure_fit import Column, Fitter, ScaledStyles, block_start, draw_column, spread
from .brochure_layout import PAGES, Geometry, Panel, Rect, read_geometry, tinted
from .tagging import Node
from .common import (Context, press_inks, Styles, WithAlt, block_flowables, box, color, doc_settings, no_lone_word,
                     document_canvas, esc, language_help, para, style_role, tag_story,
                     review_line)
from .misfit import Misfit, Misfits, explained, words_to_cut


def jobs(cat: m.Catalogue, layout, ctx: Context, inputs: tuple) -> list[Job]:
    """One brochure per language and brochure layout; layout problems stop the plan."""
    brochure = cat.brochure
    if brochure is None:
        return []
    geometry = _checked(cat, brochure, layout, ctx)
    extra = tuple(cat.files.get("brochure", ()))
    # with its twins on the same paper (office, press) in one worker: they share their paragraphs at
    # each fitting scale (brochure_fit)
    return [Job(path=output_name(cat.lang, "brochure", layout), kind="brochure", lang=cat.lang,
                title=brochure.title.plain, layout=layout, source=brochure.origin, inputs=inputs + extra,
                render=lambda: explained(lambda c: render_brochure(brochure, geometry, c), ctx),
                group=f"brochure:{cat.lang}:{layout.paper}")]


def _checked(cat: m.Catalogue, brochure: m.Brochure, layout, ctx: Context) -> Geometry:
    geometry, problems = read_geometry(layout)
    slots = len(geometry.text_panels()) if geometry else 4
    if len(brochure.panels) > slots:
        extra = brochure.panels[slots].heading.origin
        problems.append(Problem(extra.path, extra.line, (
            f"this brochure has {len(brochure.panels)} panels but the {layout.name} layout has room "
            f"for {slots} (the inside flap and the 3 inside panels); merge or remove "
            f"{len(brochure.panels) - slots}"), f"panels[{slots + 1}]"))
    if problems:
        raise ContentError(problems)
    return geometry


# -- panels -------------------------------------------------------------------------

class _Composer:
    """Builds each panel region's (top, middle, foot) flowables for given scaled styles."""

    def __init__(self, brochure: m.Brochure, geo: Geometry, ctx: Context, logo):
        self.b, self.geo, self.ctx, self.logo = brochure, geo, ctx, logo
        self.colors = ctx.layout.colors

    def heading(self, markup: str):
        """A heading set white in the band, sitting on the band's bottom."""
        return lambda styles: ([], [], [para(no_lone_word(markup), styles["band_heading"])])

    def draft(self, styles: ScaledStyles) -> list:
        """The DRAFT line, at the foot of each page's middle panel, until a clinician signs off."""
        if not self.b.review.is_draft:
            return []
        return [para(esc(self.ctx.strings["draft"]), styles.derive("draft-centre", "draft", alignment=1))]

    def text_panel(self, section: m.Section, banded: bool, middle: bool):
        """A brochure.yaml panel (the call to action is said once, on the back panel)."""
        def build(styles: ScaledStyles):
            flows: list = []
            if not banded:
                flows += [self.bar(styles), para(no_lone_word(section.heading.markup), styles["heading"])]
            for i, block in enumerate(section.body):
                parts = block_flowables(block, styles, self.ctx, lambda f: self.figure(f, styles))
                lead_in = isinstance(block, (m.Bullets, m.Steps)) and isinstance(section.body[i - 1], m.Paragraph)
                flows += [block_start(parts[0])] + parts[1:] if i and parts and not lead_in else parts
            return flows, [], self.draft(styles) if middle else []
        return build

    def cta(self, styles: ScaledStyles):
        return box([para(no_lone_word(self.b.call_to_action.markup), styles["cta"])], self.ctx, "primary")

    def bar(self, styles: ScaledStyles) -> AccentBar:
        return AccentBar(self.colors["accent"], 30, self.geo.sizes["accent_bar"],
                         styles["heading"].fontSize * 0.5)

    def figure(self, fig: m.Figure, styles: ScaledStyles) -> list:
        """A figure in a panel, in a box a little over half the cover art's height."""
        where = replace(fig.caption.origin, field=fig.caption.origin.field.removesuffix(".caption"))
        art = FigureArt(figure_art(self.ctx, fig.name, where), fig.alt, self.ctx, styles,
                        box_height=self.geo.sizes["art"] * 0.55, fill=0.95, alt_style=styles["small"])
        return [art, para(fig.caption.markup, styles["qr_caption"]), Spacer(1, 6)]

    def cover(self, styles: ScaledStyles):
        clinic, c = self.ctx.clinic, self.colors
        name = self.ctx.layout.figures.get("cover")
        art = (FigureArt(figure_art(self.ctx, name), self.ctx.strings["alt_cover_art"], self.ctx, styles,
                         box_height=self.geo.sizes["art"], fill=0.95, alt_style=styles["small"])
               if name else Spacer(1, self.geo.sizes["art"]))
        contact = [esc(clinic.phone)] + ([esc(site(clinic.website))] if clinic.website else [])
        foot = [para(no_lone_word(self.b.title.markup), styles["cover_title"]),
                AccentBar(c["accent"], 44, self.geo.sizes["accent_bar"], 0),
                para(self.b.tagline.markup, styles["cover_tagline"]), Spacer(1, 16),
                para("<br/>".join(contact), styles["cover_contact"])]
        return [para(esc(clinic.name), styles["cover_kicker"])], [art], foot

    def back(self, banded: bool):
        def build(styles: ScaledStyles):
            clinic, s, c = self.ctx.clinic, self.ctx.strings, self.colors
            top: list = []
            if not banded:
                top += [self.bar(styles), para(esc(s["contact_us"]), styles["heading"])]
            if self.logo is not None:
                top += [Picture(self.logo, *logo_box(self.geo.sizes), alt=clinic.name), Spacer(1, 10)]
            lines = [esc(line) for line in clinic.address if line]
            lines.append(s.phrase("call_us", clinic.phone))
            if clinic.after_hours:
                lines.append(s.phrase("after_hours", clinic.after_hours))
            if clinic.email:
                lines.append(link(f"mailto:{clinic.email}", clinic.email, c["primary"]))
            if clinic.website:
                lines.append(link(clinic.website, site(clinic.website), c["primary"]))
            top += [para(esc(clinic.name), styles["back_name"]), para("<br/>".join(lines), styles["contact"])]
            foot: list = [self.cta(styles), Spacer(1, 14)]  # what to do, together at the foot: call, scan
            if clinic.website:
                caption = [para(esc(s["scan_website"]), styles["qr_caption"]),
                           para(f"<b>{esc(site(clinic.website))}</b>", styles["qr_caption"])]
                qr = qr_with_caption(clinic.website, self.geo.sizes["qr"], c["text"], caption,
                                     self.ctx.fonts.regular)
                foot += [WithAlt(qr, s.format("alt_qr", website=site(clinic.website)), styles["small"]),
                         Spacer(1, 14)]
            foot += language_help(self.ctx, styles["small"])
            foot += [para(esc(s["disclaimer_brochure"]), styles["small"]),
                     para(esc(review_line(self.b.review, s)), styles["small"])] + self.draft(styles)
            return top, [], foot
        return build


_PLACE = {"flap": "inside flap", "back": "back panel", "cover": "front cover"}
_POSITION = ("left", "middle", "right")


def _describe(panel: Panel) -> str:
    return _PLACE.get(panel.role) or f"inside panel {panel.index + 1} ({_POSITION[panel.index]})"


@dataclass(frozen=True)
class _Region:
    panel: Panel
    area: Rect
    build: object
    what: str            # what to call it if it does not fit
    source: m.Origin     # where its text is written
    texts: tuple = ()    # its own words (the clinic's details are not counted)
    aliases: dict | None = None
    place: str = ""      # what to call it among other places, in any language
    text: bool = False   # a brochure.yaml panel's text: all of them are set at one size


def _regions(brochure: m.Brochure, geo: Geometry, ctx: Context, logo) -> list[_Region]:
    """Every area of text on both pages, with what to call it and where its text is written."""
    composer, margins, b = _Composer(brochure, geo, ctx, logo), ctx.layout.margins, brochure
    cover, back = geo.role("cover"), geo.role("back")
    out = [_Region(cover, geo.content(cover, margins), composer.cover, "the brochure's front cover",
                   b.title.origin, (b.title, b.tagline)),
           _Region(back, geo.body_area(back, margins), composer.back(geo.banded(back)),
                   "the brochure's back panel", b.call_to_action.origin, (b.call_to_action,))]
    if geo.banded(back):
        out.append(_Region(back, geo.heading_area(back, margins), composer.heading(esc(ctx.strings["contact_us"])),
                           "the heading of the brochure's back panel", b.origin))
    pairs = list(zip(geo.text_panels(), brochure.panels))
    for i, (panel, section) in enumerate(pairs):
        what = f"panel {i + 1} {section.heading.plain!r} on the {_describe(panel)}"
        out.append(_Region(panel, geo.body_area(panel, margins),
                           composer.text_panel(section, geo.banded(panel), panel.index == 1), what,
                           replace(section.heading.origin, field=f"panels[{i + 1}]"),
                           tuple(texts(section)), None, f"the brochure's {_describe(panel)}", text=True))
        if geo.banded(panel):
            out.append(_Region(panel, geo.heading_area(panel, margins), composer.heading(section.heading.markup),
                               f"the heading of panel {i + 1}", section.heading.origin, (section.heading,)))
    return out


def _misfit(region: _Region, column: Column, layout) -> Misfit:
    """A region that overflows at the smallest sizes; its words counted at the size it was tried."""
    over, body = column.overflow, column.styles.size("body")
    height = region.area.height + over
    return Misfit(region.source, region.what, "even at its smallest text sizes", layout.name, over,
                  max(1, round(over / (body * 1.4))), words_to_cut(region.texts, over, height),
                  texts=region.texts, place=region.place)


def compose(brochure: m.Brochure, geo: Geometry, ctx: Context, logo) -> list[tuple[_Region, Column]]:
    """Fit every region; raise Misfits naming each one that does not fit."""
    base = Styles.of(ctx)
    fitted, misfits = [], []
    regions = _regions(brochure, geo, ctx, logo)
    fitters = [Fitter(r.build, base, ctx.layout, r.area.width, r.area.height, gap=14, aliases=r.aliases)
               for r in regions]
    # the panels' text reads as one piece: one scale for all of them, the largest that fits
    # each, up to the layout's `grow`; then each sets out its text over the panel (spread)
    scale = _common_scale([f for r, f in sorted(zip(regions, fitters), key=_wordiest) if r.text], geo.grow)
    body = ctx.layout.styles["body"]
    for region, fitter in zip(regions, fitters):
        column = fitter.fit(scale if region.text else 1.0)
        if column.overflow:
            misfits.append(_misfit(region, column, ctx.layout))
        elif region.text and not region.panel.planned:
            lines = geo.spread * body.leading * column.styles.size("body") / body.size
            column = spread(column, region.area.width, region.area.height, 14, lines)
        fitted.append((region, column))
    if misfits:
        raise Misfits(misfits)
    return fitted


def _wordiest(pair: tuple[_Region, Fitter]) -> int:
    return -sum(len(t.plain) for t in pair[0].texts)


def _common_scale(fitters: list[Fitter], grow: float) -> float:
    """The smallest of the scales each panel fits at, searched from `grow` down. A panel
    that fits at the smallest found so far cannot make it smaller (its search from `grow`
    stops there or above), so it is tried at that one scale only; the wordiest panel,
    likely the tightest, is searched first."""
    least = None
    for fitter in fitters:
        if least is not None and fitter.at(least)[1]:
            continue
        scale = fitter.fit(grow).styles.scale
        least = scale if least is None else min(least, scale)
    return 1.0 if least is None else least


# -- drawing ------------------------------------------------------------------------

def _card(canv, geo: Geometry, panel: Panel, layout) -> None:
    """A panel's background and heading band, clipped to its card (rounded on office)."""
    r, radius, colors = geo.fill(panel), geo.sizes["corner_radius"], layout.colors
    if not (panel.fill or geo.banded(panel)):
        return
    canv.saveState()
    path = canv.beginPath()
    if radius:
        path.roundRect(r.x, r.y, r.width, r.height, radius)
    else:
        path.rect(r.x, r.y, r.width, r.height)
    canv.clipPath(path, stroke=0, fill=0)
    if panel.fill:
        canv.setFillColor(color(tinted(layout, panel)))
        canv.rect(r.x, r.y, r.width, r.height, stroke=0, fill=1)
    if geo.banded(panel):
        band = geo.band(panel)
        canv.setFillColor(color(colors["primary"]))
        canv.rect(band.x, band.y, band.width, band.height, stroke=0, fill=1)
        canv.setFillColor(color(colors["accent"]))
        canv.rect(band.x, band.y - geo.sizes["accent_bar"], band.width, geo.sizes["accent_bar"], stroke=0, fill=1)
    canv.restoreState()


def _outline(canv, brochure: m.Brochure, places, page: str) -> None:
    """Bookmarks: the title on the outside, each panel's heading where it is printed."""
    if page == PAGES[0]:
        canv.bookmarkPage("title")
        canv.addOutlineEntry(brochure.title.plain, "title", level=0)
    for index, (section, place) in enumerate(zip(brochure.panels, places)):
        if place.page == page:
            canv.bookmarkPage(f"panel{index}")
            canv.addOutlineEntry(section.heading.plain, f"panel{index}", level=1)


_ROLES = {"cover_title": "H1", "heading": "H2", "band_heading": "H2"}


def structure(fitted: list[tuple[_Region, Column]], geo: Geometry) -> Node:
    """The brochure read as it is folded, not as the sheet lies: the cover, the inside flap,
    the inside panels, then the back; in each panel its heading band, then its text."""
    root = Node("Document")
    for panel in [geo.role("cover"), *geo.text_panels(), geo.role("back")]:
        sect = root.add("Sect")
        regions = [(region, column) for region, column in fitted if region.panel == panel]
        for region, column in sorted(regions, key=lambda rc: not rc[0].what.startswith("the heading")):
            tag_story(column.top + column.middle + column.foot, sect, style_role(_ROLES))
    return root


def render_brochure(brochure: m.Brochure, geo: Geometry, ctx: Context) -> Rendered:
    lay = ctx.layout
    warnings: list[str] = []
    logo = None
    if ctx.clinic.logo:
        logo = load_logo(ctx.clinic.logo, ctx.fonts, press_inks(ctx), lay.colors["paper"])
        placed = Picture(logo, *logo_box(geo.sizes))
        if geo.min_dpi and logo.image is not None:  # a vector logo has no resolution to check
            low = prepress.low_resolution(ctx.clinic.logo.data, placed.width, placed.height, geo.min_dpi,
                                          ctx.clinic.logo.shown, f"layout {lay.name}")
            if low:
                warnings.append(low)
    fitted = compose(brochure, geo, ctx, logo)
    if len(brochure.panels) < len(geo.text_panels()):
        empty = ", ".join(_describe(p) for p in geo.text_panels()[len(brochure.panels):])
        warnings.append(warning(brochure.origin.path, 0, f"{len(brochure.panels)} panels for "
                                f"{len(geo.text_panels())} places in the brochure; left blank: {empty}"))

    root = structure(fitted, geo)
    buffer = io.BytesIO()
    sheet = prepress.Sheet(lay.width, lay.height, geo.bleed, geo.sizes["slug"])
    canv = prepress.new_canvas(buffer, doc_settings(ctx, brochure.title.plain, brochure.tagline.plain),
                               sheet, press_inks(ctx), font=ctx.fonts.regular, links=geo.links,
                               base=document_canvas(ctx, root, brochure.title.plain), pdfx=lay.pdfx)
    places = geo.text_panels()
    for page in PAGES:
        prepress.start_page(canv, sheet)
        _outline(canv, brochure, places, page)
        for panel in geo.page(page):
            _card(canv, geo, panel, lay)
        for region, column in fitted:
            if region.panel.page == page:
                a = region.area
                draw_column(canv, column, a.x, a.y, a.width, a.height)
        if geo.marks:
            s = geo.sizes
            prepress.draw_marks(canv, sheet, geo.folds(page), s["mark_offset"], s["mark_length"],
                                s["mark_weight"])
        canv.showPage()
    canv.save()
    return Rendered(buffer.getvalue(), len(PAGES), tuple(warnings))
