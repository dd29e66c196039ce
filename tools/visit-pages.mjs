// Visits pages in the machine's headless Chromium the way a tourist's phone does, and
// reports what each page shows. Called by the tests (pytest) with one JSON job on stdin;
// prints JSON on stdout:
//   in:  {"chromium": "/usr/bin/chromium",
//         "locale": "fr-FR",                 // navigator.languages and Accept-Language
//         "init_script": "localStorage.setItem('lang','vi')",   // runs before every page
//         "viewport": {"width": 390, "height": 844},
//         "user_data_dir": "/tmp/profile",  // optional: a profile kept between jobs (a
//                                           // returning visitor: service worker, caches)
//         "steps": [{"goto": "http://127.0.0.1:8000/Q/XM-D01", "wait_for_url": "/en/"},
//                   {"wait_for_service_worker": true},
//                   {"wait_for": "html[data-offline-ready]"},   // a CSS selector
//                   {"offline": true},
//                   {"goto": "...", "text": ".price-top"},    // that element's text
//                   {"goto": "file:///.../index.html", "screenshot": "/tmp/x.png"}]}
//   out: {"steps": [{"url": final url, "status": 200 or null, "error": null or text,
//          "lang": "en", "title": "...", "h1": "...", "css_rules": 42 (rules of the loaded
//          stylesheets; 0 when none loaded), "images": [{"src", "ok"}], "text": "...",
//          "page_errors": [uncaught errors of the page so far]}]}
//   a step may also ask for {"style": [".top", "background-color"]} (-> "style": the
//   computed value), {"all_images": true} (lazy images loaded too, and all reported),
//   {"links": "main a"} (-> "links": [{"href", "lang", "text"}] of those elements),
//   {"html": true} (-> "html": the bytes of the page `goto` opened, as text) and
//   {"click": "a[href='/en/']"} (follows that link first, waiting for the next page).
// One browser context for the whole job, so a service worker installed by one step
// serves the next. Never downloads a browser: uses the executable given.
import { readFileSync } from "node:fs";
import { chromium } from "playwright-core";

const job = JSON.parse(readFileSync(0, "utf8"));
const launch = {
  executablePath: job.chromium ?? "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
};
const contextOptions = {
  viewport: job.viewport ?? { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: job.locale ?? "vi-VN",
  serviceWorkers: "allow",
};
// A kept profile is one persistent context; otherwise a fresh browser and context.
const browser = job.user_data_dir ? null : await chromium.launch(launch);
const context = job.user_data_dir
  ? await chromium.launchPersistentContext(job.user_data_dir, { ...launch, ...contextOptions })
  : await browser.newContext(contextOptions);

async function describe(page, step) {
  if (step.all_images) {
    await page.evaluate(async () => {
      const images = [...document.images];
      for (const im of images) im.loading = "eager";
      const loaded = (im) =>
        im.complete ? null : new Promise((done) => im.addEventListener("load", done) || im.addEventListener("error", done));
      const patience = new Promise((done) => setTimeout(done, 60000)); // never hang the job
      await Promise.race([Promise.all(images.map(loaded)), patience]);
    });
  }
  return await page.evaluate((step) => {
    let rules = 0;
    for (const sheet of document.styleSheets) {
      try {
        rules += sheet.cssRules.length;
      } catch (e) {
        /* a sheet that did not load */
      }
    }
    const images = [...document.images]
      .filter(
        (im) => step.all_images || im.loading !== "lazy" || im.getBoundingClientRect().top < innerHeight,
      )
      .map((im) => ({ src: im.currentSrc || im.src, ok: im.complete && im.naturalWidth > 0 }));
    const h1 = document.querySelector("h1");
    const styled = step.style && document.querySelector(step.style[0]);
    return {
      style: styled ? getComputedStyle(styled).getPropertyValue(step.style[1]) : null,
      url: location.href,
      lang: document.documentElement.lang,
      title: document.title,
      h1: h1 ? h1.textContent.trim() : null,
      css_rules: rules,
      images,
    };
  }, step);
}

const out = { steps: [] };
try {
  if (job.init_script) {
    await context.addInitScript(job.init_script); // e.g. a choice remembered earlier
  }
  const page = await context.newPage();
  const pageErrors = [];
  page.on("pageerror", (e) => pageErrors.push(String(e && e.message ? e.message : e)));
  for (const step of job.steps) {
    const result = { step, status: null, error: null };
    let response = null;
    try {
      if (step.offline !== undefined) {
        await context.setOffline(step.offline);
      }
      if (step.wait_for_service_worker) {
        await page.evaluate(async () => {
          const reg = await navigator.serviceWorker.ready;
          // the worker caches the item's pages while it installs; wait until it controls
          // this page, so every install step has finished.
          if (!navigator.serviceWorker.controller) {
            await new Promise((ok) =>
              navigator.serviceWorker.addEventListener("controllerchange", ok),
            );
          }
          return reg.active && reg.active.state;
        });
      }
      if (step.goto) {
        response = await page.goto(step.goto, { waitUntil: "load", timeout: 60000 });
        result.status = response ? response.status() : null;
        if (step.wait_for_url) {
          await page.waitForURL((u) => u.href.includes(step.wait_for_url), { timeout: 60000 });
          await page.waitForLoadState("load");
        }
      }
      if (step.click) {
        await Promise.all([
          page.waitForNavigation({ waitUntil: "load", timeout: 60000 }),
          page.click(step.click, { timeout: 60000 }),
        ]);
      }
      if (step.wait_for) {
        await page.waitForSelector(step.wait_for, { state: "attached", timeout: 90000 });
      }
      if (step.goto || step.describe || step.click) {
        Object.assign(result, await describe(page, step));
      }
      if (step.links) {
        result.links = await page.$$eval(step.links, (els) =>
          els.map((a) => ({ href: a.getAttribute("href"), lang: a.lang, text: a.textContent.trim() })),
        );
      }
      if (step.html) {
        result.html = response ? await response.text() : null;
      }
      if (step.text) {
        result.text = await page.textContent(step.text, { timeout: 10000 });
      }
      result.page_errors = [...pageErrors];
      if (step.screenshot) {
        await page.screenshot({ path: step.screenshot });
      }
    } catch (e) {
      result.error = String(e && e.message ? e.message : e).split("\n")[0];
    }
    out.steps.push(result);
  }
} finally {
  await context.close();
  if (browser) await browser.close();
}
process.stdout.write(JSON.stringify(out));
