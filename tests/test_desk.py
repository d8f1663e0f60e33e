"""The print desk through Flask's test client (and, for what only a real server shows, through
waitress): catalogue and search, documents, personalised copies and lists, the safety
headers and refusals, live rebuilds, and patient data kept out of everything but the answer."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import replace

import pytest

from pressroom.cli import main
from pressroom.desk import MAX_REQUEST, create_app, serve
from pressroom.desk.settings import DeskSettings, SettingsError

from conftest import REPO
from desk_helpers import ServerThread, Session, files_holding, free_port, pdf_text, wait_for

DISCECTOMY = "en/letter/leaflet-discectomy.pdf"
FUSION_ES = "es/letter/leaflet-spinal-fusion.pdf"


@pytest.fixture(scope="module")
def tree(desk_tree, tmp_path_factory):
    return desk_tree.copy(tmp_path_factory.mktemp("desk-app") / "tree")


@pytest.fixture(scope="module")
def app(tree):
    return create_app(DeskSettings.make(tree.paths(), audit_log=tree.root / "audit.log"), watch=False)


@pytest.fixture
def client(app):
    return app.test_client()


def token_of(client, page: str = f"/copy/{DISCECTOMY}") -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(page).get_data(as_text=True))[1]


def count(response) -> int:
    return int(re.search(r'id="count-number">(\d+)<', response.get_data(as_text=True))[1])


# -- the catalogue ---------------------------------------------------------------------------

def test_catalogue_lists_every_document_with_thumbnail_title_kind_language_paper_edition(client, tree):
    page = client.get("/").get_data(as_text=True)
    assert count(client.get("/")) == 6
    assert page.count('class="card"') == 6
    for words in ("Discectomy", "Fusión espinal", "Español", "English", "US Letter", "Large print", "Leaflet"):
        assert words in page
    assert f'href="/pdf/{DISCECTOMY}"' in page and f'href="/copy/{FUSION_ES}"' in page
    assert f"/thumbnail/{DISCECTOMY}?v=" in page


@pytest.mark.parametrize("query, found", [
    ("fusion", {"en/letter/leaflet-spinal-fusion.pdf", "en/letter/leaflet-spinal-fusion-large-print.pdf",
                FUSION_ES, "es/letter/leaflet-spinal-fusion-large-print.pdf"}),
    ("FUSIÓN espinal", {"en/letter/leaflet-spinal-fusion.pdf", "en/letter/leaflet-spinal-fusion-large-print.pdf",
                        FUSION_ES, "es/letter/leaflet-spinal-fusion-large-print.pdf"}),
    ("sciatica", {DISCECTOMY, "en/letter/leaflet-discectomy-large-print.pdf"}),   # what it treats
    ("endoscope", {DISCECTOMY, "en/letter/leaflet-discectomy-large-print.pdf"}),  # a glossary term it uses
    ("escoliosis", {FUSION_ES, "es/letter/leaflet-spinal-fusion-large-print.pdf"}),
    ("nothing like this", set()),
])
def test_search_is_accent_and_case_insensitive_in_every_language(client, app, query, found):
    from pressroom.desk.catalogue import Query, search
    docs = app.extensions["pressroom.live"].snapshot.documents
    assert {d.path for d in search(docs, Query(text=query))} == found
    assert count(client.get("/", query_string={"q": query})) == len(found)


def test_filters_language_paper_kind_large_print(client):
    assert count(client.get("/?language=es")) == 2
    assert count(client.get("/?large_print=1")) == 3
    assert count(client.get("/?language=en&large_print=1&kind=leaflet&paper=letter")) == 2
    assert count(client.get("/?paper=a4")) == 0


def test_documents_open_inline_or_download_only_from_the_build(client, tree):
    inline = client.get(f"/pdf/{DISCECTOMY}")
    assert inline.status_code == 200 and inline.mimetype == "application/pdf"
    assert inline.headers["Content-Disposition"] == 'inline; filename="en-letter-leaflet-discectomy.pdf"'
    assert inline.data == (tree.out / DISCECTOMY).read_bytes()
    assert client.get(f"/pdf/{DISCECTOMY}?download=1").headers["Content-Disposition"].startswith("attachment;")
    for path in ("manifest.json", "../content/clinic.yaml", "en/letter/../../manifest.json", "desk-audit.log"):
        assert client.get(f"/pdf/{path}").status_code == 404


def test_thumbnails_are_cached_with_the_build_by_hash(client, app, tree):
    doc = app.extensions["pressroom.live"].snapshot.by_path[DISCECTOMY]
    first = client.get(f"/thumbnail/{DISCECTOMY}?v=x")
    assert first.status_code == 200 and first.mimetype == "image/png" and first.data[:8] == b"\x89PNG\r\n\x1a\n"
    cached = tree.out / ".thumbnails" / f"{doc.sha256}.png"
    assert cached.read_bytes() == first.data
    stamp = cached.stat().st_mtime_ns
    assert client.get(f"/thumbnail/{DISCECTOMY}").data == first.data and cached.stat().st_mtime_ns == stamp
    assert "immutable" in first.headers["Cache-Control"]


def test_status_reports_the_build(client):
    assert client.get("/status").json == {"generation": 1, "problems": [], "documents": 6}


# -- safety ---------------------------------------------------------------------------------

def test_every_response_carries_the_safety_headers(client):
    token = token_of(client)
    responses = [client.get("/"), client.get("/static/desk.css"), client.get("/nowhere"),
                 client.get(f"/pdf/{DISCECTOMY}"), client.get(f"/thumbnail/{DISCECTOMY}"), client.get("/list"),
                 client.post(f"/copy/{DISCECTOMY}", data={"csrf_token": token, "name": "A"}),
                 client.post("/list", data={}), client.get("/", headers={"Host": "evil.example"})]
    for response in responses:
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"


def test_no_third_party_assets(client):
    page = client.get("/").get_data(as_text=True) + client.get(f"/copy/{DISCECTOMY}").get_data(as_text=True)
    for url in re.findall(r'(?:src|href)="([^"]*)"', page):
        assert url.startswith("/") or url.startswith("#"), url
    package = REPO / "pressroom" / "desk"
    for path in list((package / "templates").iterdir()) + list((package / "static").iterdir()):
        text = path.read_text().replace('xmlns="http://www.w3.org/2000/svg"', "")  # a name, not a fetch
        assert not re.search(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}/", text), path


def test_templates_and_static_files_are_package_data():
    import tomllib
    patterns = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["pressroom.desk"]
    package = REPO / "pressroom" / "desk"
    for path in [*(package / "templates").iterdir(), *(package / "static").iterdir()]:
        assert any(path.relative_to(package).match(p) for p in patterns), path


def test_the_page_colours_meet_wcag_aa():
    from pressroom.layout.contrast import ratio
    css = (REPO / "pressroom/desk/static/desk.css").read_text()
    var = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-f]{6})", css))
    pairs = [("text", "bg"), ("text", "card"), ("muted", "bg"), ("muted", "card"), ("primary", "card"),
             ("primary", "bg"), ("primary", "primary-tint"), ("error", "error-tint"), ("text", "error-tint"),
             ("text", "ok-tint"), ("ok", "ok-tint")]
    for fg, bg in pairs:
        assert ratio(var[fg], var[bg]) >= 4.5, (fg, bg)
    assert ratio("#ffffff", var["primary"]) >= 4.5 and ratio("#ffffff", var["primary-dark"]) >= 4.5
    assert ratio(var["focus"], var["card"]) >= 3 and ratio(var["focus"], var["bg"]) >= 3  # the focus ring


def test_a_foreign_host_is_refused(client):
    response = client.get("/", headers={"Host": "rebind.example:8421"})
    assert response.status_code == 400 and "does not answer to that host name" in response.get_data(as_text=True)
    assert client.get("/", headers={"Host": "127.0.0.1:8421"}).status_code == 200


def test_a_post_without_the_csrf_token_is_refused_and_makes_nothing(client, tree):
    before = (tree.root / "audit.log").read_text() if (tree.root / "audit.log").exists() else ""
    for data in ({"name": "A"}, {"name": "A", "csrf_token": "wrong"}):
        response = client.post(f"/copy/{DISCECTOMY}", data=data)
        assert response.status_code == 403 and "security token" in response.get_data(as_text=True)
    same = client.post(f"/copy/{DISCECTOMY}/check", data={"name": "A", "csrf_token": token_of(client)},
                       headers={"Origin": "null"})  # a form under no-referrer: the token decides
    assert same.status_code == 200
    response = client.post(f"/copy/{DISCECTOMY}", data={"name": "A", "csrf_token": token_of(client)},
                           headers={"Origin": "http://evil.example"})
    assert response.status_code == 403
    after = (tree.root / "audit.log").read_text() if (tree.root / "audit.log").exists() else ""
    assert after == before


def test_never_a_debug_mode(tree, monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    app = create_app(DeskSettings.make(tree.paths()), watch=False)
    assert app.debug is False and app.config["PROPAGATE_EXCEPTIONS"] is False


def test_the_token_is_asked_once_per_browser_session(tree):
    app = create_app(DeskSettings.make(tree.paths(), token="correct horse"), watch=False)
    client = app.test_client()
    response = client.get("/?q=fusion")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")
    assert client.post(f"/copy/{DISCECTOMY}", data={"name": "A"}).status_code in (401, 403)
    assert client.get(f"/pdf/{DISCECTOMY}").status_code == 302
    token = token_of(client, "/login")
    wrong = client.post("/login", data={"csrf_token": token, "token": "wrong guess"})
    assert wrong.status_code == 401 and "not the desk's token" in wrong.get_data(as_text=True)
    right = client.post("/login", data={"csrf_token": token, "token": "correct horse", "next": "/?q=fusion"})
    assert right.status_code == 302 and right.headers["Location"] == "/?q=fusion"
    assert client.get("/").status_code == 200 and client.get(f"/pdf/{DISCECTOMY}").status_code == 200


def test_the_command_refuses_a_network_address_without_a_token(tree, capsys, monkeypatch):
    monkeypatch.delenv("PRESSROOM_DESK_TOKEN", raising=False)
    code = main(["desk", "--host", "0.0.0.0", "--content", str(tree.content), "--layouts", str(tree.layouts),
                 "--out", str(tree.out)], root=REPO)
    assert code == 2
    assert "refusing to serve on 0.0.0.0 without a token" in capsys.readouterr().err
    with pytest.raises(SettingsError, match="at least 8"):
        DeskSettings.make(tree.paths(), host="0.0.0.0", token="short")
    network = DeskSettings.make(tree.paths(), host="0.0.0.0", token="long enough", allowed_hosts=("desk.lan:8421",))
    assert {"desk.lan", "127.0.0.1", "localhost"} <= network.allowed_hosts and "0.0.0.0" not in network.allowed_hosts


def test_waitress_keeps_requests_and_responses_in_memory(app, tree):
    server = serve(app, replace(app.extensions["pressroom.settings"], port=0))
    try:
        adj = server.adj
        assert adj.max_request_body_size == MAX_REQUEST
        assert adj.inbuf_overflow > adj.max_request_body_size
        assert adj.outbuf_overflow >= 1 << 40 and adj.expose_tracebacks is False
    finally:
        server.close()


# -- a personalised copy ------------------------------------------------------------------------

def test_a_copy_checked_then_made_in_the_documents_language(client, tree):
    token = token_of(client, f"/copy/{FUSION_ES}")
    fields = {"csrf_token": token, "name": "Nguyen O'Brien-Núñez", "procedure_date": "2026-03-03",
              "arrival_time": "07:30"}
    check = client.post(f"/copy/{FUSION_ES}/check", data=fields)
    assert check.status_code == 200 and check.json["ok"] and check.json["pages"] >= 2
    assert check.json["message"].startswith("Ready to print")
    assert check.headers["Cache-Control"] == "no-store"
    response = client.post(f"/copy/{FUSION_ES}", data=fields)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"] == 'inline; filename="es-letter-leaflet-spinal-fusion-personalised.pdf"'
    text = pdf_text(response.data)
    assert "Preparado para" in text and "Nguyen O'Brien-Núñez" in text and "martes 3 de marzo de 2026" in text
    assert response.headers["X-Pressroom-Pages"] == str(check.json["pages"])
    last = (tree.root / "audit.log").read_text().splitlines()[-1]
    assert last.endswith(f"copy  copies=1  {FUSION_ES} (standard) x1") and "Nguyen" not in last


def test_a_longer_copy_is_told_before_printing(client):
    token = token_of(client)
    check = client.post(f"/copy/{DISCECTOMY}/check", data={"csrf_token": token, "name": "A", "note": "x " * 140,
                                                            "place": "Suite 210", "procedure_date": "2026-03-03"})
    assert check.json["longer"] and check.json["pages"] == 3
    assert "one more than the usual leaflet" in check.json["message"]


def test_oversize_and_unprintable_fields_are_refused_by_name_never_cut(client):
    token = token_of(client)
    check = client.post(f"/copy/{DISCECTOMY}/check",
                        data={"csrf_token": token, "name": "Zyxwvut ễ", "note": "y" * 301})
    assert check.status_code == 422 and not check.json["ok"]
    problems = {p["field"]: p["message"] for p in check.json["problems"]}
    assert problems["note"] == "301 characters; at most 300 are allowed (shorten it by 1)"
    assert "U+1EC5" in problems["name"]
    assert "Zyxwvut" not in check.get_data(as_text=True)
    form = client.post(f"/copy/{DISCECTOMY}", data={"csrf_token": token, "name": "A", "note": "y" * 301})
    assert form.status_code == 422 and form.mimetype == "text/html"
    assert "Note: 301 characters" in form.get_data(as_text=True) and form.headers["Cache-Control"] == "no-store"


def test_only_leaflets_are_personalised(client, tree):
    assert client.get("/copy/nowhere.pdf").status_code == 404


# -- tomorrow's list ------------------------------------------------------------------------

LIST = ("name,procedure,language,large_print,procedure_date,arrival_time\n"
        "Ann One,discectomy,en,no,2026-03-03,07:00\n"
        "Bea Two,spinal-fusion,es,yes,2026-03-03,08:00\n"
        "Cy Three,Spinal fusion,en,,2026-03-03,09:00\n")


def post_list(client, path, data: bytes, **form):
    from io import BytesIO
    return client.post(path, data={"csrf_token": token_of(client, "/list"), "csv": (BytesIO(data), "list.csv"),
                                   **form}, content_type="multipart/form-data")


def test_the_template_downloads(client):
    response = client.get("/list/template.csv")
    assert response.headers["Content-Disposition"] == 'attachment; filename="patient-list-template.csv"'
    assert response.data.startswith(b"name,procedure,language,paper,large_print,procedure_date,arrival_time")


def test_a_list_checked_then_made_with_odd_page_starts(client, tree):
    check = post_list(client, "/list/check", LIST.encode())
    assert check.json["ok"] and check.json["copies"] == 3
    response = post_list(client, "/list", LIST.encode())
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"] == 'inline; filename="patient-copies.pdf"'
    from pypdf import PdfReader
    import io
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages]
    starts = [i for i, t in enumerate(pages) if "Prepared for" in t or "Preparado para" in t]
    assert len(starts) == 3 and all(i % 2 == 0 for i in starts)
    last = (tree.root / "audit.log").read_text().splitlines()[-1]
    assert "list  copies=3" in last and "Ann" not in last


def test_a_bad_list_names_every_row_and_column_at_once(client):
    data = "name,procedure,arrival_time,note\n,discectomy,,\nB,tonsillectomy,7:99,\nC,discectomy,," + "z" * 301 + "\n"
    check = post_list(client, "/list/check", data.encode())
    assert check.status_code == 422
    assert [p["text"].split(":")[0] for p in check.json["problems"]] == [
        "row 2, name", "row 3, arrival_time", "row 3, procedure", "row 4, note"]
    page = post_list(client, "/list", data.encode())
    assert page.status_code == 422 and "row 4, note: 301 characters" in page.get_data(as_text=True)


def test_uploads_over_the_limit_are_refused_with_a_clear_message(client):
    big = post_list(client, "/list/check", b"name,procedure\n" + b"x" * (MAX_REQUEST + 10))
    assert big.status_code == 413 and "larger than the desk accepts (1 MB" in big.json["problems"][0]["text"]
    over = post_list(client, "/list/check", b"name,procedure\n" + b"x" * (1024 * 1024))
    assert over.status_code == 422 and "at most 1,048,576 (1 MB)" in over.json["problems"][0]["text"]
    many = "name,procedure\n" + "P,discectomy\n" * 201
    assert "201 patients; at most 200" in post_list(client, "/list/check", many.encode()).json["problems"][0]["text"]


# -- always current -------------------------------------------------------------------------

def test_a_content_error_is_shown_while_the_last_good_pdfs_stay_served(desk_tree, tmp_path):
    tree = desk_tree.copy(tmp_path / "tree")
    app = create_app(DeskSettings.make(tree.paths()), watch=False)
    live, client = app.extensions["pressroom.live"], app.test_client()
    good = client.get(f"/pdf/{DISCECTOMY}").data
    source = tree.content / "procedures" / "discectomy.yaml"
    source.write_text(source.read_text().replace("title: Discectomy", "title: [Discectomy"))
    live.refresh()
    page = client.get("/").get_data(as_text=True)
    assert "The last change to the content has 1 problem" in page
    assert re.search(r"procedures/discectomy\.yaml:\d+: ", page)
    assert count(client.get("/")) == 6 and client.get(f"/pdf/{DISCECTOMY}").data == good
    assert client.get("/status").json["problems"][0].endswith(live.snapshot.problems[0][-30:])
    source.write_text(source.read_text().replace("title: [Discectomy", "title: Discectomy Today"))
    live.refresh()
    assert not live.snapshot.problems and "Discectomy Today" in client.get("/").get_data(as_text=True)
    assert client.get(f"/pdf/{DISCECTOMY}").data != good


def test_the_watcher_rebuilds_on_change(desk_tree, tmp_path):
    tree = desk_tree.copy(tmp_path / "tree")
    settings = replace(DeskSettings.make(tree.paths()), interval=0.1)
    events = []
    app = create_app(settings, on_event=events.append)
    live = app.extensions["pressroom.live"]
    try:
        source = tree.content / "es" / "procedures" / "spinal-fusion.yaml"
        before = live.snapshot.by_path[FUSION_ES].sha256
        source.write_text(source.read_text().replace("heading: Qué es", "heading: En qué consiste"))
        end = time.monotonic() + 60
        while live.snapshot.generation < 2 and time.monotonic() < end:
            time.sleep(0.1)
        assert not live.snapshot.problems and live.snapshot.by_path[FUSION_ES].sha256 != before
        assert count(app.test_client().get("/?q=consiste")) == 2  # section headings are searched
        assert f"built {tree.paths().shown_out}/{FUSION_ES}" in events
    finally:
        live.stop()


# -- patient data stays out of everything but the answer ----------------------------------

def test_nothing_spools_to_a_temporary_file(app, monkeypatch):
    """Werkzeug spools an upload over 500 KB to a temp file, waitress a body over 512 KB or a
    response over 1 MB: the desk keeps all of them in memory."""
    used = []
    for name in ("TemporaryFile", "NamedTemporaryFile", "mkstemp", "mkdtemp"):
        original = getattr(tempfile, name)
        monkeypatch.setattr(tempfile, name, lambda *a, _o=original, _n=name, **k: used.append(_n) or _o(*a, **k))
    original_rollover = tempfile.SpooledTemporaryFile.rollover
    monkeypatch.setattr(tempfile.SpooledTemporaryFile, "rollover",
                        lambda self: used.append("rollover") or original_rollover(self))
    server = ServerThread(app, app.extensions["pressroom.settings"])
    try:
        session = Session(server.url)
        session.csrf("/list")
        rows = "".join(f"Patient {i},discectomy,en,,yes,,{'n' * 290}\n" for i in range(140))  # copies over 1 MB
        status, headers, body = session.post("/list", {}, {"csv": ("l.csv", (
            "name,procedure,language,paper,large_print,procedure_date,note\n" + rows).encode())})
        assert status == 200 and len(body) > 1024 * 1024  # over waitress's default response spool
        padded = b"name,procedure,note\nA,discectomy," + b"n" * (900 * 1024) + b"\n"
        status, _, _ = session.post("/list/check", {}, {"csv": ("big.csv", padded)})
        assert status == 422  # read in memory, then refused for its note
    finally:
        server.close()
    assert used == []


MARKER = "Zyxwvut Testpatient-Fake"


def test_a_session_of_copies_and_lists_leaves_the_marker_nowhere(desk_tree, tmp_path):
    """The real command, as a clinic runs it: its logs, the output folder, the temp folder
    (a fresh TMPDIR for the desk, and every file changed in the system's) and the audit log
    hold no trace of a patient."""
    started = time.time() - 1
    tree = desk_tree.copy(tmp_path / "tree")
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    port = free_port()
    log = tmp_path / "desk.log"
    env = {**os.environ, "TMPDIR": str(private_tmp), "PYTHONPATH": str(REPO)}
    with open(log, "wb") as handle:
        desk = subprocess.Popen([sys.executable, str(REPO / "generate.py"), "desk", "--content", str(tree.content),
                                 "--layouts", str(tree.layouts), "--out", str(tree.out), "--port", str(port)],
                                stdout=handle, stderr=subprocess.STDOUT, env=env)
    try:
        wait_for(f"http://127.0.0.1:{port}/status")
        session = Session(f"http://127.0.0.1:{port}")
        session.csrf(f"/copy/{FUSION_ES}")
        fields = {"name": MARKER, "place": f"{MARKER} Suite", "surgeon": f"Dr. {MARKER}", "note": f"{MARKER} note",
                  "procedure_date": "2026-03-03", "arrival_time": "07:30", "nothing_after": "22:00"}
        for path in (f"/copy/{FUSION_ES}/check", f"/copy/{FUSION_ES}", f"/copy/{DISCECTOMY}"):
            status, headers, body = session.post(path, fields)
            assert (status, headers["Cache-Control"]) == (200, "no-store"), (path, body[:300], log.read_text())
        assert MARKER in pdf_text(body)
        status, _, body = session.post(f"/copy/{DISCECTOMY}/check", {**fields, "note": MARKER + "x" * 300})
        assert status == 422 and MARKER.encode() not in body
        csv = ("name,procedure,language,place,note\n" + "".join(
            f"{MARKER} {i},discectomy,en,{MARKER},{MARKER}\n" for i in range(3))).encode()
        for path in ("/list/check", "/list"):
            status, headers, body = session.post(path, {}, {"csv": ("list.csv", csv)})
            assert status == 200 and headers["Cache-Control"] == "no-store"
        assert pdf_text(body).count(MARKER) >= 3
        bad = csv + f"{MARKER},nowhere,en,,\n".encode()
        status, _, body = session.post("/list/check", {}, {"csv": ("list.csv", bad)})
        assert status == 422 and MARKER.encode() not in body
        status, _, _ = session.post("/list", {}, {"csv": ("list.csv", bad)})
        assert status == 422
        cli = subprocess.run([sys.executable, str(REPO / "generate.py"), "personalise", "--content",
                              str(tree.content), "--layouts", str(tree.layouts), "--csv", "/dev/stdin", "--out", "-",
                              "--audit-log", str(tree.out / "desk-audit.log")],
                             input=csv, capture_output=True, env=env, timeout=120)
        assert cli.returncode == 0 and MARKER in pdf_text(cli.stdout)
        assert MARKER.encode() not in cli.stderr
    finally:
        desk.terminate()
        desk.wait(timeout=30)
    audit = (tree.out / "desk-audit.log").read_text()
    assert audit.count("  copy  ") == 2 and audit.count("  list  ") == 2
    assert log.read_bytes() and MARKER.encode() not in log.read_bytes()
    assert files_holding(MARKER, [tree.root, private_tmp, log.parent]) == []
    assert files_holding(MARKER, [tempfile.gettempdir()], since=started) == []
