"""What the page checks (check_inspect_page.py, check_memory_page.py) share: a headless
Chromium on a local page, its console errors, and a screenshot that must not be blank.
Needs Debian's chromium and chromium-driver and PyPI's selenium and pillow."""
import io
import pathlib

from PIL import Image
from selenium import webdriver
from selenium.webdriver.chrome.service import Service


def open_page(page, chromedriver, height):
    """A headless Chromium, 1200 × `height`, showing the local file `page`, with its console logged."""
    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 f"--window-size=1200,{height}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(chromedriver), options=options)
    driver.get(pathlib.Path(page).resolve().as_uri())
    return driver


def console_errors(driver):
    """The SEVERE console messages since the last call."""
    return [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]


def screenshot(driver):
    """The screenshot and its number of distinct colours (fewer than 50: blank)."""
    image = Image.open(io.BytesIO(driver.get_screenshot_as_png())).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20)
    return image, 0 if colours is None else len(colours)
