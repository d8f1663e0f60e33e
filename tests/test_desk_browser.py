"""The print desk in a real browser: Debian's chromium driven by Playwright (never
`playwright install`). Search, filter, open, a personalised copy, a list, the refusals,
keyboard use and 200 % zoom."""

from __future__ import annotations

import io
import shutil

import pytest
from pypdf import PdfReader

from pressroom.desk import create_app
from pressroom.desk.settings import DeskSettings

from desk_helpers import ServerThread

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
playwright = pytest.importorskip("playwright.sync_api", reason="the test extras install playwright")
expect = playwright.expect
if not shutil.which(CHROMIUM):
    pytest.skip("Debian's chromium is not installed (.ci/run installs it)", allow_module_level=True)

FUSION_ES = "es/letter/leaflet-spinal-fusion.pdf"
DISCECTOMY = "en/letter/leaflet-discectomy.pdf"
TOKEN = "front desk 2026"


@pytest.fixture(scope="module")
def tree(desk_tree, tmp_path_factory):
    return desk_tree.copy(tmp_path_factory.mktemp("desk-browser") / "tree")


@pytest.fixture(scope="module")
def server(tree):
    settings = DeskSettings.make(tree.paths(), audit_log=tree.root / "audit.log")
    running = ServerThread(create_app(settings, watch=False), settings)
    yield running
    running.close()


@pytest.fixture(scope="module")
def token_server(tree):
    settings = DeskSettings.make(tree.paths(), token=TOKEN, audit_log=tree.root / "audit.log")
    running = ServerThread(create_app(settings, watch=False), settings)
    yield running
    running.close()


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--host-resolver-rules=MAP rebind.test 127.0.0.1"])  # a DNS rebinding attacker's name
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def visible_titles(page) -> list[str]:
    return page.locator("#cards > .card:not([hidden]) h2").all_inner_texts()


def csrf(page) -> str:
    return page.locator('input[name="csrf_token"]').first.get_attribute("value")


def test_search_as_you_type_in_any_language(page, server):
    page.goto(server.url + "/")
    search = page.get_by_label("Search")
    search.fill("sciatica")
    expect(page.locator("#count-number")).to_have_text("2")
    assert visible_titles(page) == ["Discectomy", "Discectomy"]
    search.fill("FUSION")
    expect(page.locator("#count-number")).to_have_text("4")
    assert set(visible_titles(page)) == {"Spinal fusion", "Fusión espinal"}
    search.fill("no such thing")
    page.get_by_text("Nothing matches").wait_for()
    assert "q=no+such+thing" in page.url  # the search can be bookmarked or reloaded


def test_filters(page, server):
    page.goto(server.url + "/")
    page.get_by_label("Language").select_option("es")
    expect(page.locator("#count-number")).to_have_text("2")
    page.get_by_label("Large print only").check()
    expect(page.locator("#count-number")).to_have_text("1")
    card = page.locator("#cards > .card:not([hidden])")
    assert "Large print" in card.inner_text() and "Español" in card.inner_text()


def test_open_a_pdf_inline(page, server):
    page.goto(server.url + "/?q=discectomy&large_print=1")
    link = page.locator("#cards > .card:not([hidden])").get_by_role("link", name="Open")
    href = link.get_attribute("href")
    assert link.get_attribute("target") == "_blank"
    response = page.request.get(server.url + href)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("inline;")
    assert "Discectomy" in PdfReader(io.BytesIO(response.body())).pages[0].extract_text()


def test_a_personalised_copy_in_the_documents_language(page, server):
    page.goto(server.url + "/?language=es")
    page.locator("#cards > .card:not([hidden])").first.get_by_role("link", name="Personalise").click()
    page.wait_for_url(f"**/copy/{FUSION_ES}")
    name = "Łucja Nguyen O'Brien-Núñez <i>"
    page.get_by_label("Patient name").fill(name)
    page.get_by_label("Procedure date").fill("2026-03-03")
    page.get_by_label("Arrival time").fill("07:30")
    page.get_by_label("Nothing to eat or drink after").fill("22:00")
    page.get_by_role("button", name="Prepare copy").click()
    ready = page.locator("#ready")
    ready.wait_for()
    assert ready.inner_text().startswith("Ready to print")
    assert page.evaluate("document.activeElement.id") == "open-copy"
    with page.context.expect_event("response", lambda r: r.request.method == "POST"
                                   and r.url.endswith(f"/copy/{FUSION_ES}")) as opened:
        page.keyboard.press("Enter")  # "Open to print": the PDF opens in a new tab
    assert opened.value.status == 200 and opened.value.headers["content-type"] == "application/pdf"
    response = page.request.post(server.url + f"/copy/{FUSION_ES}", form={
        "csrf_token": csrf(page), "name": name, "procedure_date": "2026-03-03", "arrival_time": "07:30"})
    assert response.ok and response.headers["cache-control"] == "no-store"
    first = PdfReader(io.BytesIO(response.body())).pages[0].extract_text()
    assert "Preparado para" in first and name in first and "martes 3 de marzo de 2026" in first


