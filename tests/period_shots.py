"""Phone (360 px) screenshots and the A4 print layout of page 1 of a pack, as PNG files a
reviewer can open; saved by the period tests into reports/screenshots/."""

from __future__ import annotations

from pathlib import Path

from monitor.core.chromium import LAUNCH_ARGS, find_chromium

A4_PAGE = (703, 1017)  # the printable area of A4 with the 12/16 mm margins, at 96 px per inch


def save_shots(pages: dict[str, Path], out: Path) -> list[Path]:
    """For each name -> HTML page: <name>-phone.png (360 px wide, first 3 screens) and, for
    the first page, <name>-a4-page1.png: page 1 of its PDF as Chromium's PDF viewer shows
    it, or, without a PDF, the print layout (print media, A4's printable width at 96 px per
    inch) up to the end of page 1."""
    executable = find_chromium()
    if executable is None:
        return []
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    saved = []
    with sync_playwright() as pw:
        # the new headless mode has Chromium's PDF viewer (the old one only downloads PDFs)
        browser = pw.chromium.launch(executable_path=executable,
                                     args=[*LAUNCH_ARGS, "--headless=new"])
        try:
            phone = browser.new_page(viewport={"width": 360, "height": 740},
                                     device_scale_factor=2, is_mobile=True, has_touch=True)
            for name, html in pages.items():
                phone.goto(html.resolve().as_uri())
                target = out / f"{name}-phone.png"
                phone.screenshot(path=str(target), clip={"x": 0, "y": 0, "width": 360,
                                                         "height": 740 * 3}, full_page=True)
                saved.append(target)
            first_name, first = next(iter(pages.items()))
            pdf = first.with_suffix(".pdf")
            if pdf.is_file():  # page 1 of the very PDF, in Chromium's own PDF viewer
                viewer = browser.new_page(viewport={"width": 794, "height": 1123})
                viewer.goto(pdf.resolve().as_uri() + "#toolbar=0&navpanes=0&view=Fit")
                viewer.wait_for_timeout(2500)  # the viewer draws after "load"
                target = out / f"{first_name}-a4-page1.png"
                viewer.screenshot(path=str(target))
                saved.append(target)
                return saved
            a4 = browser.new_page(viewport={"width": A4_PAGE[0], "height": A4_PAGE[1]})
            a4.emulate_media(media="print")
            a4.goto(first.resolve().as_uri())
            target = out / f"{first_name}-a4-page1.png"
            # the summary ends page 1 (break-after: page in the print CSS): cut there
            end = a4.evaluate("() => { const s = document.querySelector('.summary');"
                              " return s ? s.getBoundingClientRect().bottom : 1e9; }")
            height = min(A4_PAGE[1], int(end) + 8)
            a4.screenshot(path=str(target), clip={"x": 0, "y": 0, "width": A4_PAGE[0],
                                                  "height": height})
            saved.append(target)
        finally:
            browser.close()
    return saved
