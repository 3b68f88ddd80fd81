// Script injection, tried in a real headless Chromium through every field the newsroom stores and
// every page that shows one. An admin puts a payload into the site settings, a section, a byline, an
// article (every field, a featured image's alt text, caption and credit, a correction), a tag and a
// synonym group; then each public and newsroom page that shows them is opened and must
//   - run none of them (no alert() from a payload; every payload's alert names its field),
//   - hold no element or attribute a payload made (event handlers, javascript: links, scripts),
//   - keep its JSON-LD parseable (a "</script>" in a headline must not end the block), and
//   - show the payload as text, so a field that was silently dropped cannot pass as "safe".
import assert from "node:assert/strict";
import { deflateSync } from "node:zlib";
import { base, browser, finish, password, signIn, step } from "./harness.mjs";

// One payload per field: it breaks out of an attribute and out of a <script> block, and both of its
// halves call alert() with the field's name, so a run that fires says which field leaked. The body
// carries the rest: event handlers, javascript: links and frames, SVG, Unicode tricks.
const payload = (field) => `"'><img src=x onerror=alert('XSS-${field}')></script><script>alert('XSS-${field}')</script>`;
// For fields of at most 60 characters (tags).
const shortPayload = (field) => `"'><svg onload=alert('XSS-${field}')>`;
const socialPayload = `https://x.com/"><img src=x onerror=alert('XSS-social')>`;
const bodyMarkdown = [
  "The water came back on in the evening BODYMARK.",
  "<script>alert('XSS-body-script')</script>",
  "<img src=x onerror=\"alert('XSS-body-img')\">",
  "[a link](javascript:alert('XSS-body-link'))",
  "<a href=\"javascript:alert('XSS-body-a')\">another</a>",
  "<iframe src=\"javascript:alert('XSS-body-iframe')\"></iframe>",
  "<svg onload=\"alert('XSS-body-svg')\"></svg>",
  // Unicode tricks: full-width brackets, a right-to-left override, a zero-width joiner inside a
  // tag name, and an encoded "javascript:" with a tab in it.
  "\uff1cscript\uff1ealert('XSS-body-fullwidth')\uff1c/script\uff1e \u202egnp.exe",
  "<scr\u200dipt>alert('XSS-body-zwj')</scr\u200dipt>",
  "[tabbed](java&#09;script:alert('XSS-body-tab'))",
].join("\n\n");

const fired = [];
function watch(page) {
  page.on("dialog", async (dialog) => {
    if (/^XSS-/i.test(dialog.message())) fired.push(`${page.url()}: ${dialog.message()}`);
    // The newsroom's own confirmations ("Publish now?") are answered yes.
    await dialog.accept().catch(() => {});
  });
  return page;
}

// What a payload would leave in the document if it had got through as markup.
async function injected(page) {
  return page.evaluate(() => {
    const found = [];
    for (const el of document.querySelectorAll("*")) {
      for (const attr of el.attributes) {
        if (/^on/i.test(attr.name) && /XSS-/i.test(attr.value)) found.push(`<${el.localName} ${attr.name}>`);
        // As a browser reads a URL: tabs, line breaks and leading controls do not count.
        const url = attr.value.replace(/[\u0000-\u0020]/g, "");
        if (/^(href|src|action|formaction|data)$/i.test(attr.name) && /^javascript:/i.test(url)) {
          found.push(`<${el.localName} ${attr.name}="${attr.value}">`);
        }
      }
      if (el.localName === "script") {
        if (el.type === "application/ld+json") {
          try { JSON.parse(el.textContent); } catch { found.push("JSON-LD that no longer parses"); }
        } else if (/XSS-/i.test(el.textContent)) {
          found.push("<script> holding a payload");
        }
      }
    }
    return found;
  });
}

