"""Personalised copies: one leaflet with a patient's "Prepared for" box, or a whole day's
list in one print file where every copy starts on a new sheet (an odd page) for duplex
(set by render.batch).

Everything happens in memory: the copies are rendered to bytes and handed back; nothing is
written, cached or logged here. No Flask: the command line and the print desk both use it.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from .build.jobs import Job
from .memo import private
from .patient import ORDER_COLUMNS, FieldProblem, Patient, PatientError, Row, read_patient, yes_no


@dataclass(frozen=True)
class Copy:
    """One personalised PDF, and how it compares with the catalogue's leaflet."""

    document: str                   # the catalogue path it is made from
    edition: str
    data: bytes = field(repr=False)
    pages: int
    budget: int | None              # the leaflet's page budget (None: as many as it needs)

    @property
    def longer(self) -> bool:
        """The box took it past the leaflet's budget (by one page at most)."""
        return self.budget is not None and self.pages > self.budget


@dataclass(frozen=True)
class Order:
    """One copy to make: which leaflet, for whom (row 0: not from a list)."""

    row: int
    document: str
    patient: Patient = field(repr=False)


@dataclass(frozen=True)
class Batch:
    data: bytes = field(repr=False)
    copies: int
    pages: int                      # blank backs included
    documents: tuple[tuple[str, str, int], ...]  # (document, edition, copies), for the audit log


class NotFound(ValueError):
    """No leaflet matches; `column` is the field to change."""

    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column


class CopyError(ValueError):
    """A copy that cannot be made; the message names no patient data. `field` is "note" when
    the box does not fit (shorten it), "" when the layout is at fault."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


def _layout_words(exc: Exception) -> str:
    """ReportLab may prefix our sentence with where it was; keep the sentence."""
    text = str(exc.args[0] if exc.args else exc)
    return text[text.find("layout "):].strip() if "layout " in text else text


def fold(text: str) -> str:
    """Lower case without accents: "Fusión" and "fusion" compare equal."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()


