"""End-to-end scenarios of the Sealpost desktop app in a real window.

Run by scripts/app-e2e inside Xvfb and a private D-Bus session, with tauri-driver on
127.0.0.1:4444 and the demo service from the environment (SEALPOST_SERVER_URL,
SEALPOST_CA_FILE). Each scenario starts a fresh app, signs in as one demo member and
acts only through the window: clicks, typing and the native file dialog.
"""

import json
import os
import subprocess
import sys
import time
import traceback

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.options import ArgOptions
from selenium.webdriver.support.ui import Select, WebDriverWait

OUT = os.environ["E2E_OUT"]
SHOTS = os.path.join(OUT, "screenshots")
FIXTURES = os.environ["E2E_FIXTURES"]
APP = os.environ["APP_BINARY"]
CLI = os.environ["CLI_BINARY"]
CREDENTIALS = json.load(open(os.environ["E2E_CREDENTIALS"]))
LIST_FILE = os.path.join(FIXTURES, "sample-500.csv")
WAIT = 60


def member(role, account="Acme Mail"):
    for entry in CREDENTIALS:
        if entry["role"] == role and entry["account"] == account:
            return entry
    raise AssertionError(f"no demo {role} in {account}")


def start_app():
    options = ArgOptions()
    options.set_capability("browserName", "wry")
    options.set_capability("tauri:options", {"application": APP})
    driver = webdriver.Remote("http://127.0.0.1:4444", options=options)
    driver.implicitly_wait(0)
    return driver


def wait_for(driver, condition, what, timeout=WAIT):
    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.2).until(lambda d: condition(d))
    except TimeoutException:
        shot(driver, "failure-" + what.replace(" ", "-")[:40])
        raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def xpath_literal(text):
    if "'" not in text:
        return f"'{text}'"
    return "concat('" + text.replace("'", "', \"'\", '") + "')"


def visible(driver, xpath):
    for element in driver.find_elements(By.XPATH, xpath):
        if element.is_displayed():
            return element
    return None


def button(driver, text):
    xpath = f"//button[normalize-space()={xpath_literal(text)}]"
    return wait_for(driver, lambda d: visible(d, xpath), f"button {text}")


def field(driver, label):
    """Returns the input or select named by a label, as a person finds it."""
    literal = xpath_literal(label)
    xpath = (
        f"//label[normalize-space()={literal}]/following::*[self::input or self::select][1]"
        f" | //label[starts-with(normalize-space(), {literal})]//*[self::input or self::select]"
    )

    def find(d):
        for candidate in d.find_elements(By.XPATH, f"//label[starts-with(normalize-space(), {literal})]"):
            target = candidate.get_attribute("for")
            if target:
                found = d.find_elements(By.ID, target)
                if found and found[0].is_displayed():
                    return found[0]
        return visible(d, xpath)

    return wait_for(driver, find, f"field {label}")


def text_shown(driver, text, timeout=WAIT):
    xpath = f"//*[contains(normalize-space(), {xpath_literal(text)})]"
    return wait_for(driver, lambda d: visible(d, xpath), f"text {text}", timeout)


def nav(driver, label):
    xpath = f"//nav[@aria-label='Main']//*[self::button or self::a][normalize-space()={xpath_literal(label)}]"
    wait_for(driver, lambda d: visible(d, xpath), f"navigation item {label}").click()


def nav_labels(driver):
    items = driver.find_elements(By.XPATH, "//nav[@aria-label='Main']//*[self::button or self::a]")
    return [item.text.strip() for item in items if item.is_displayed()]


def shot(driver, name):
    os.makedirs(SHOTS, exist_ok=True)
    driver.save_screenshot(os.path.join(SHOTS, f"{name}.png"))


def sign_in(driver, role):
    who = member(role)
    text_shown(driver, "Sign in to Sealpost")
    server = field(driver, "Server URL")
    assert server.get_attribute("value") == os.environ["SEALPOST_SERVER_URL"], "server URL default not applied"
    field(driver, "Email").send_keys(who["email"])
    field(driver, "Password").send_keys(who["password"])
    session_only = driver.find_elements(By.XPATH, "//label[contains(., 'This session only')]//input")
    if session_only and session_only[0].is_displayed():
        session_only[0].click()
    shot(driver, "sign-in")
    button(driver, "Sign in").click()
    wait_for(driver, lambda d: visible(d, "//nav[@aria-label='Main']"), f"the main screen as {role}")
    return who


