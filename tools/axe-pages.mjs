// Runs axe-core on pages in the machine's headless Chromium, at phone width.
// Called by tests/validators (pytest) with one JSON job on stdin; prints JSON on stdout:
//   in:  {"chromium": "/usr/bin/chromium", "viewport": {"width": 360, "height": 740},
//         "pages": [{"url": "http://127.0.0.1:8000/vi/", "javascript": true,
//                    "axe": true, "screenshot": "/tmp/x.png", "redirects_to": "/vi/x/"}]}
//   out: {"axe_version": "4.13.0", "pages": [{"url": ..., "final_url": ..., "status": 200,
//         "lang": "vi", "title": ..., "scroll_width": 360, "client_width": 360,
//         "violations": [{"id", "impact", "help", "helpUrl", "nodes": [{"target", "html",
//         "summary"}]}], "incomplete": [...ids], "console_errors": [...]}]}
// A QR landing page or the root chooser redirects at once with JavaScript. To check the
// page itself, "stay": true aborts any navigation after the first one (its script still
// runs). "javascript": false opens it with JavaScript disabled, as a visitor without
// JavaScript sees it; axe cannot run then (it is JavaScript), so use "axe": false with it.
// "redirects_to": "/vi/x/" waits until the redirect has arrived there.
// "wait_for": "[data-offline-ready]" waits until an element matches (here: the site's
// service worker has kept the page).
// "stay" pages get a browser context of their own that allows no service worker: the
// site's worker (registered by the other pages, scope "/") would otherwise fetch the
// redirect's target itself, out of page.route's sight, and the page would navigate away.
// Never downloads a browser: uses the executable given (Debian's /usr/bin/chromium).
import { readFileSync } from "node:fs";
import { AxeBuilder } from "@axe-core/playwright";
import { chromium } from "playwright-core";

const job = JSON.parse(readFileSync(0, "utf8"));
const viewport = job.viewport ?? { width: 360, height: 740 };

const browser = await chromium.launch({
  executablePath: job.chromium ?? "/usr/bin/chromium",
  headless: true,
  // Playwright gives each launch a fresh temporary profile (--user-data-dir).
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});

const contexts = {};
async function contextFor(javascript, stay) {
  const key = `${javascript ? "js" : "nojs"}${stay ? "-stay" : ""}`;
  contexts[key] ??= await browser.newContext({
    serviceWorkers: stay ? "block" : "allow",
    viewport,
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: "vi-VN",
    javaScriptEnabled: javascript,
  });
  return contexts[key];
}

const results = [];
let axeVersion = null;
try {
  for (const spec of job.pages) {
    const javascript = spec.javascript ?? true;
    const page = await (await contextFor(javascript, spec.stay ?? false)).newPage();
    const consoleErrors = [];
    page.on("console", (msg) => {
      if (msg.type() === "error") consoleErrors.push(msg.text());
    });
    page.on("pageerror", (err) => consoleErrors.push(String(err)));
    page.setDefaultTimeout(20000);
    if (spec.stay) {
      // Keep the browser on this page: let its scripts run, but abort any later
      // navigation of the main frame (a QR landing page redirects at once).
      let opened = false;
      await page.route("**/*", (route) => {
        const request = route.request();
        if (request.isNavigationRequest() && request.frame() === page.mainFrame()) {
          if (opened) return route.abort("aborted");
          opened = true;
        }
        return route.continue();
      });
    }
    const response = await page.goto(spec.url, { waitUntil: spec.stay ? "commit" : "load" });
    if (spec.stay) await page.waitForFunction(() => document.readyState === "complete");
    if (spec.redirects_to) {
      // A page that redirects with JavaScript: wait until the browser is on its target.
      await page.waitForURL((u) => u.pathname === spec.redirects_to, { waitUntil: "load" });
    }
    if (spec.wait_for) await page.waitForSelector(spec.wait_for, { state: "attached" });
    const facts = await page.evaluate(() => ({
      lang: document.documentElement.getAttribute("lang"),
      title: document.title,
      scroll_width: document.documentElement.scrollWidth,
      client_width: document.documentElement.clientWidth,
    }));
    const result = {
      url: spec.url,
      final_url: page.url(),
      status: response ? response.status() : null,
      javascript,
      ...facts,
      violations: [],
      incomplete: [],
      console_errors: consoleErrors,
    };
    if (spec.axe ?? true) {
      const axe = await new AxeBuilder({ page }).analyze();
      axeVersion = axe.testEngine?.version ?? axeVersion;
      result.violations = axe.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        helpUrl: v.helpUrl,
        nodes: v.nodes.map((n) => ({
          target: n.target,
          html: n.html,
          summary: n.failureSummary,
        })),
      }));
      result.incomplete = axe.incomplete.map((v) => v.id);
    }
    if (spec.screenshot) {
      await page.screenshot({ path: spec.screenshot, fullPage: spec.fullPage ?? false });
    }
    results.push(result);
    await page.close();
  }
} finally {
  await browser.close();
}

process.stdout.write(JSON.stringify({ axe_version: axeVersion, pages: results }, null, 1));
