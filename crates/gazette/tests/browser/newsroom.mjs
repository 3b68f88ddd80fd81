// The newsroom in a real headless Chromium: a contributor writes an article with a quote, saves
// it with Ctrl+S and submits it; an editor opens it (the writer's page then says who else is
// editing) and publishes it with Alt+P; the public page shows every part of the article.
import assert from "node:assert/strict";
import { base, browser, finish, signIn, step } from "./harness.mjs";

const headline = "Volunteers rebuild the Kharkiv library";
let articleUrl = "";
const writer = await browser.newContext();
const page = await writer.newPage();
await step("a contributor signs in, writes an article with a quote, saves it with Ctrl+S and submits it", async () => {
  await signIn(page, "writer@dispatch.test");
  await page.click("text=New article");
  await page.fill("#headline", headline);
  await page.fill("#standfirst", "Two hundred people turned up with brooms and books.");
  await page.fill("#body", "The shelves were empty in March.\n\n> \"Books are how a city remembers,\" said the librarian.\n\nBy noon the first room was open.");
  await page.fill("#tags", "Kharkiv, Libraries");
  await page.click("button[value=save]");
  await page.waitForURL(/\/newsroom\/articles\/\d+\?notice=created/);
  articleUrl = page.url().split("?")[0];
  assert.match(await page.textContent(".notice"), /Draft created/);
  assert.match(await page.innerHTML("#preview"), /<blockquote>/);
  // Ctrl+S, as the shortcut list under the editor promises: the script submits the form.
  const standfirst = "Two hundred people turned up with brooms and books, and stayed.";
  await page.fill("#standfirst", standfirst);
  await page.keyboard.press("Control+s");
  await page.waitForURL(/notice=saved/);
  assert.equal(await page.inputValue("#standfirst"), standfirst);
  await page.click("button[value=submit]");
  await page.waitForURL(/notice=submit/);
  assert.equal((await page.textContent(".head .status")).trim(), "In review");
  assert.equal(await page.locator("button[value=publish]").count(), 0, "a contributor is not offered Publish");
});

const editor = await browser.newContext();
const desk = await editor.newPage();
await step("an editor signs in, is shown to the writer as also editing, and publishes with Alt+P", async () => {
  await signIn(desk, "editor@dispatch.test");
  await desk.goto(`${base}/newsroom?status=in_review`);
  await desk.click(`text=${headline}`);
  // The "also editing" notice: each page asks the server every 25 seconds, and at once when it
  // becomes visible again, which is what is simulated here rather than waiting.
  const poll = async (p) => {
    const answered = p.waitForResponse((r) => r.url().endsWith("/presence") && r.ok());
    await p.evaluate(() => document.dispatchEvent(new Event("visibilitychange")));
    await answered;
  };
  await poll(desk);
  await poll(page);
  await page.waitForSelector("#presence:not([hidden])");
  assert.match(await page.textContent("#presence"), /Also editing: Desk Editor/);
  // Alt+P publishes, after the browser's confirmation.
  desk.once("dialog", (dialog) => dialog.accept());
  await desk.keyboard.press("Alt+KeyP");
  await desk.waitForURL(/notice=publish/);
  assert.equal((await desk.textContent(".head .status")).trim(), "Published");
});

await step("the public page shows the article with every part", async () => {
  const reader = await (await browser.newContext()).newPage();
  const response = await reader.goto(`${base}/`);
  assert.equal(response.status(), 200);
  await desk.goto(articleUrl);
  const link = await desk.getAttribute("text=View on the site", "href");
  const r = await reader.goto(`${base}${link}`);
  assert.equal(r.status(), 200);
  assert.equal((await reader.textContent("h1")).trim(), headline);
  assert.match(await reader.textContent(".breadcrumb"), /Home/);
  assert.match(await reader.textContent(".label"), /\S/);
  assert.match(await reader.textContent(".dateline"), /writer/i);
  assert.match(await reader.textContent(".standfirst"), /brooms and books/);
  assert.match(await reader.textContent(".article__body blockquote"), /Books are how a city remembers/);
  assert.match(await reader.textContent(".tags"), /Libraries/);
  assert.match(await reader.textContent(".share"), /Share this article/);
  assert.match(await reader.textContent(".authors"), /More articles/);
  await reader.screenshot({ path: process.env.SCREENSHOT || "/tmp/gazette-article.png", fullPage: true });
});

await finish("browser test", 3);
