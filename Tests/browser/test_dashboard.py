"""The dashboard at /__mock/ in a real browser: headless Chromium (Debian's chromium and
chromium-driver) driven by selenium, against the real binary, with Cloudflare's official SDK
making the API calls a user's code would make."""
import importlib.util
import os
import shutil
from pathlib import Path

import cloudflare
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

REPO = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("contract_support", REPO / "Tests" / "contract" / "conftest.py")
contract = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(contract)

CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
SCREENSHOT = Path(os.environ.get("DASHBOARD_SCREENSHOT", REPO / "docs" / "dashboard.png"))
ORDER = dict(type="advanced", hosts=["example.com", "*.example.com"], validation_method="txt",
             validity_days=90, certificate_authority="lets_encrypt")


@pytest.fixture(scope="module")
def mock():
    # A manual clock: the pack moves only when the page's "Advance" moves the clock.
    server = contract.MockProcess("--clock", "manual", "--seed", "7")
    yield server
    assert server.stop() == 0


@pytest.fixture(scope="module")
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1440,1000", "--hide-scrollbars", "--force-device-scale-factor=1"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # The system driver, given by path, so Selenium Manager never tries to download one.
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


def sdk(mock):
    return cloudflare.Cloudflare(base_url=mock.base_url, api_token=contract.EDIT_TOKEN, max_retries=0)


def wait(driver, condition, timeout=10):
    # Rows are redrawn when the state changes, so an element found a moment ago may be gone.
    return WebDriverWait(driver, timeout, poll_frequency=0.05,
                         ignored_exceptions=[StaleElementReferenceException]).until(condition)


def press(driver, key):
    """Clicks the control with this data-key, finding it again if a redraw replaced it."""
    def attempt(d):
        d.find_element(By.CSS_SELECTOR, f'[data-key="{key}"]').click()
        return True
    wait(driver, attempt)


def pack_status(driver, pack_id):
    rows = driver.find_elements(By.CSS_SELECTOR, f'li.pack[data-id="{pack_id}"]')
    return rows[0].get_attribute("data-status") if rows else None


