// pages.mjs - opens every dashboard page in headless Chromium (Debian's
// /usr/bin/chromium driven by playwright-core), asserts on the DOM and on
// the absence of console errors (CSP violations included), checks that
// the page's script runs (table sorting), and saves a screenshot of each
// page.  Then the same pages as `export html` wrote them, opened from
// file:// (links and assets relative).
// Usage: node pages.mjs BASE_URL ARTIFACT_DIR XSS_TEST_NAME EXPORT_DIR
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(path.join(process.env.NODE_PREFIX, "x.js"));
const { chromium } = require("playwright-core");

const [base, artifacts, xss, exported] = process.argv.slice(2);
let failures = 0;
let passes = 0;

function check(ok, what) {
  if (ok) {
    passes++;
  } else {
    failures++;
    console.log("FAIL: " + what);
  }
}

// path, expected <h1>, texts the page must show, file name of the shot
const pages = [
  ["", "Overview", ["Latest aggregations", "Latest pumps", "periodic-ci-e2e-aws-demo"], "overview"],
  ["coverage", "Test-case coverage", ["Test cases of fenix by automation status", "test cases"], "coverage"],
  ["runs", "Test runs", ["Test runs per day, by project", "Test results per day, by status"], "runs"],
  ["regressions", "Issue regressions", ["Issue regressions opened per week, fenix, by component", "issues"], "regressions"],
  ["aggregation", "Payload aggregation", ["Verdict: failed", "Tests by run, failed first", "[sig-storage] volumes mount"], "aggregation"],
  ["history", "Test history", ["Tests with the most failures and flakes", "pass rate"], "history"],
  ["history?test=" + encodeURIComponent(xss), "Test history", ["Results of " + xss], "history-script-name"],
  ["flaky", "Flaky tests", ["Filter rows"], "flaky"],
  ["comparisons", "Historical comparisons", ["testpump history"], "comparisons"],
];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu"],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });

for (const [rel, h1, texts, shot] of pages) {
  const page = await context.newPage();
  const errors = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("dialog", (d) => {
    errors.push("dialog opened: " + d.message());
    d.dismiss();
  });
  page.on("requestfailed", (r) => errors.push("request failed: " + r.url()));
  const url = base + "/" + rel;
  const resp = await page.goto(url, { waitUntil: "load" });
  check(resp && resp.status() === 200, `${url}: status 200 (got ${resp && resp.status()})`);
  check(/default-src 'self'/.test(resp.headers()["content-security-policy"] || ""), `${url}: CSP header`);
  check((await page.textContent("h1")) === h1, `${url}: <h1> is '${h1}'`);
  check((await page.locator("nav a").count()) === 8, `${url}: navigation has 8 links`);
  check((await page.title()).startsWith(h1), `${url}: <title> starts with '${h1}'`);
  const body = await page.textContent("body");
  for (const t of texts) check(body.includes(t), `${url}: shows '${t}'`);
  // Only the page's own script, never one from the data.
  check((await page.locator("script").count()) === 1, `${url}: one <script> (app.js)`);
  check(!(await page.evaluate(() => window.__xss === 1)), `${url}: no injected script ran`);
  // Every chart has an accessible title and its axes' labels.
  const charts = await page.locator("svg.chart").count();
  for (let i = 0; i < charts; i++) {
    const svg = page.locator("svg.chart").nth(i);
    check((await svg.locator("title").count()) >= 1, `${url}: chart ${i} has a <title>`);
    check((await svg.getAttribute("role")) === "img", `${url}: chart ${i} has role img`);
  }
  // app.js ran (a CSP of default-src 'self' allows it): sort buttons exist
  // and a click sorts.
  const tables = await page.locator("table[data-sort]").count();
  if (tables > 0) {
    const button = page.locator("table[data-sort] th button.sort").first();
    check((await button.count()) === 1, `${url}: app.js made the table sortable`);
    await button.click();
    const sorted = await page.locator("table[data-sort] th[aria-sort]").count();
    check(sorted >= 1, `${url}: clicking a header sorts the table`);
  }
  await page.screenshot({ path: path.join(artifacts, shot + ".png"), fullPage: true });
  check(errors.length === 0, `${url}: no console errors: ${errors.join(" | ")}`);
  await page.close();
}

// The hostile test name is text: the history page shows it literally.
{
  const page = await context.newPage();
  await page.goto(base + "/history?test=" + encodeURIComponent(xss));
  const h2 = await page.textContent("main h2");
  check(h2 === "Results of " + xss, `script-named test shows as text (h2: ${h2})`);
  await page.close();
}

// Filtering: typing in the filter hides non-matching rows.
{
  const page = await context.newPage();
  await page.goto(base + "/runs");
  const input = page.locator("label.filter input").first();
  await input.fill("focus-ios");
  const visible = await page.locator("table.data tbody tr:visible").count();
  const all = await page.locator("table.data tbody tr").count();
  check(visible > 0 && visible < all, `filter keeps ${visible} of ${all} rows`);
  await page.close();
}

// The exported site, from the file system: every page loads its assets,
// shows its title and links to the others by relative .html names.
for (const [rel, h1, , shot] of pages) {
  if (rel.includes("?")) continue;
  const file = (rel === "" ? "index" : rel) + ".html";
  const page = await context.newPage();
  const errors = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("requestfailed", (r) => errors.push("request failed: " + r.url()));
  await page.goto("file://" + path.join(exported, file), { waitUntil: "load" });
  check((await page.textContent("h1")) === h1, `exported ${file}: <h1> is '${h1}'`);
  const hrefs = await page.locator("nav a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  check(hrefs.length === 8 && hrefs.every((h) => /^[a-z]+\.html$/.test(h)), `exported ${file}: nav links are relative .html (${hrefs})`);
  const sortable = await page.locator("table[data-sort] th button.sort").count();
  const tables = await page.locator("table[data-sort]").count();
  check(tables === 0 || sortable > 0, `exported ${file}: app.js loaded from static/`);
  await page.screenshot({ path: path.join(artifacts, "exported-" + shot + ".png"), fullPage: true });
  check(errors.length === 0, `exported ${file}: no console errors: ${errors.join(" | ")}`);
  await page.close();
}

await browser.close();
console.log(`${passes} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
