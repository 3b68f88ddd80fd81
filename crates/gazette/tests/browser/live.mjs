// Live coverage in a real browser, without a reload: a reader has a story's page open; an editor
// makes it a live blog and posts an entry, which appears on the reader's page; the reader who has
// scrolled into the entries is not moved (a "new update" button appears instead); an edit and a
// deletion reach the page too; and the breaking-news banner appears and disappears on the open
// page as the editor sets and clears it.
import assert from "node:assert/strict";
import { base, browser, finish, signIn, step } from "./harness.mjs";

const editorContext = await browser.newContext();
const desk = await editorContext.newPage();
await signIn(desk, "editor@dispatch.test");
const readerContext = await browser.newContext();
const reader = await readerContext.newPage();
const consoleErrors = [];
reader.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
reader.on("pageerror", (e) => consoleErrors.push(String(e)));

// A published demo story, made a live blog by the editor.
await desk.goto(`${base}/war`);
const storyPath = await desk.locator(".card a[href^='/war/']").first().getAttribute("href");
let articleId;

await step("the editor makes a published story a live blog", async () => {
  // Looked up by the editor: a reader's browser keeps a page it loaded for a minute
  // (Cache-Control), so the reader opens the story only once it is live.
  await desk.goto(`${base}${storyPath}`);
  articleId = await desk.locator("script[data-article]").getAttribute("data-article");
  await desk.goto(`${base}/newsroom/articles/${articleId}/live`);
  await desk.click("button[name=action][value=start]");
  await desk.waitForSelector("#composer");
});

await step("a reader's open page shows an entry the editor posts, without a reload", async () => {
  await reader.goto(`${base}${storyPath}`);
  await reader.waitForSelector("#live[data-follow]");
  await reader.waitForTimeout(500); // the stream connects
  await desk.fill("#entry-headline", "Sirens across the city");
  await desk.fill("#entry-body", "Air defence is working over **the capital**.");
  const posted = Date.now();
  await desk.click("button[name=action][value=post]");
  await reader.waitForSelector(".live__entries .entry__title:has-text('Sirens across the city')", { timeout: 3000 });
  console.log(`   entry shown on the reader's page ${Date.now() - posted} ms after the editor clicked Post`);
  assert.equal(await reader.locator(".live__entries strong:has-text('the capital')").count(), 1);
});

await step("a reader scrolled into the entries is not moved: a button offers the new one", async () => {
  // Enough entries to scroll past the top of the list.
  for (let i = 1; i <= 6; i++) {
    await desk.fill("#entry-body", `Background paragraph ${i}. ` + "Long text. ".repeat(60));
    await desk.click("button[name=action][value=post]");
    await reader.waitForSelector(`.live__entries :text("Background paragraph ${i}.")`);
  }
  await reader.locator(".live__entries > li").nth(4).scrollIntoViewIfNeeded();
  const before = await reader.evaluate(() => window.scrollY);
  const anchor = await reader.locator(".live__entries > li").nth(4).boundingBox();
  await desk.fill("#entry-body", "Explosions heard in the west of the city.");
  await desk.click("button[name=action][value=post]");
  await reader.waitForSelector(".live__new:not([hidden])", { timeout: 3000 });
  assert.match(await reader.locator(".live__new").innerText(), /1 new update/);
  const after = await reader.locator(".live__entries > li").nth(4).boundingBox();
  assert.equal(Math.round(after.y), Math.round(anchor.y), "the entry being read stayed where it was");
  assert.equal(await reader.evaluate(() => window.scrollY), before);
  await reader.click(".live__new");
  await reader.waitForSelector(".live__entries > li:first-child :text('Explosions heard')");
  assert.ok(await reader.locator(".live__new").isHidden());
});

await step("an edit and a deletion reach the open page", async () => {
  const item = desk.locator("li", { hasText: "Explosions heard in the west" }).first();
  await item.locator("a", { hasText: "Edit" }).first().click();
  await desk.fill("textarea[name=body]", "Explosions heard in the west of the city; no damage reported.");
  await desk.click("button[name=action][value=save]");
  await reader.waitForSelector(".live__entries :text('no damage reported')", { timeout: 3000 });
  assert.equal(await reader.locator(".live__entries .entry__edited").count(), 1);
  await desk.goto(`${base}/newsroom/articles/${articleId}/live`);
  const sirens = desk.locator("li", { hasText: "Sirens across the city" }).first();
  desk.once("dialog", (dialog) => dialog.accept());
  await sirens.locator("button[name=action][value=delete]").click();
  await reader.waitForSelector(".live__entries .entry__title:has-text('Sirens across the city')", { state: "detached", timeout: 3000 });
});

await step("the breaking banner appears on an open page and disappears when cleared", async () => {
  const home = await readerContext.newPage();
  await home.goto(`${base}/`);
  assert.ok(await home.locator("#breaking").isHidden());
  await home.waitForTimeout(500);
  await desk.goto(`${base}/newsroom/breaking`);
  await desk.fill("#breaking-text", "Nationwide air raid alert");
  await desk.fill("#breaking-link", storyPath);
  await desk.click("button[name=action][value=set]");
  await home.waitForSelector("#breaking:not([hidden]) a.breaking__text:has-text('Nationwide air raid alert')", { timeout: 3000 });
  assert.equal(await home.locator("#breaking a").getAttribute("href"), storyPath);
  // A page opened now has it in its HTML already (the second load, once the cache re-rendered).
  await reader.goto(`${base}/culture`);
  await reader.reload();
  assert.ok(await reader.locator("#breaking").isVisible());
  await desk.goto(`${base}/newsroom/breaking`);
  await desk.click("button[name=action][value=clear]");
  await home.waitForSelector("#breaking", { state: "hidden", timeout: 3000 });
  await reader.waitForSelector("#breaking", { state: "hidden", timeout: 3000 });
  await home.close();
});

await step("the pages ran their script without errors (no CSP refusal)", async () => {
  assert.deepEqual(consoleErrors.filter((e) => !/ERR_CONNECTION|net::/.test(e)), []);
});

await finish("live", 6);