def test_order_advance_fault_in_the_browser(mock, browser):
    client = sdk(mock)
    browser.get(mock.root + "/__mock/")
    wait(browser, EC.text_to_be_present_in_element((By.ID, "live"), "live"))
    assert browser.title == "CertPackMock dashboard"

    # An order through the SDK appears without a reload, at the start of its lifecycle.
    pack = client.ssl.certificate_packs.create(zone_id=contract.ZONE, **ORDER)
    wait(browser, lambda d: pack_status(d, pack.id) == "initializing")
    row = browser.find_element(By.CSS_SELECTOR, f'li.pack[data-id="{pack.id}"]')
    assert "example.com, *.example.com" in row.text
    assert row.find_element(By.CSS_SELECTOR, ".lc li.current").text == "initializing"

    # "Advance" moves the virtual clock; the pack reads active in the page and through the SDK.
    seconds = browser.find_element(By.ID, "advance-seconds")
    seconds.clear()
    seconds.send_keys("60")
    browser.find_element(By.ID, "advance").click()
    wait(browser, lambda d: pack_status(d, pack.id) == "active")
    assert client.ssl.certificate_packs.get(pack.id, zone_id=contract.ZONE).status == "active"
    used = next(z["quota"]["used"] for z in mock.control("GET", "zones") if z["id"] == contract.ZONE)
    wait(browser, EC.text_to_be_present_in_element((By.ID, "zone-rows"), f"{used} / 100"))

    # The details show the issued certificates.
    press(browser, f"open-{pack.id}")
    wait(browser, EC.text_to_be_present_in_element((By.ID, f"detail-{pack.id}"), "Certificates (2)"))

    # A fault rule added in the page makes the SDK's next call fail, once.
    Select(browser.find_element(By.ID, "fault-method")).select_by_visible_text("GET")
    path = browser.find_element(By.ID, "fault-path")
    path.clear()
    path.send_keys("/zones/*/ssl/certificate_packs")
    status = browser.find_element(By.ID, "fault-status")
    status.clear()
    status.send_keys("503")
    browser.find_element(By.ID, "fault-times").send_keys("1")
    browser.find_element(By.ID, "fault-add").click()
    wait(browser, EC.text_to_be_present_in_element((By.ID, "fault-list"), "fail 503"))
    assert mock.control("GET", "faults")[0]["status"] == 503
    with pytest.raises(cloudflare.APIStatusError) as failed:
        client.ssl.certificate_packs.list(zone_id=contract.ZONE)
    assert failed.value.status_code == 503
    assert pack.id in [p.id for p in client.ssl.certificate_packs.list(zone_id=contract.ZONE)]
    wait(browser, EC.text_to_be_present_in_element((By.ID, "fault-list"), "No fault rules"))

    # The journal shows the failed call; opening it shows both bodies.
    wait(browser, lambda d: any(r.find_element(By.CSS_SELECTOR, "td.status").text == "503"
                                for r in d.find_elements(By.CSS_SELECTOR, "#journal-rows tr[data-sequence]")))
    failed = '//*[@id="journal-rows"]/tr[td[@class="status"]="503"]'
    row_text = wait(browser, lambda d: d.find_element(By.XPATH, failed).text)
    assert "10001" in row_text and "GET /zones/023e10…/ssl/certificate_packs" in row_text
    sequence = wait(browser, lambda d: d.find_element(By.XPATH, failed).get_attribute("data-sequence"))

    def send(key, *keys):
        def attempt(d):
            d.find_element(By.CSS_SELECTOR, f'[data-key="{key}"]').send_keys(*keys)
            return True
        wait(browser, attempt)

    # Keyboard: Enter on the row's button opens it; Escape closes the dialog.
    send(f"req-{sequence}", Keys.ENTER)
    dialog = wait(browser, EC.visibility_of_element_located((By.ID, "request-dialog")))
    wait(browser, EC.text_to_be_present_in_element((By.ID, "response-body"), "Injected failure"))
    assert "503" in dialog.find_element(By.ID, "request-meta").text
    browser.switch_to.active_element.send_keys(Keys.ESCAPE)
    wait(browser, EC.invisibility_of_element_located((By.ID, "request-dialog")))
    press(browser, "req-1")   # the first request: the order
    wait(browser, EC.text_to_be_present_in_element((By.ID, "request-body"), '"lets_encrypt"'))
    assert '"initializing"' in browser.find_element(By.ID, "response-body").text
    browser.find_element(By.ID, "request-close").click()

    # Filtering the journal as the journal API does.
    browser.find_element(By.ID, "j-status").send_keys("503")
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#journal-rows tr[data-sequence]")) == 1)
    browser.find_element(By.ID, "j-status").clear()
    browser.find_element(By.ID, "j-status").send_keys(Keys.BACKSPACE)

    # A second pack on a failure path, pinned and stepped from the page, for the picture too.
    slow = client.ssl.certificate_packs.create(zone_id=contract.ZONE, **{**ORDER, "hosts": ["example.com", "validation-timeout.example.com"]})
    other = client.ssl.certificate_packs.create(zone_id=contract.ZONE, **{**ORDER, "hosts": ["api.example.com", "example.com"]})
    wait(browser, lambda d: pack_status(d, other.id) == "initializing")
    press(browser, f"step-{other.id}")
    wait(browser, lambda d: pack_status(d, other.id) == "pending_validation")
    seconds.clear()
    seconds.send_keys("1.5")
    browser.find_element(By.ID, "advance").click()
    wait(browser, lambda d: pack_status(d, slow.id) == "pending_validation")
    press(browser, f"open-{other.id}")
    wait(browser, EC.text_to_be_present_in_element((By.ID, f"detail-{other.id}"), "_acme-challenge.example.com"))
    press(browser, f"open-{other.id}")
    press(browser, f"open-{pack.id}")
    seconds.clear()
    seconds.send_keys("2")
    browser.find_element(By.ID, "advance").click()
    wait(browser, lambda d: pack_status(d, slow.id) == "validation_timed_out")
    press(browser, f"open-{slow.id}")
    wait(browser, EC.text_to_be_present_in_element((By.ID, f"detail-{slow.id}"), "SERVFAIL looking up CAA"))
    current = browser.find_element(By.CSS_SELECTOR, f'li.pack[data-id="{slow.id}"] .lc li.current')
    assert current.text == "validation timed out" and "branch" in current.get_attribute("class")
    seconds.clear()
    seconds.send_keys("60")

    # Everything the page did went through the control API, and the browser logged no error.
    severe = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert severe == []
    browser.execute_script("window.scrollTo(0, 0); document.activeElement.blur()")
    browser.set_window_size(1440, 1400)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    assert browser.save_screenshot(str(SCREENSHOT))

    # A narrow window: one column, nothing wider than the window, controls still there.
    browser.set_window_size(400, 900)
    if os.environ.get("DASHBOARD_NARROW_SCREENSHOT"):
        browser.save_screenshot(os.environ["DASHBOARD_NARROW_SCREENSHOT"])
    too_wide = """return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
        && !e.closest('.scroll')).map(e => e.tagName + '#' + e.id + '.' + e.className).slice(0, 5)"""
    wait(browser, lambda d: d.execute_script(too_wide) == [])
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    assert browser.find_element(By.ID, "advance").is_displayed()
    assert browser.find_element(By.CSS_SELECTOR, f'li.pack[data-id="{pack.id}"]').is_displayed()


def test_strict_content_security_policy(mock):
    status, headers, body = mock.raw("GET", "/__mock/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp and "unsafe-inline" not in csp
    assert b"<script src=\"/__mock/dashboard/app.js\"" in body and b"<script>" not in body
    status, headers, _ = mock.raw("GET", "/__mock/dashboard/state")
    tag = headers["ETag"]
    status, _, _ = mock.raw("GET", "/__mock/dashboard/state", headers={"If-None-Match": tag})
    assert status == 304
