"""Measures the desktop app in a real window: cold start to an interactive sign-in
screen, memory at idle, and memory with a large list open and validated.

Run by scripts/app-e2e --measure with BENCH_LIST set to a large CSV; prints one line per
figure. Memory is the resident set of the app and its WebKit child processes.
"""

import os
import time

import test_app as app


def descendants(root):
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
        children.setdefault(parent, []).append(int(entry))
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, []))
    return found


def app_pid():
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.readlink(f"/proc/{entry}/exe") == os.path.realpath(app.APP):
                    return int(entry)
            except OSError:
                continue
    raise AssertionError("the app process was not found")


def resident_mib(root):
    total = 0
    for pid in descendants(root):
        try:
            with open(f"/proc/{pid}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def main():
    big_list = os.environ["BENCH_LIST"]
    started = time.monotonic()
    driver = app.start_app()
    try:
        app.text_shown(driver, "Sign in to Sealpost")
        print(f"cold start to interactive sign-in: {time.monotonic() - started:.2f} s")
        time.sleep(3)
        pid = app_pid()
        print(f"memory at idle (sign-in screen): {resident_mib(pid):.0f} MiB")

        app.sign_in(driver, "marketer")
        app.button(driver, "Choose a file…").click()
        opened = time.monotonic()
        app.choose_file_in_dialog(big_list)
        app.text_shown(driver, os.path.basename(big_list), timeout=300)
        app.nav(driver, "Preview")
        app.wait_for(driver, lambda d: app.visible(d, "//*[@data-testid='grid-row']"), "the first rows", 300)
        print(f"open to first rows shown (dialog typing included): {time.monotonic() - opened:.2f} s")
        app.text_shown(driver, "rows:", timeout=600)
        time.sleep(2)
        print(f"memory with the list open and validated: {resident_mib(pid):.0f} MiB")
        app.shot(driver, "preview-large-list")
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