class Leaflets:
    """The leaflets of one build that can be personalised, found by catalogue path or by
    procedure (slug or title in any language) plus language, paper and edition."""

    def __init__(self, jobs: list[Job], language: str = ""):
        from .layout.layouts import PAPERS
        self.jobs = {job.path: job for job in jobs if job.personal is not None}
        langs = {job.lang for job in self.jobs.values()}
        self.languages = sorted(langs, key=lambda lang: (lang != language, lang))  # the clinic's first
        order = list(PAPERS)
        self.papers = sorted({job.layout.paper for job in self.jobs.values()},
                             key=lambda p: (order.index(p) if p in order else len(order), p))
        charsets = [job.personal.charset for job in self.jobs.values()]
        self.charset = frozenset.intersection(*charsets) if charsets else frozenset()  # when no leaflet is found
        self._by_name: dict[str, str] = {}
        for job in self.jobs.values():
            self._by_name.setdefault(fold(job.personal.slug), job.personal.slug)
            self._by_name.setdefault(fold(job.title), job.personal.slug)

    def __contains__(self, path: str) -> bool:
        return path in self.jobs

    def slugs(self) -> list[str]:
        return sorted({job.personal.slug for job in self.jobs.values()})

    def find(self, procedure: str, language: str = "", paper: str = "", large_print: bool = False,
             default_language: str = "", default_paper: str = "") -> Job:
        """The leaflet meant; NotFound saying what is wrong (it repeats only catalogue words)."""
        procedure = procedure.strip()
        if not self.jobs:
            raise NotFound("procedure", "this build has no leaflets to personalise")
        if procedure in self.jobs:
            return self.jobs[procedure]
        slug = self._by_name.get(fold(procedure))
        if slug is None:
            raise NotFound("procedure", f"no leaflet of that name; the procedures are "
                           f"{', '.join(self.slugs())}" if procedure else "is required")
        language = language.strip().lower() or default_language or self.languages[0]
        paper = paper.strip().lower() or default_paper or self.papers[0]
        edition = "large-print" if large_print else "standard"
        found = [job for job in self.jobs.values() if job.personal.slug == slug and job.lang == language
                 and job.layout.paper == paper and job.layout.edition == edition]
        if found:
            return found[0]
        if language not in self.languages:
            raise NotFound("language", f"no leaflets in that language; the languages are "
                              f"{', '.join(self.languages)}")
        if paper not in self.papers:
            raise NotFound("paper", f"no leaflets on that paper; the papers are {', '.join(self.papers)}")
        raise NotFound("procedure", f"the {slug} leaflet is not made in {language}, {paper}, {edition}")

    @classmethod
    def of(cls, the_plan) -> "Leaflets":
        """The leaflets of a build plan; the clinic's own language is the default."""
        return cls(the_plan.jobs, the_plan.catalogues[0].lang if the_plan.catalogues else "")

    def orders(self, rows: list[Row], default_language: str = "", default_paper: str = "") -> list[Order]:
        """Each row checked against its leaflet's fonts; PatientError lists every problem of
        every row, and nothing is rendered until there are none."""
        problems: list[FieldProblem] = []
        out = []
        for row in rows:
            values = row.values
            try:
                large = yes_no(values.get("large_print", ""))
            except ValueError as exc:
                problems.append(FieldProblem(row.number, "large_print", str(exc)))
                large = False
            job = None
            try:
                job = self.find(values.get("procedure", ""), values.get("language", ""), values.get("paper", ""),
                                large, default_language, default_paper)
            except NotFound as exc:
                problems.append(FieldProblem(row.number, exc.column, str(exc)))
            try:
                patient = read_patient({k: v for k, v in values.items() if k not in ORDER_COLUMNS},
                                       job.personal.charset if job else self.charset, row.number)
            except PatientError as exc:
                problems.extend(exc.problems)
                continue
            if job is not None:
                out.append(Order(row.number, job.path, patient))
        if problems:
            raise PatientError(problems)
        return out

    def copy(self, document: str, patient: Patient) -> Copy:
        """One personalised copy, in memory. CopyError when the box cannot fit, or the layout
        lacks a `prepared_*` value (its message names the layout, never the patient)."""
        from .layout.layouts import LayoutError
        from .render.common import RenderError
        job = self.jobs[document]
        try:
            with private():
                rendered = job.personal.render(patient)
        except LayoutError as exc:
            raise CopyError(_layout_words(exc)) from None
        except RenderError as exc:
            raise CopyError(str(exc), "note") from None
        return Copy(document, job.layout.edition, rendered.data, rendered.pages, job.personal.max_pages)

    def copies(self, orders: list[Order], workers: int = 1) -> list[Copy]:
        """Each order's copy, in order: one file per patient. With `workers` > 1 they are
        made in forked processes, which share this one's kept leaflets (render.overlay) and
        hand the PDFs back through pipes: nothing is written."""
        if workers <= 1 or len(orders) < 2:
            return [self.copy(order.document, order.patient) for order in orders]
        import multiprocessing
        global _WORK
        _WORK = (self, orders)
        mine = len(orders) // workers  # this process makes its share too: one fork fewer
        try:
            with multiprocessing.get_context("fork").Pool(workers - 1) as pool:
                theirs = pool.map_async(_copy_at, range(mine, len(orders)),
                                        chunksize=-(-(len(orders) - mine) // (workers - 1)))
                made = [_copy_at(index) for index in range(mine)]
                made += theirs.get()
        finally:
            _WORK = None
        for result in made:
            if isinstance(result, tuple):
                raise CopyError(*result)
        return made

    def batch(self, orders: list[Order]) -> Batch:
        """Every copy in one PDF, each starting on an odd page (a blank back after a copy with
        an odd number of pages), so a duplex printer gives each patient their own sheets."""
        from .render.batch import CopyTooLong, render_batch
        if not orders:
            raise PatientError([FieldProblem(0, "", "the list has no patients")])
        jobs = [self.jobs[order.document] for order in orders]
        from .layout.layouts import LayoutError
        try:
            with private():
                data, _, pages = render_batch([job.personal.part(order.patient) for job, order in zip(jobs, orders)])
        except CopyTooLong as exc:
            raise PatientError([FieldProblem(orders[exc.index].row, "note", str(exc))]) from None
        except LayoutError as exc:
            raise CopyError(_layout_words(exc)) from None
        counts = Counter((job.path, job.layout.edition) for job in jobs)
        return Batch(data, len(orders), pages, tuple((d, e, n) for (d, e), n in sorted(counts.items())))


_WORK: tuple | None = None  # (leaflets, orders), inherited by forked workers: nothing is pickled to them


def _copy_at(index: int):
    """In a worker: one copy, or a CopyError's (message, field)."""
    leaflets, orders = _WORK
    try:
        return leaflets.copy(orders[index].document, orders[index].patient)
    except CopyError as exc:
        return (str(exc), exc.field)
