// What the browser tests share: the server under test, a headless Chromium, named steps whose
// failures are counted rather than thrown (so one failing step does not hide the others), and
// signing in to the newsroom.
import { chromium } from "playwright-core";

export const base = process.env.GAZETTE_URL;
export const password = process.env.GAZETTE_PASSWORD;

export const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-dev-shm-usage"],
});

const failures = [];

export async function step(name, fn) {
  try { await fn(); console.log(`ok: ${name}`); }
  catch (e) { failures.push(name); console.log(`FAILED: ${name}\n${e.stack}`); }
}

export async function signIn(page, email) {
  await page.goto(`${base}/newsroom/login`);
  await page.fill("#email", email);
  await page.fill("#password", password);
  await page.click("button[type=submit]");
  await page.waitForURL(`${base}/newsroom`);
}

// Closes the browser and ends the process: exit 1 if any step failed.
export async function finish(test, steps) {
  await browser.close();
  console.log(failures.length ? `${test}: ${failures.length} of ${steps} steps failed` : `${test}: all ${steps} steps passed`);
  process.exit(failures.length ? 1 : 0);
}