// Opens `path`, lets any late script run, then checks it; `shown` are fields whose payload must be
// on the page as text (visible, or in the title).
async function check(page, path, shown = []) {
  const response = await page.goto(`${base}${path}`);
  assert.ok(response.status() < 500, `${path} answered ${response.status()}`);
  await page.waitForTimeout(150);
  const found = await injected(page);
  assert.deepEqual(found, [], `${path} holds injected markup`);
  // Lower case: synonyms are kept in lower case.
  const text = (await page.evaluate(() => `${document.title}\n${document.body.innerText}`)).toLowerCase();
  for (const field of shown) {
    assert.ok(text.includes(`alert('xss-${field}')`), `${path} does not show the ${field} as text`);
  }
  return page;
}

// Waits for the page a form submission leads to; when it is not the one expected, the failure
// quotes what the page says (a refused field, usually).
async function landedOn(page, pattern) {
  await page.waitForLoadState();
  if (!pattern.test(page.url())) {
    const said = await page.locator(".error, .errors, [role=alert], main").first().innerText().catch(() => "");
    throw new Error(`expected ${pattern}, got ${page.url()}: ${said.slice(0, 400)}`);
  }
}

// A real 32×24 PNG (a grey gradient), made here so that the test needs no file of its own.
function png(width, height) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes) => {
    let c = 0xffffffff;
    for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, "latin1");
    const tail = Buffer.alloc(4);
    tail.writeUInt32BE(crc(Buffer.concat([head.subarray(4), data])), 0);
    return Buffer.concat([head, data, tail]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
  const rows = [];
  for (let y = 0; y < height; y++) rows.push(Buffer.from([0, ...Array.from({ length: width }, (_, x) => (x * 8 + y * 4) & 0xff)]));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.concat(rows))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

const admin = watch(await (await browser.newContext()).newPage());
let articlePath = "";
let editorPath = "";

await step("an admin stores a payload in every field the newsroom offers", async () => {
  await signIn(admin, "admin@dispatch.test");

  await admin.goto(`${base}/newsroom/settings`);
  await admin.fill("[name='site.name']", payload("sitename"));
  await admin.fill("[name='site.tagline']", payload("tagline"));
  await admin.fill("[name='site.social.x']", socialPayload);
  await admin.click("form[action='/newsroom/settings'] button[type=submit]");
  await admin.waitForLoadState();
  assert.equal(await admin.inputValue("[name='site.name']"), payload("sitename"), "the site name was not saved");

  await admin.goto(`${base}/newsroom/sections`);
  const newSection = admin.locator("form[action='/newsroom/sections']");
  await newSection.locator("[name=name]").fill(payload("section"));
  await newSection.locator("[name=slug]").fill("xss-desk");
  await newSection.locator("[name=position]").fill("9");
  await newSection.locator("[name=description]").fill(payload("sectiondesc"));
  await newSection.locator("button[type=submit]").click();
  await admin.waitForLoadState();
  assert.equal(await admin.locator("input[value='xss-desk']").count(), 1, "the section was not created");

  await admin.goto(`${base}/newsroom/users`);
  await admin.fill("#new-email", "byline@dispatch.test");
  await admin.fill("#new-name", payload("author"));
  await admin.selectOption("#new-role", "contributor");
  await admin.selectOption("#new-author", "new");
  await admin.fill("#new-password", password);
  await admin.click("form[action='/newsroom/users'] button[type=submit]");
  await admin.waitForLoadState();

  await admin.goto(`${base}/newsroom/articles/new`);
  await admin.fill("#headline", payload("headline"));
  await admin.fill("#standfirst", payload("standfirst"));
  await admin.fill("#body", bodyMarkdown);
  const sectionId = await admin.locator("#section option", { hasText: "XSS-section" }).getAttribute("value");
  await admin.selectOption("#section", sectionId);
  const authorId = await admin.locator("#author option", { hasText: "XSS-author" }).getAttribute("value");
  await admin.selectOption("#author", authorId);
  await admin.fill("#tags", shortPayload("tag"));
  await admin.click("summary:has-text('Address and search engines')");
  await admin.fill("#slug", "water-back-on");
  await admin.fill("#seo_title", payload("seotitle"));
  await admin.fill("#seo_description", payload("seodesc"));
  await Promise.all([admin.waitForNavigation(), admin.click("button[value=save]")]);
  await landedOn(admin, /\/newsroom\/articles\/\d+\?notice=created/);
  editorPath = new URL(admin.url()).pathname;

  await admin.setInputFiles("#featured-file", { name: "street.png", mimeType: "image/png", buffer: png(32, 24) });
  await admin.fill("#featured-alt", payload("alt"));
  await admin.fill("#featured-caption", payload("caption"));
  await admin.fill("#featured-credit", payload("credit"));
  await admin.click("form.upload button[type=submit]");
  await admin.waitForLoadState();

  await admin.goto(`${base}${editorPath}`);
  await Promise.all([admin.waitForNavigation(), admin.click("button[value=publish]")]);
  await landedOn(admin, /notice=publish/);
  await admin.fill("#note", payload("correction"));
  await admin.click("form[action$='/corrections'] button[type=submit]");
  await admin.waitForLoadState();

  await admin.goto(`${base}/newsroom/synonyms`);
  await admin.fill("form[action='/newsroom/synonyms'] [name=terms]", `kyiv, ${shortPayload("synonym")}`);
  await admin.click("form[action='/newsroom/synonyms'] button[type=submit]");
  await admin.waitForLoadState();

  await admin.goto(`${base}${editorPath}`);
  articlePath = await admin.getAttribute("text=View on the site", "href");
  assert.match(articlePath, /water-back-on/);
});

