"""The desk's pages: the catalogue, the documents, personalised copies and tomorrow's list.

Patient fields are read from the request, rendered in memory and sent back; they are
never logged, stored or repeated in a message (errors name the field and the row).
"""

from __future__ import annotations

import logging

from flask import (Blueprint, Response, current_app, jsonify, redirect, render_template, request,
                   session, url_for)
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from ..patient import BY_KEY, COLUMNS, FIELDS, MAX_ROWS, MAX_UPLOAD_BYTES, TEMPLATE, FieldProblem, \
    PatientError, check_size, read_patient, read_rows
from ..personalise import CopyError
from .catalogue import PAPERS, Query, paper_order, search
from .security import Refused, check_token, settings

bp = Blueprint("desk", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static")
log = logging.getLogger("pressroom.desk")


@bp.app_context_processor
def page_context() -> dict:
    snap = live().snapshot
    return {"clinic": snap.clinic, "generation": snap.generation, "build_problems": snap.problems,
            "paper_labels": PAPERS, "snap_languages": snap.languages}


def live():
    return current_app.extensions["pressroom.live"]


def audit():
    return current_app.extensions["pressroom.audit"]


def wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json" or request.path.endswith("/check")


# -- the catalogue ---------------------------------------------------------------------

@bp.get("/")
def index():
    snap = live().snapshot
    query = Query.of(request.args)
    docs = snap.documents
    facets = {
        "language": sorted({d.language for d in docs}, key=lambda c: (c != _home(snap), c)),
        "paper": sorted({(d.paper, d.paper_label) for d in docs}, key=lambda p: paper_order(p[0])),
        "kind": sorted({(d.kind, d.kind_label) for d in docs}, key=lambda k: _KIND_ORDER.get(k[0], 9)),
    }
    shown = search(docs, query)
    return render_template("catalogue.html", snap=snap, query=query, shown=shown,
                           shown_paths={d.path for d in shown}, facets=facets)


_KIND_ORDER = {"leaflet": 0, "guide": 1, "guide-booklet": 2, "guide-imposed": 3, "brochure": 4}


def _home(snap) -> str:
    return snap.leaflets.languages[0] if snap.leaflets and snap.leaflets.languages else ""


@bp.get("/status")
def status():
    snap = live().snapshot
    return jsonify(generation=snap.generation, problems=list(snap.problems), documents=len(snap.documents))


@bp.get("/favicon.ico")
def favicon():
    return redirect(url_for("desk.static", filename="favicon.svg"))


def _document(path: str):
    doc = live().snapshot.by_path.get(path)
    if doc is None:
        raise Refused(404, "There is no such document in the build (a rebuild may have removed it). "
                      "Go back to the list and search again.")
    return doc


@bp.get("/pdf/<path:path>")
def document(path: str):
    doc = _document(path)
    try:
        data = (settings().paths.out / doc.path).read_bytes()
    except OSError:
        raise Refused(404, "This PDF is missing from the output folder; it will be there after the "
                      "next build.") from None
    response = Response(data, mimetype="application/pdf")
    how = "attachment" if request.args.get("download") else "inline"
    response.headers["Content-Disposition"] = f'{how}; filename="{doc.file_name}"'
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/thumbnail/<path:path>")
def thumbnail(path: str):
    doc = _document(path)
    data = live().thumbnails.get(doc.path, doc.sha256)
    response = Response(data, mimetype="image/png")
    response.headers["Cache-Control"] = "private, max-age=31536000, immutable"  # the URL carries the hash
    return response


# -- a personalised copy ---------------------------------------------------------------

def _leaflet(path: str):
    doc = _document(path)
    snap = live().snapshot
    if not doc.personalisable or snap.leaflets is None or path not in snap.leaflets:
        raise Refused(404, "Only leaflets can be personalised; choose a leaflet from the list.")
    return doc, snap.leaflets


def _problems_json(problems) -> list[dict]:
    return [{"row": p.row, "field": p.column, "label": BY_KEY[p.column].label if p.column in BY_KEY else p.column,
             "message": p.message, "text": str(p)} for p in problems]


@bp.get("/copy/<path:path>")
def copy_form(path: str):
    doc, _ = _leaflet(path)
    return render_template("copy.html", doc=doc, fields=FIELDS, values={}, problems=[])


def _make_copy(path: str):
    doc, leaflets = _leaflet(path)
    job = leaflets.jobs[path]
    values = {f.key: request.form.get(f.key, "") for f in FIELDS}
    patient = read_patient(values, job.personal.charset)
    with live().lock:
        return doc, leaflets.copy(path, patient)


def _ready_message(copy) -> str:
    if copy.longer:
        return (f"Ready to print: {copy.pages} pages, one more than the usual leaflet, to make room for "
                "the 'Prepared for' box. Print double-sided.")
    return f"Ready to print: {copy.pages} page{'s' if copy.pages != 1 else ''}. Print double-sided."


@bp.post("/copy/<path:path>/check")
def copy_check(path: str):
    try:
        _, copy = _make_copy(path)
    except PatientError as exc:
        return jsonify(ok=False, problems=_problems_json(exc.problems)), 422
    except CopyError as exc:
        return jsonify(ok=False, problems=_problems_json([_copy_problem(exc)])), 422
    return jsonify(ok=True, pages=copy.pages, budget=copy.budget, longer=copy.longer,
                   message=_ready_message(copy))


@bp.post("/copy/<path:path>")
def copy_pdf(path: str):
    try:
        doc, copy = _make_copy(path)
    except (PatientError, CopyError) as exc:
        problems = exc.problems if isinstance(exc, PatientError) else [_copy_problem(exc)]
        values = {f.key: request.form.get(f.key, "") for f in FIELDS}
        return render_template("copy.html", doc=_document(path), fields=FIELDS, values=values,
                               problems=problems), 422
    audit().record("copy", ((doc.path, doc.edition, 1),))
    return _pdf(copy.data, doc.file_name.replace(".pdf", "-personalised.pdf"),
                {"X-Pressroom-Pages": str(copy.pages), "X-Pressroom-Longer": "1" if copy.longer else "0"})


def _copy_problem(exc: CopyError) -> FieldProblem:
    return FieldProblem(0, exc.field, str(exc))


def _pdf(data: bytes, name: str, extra: dict) -> Response:
    """A PDF with patient data: shown inline, never stored by a browser or a proxy."""
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    response.headers.update(extra)
    return response  # Cache-Control: no-store is set for every such response (security.headers)


# -- tomorrow's list -------------------------------------------------------------------

@bp.get("/list")
def list_form():
    snap = live().snapshot
    return render_template("list.html", snap=snap, columns=COLUMNS, max_rows=MAX_ROWS, problems=[],
                           max_bytes=MAX_UPLOAD_BYTES)


@bp.get("/list/template.csv")
def list_template():
    response = Response(TEMPLATE, mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="patient-list-template.csv"'
    return response


def _orders():
    snap = live().snapshot
    if snap.leaflets is None or not snap.leaflets.jobs:
        raise PatientError([_file_problem("the build has no leaflets to personalise")])
    upload = request.files.get("csv")
    if upload is None or not upload.filename:
        raise PatientError([_file_problem("choose the CSV file of the list first")])
    data = upload.stream.read(MAX_UPLOAD_BYTES + 1)
    check_size(len(data))
    rows = read_rows(data)
    language = request.form.get("language", "")
    paper = request.form.get("paper", "")
    return snap.leaflets, snap.leaflets.orders(rows, language if language in snap.leaflets.languages else "",
                                               paper if paper in snap.leaflets.papers else "")


def _file_problem(message: str):
    return FieldProblem(0, "", message)


@bp.post("/list/check")
def list_check():
    try:
        leaflets, orders = _orders()
    except PatientError as exc:
        return jsonify(ok=False, problems=_problems_json(exc.problems)), 422
    snap = live().snapshot
    counts: dict[str, int] = {}
    for order in orders:
        counts[order.document] = counts.get(order.document, 0) + 1
    documents = [{"path": path, "title": snap.by_path[path].title if path in snap.by_path else path,
                  "copies": n} for path, n in sorted(counts.items())]
    return jsonify(ok=True, copies=len(orders), documents=documents,
                   message=f"Ready: {len(orders)} cop{'y' if len(orders) == 1 else 'ies'}, each starting "
                   "on a new sheet. Print double-sided.")


@bp.post("/list")
def list_pdf():
    try:
        leaflets, orders = _orders()
        with live().lock:
            batch = leaflets.batch(orders)
    except (PatientError, CopyError) as exc:
        problems = exc.problems if isinstance(exc, PatientError) else [_copy_problem(exc)]
        return render_template("list.html", snap=live().snapshot, columns=COLUMNS, max_rows=MAX_ROWS,
                               problems=problems, max_bytes=MAX_UPLOAD_BYTES), 422
    audit().record("list", batch.documents)
    return _pdf(batch.data, "patient-copies.pdf",
                {"X-Pressroom-Copies": str(batch.copies), "X-Pressroom-Pages": str(batch.pages)})


# -- the token -------------------------------------------------------------------------

@bp.route("/login", methods=["GET", "POST"])
def login():
    target = request.values.get("next") or url_for("desk.index")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("desk.index")
    if not settings().token or session.get("signed_in"):
        return redirect(target)
    wrong = False
    if request.method == "POST":
        if check_token(request.form.get("token", ""), settings()):
            session.clear()
            session["signed_in"] = True
            return redirect(target)
        wrong = True
    return render_template("login.html", next=target, wrong=wrong), 401 if wrong else 200


# -- errors ----------------------------------------------------------------------------

def error_response(exc: Exception):
    """Every error as a page (or JSON for the page's scripts); an unexpected one is logged by
    its type alone, since its message could hold what a patient's copy was made of."""
    if isinstance(exc, Refused):
        code, message = exc.code, exc.message
    elif isinstance(exc, RequestEntityTooLarge):
        code, message = 413, (f"The upload is larger than the desk accepts ({MAX_UPLOAD_BYTES // 1024 // 1024} MB "
                              "for a list, far less for a form's fields). Split the list into smaller files; "
                              "nothing was made.")
    elif isinstance(exc, HTTPException):
        code, message = exc.code or 500, exc.description or exc.name
    else:
        log.error("internal error (%s) on %s %s", type(exc).__name__, request.method, request.url_rule)
        code, message = 500, (f"Something went wrong on the desk ({type(exc).__name__}); nothing was kept. "
                              "Try again; if it happens again, tell whoever looks after the desk.")
    if wants_json():
        return jsonify(ok=False, problems=[{"row": 0, "field": "", "label": "", "message": message,
                                            "text": message}]), code
    return render_template("error.html", code=code, message=message), code
