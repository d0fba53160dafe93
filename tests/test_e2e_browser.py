"""End to end in real headless Chromium (issue 5): log in, upload a PDF, wait for the real
extraction, correct a lead agency, reload, see the correction and its revision; then compare
(issue 6) and override the task's alignment.

Needs Debian's ``chromium`` and ``chromium-driver`` and pip ``selenium``; skipped without them
(``KEHOACH_REQUIRE_BROWSER=1``, as in CI, makes their absence a failure).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from web_fixtures.helpers import make_pdf

TESTS = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("KEHOACH_CHROMIUM", "/usr/bin/chromium")
DRIVER = os.environ.get("KEHOACH_CHROMEDRIVER", shutil.which("chromedriver") or "/usr/bin/chromedriver")
PASSWORD = "mat-khau-e2e-1"


def _need_browser() -> None:
    missing = [p for p in (CHROMIUM, DRIVER) if not Path(p).exists()]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium")
    if missing:
        if os.environ.get("KEHOACH_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser test needs {missing}")
        pytest.skip(f"browser test needs {missing} (apt-get install chromium chromium-driver)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(tmp_path):
    _need_browser()
    data = tmp_path / "data"
    env = {**os.environ, "KEHOACH_WORKERS": "1", "KEHOACH_DATA_DIR": str(data),
           "PYTHONPATH": os.pathsep.join([str(TESTS), str(TESTS.parent)])}
    env.pop("KEHOACH_DATABASE_URL", None)
    if os.environ.get("KEHOACH_E2E_EXTRACTOR"):  # e.g. web_fixtures.fake_extract:extract_small
        env["KEHOACH_EXTRACTOR"] = os.environ["KEHOACH_E2E_EXTRACTOR"]
    subprocess.run([sys.executable, "-c", "import sys; from extractor.web import add_user; "
                    "add_user('reviewer1', sys.argv[1], 'reviewer', sys.argv[2])", PASSWORD, str(data)],
                   env=env, check=True)
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-c", "import sys; from extractor.web import serve; "
                             "serve('127.0.0.1', int(sys.argv[1]), sys.argv[2])", str(port), str(data)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail("server did not start:\n" + proc.stdout.read().decode(errors="replace"))
            time.sleep(0.2)
    yield url
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture
def browser():
    _need_browser()
    from selenium import webdriver

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage",
                "--window-size=1400,1000"):
        opts.add_argument(arg)
    driver = webdriver.Chrome(options=opts, service=webdriver.ChromeService(executable_path=DRIVER))
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def test_upload_review_correct_lead_agency(server, browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 90)
    browser.get(server + "/")
    assert browser.current_url.endswith("/login") and "Đăng nhập" in browser.page_source
    browser.find_element(By.ID, "username").send_keys("reviewer1")
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait.until(ec.url_contains("/documents"))
    assert "Danh sách văn bản" in browser.page_source

    pdf = make_pdf(tmp_path / "ke-hoach-166.pdf")
    browser.get(server + "/upload")
    browser.find_element(By.ID, "files").send_keys(str(pdf))
    browser.find_element(By.CSS_SELECTOR, "form.upload button[type=submit]").click()
    link = wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, "#jobs .job-link a")))  # JS polling
    assert "xong" in browser.find_element(By.CSS_SELECTOR, "#jobs .job-status").text
    link.click()
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "form.field")))
    assert "Rà soát" in browser.page_source

    # The first task's lead agency, whatever the extractor numbered it.
    lead_xpath = ("(//form[input[@name='path' and starts-with(@value, 'tasks[') and "
                  "substring(@value, string-length(@value) - 4) = '.lead']])[1]")

    def lead_form():
        return browser.find_element(By.XPATH, lead_xpath)

    # Focusing a field with a source box shows the page and boxes the source line.
    number = browser.find_element(By.XPATH, "//form[input[@name='path' and @value='document.number']]")
    number.find_element(By.NAME, "value").click()
    assert browser.find_element(By.ID, "highlight").is_displayed()

    box = lead_form().find_element(By.NAME, "value")
    box.clear()
    box.send_keys("Sở Văn hóa, Thể thao và Du lịch")
    lead_form().find_element(By.NAME, "reason").send_keys("thiếu cơ quan chủ trì")
    lead_form().find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "p.flash.ok")))
    assert "Đã lưu" in browser.find_element(By.CSS_SELECTOR, "p.flash").text

    browser.refresh()
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "form.field")))
    lead = lead_form().find_element(By.NAME, "value").get_attribute("value")
    assert lead == "Sở Văn hóa, Thể thao và Du lịch"
    history = lead_form().find_element(By.CSS_SELECTOR, "details.history")
    history.find_element(By.TAG_NAME, "summary").click()
    text = history.text
    assert "Lịch sử chỉnh sửa" in text and "reviewer1" in text
    assert "Sở Văn hóa, Thể thao và Du lịch" in text and "thiếu cơ quan chủ trì" in text

    # So sánh kế hoạch: the corrected record is compared, and the task's alignment overridden.
    from selenium.webdriver.support.ui import Select

    browser.get(f"{server}/compare")
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "form.align")))
    assert "So sánh kế hoạch" in browser.title and "heatmap" in browser.page_source
    Select(browser.find_element(By.CSS_SELECTOR, "form.align select[name=ref]")).select_by_visible_text(
        "Không tương ứng")
    browser.find_element(By.CSS_SELECTOR, "form.align button[type=submit]").click()
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "p.flash.ok")))
    assert "Đã lưu ghép nhiệm vụ" in browser.find_element(By.CSS_SELECTOR, "p.flash").text
    assert "người duyệt" in browser.find_element(By.CSS_SELECTOR, "tr.doc-start").text