await step("no public page runs a payload, and each shows it as text", async () => {
  const reader = watch(await (await browser.newContext()).newPage());
  const page = await check(reader, articlePath, ["headline", "standfirst", "section", "author", "tag", "caption", "credit", "correction", "sitename"]);
  assert.ok((await page.innerText(".article__body")).includes("BODYMARK"), "the article body is missing");
  assert.equal(await page.getAttribute(".article__body + * img, figure img", "alt"), payload("alt"), "the alt text is not kept as written");
  await check(reader, "/", ["headline", "sitename"]);
  await check(reader, "/xss-desk", ["section", "sectiondesc", "headline"]);
  const tagPath = await reader.goto(`${base}${articlePath}`).then(() => reader.getAttribute(".tags a", "href"));
  await check(reader, tagPath, ["tag", "headline"]);
  const authorPath = await reader.goto(`${base}${articlePath}`).then(() => reader.getAttribute(".dateline a", "href"));
  await check(reader, authorPath, ["author", "headline"]);
  await check(reader, `/search?q=${encodeURIComponent(payload("query"))}`, []);
  assert.equal(await reader.inputValue("#search-page-q"), payload("query"), "the search box does not keep the query as typed");
  await check(reader, "/search?q=water", ["headline"]);
  await check(reader, "/corrections", ["correction"]);
  await check(reader, `/nowhere/${encodeURIComponent(payload("path"))}`, []);
});

await step("no newsroom page runs a payload, and each shows it as text", async () => {
  await check(admin, "/newsroom", ["headline"]);
  await check(admin, editorPath, ["correction"]);
  assert.equal(await admin.inputValue("#headline"), payload("headline"), "the editor does not keep the headline as written");
  assert.equal(await admin.inputValue("#body"), bodyMarkdown, "the editor does not keep the body as written");
  await check(admin, `${editorPath}/revisions`, []);
  await check(admin, "/newsroom/media", []);
  assert.equal(await admin.locator("form[action^='/newsroom/media/'] input[name=caption]").first().inputValue(), payload("caption"));
  await check(admin, "/newsroom/sections", []);
  await check(admin, "/newsroom/tags", []);
  await check(admin, "/newsroom/users", []);
  await check(admin, "/newsroom/settings", []);
  await check(admin, "/newsroom/synonyms", ["synonym"]);
  await check(admin, "/newsroom/audit", ["headline"]);
});

await step("no payload ran anywhere", async () => {
  assert.deepEqual(fired, [], "alert() called by a payload");
});

await finish("xss test", 4);
