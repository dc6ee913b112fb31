"""End-to-end scenarios of the Sealpost desktop app in a real window.

Run by scripts/app-e2e inside Xvfb and a private D-Bus session, with tauri-driver on
127.0.0.1:4444 and the demo service from the environment (SEALPOST_SERVER_URL,
SEALPOST_CA_FILE). Each scenario starts a fresh app, signs in as one demo member and
acts only through the window: clicks, typing and the native file dialog.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import time
import traceback

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.common.options import ArgOptions
from selenium.webdriver.remote.file_detector import UselessFileDetector
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


def app_running():
    """Returns whether an app process from an earlier scenario is still alive."""
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.readlink(f"/proc/{entry}/exe") == os.path.realpath(APP):
                    return True
            except OSError:
                continue
    return False


def start_app():
    # The single-instance plugin hands a second launch to a running app, so wait until
    # the previous scenario's app has exited.
    deadline = time.monotonic() + 30
    while app_running() and time.monotonic() < deadline:
        time.sleep(0.2)
    # The session bus may still hold the old instance's name for a moment after it exits.
    time.sleep(2)
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
    # The innermost element with the text, so that <body> (which contains every text,
    # hidden ones included) cannot match on its own.
    literal = xpath_literal(text)
    xpath = (
        f"//*[contains(normalize-space(), {literal})"
        f" and not(*[contains(normalize-space(), {literal})])]"
    )
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


def replace_text(element, text):
    """Selects the text of a field (a saved default, say) and types over it."""
    element.send_keys(Keys.CONTROL, "a")
    element.send_keys(Keys.DELETE)
    element.send_keys(text)


def sign_in(driver, role):
    who = member(role)
    text_shown(driver, "Sign in to Sealpost")
    server = field(driver, "Server URL")
    wait_for(driver, lambda d: server.get_attribute("value"), "the default server URL")
    assert server.get_attribute("value") == os.environ["SEALPOST_SERVER_URL"], "server URL default not applied"
    replace_text(field(driver, "Email"), who["email"])
    replace_text(field(driver, "Password"), who["password"])
    session_only = driver.find_elements(By.XPATH, "//label[contains(., 'This session only')]//input")
    if session_only and session_only[0].is_displayed():
        session_only[0].click()
    shot(driver, "sign-in")
    button(driver, "Sign in").click()
    wait_for(driver, lambda d: visible(d, "//nav[@aria-label='Main']"), f"the main screen as {role}")
    return who


def choose_file_in_dialog(path, title="Open a mailing list"):
    """Types a path into the native GTK file chooser, as a keyboard user does."""
    found = subprocess.run(
        ["timeout", "30", "xdotool", "search", "--sync", "--onlyvisible", "--name", title],
        capture_output=True, text=True,
    )
    subprocess.run(["import", "-window", "root", os.path.join(SHOTS, "file-dialog.png")], check=False)
    assert found.returncode == 0, f"the file dialog {title!r} did not open"
    window = found.stdout.split()[0]
    # Xvfb runs no window manager, so focus goes to the dialog by hand; GTK ignores keys
    # sent to an unfocused window.
    subprocess.run(["xdotool", "windowfocus", "--sync", window], check=False)
    time.sleep(0.5)
    subprocess.run(["xdotool", "key", "ctrl+l"], check=True)
    time.sleep(0.3)
    subprocess.run(["xdotool", "type", "--delay", "15", path], check=True)
    time.sleep(0.5)
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
        # Without a virus scanner the service keeps the list in scan_pending, which the
        # app shows while it follows the upload. With a scanner the list must be accepted.
        final_state = "[contains(., 'accepted') or contains(., 'Accepted')]"
        if os.environ.get("E2E_EXPECT_ACCEPTED") != "1":
            final_state = (
                "[contains(., 'accepted') or contains(., 'Accepted') or contains(., 'malware scanner')]"
            )
        progress = wait_for(
            driver,
            lambda d: visible(
                d,
                "//*[@data-testid='upload-progress'][contains(., 'Upload id:')]" + final_state,
            ),
            "the upload to reach the service",
            timeout=300,
        )
        shot(driver, "upload-finished")
        upload_id = re.search(r"Upload id: ([0-9a-f-]{36})", progress.text).group(1)

        nav(driver, "History")
        row = wait_for(
            driver,
            lambda d: next(
                (r for r in d.find_elements(By.XPATH, "//*[@data-testid='history-row']")
                 if r.is_displayed() and ("scan" in r.text.lower() or "accept" in r.text.lower())),
                None,
            ),
            "the upload in the history",
        )
        shot(driver, "history")
        return upload_id
    finally:
        driver.quit()


def scenario_support_reads_timeline(upload_id):
    driver = start_app()
    try:
        sign_in(driver, "support")
        labels = nav_labels(driver)
        assert "Team" not in labels, f"support sees the Team screen: {labels}"
        nav(driver, "Support")
        field(driver, "Upload id").send_keys(upload_id)
        button(driver, "Find").click()
        link = wait_for(
            driver,
            lambda d: visible(d, "//table//button[contains(@class, 'link')]"),
            "an upload in the support search",
        )
        link.click()
        # The drawer lists the timeline with request ids, the received event among them.
        text_shown(driver, "Timeline")
        text_shown(driver, "(request ")
        text_shown(driver, "received")
        drawer = driver.find_element(By.XPATH, "//*[@aria-labelledby='drawer-title']")
        assert "received" in drawer.text, f"the timeline lacks the received event: {drawer.text}"
        # A WebKit screenshot can show the frame painted before the last update.
        time.sleep(1)
        shot(driver, "support-timeline")
    finally:
        driver.quit()


def scenario_admin_rotates_token():
    driver = start_app()
    try:
        sign_in(driver, "admin")
        nav(driver, "Team")
        text_shown(driver, "API tokens")
        field(driver, "Token name").send_keys("nightly export")
        scope = wait_for(
            driver,
            lambda d: visible(d, "//label[normalize-space()='campaigns:read']"),
            "the campaigns:read scope",
        )
        scope.click()
        button(driver, "Create token").click()
        secret_xpath = "//*[@aria-label='New token']//input"
        created = wait_for(driver, lambda d: visible(d, secret_xpath), "the new token")
        first_secret = created.get_attribute("value")
        assert first_secret.startswith("spt_"), "the new token is not shown"
        button(driver, "Rotate").click()
        wait_for(
            driver,
            lambda d: (shown := visible(d, secret_xpath)) is not None
            and shown.get_attribute("value").startswith("spt_")
            and shown.get_attribute("value") != first_secret,
            "the rotated token",
        )
        shot(driver, "team-tokens")
    finally:
        driver.quit()


# The idle timeout of the second demo service, in seconds. The app checks its idle clock
# every 5 s, so it signs out between 15 and 20 s after the last command.
IDLE_TIMEOUT_SECONDS = 15


def start_idle_demo():
    """Starts a second demo service whose sessions end after IDLE_TIMEOUT_SECONDS.

    The demo reads sealpost.toml from its data directory; the main service keeps the
    default 30 minutes because its scenarios pause longer than this between commands.
    Returns the process, its URL, its CA file and its credentials.
    """
    data_dir = os.path.join(OUT, "demo-idle")
    os.makedirs(data_dir, exist_ok=True)
    with open(os.path.join(data_dir, "sealpost.toml"), "w") as config:
        config.write(
            f'database_url = "sqlite://{data_dir}/sealpost.db"\n'
            "[tls]\n"
            f'cert = "{data_dir}/tls/server.pem"\n'
            f'key = "{data_dir}/tls/server-key.pem"\n'
            "[sessions]\n"
            f"idle_timeout_seconds = {IDLE_TIMEOUT_SECONDS}\n"
        )
    log = open(os.path.join(OUT, "demo-idle.log"), "w")
    server = subprocess.Popen(
        [os.environ["SERVER_BINARY"], "demo", "--data-dir", data_dir, "--listen", "127.0.0.1:0"],
        stdout=subprocess.PIPE, stderr=log, text=True,
    )
    url = None
    deadline = time.monotonic() + 120
    while url is None and time.monotonic() < deadline:
        line = server.stdout.readline()
        if not line:
            break
        found = re.search(r"https://127\.0\.0\.1:[0-9]+", line)
        url = found.group(0) if found else None
    if url is None:
        stop(server)
        raise AssertionError("the idle demo service did not print its URL; see demo-idle.log")
    credentials = json.load(open(os.path.join(data_dir, "demo-credentials.json")))
    return server, url, os.path.join(data_dir, "tls", "ca.pem"), credentials


def start_keyring():
    """Starts GNOME Keyring in this D-Bus session, its login keyring unlocked with an
    empty password (the newline on standard input), and returns the process.

    It keeps its keyrings in a fresh folder and replaces a daemon that D-Bus may have
    started, which would hold a login keyring the empty password does not open.
    """
    environment = dict(os.environ, XDG_DATA_HOME=os.path.join(OUT, "home", "keyring-data"))
    keyring = subprocess.Popen(
        ["gnome-keyring-daemon", "--replace", "--foreground", "--unlock", "--components=secrets"],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True,
        env=environment,
    )
    keyring.stdin.write("\n")
    keyring.stdin.close()
    import secretstorage
    from jeepney.wrappers import DBusErrorResponse

    # The login collection appears once the daemon has read the password. Asking for the
    # default collection earlier would make the daemon prompt for a new one.
    deadline = time.monotonic() + 30
    seen = None
    while True:
        try:
            connection = secretstorage.dbus_init()
            try:
                seen = [
                    (collection.collection_path, collection.is_locked())
                    for collection in secretstorage.get_all_collections(connection)
                ]
            finally:
                connection.close()
            if any(path.endswith("/login") and not locked for path, locked in seen):
                return keyring
        except (secretstorage.exceptions.SecretStorageException, DBusErrorResponse) as error:
            seen = repr(error)
        assert keyring.poll() is None, f"gnome-keyring-daemon exited with status {keyring.returncode}"
        if time.monotonic() >= deadline:
            stop(keyring)
            raise AssertionError(f"GNOME Keyring did not unlock its login keyring within 30 s: {seen}")
        time.sleep(0.2)


def keyring_items(server_url):
    """Returns the labels of the keyring items the app stores for server_url."""
    import secretstorage

    connection = secretstorage.dbus_init()
    try:
        items = secretstorage.search_items(connection, {"service": "sealpost", "username": server_url})
        return [item.get_label() for item in items]
    finally:
        connection.close()


def stop(process):
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def scenario_idle_sign_out():
    # It runs first, before any app makes D-Bus start a keyring daemon of its own, and
    # deletes the settings it saves, so the later scenarios see the main service's URL.
    config_dir = os.path.join(os.environ["XDG_CONFIG_HOME"], "com.sealpost.desktop")
    assert not os.path.exists(config_dir), "the idle scenario must run before the others"
    server, url, ca_file, credentials = start_idle_demo()
    keyring = None
    try:
        keyring = start_keyring()
        # start_keyring returns once the keyring responds, which must happen before the
        # app starts, because the app probes it only then.
        driver = start_app()
        # Typed paths stay text: by default Selenium uploads a typed path that names a
        # local file, which tauri-driver does not support.
        driver.file_detector = UselessFileDetector()
        try:
            marketer = next(entry for entry in credentials if entry["role"] == "marketer")
            text_shown(driver, "Sign in to Sealpost")
            assert not driver.find_elements(By.XPATH, "//label[contains(., 'This session only')]"), \
                "the app did not find the keyring"
            replace_text(field(driver, "Server URL"), url)
            driver.find_element(By.XPATH, "//summary[normalize-space()='Advanced']").click()
            replace_text(field(driver, "Extra CA certificate file (optional)"), ca_file)
            replace_text(field(driver, "Email"), marketer["email"])
            replace_text(field(driver, "Password"), marketer["password"])
            button(driver, "Sign in").click()
            wait_for(driver, lambda d: visible(d, "//nav[@aria-label='Main']"), "the main screen")
            assert keyring_items(url), "the session token is not in the keyring after sign-in"

            started = time.monotonic()
            text_shown(driver, "signed out after a period without activity", timeout=IDLE_TIMEOUT_SECONDS + 30)
            print(f"     signed out {time.monotonic() - started:.0f} s after the main screen appeared", flush=True)
            text_shown(driver, "Sign in to Sealpost")
            shot(driver, "idle-sign-out")
            assert keyring_items(url) == [], "the session token is still in the keyring after the idle sign-out"
        finally:
            driver.quit()
    finally:
        if keyring is not None:
            stop(keyring)
        stop(server)
        shutil.rmtree(config_dir, ignore_errors=True)


def run(scenario, *arguments):
    """Runs one scenario, printing ok or FAIL with the traceback; returns its result."""
    started = time.monotonic()
    try:
        result = scenario(*arguments)
        print(f"ok   {scenario.__name__} ({time.monotonic() - started:.1f} s)", flush=True)
        return True, result
    except Exception:
        print(f"FAIL {scenario.__name__}", flush=True)
        traceback.print_exc()
        return False, None


def main():
    results = []
    results.append(run(scenario_idle_sign_out)[0])
    passed, upload_id = run(scenario_marketer_uploads)
    results.append(passed)
    if upload_id is not None:
        results.append(run(scenario_support_reads_timeline, upload_id)[0])
    else:
        print("FAIL scenario_support_reads_timeline (no upload to read)")
        results.append(False)
    results.append(run(scenario_admin_rotates_token)[0])
    failures = results.count(False)
    print(f"{len(results) - failures} passed, {failures} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