def test_a_list_of_patients_in_one_file(page, server):
    csv = ("name,procedure,language,large_print,procedure_date\n"
           "Ann One,discectomy,en,no,2026-03-03\nBea Two,Fusión espinal,es,yes,2026-03-03\n"
           "Cy Three,spinal-fusion,en,no,2026-03-03\n").encode()
    page.goto(server.url + "/")
    page.get_by_role("link", name="Tomorrow's list").click()
    page.get_by_label("The list (CSV file)").set_input_files(
        files=[{"name": "tomorrow.csv", "mimeType": "text/csv", "buffer": csv}])
    page.get_by_role("button", name="Check the list").click()
    page.locator("#ready").wait_for()
    assert "Ready: 3 copies" in page.locator("#ready").inner_text()
    response = page.request.post(server.url + "/list", multipart={
        "csrf_token": csrf(page), "csv": {"name": "tomorrow.csv", "mimeType": "text/csv", "buffer": csv}})
    assert response.ok
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages]
    starts = [i for i, text in enumerate(pages) if "Prepared for" in text or "Preparado para" in text]
    assert len(starts) == 3 and all(i % 2 == 0 for i in starts)  # each copy on a new sheet


def test_a_list_with_bad_rows_names_them_all(page, server):
    csv = b"name,procedure,arrival_time\n,discectomy,\nB,nothing,\nC,discectomy,25:00\n"
    page.goto(server.url + "/list")
    page.get_by_label("The list (CSV file)").set_input_files(
        files=[{"name": "bad.csv", "mimeType": "text/csv", "buffer": csv}])
    page.get_by_role("button", name="Check the list").click()
    problems = page.locator("#form-problems")
    problems.wait_for()
    text = problems.inner_text()
    assert "row 2, name: is required" in text and "row 3, procedure" in text and "row 4, arrival_time" in text
    assert page.locator("#ready").is_hidden()


def test_a_post_without_the_csrf_token_is_refused(page, server):
    page.goto(server.url + "/")
    response = page.request.post(server.url + f"/copy/{DISCECTOMY}", form={"name": "A"})
    assert response.status == 403 and "security token" in response.text()


def test_a_foreign_host_is_refused(page, server):
    response = page.goto(f"http://rebind.test:{server.port}/")
    assert response.status == 400
    assert "does not answer to that host name" in page.inner_text("main")


def test_an_oversize_field_is_refused_by_name_and_never_cut(page, server):
    page.goto(server.url + f"/copy/{DISCECTOMY}")
    page.get_by_label("Patient name").fill("A")
    note = page.get_by_label("Note")
    note.fill("n" * 301)
    assert "1 too many" in page.locator(".counter").inner_text()
    page.get_by_role("button", name="Prepare copy").click()
    page.locator("#form-problems").wait_for()
    assert "Note: 301 characters; at most 300 are allowed" in page.locator("#form-problems").inner_text()
    assert note.get_attribute("aria-invalid") == "true" and len(note.input_value()) == 301
    assert page.locator("#ready").is_hidden()


def test_a_desk_with_a_token_asks_once_per_browser_session(browser, token_server):
    context = browser.new_context()
    page = context.new_page()
    page.goto(token_server.url + "/?q=fusion")
    assert "/login" in page.url
    assert page.request.get(token_server.url + f"/pdf/{DISCECTOMY}", max_redirects=0).status == 302
    page.get_by_label("Desk token").fill("not it")
    page.get_by_role("button", name="Sign in").click()
    assert "not the desk's token" in page.inner_text("main")
    page.get_by_label("Desk token").fill(TOKEN)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/?q=fusion")
    page.goto(token_server.url + "/list")
    assert page.url.endswith("/list")  # not asked again in this session
    context.close()
    fresh = browser.new_context().new_page()
    fresh.goto(token_server.url + "/")
    assert "/login" in fresh.url  # a new browser session is asked again
    fresh.context.close()


def test_keyboard_labels_and_visible_focus(page, server):
    page.goto(server.url + "/")
    assert page.evaluate("document.activeElement.id") == "q"  # the search box is ready to type in
    page.goto(server.url + "/list")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.goto(server.url + "/")
    unlabelled = page.evaluate("""() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea, button')]
        .filter(e => !(e.labels && e.labels.length) && !e.textContent.trim() && !e.getAttribute('aria-label'))
        .map(e => e.outerHTML)""")
    assert unlabelled == []
    page.get_by_label("Search").focus()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.goto(server.url + f"/copy/{DISCECTOMY}")
    unlabelled = page.evaluate("""() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
        .filter(e => !(e.labels && e.labels.length)).map(e => e.outerHTML)""")
    assert unlabelled == []


@pytest.mark.parametrize("path", ["/", f"/copy/{DISCECTOMY}", "/list"])
def test_usable_at_200_percent_zoom(browser, server, path):
    """200 % zoom of a 1280 px window is a 640 CSS-pixel viewport: nothing scrolls sideways."""
    context = browser.new_context(viewport={"width": 640, "height": 900}, device_scale_factor=2)
    page = context.new_page()
    page.goto(server.url + path)
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    context.close()


def test_a_content_error_appears_on_the_open_page(browser, desk_tree, tmp_path):
    """The page asks the desk how the build is doing: an error made while it is open shows up,
    as the build reports it, and the documents stay."""
    tree = desk_tree.copy(tmp_path / "tree")
    settings = DeskSettings.make(tree.paths())
    app = create_app(settings, watch=False)
    running = ServerThread(app, settings)
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(running.url + "/")
        source = tree.content / "procedures" / "spinal-fusion.yaml"
        source.write_text(source.read_text().replace("summary:", "summary: [", 1))
        app.extensions["pressroom.live"].refresh()
        status = page.locator("#build-status")
        expect(status).to_contain_text("The last change to the content has 1 problem", timeout=10_000)
        expect(status).to_contain_text("procedures/spinal-fusion.yaml:")
        assert page.locator("#cards > .card").count() == 6
    finally:
        context.close()
        running.close()
