#!/usr/bin/env python3
"""Opens a `recurrent experiment TASK --inspect` page in headless Chromium and checks it.

    python3 Scripts/check_memory_page.py page.html --networks N [--screenshot shot.png]

Checks: the page loads with no console errors; the first sequence's plots are there (one state
plot per network, drawn lines, dashed marker lines) and the retention plot has a line per
network; only one sequence is shown at a time, and clicking another sequence's button shows
that one instead; the screenshot is not blank. Needs Debian's chromium and chromium-driver and
PyPI's selenium and pillow (as Scripts/check_inspect_page.py). Exits non-zero with a message on
the first failed check.
"""
import argparse
import sys

from selenium.webdriver.common.by import By

from headless_page import console_errors, open_page, screenshot


def fail(message):
    print(f"check_memory_page: FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def visible_blocks(driver):
    return [b.get_attribute("id") for b in driver.find_elements(By.CSS_SELECTOR, ".sequence-block") if b.is_displayed()]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page")
    parser.add_argument("--networks", type=int, required=True, help="networks traced (LSTM and RNN: 2)")
    parser.add_argument("--screenshot", help="also save the screenshot here")
    parser.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    args = parser.parse_args()

    driver = open_page(args.page, args.chromedriver, height=1400)
    try:
        errors = console_errors(driver)
        if errors:
            fail(f"console errors: {errors}")

        shown = visible_blocks(driver)
        if shown != ["sequence-0"]:
            fail(f"expected only sequence-0 shown at first, got {shown}")
        first = driver.find_element(By.ID, "sequence-0")
        plots = first.find_elements(By.CSS_SELECTOR, "svg")
        if len(plots) < args.networks:
            fail(f"sequence 1 has {len(plots)} plots, expected at least {args.networks}")
        for plot in plots:
            lines = plot.find_elements(By.CSS_SELECTOR, "path:not([stroke-dasharray])")
            markers = plot.find_elements(By.CSS_SELECTOR, "path[stroke-dasharray]")
            if not lines or not markers:
                fail(f"a plot of sequence 1 has {len(lines)} lines and {len(markers)} marker lines")
            if plot.size["height"] < 100 or plot.size["width"] < 200:
                fail(f"a plot of sequence 1 is drawn at {plot.size}")
        retention = driver.find_element(By.CSS_SELECTOR, "#retention svg")
        curves = retention.find_elements(By.CSS_SELECTOR, "path:not([stroke-dasharray])")
        if len(curves) != args.networks:
            fail(f"the retention plot has {len(curves)} lines, expected {args.networks}")

        buttons = driver.find_elements(By.CSS_SELECTOR, "button.sequence")
        if len(buttons) < 2:
            fail(f"only {len(buttons)} sequence buttons")
        buttons[1].click()
        if visible_blocks(driver) != ["sequence-1"]:
            fail(f"clicking sequence 2 shows {visible_blocks(driver)}")
        if buttons[1].get_attribute("aria-pressed") != "true" or buttons[0].get_attribute("aria-pressed") != "false":
            fail("the pressed sequence button is not marked")
        buttons[0].click()

        errors = console_errors(driver)
        if errors:
            fail(f"console errors after clicking: {errors}")

        image, colours = screenshot(driver)
        if colours < 50:
            fail(f"the screenshot looks blank ({colours} colours)")
        if args.screenshot:
            image.save(args.screenshot)
        print(f"ok: {args.page}: {len(plots)} plots per sequence, {len(buttons)} sequences, "
              f"{len(curves)} retention lines, switching works, {colours} colours on screen")
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
