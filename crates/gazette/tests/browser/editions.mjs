// The two editions in a real browser: a reader on the English front page switches to the
// Ukrainian edition and back through the masthead's switcher, reads a Ukrainian story and goes to
// its English original. Each page is screenshotted at a phone's and a desktop's width (into
// $SCREENSHOTS, default a temporary folder, for a person to look at) and checked for what would
// look wrong: text wider than the screen, a message id shown instead of words, English theme words
// on a Ukrainian page, a date not in the page's language.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { base, browser, finish, step } from "./harness.mjs";

const shots = process.env.SCREENSHOTS || join(tmpdir(), "gazette-edition-screenshots");
mkdirSync(shots, { recursive: true });
const UKRAINIAN_MONTHS = /січня|лютого|березня|квітня|травня|червня|липня|серпня|вересня|жовтня|листопада|грудня/;
const ENGLISH_MONTHS = /\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b/;

const context = await browser.newContext();
const page = await context.newPage();
const errors = [];
page.on("pageerror", (e) => errors.push(String(e)));

// What a reader would notice on the page now, at two widths, with a screenshot of each.
async function looksRight(name, language) {
  for (const [width, height] of [[390, 844], [1280, 900]]) {
    await page.setViewportSize({ width, height });
    await page.screenshot({ path: join(shots, `${name}-${width}.png`), fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `${name} at ${width}px is ${overflow}px wider than the screen`);
  }
  assert.equal(await page.getAttribute("html", "lang"), language);
  // A message id where words should be ("search-button", "nav-skip"): a text of its own that
  // looks like one.
  const ids = await page.evaluate(() => {
    const found = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const t = n.textContent.trim();
      if (/^[a-z]+(-[a-z0-9]+)+$/.test(t)) found.push(t);
    }
    for (const el of document.querySelectorAll("[aria-label],[placeholder],[title]")) {
      for (const a of ["aria-label", "placeholder", "title"]) {
        const t = (el.getAttribute(a) || "").trim();
        if (/^[a-z]+(-[a-z0-9]+)+$/.test(t)) found.push(`${a}=${t}`);
      }
    }
    return found;
  });
  assert.deepEqual(ids, [], `${name} shows message ids`);
  const dates = (await page.locator("time").allInnerTexts()).join(" ");
  if (dates.trim()) {
    if (language === "uk") {
      assert.match(dates, UKRAINIAN_MONTHS, `${name}: dates in Ukrainian`);
      assert.doesNotMatch(dates, ENGLISH_MONTHS, `${name}: no English month names`);
    } else {
      assert.match(dates, ENGLISH_MONTHS, `${name}: dates in English`);
    }
  }
}

let ukrainianStory;

await step("the English front page looks right and offers the Ukrainian edition", async () => {
  await page.goto(`${base}/`);
  await looksRight("en-home", "en");
  const ukrainian = page.locator(".editions a[hreflang=uk]");
  assert.equal(await ukrainian.innerText(), "Українська");
});

await step("the switcher opens the Ukrainian edition, in Ukrainian", async () => {
  await page.click(".editions a[hreflang=uk]");
  await page.waitForURL(`${base}/uk`);
  await looksRight("uk-home", "uk");
  const button = (await page.locator(".search button").innerText()).trim();
  assert.notEqual(button, "Search", "the search button speaks Ukrainian");
  const menu = await page.locator(".sections a").allInnerTexts();
  assert.ok(menu.some((t) => /[а-яіїєґ]/i.test(t)), `the section menu is in Ukrainian: ${menu}`);
  const links = await page.locator("main a[href^='/']").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  const leaving = links.filter((h) => !h.startsWith("/uk") && !h.startsWith("/media/"));
  assert.deepEqual(leaving, [], "every link on the Ukrainian front page stays in the edition");
  ukrainianStory = await page.locator("main .card__title a[href^='/uk/']").first().getAttribute("href");
});

await step("a Ukrainian story looks right and links to its English original", async () => {
  await page.goto(`${base}${ukrainianStory}`);
  await looksRight("uk-article", "uk");
  const hreflangs = await page.locator("link[rel=alternate][hreflang]").evaluateAll((ls) => ls.map((l) => l.hreflang));
  assert.deepEqual(hreflangs.sort(), ["en", "uk", "x-default"]);
  await page.click(".editions a[hreflang=en]");
  await page.waitForLoadState();
  await looksRight("en-article", "en");
  const back = await page.locator("link[rel=alternate][hreflang=uk]").getAttribute("href");
  assert.equal(new URL(back).pathname, ukrainianStory, "the original names the translation");
});

await step("no script errors on any page", async () => {
  assert.deepEqual(errors, []);
});

console.log(`screenshots: ${shots}`);
await finish("editions", 4);