def choose_file_in_dialog(path):
    """Types a path into the native GTK file chooser, as a keyboard user does."""
    time.sleep(1.5)
    subprocess.run(["xdotool", "key", "--clearmodifiers", "ctrl+l"], check=True)
    time.sleep(0.3)
    subprocess.run(["xdotool", "type", "--delay", "15", path], check=True)
    time.sleep(0.3)
    subprocess.run(["xdotool", "key", "Return"], check=True)


def expected_counts(path):
    """Counts from the command-line validator, which shares the reader and the rules."""
    result = subprocess.run([CLI, "validate", "--format", "json", path], capture_output=True, text=True)
    assert result.returncode in (0, 1), result.stderr
    report = json.loads(result.stdout)
    return report


def scenario_marketer_uploads():
    driver = start_app()
    try:
        sign_in(driver, "marketer")
        labels = nav_labels(driver)
        assert "Team" not in labels, f"a marketer sees the Team screen: {labels}"
        shot(driver, "open-list")

        button(driver, "Choose a file…").click()
        choose_file_in_dialog(LIST_FILE)
        text_shown(driver, "sample-500.csv")
        button(driver, "Continue").click() if visible(driver, "//button[normalize-space()='Continue']") else None

        nav(driver, "Preview")
        text_shown(driver, "500 rows:")
        report = expected_counts(LIST_FILE)
        with_errors = report["rows"]["invalid"]
        text_shown(driver, f"{with_errors} with errors")
        shot(driver, "preview")

        nav(driver, "Map columns")
        county = field(driver, "county")
        Select(county).select_by_visible_text("Merge field (not mapped)")
        text_shown(driver, "Detected:")
        shot(driver, "map-columns")

        nav(driver, "Preview")
        if visible(driver, "//button[normalize-space()='Validate']"):
            button(driver, "Validate").click()
        text_shown(driver, "500 rows:")

        nav(driver, "Upload")
        field(driver, "New campaign name").send_keys("Spring mailing e2e")
        button(driver, "Create campaign").click()
        wait_for(
            driver,
            lambda d: any(o.text == "Spring mailing e2e" for o in Select(field(d, "Campaign")).options),
            "the new campaign in the picker",
        )
        for box in driver.find_elements(By.XPATH, "//fieldset//input[@type='checkbox']"):
            if not box.is_selected():
                box.click()
        shot(driver, "upload")
        button(driver, "Encrypt and upload").click()
        final = wait_for(
            driver,
            lambda d: visible(d, "//*[contains(., 'Upload accepted') or contains(., 'waiting for the scanner')]"),
            "the upload to finish",
            timeout=300,
        )
        shot(driver, "upload-finished")
        assert final is not None

        nav(driver, "History")
        row = wait_for(
            driver,
            lambda d: visible(d, "//*[@data-testid='history-row'][contains(., 'accepted') or contains(., 'scan_pending') or contains(., 'Accepted') or contains(., 'Waiting')]"),
            "the upload in the history",
        )
        shot(driver, "history")
        return row.text
    finally:
        driver.quit()


def scenario_support_reads_timeline():
    driver = start_app()
    try:
        sign_in(driver, "support")
        labels = nav_labels(driver)
        assert "Team" not in labels, f"support sees the Team screen: {labels}"
        nav(driver, "Support")
        button(driver, "Find").click()
        link = wait_for(
            driver,
            lambda d: visible(d, "//table//button[contains(@class, 'link')]"),
            "an upload in the support search",
        )
        link.click()
        text_shown(driver, "created")
        shot(driver, "support-timeline")
    finally:
        driver.quit()


def scenario_admin_rotates_token():
    driver = start_app()
    try:
        sign_in(driver, "admin")
        nav(driver, "Team")
        text_shown(driver, "API tokens")
        field(driver, "Name").send_keys("nightly export")
        first_scope = wait_for(
            driver,
            lambda d: visible(d, "//section[@aria-labelledby='tokens-title']//input[@type='checkbox']"),
            "a scope checkbox",
        )
        first_scope.click()
        button(driver, "Create token").click()
        text_shown(driver, "spt_")
        button(driver, "Rotate").click()
        text_shown(driver, "spt_")
        shot(driver, "team-tokens")
    finally:
        driver.quit()


SCENARIOS = [
    scenario_marketer_uploads,
    scenario_support_reads_timeline,
    scenario_admin_rotates_token,
]


def main():
    failures = 0
    for scenario in SCENARIOS:
        started = time.monotonic()
        try:
            scenario()
            print(f"ok   {scenario.__name__} ({time.monotonic() - started:.1f} s)")
        except Exception:
            failures += 1
            print(f"FAIL {scenario.__name__}")
            traceback.print_exc()
    print(f"{len(SCENARIOS) - failures} passed, {failures} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
