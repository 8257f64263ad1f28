#!/usr/bin/env python3
"""Opens a `recurrent inspect --html` page in headless Chromium and checks it as a person would.

    python3 Scripts/check_inspect_page.py page.html --tokens N [--screenshot shot.png]

Checks: the page loads with no console errors; it has exactly N token spans; clicking a listed
unit other than the first recolours the text and marks that unit pressed; a signal button
switches the signal; the screenshot is not blank. Needs Debian's chromium and chromium-driver
and PyPI's selenium and pillow. Exits non-zero with a message on the first failed check.
"""
import argparse
import sys

from selenium.webdriver.common.by import By

from headless_page import console_errors, open_page, screenshot


def fail(message):
    print(f"check_inspect_page: FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def backgrounds(driver):
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('#text span')).map(s => s.style.background);")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page")
    parser.add_argument("--tokens", type=int, required=True, help="expected number of token spans")
    parser.add_argument("--screenshot", help="also save the screenshot here")
    parser.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    args = parser.parse_args()

    driver = open_page(args.page, args.chromedriver, height=1600)
    try:
        errors = console_errors(driver)
        if errors:
            fail(f"console errors: {errors}")

        spans = driver.find_elements(By.CSS_SELECTOR, "#text span")
        if len(spans) != args.tokens:
            fail(f"{len(spans)} token spans, expected {args.tokens}")

        units = driver.find_elements(By.CSS_SELECTOR, "button.unit")
        if len(units) < 2:
            fail(f"only {len(units)} unit buttons")
        before = backgrounds(driver)
        heading = driver.find_element(By.ID, "current").text
        target = next((u for u in units if u.get_attribute("aria-pressed") != "true"
                       and u.get_attribute("data-unit") != units[0].get_attribute("data-unit")), None)
        if target is None:
            fail("every unit button is the current unit")
        target.click()
        after = backgrounds(driver)
        if after == before:
            fail("clicking a unit did not change the colouring")
        if target.get_attribute("aria-pressed") != "true":
            fail("the clicked unit is not marked as pressed")
        if driver.find_element(By.ID, "current").text == heading:
            fail("the heading did not name the new unit")

        signals = driver.find_elements(By.CSS_SELECTOR, "button.signal")
        if len(signals) > 1:
            other = next(s for s in signals if s.get_attribute("aria-pressed") != "true")
            other.click()
            if backgrounds(driver) == after:
                fail("switching the signal did not change the colouring")

        errors = console_errors(driver)
        if errors:
            fail(f"console errors after clicking: {errors}")

        image, colours = screenshot(driver)
        if colours < 50:
            fail(f"the screenshot looks blank ({colours} colours)")
        if args.screenshot:
            image.save(args.screenshot)
        print(f"ok: {args.page}: {len(spans)} token spans, {len(units)} units, "
              f"{len(signals)} signals, clicking recolours, {colours} colours on screen")
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
