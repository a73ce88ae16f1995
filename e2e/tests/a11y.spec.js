// WCAG 2.2 AA beyond what axe-core sees (axe runs on every screen in screens.spec.js): errors and
// busy states announced, target size (2.5.8), focus not hidden (2.4.11), reflow at 320 CSS px
// and at 200 % zoom (1.4.10), forced colours (Windows High Contrast) and reduced motion. Each
// check runs on a tour of every screen, in both isolations (in iframe isolation the page code
// runs inside the widget's frame).
const { test, expect, newToken, openWidget, API, dialogOf, widgetFrame } = require("./helpers");

// In the page of the widget (its frame in iframe isolation): the dialog, found through open
// shadow roots, and the root (document or shadow root) holding it.
const FIND = `
  window.__vlFind = () => {
    const walk = (root) => {
      const d = root.querySelector('[role="dialog"]');
      if (d) return { dialog: d, root };
      for (const el of root.querySelectorAll("*")) {
        if (el.shadowRoot) { const r = walk(el.shadowRoot); if (r) return r; }
      }
      return null;
    };
    return walk(document);
  };
  window.__vlVisible = (el) => {
    if (el.closest(".vl-sr-only")) return false;
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none";
  };
  window.__vlControls = (dialog) => [...dialog.querySelectorAll(
    'button, a[href], input, select, textarea, [tabindex]:not([tabindex="-1"])')]
    .filter(window.__vlVisible);
  window.__vlName = (el) => el.tagName.toLowerCase() + (el.className ? "." + String(el.className).split(" ").join(".") : "")
    + (el.textContent.trim() ? ' "' + el.textContent.trim().slice(0, 30) + '"' : "");
`;

async function inWidget(page, fn, arg) {
  const frame = widgetFrame(page);
  await frame.evaluate(FIND);
  return frame.evaluate(fn, arg);
}

/** Walks every screen (agreement, picker, search, password, its error, MFA, success, email,
 * OAuth, provider error, invalid-token error), calling `check(name)` on each. */
async function tour(page, check, query = {}) {
  const t = await newToken();
  let dialog = await openWidget(page, t.link_token, query);
  await expect(dialog.getByRole("button", { name: "Continue", exact: true })).toBeVisible();
  await check("agreement");
  await dialog.getByRole("button", { name: "Continue", exact: true }).click();
  await expect(dialog.getByRole("searchbox")).toBeVisible();
  await check("picker");
  await dialog.getByRole("searchbox").fill("fit");
  await expect(dialog.getByRole("status")).toHaveText(/found/);
  await check("picker-search");

  const p = await newToken({ provider: "peloton" });
  dialog = await openWidget(page, p.link_token, query);
  await dialog.getByRole("button", { name: "Continue", exact: true }).click();
  await expect(dialog.getByLabel(/username/i)).toBeVisible();
  await check("password");
  await dialog.getByLabel(/username/i).fill("user_mfa");
  await dialog.getByLabel("Password", { exact: true }).fill("wrong");
  await dialog.getByRole("button", { name: "Connect", exact: true }).click();
  await expect(dialog.getByRole("alert")).toBeVisible();
  await check("password-error");
  await dialog.getByLabel("Password", { exact: true }).fill("pass_good");
  await dialog.getByRole("button", { name: "Connect", exact: true }).click();
  await expect(dialog.getByLabel("Verification code")).toBeVisible();
  await check("mfa");
  await dialog.getByLabel("Verification code").fill("123456");
  await dialog.getByRole("button", { name: "Verify" }).click();
  await expect(dialog.getByRole("heading", { name: "Connected" })).toBeVisible();
  await check("success");

  const e = await newToken({ provider: "freestyle_libre" });
  dialog = await openWidget(page, e.link_token, query);
  await dialog.getByRole("button", { name: "Continue", exact: true }).click();
  await expect(dialog.getByLabel("Email address")).toBeVisible();
  await check("email");

  const o = await newToken({ provider: "oura" });
  dialog = await openWidget(page, o.link_token, query);
  await dialog.getByRole("button", { name: "Continue", exact: true }).click();
  await expect(dialog.getByRole("button", { name: /Continue to/ })).toBeVisible();
  await check("oauth");

  const d = await newToken({ provider: "peloton" });
  dialog = await openWidget(page, d.link_token, query);
  await dialog.getByRole("button", { name: "Continue", exact: true }).click();
  await dialog.getByLabel(/username/i).fill("user_down");
  await dialog.getByLabel("Password", { exact: true }).fill("pass_good");
  await dialog.getByRole("button", { name: "Connect", exact: true }).click();
  await expect(dialog.getByRole("button", { name: "Try again" })).toBeVisible();
  await check("provider-error");

  dialog = await openWidget(page, "not-a-real-token", query);
  await expect(dialog.getByRole("alert")).toBeVisible();
  await check("invalid-token");
}

test("errors and busy states are announced (status and alert live regions)", async ({ page }) => {
  const t = await newToken({ provider: "peloton" });
  // Hold the first sign-in request to see the busy state.
  let release;
  const held = new Promise((r) => { release = r; });
  await page.route(`${API()}/v2/link/provider/password/peloton`, async (route) => {
    await held;
    await route.continue();
  });
  const dialog = await openWidget(page, t.link_token);
  await dialog.getByRole("button", { name: "Continue", exact: true }).click();
  await dialog.getByLabel(/username/i).fill("user_good");
  await dialog.getByLabel("Password", { exact: true }).fill("wrong");
  const form = dialog.locator("form");
  // The live region is there, empty, before anything happens: a change to it is announced.
  const status = form.getByRole("status");
  await expect(status).toHaveCount(1);
  await expect(status).toHaveText("");
  await dialog.getByRole("button", { name: "Connect", exact: true }).click();
  await expect(status).toHaveText("Connecting…");
  await expect(dialog.getByRole("button", { name: "Connecting…" })).toHaveAttribute("aria-busy", "true");
  release();
  const alert = dialog.getByRole("alert");
  await expect(alert).toHaveText("The username or password is not correct.");
  await expect(status).toHaveText("");
  // The field points at its error.
  await expect(dialog.getByLabel("Password", { exact: true })).toHaveAttribute("aria-describedby", "vl-form-error");

  // Loading is a status, and the error screen an alert.
  await page.route(`${API()}/v2/link/providers`, async (route) => { await new Promise((r) => setTimeout(r, 1500)); await route.continue(); });
  const again = await openWidget(page, (await newToken()).link_token);
  await expect(again.getByRole("status")).toHaveText("Loading…");
  const bad = await openWidget(page, "not-a-real-token");
  await expect(bad.getByRole("alert")).toHaveText(/not valid/);
});

test("target size: every control is at least 24 × 24 CSS px (2.5.8)", async ({ page }) => {
  const small = [];
  let screens = 0;
  await tour(page, async (name) => {
    screens++;
    const found = await inWidget(page, () => {
      const { dialog } = window.__vlFind();
      return window.__vlControls(dialog)
        // The inline exception of 2.5.8: a link in a sentence (the legal line) is sized by
        // the line of text it is in.
        .filter((el) => !(el.tagName === "A" && el.closest("p")))
        .map((el) => ({ el: window.__vlName(el), r: el.getBoundingClientRect() }))
        .filter(({ r }) => r.width < 24 || r.height < 24)
        .map(({ el, r }) => `${el} ${Math.round(r.width)}×${Math.round(r.height)}`);
    });
    small.push(...found.map((f) => `${name}: ${f}`));
  });
  expect(screens).toBe(11);
  expect(small).toEqual([]);
});

test("focus not hidden: after each Tab the focused control is in view and on top (2.4.11)", async ({ page }) => {
  const hidden = [];
  let tabs = 0;
  await tour(page, async (name) => {
    const count = await inWidget(page, () => window.__vlControls(window.__vlFind().dialog).length);
    for (let i = 0; i < Math.min(count + 1, 14); i++) {
      await page.keyboard.press("Tab");
      tabs++;
      const problem = await inWidget(page, () => {
        const { dialog, root } = window.__vlFind();
        let el = root.activeElement;
        if (!el || !dialog.contains(el)) return "focus left the dialog: " + (el ? el.tagName : "none");
        const r = el.getBoundingClientRect();
        if (r.top < 0 || r.left < 0 || r.bottom > innerHeight || r.right > innerWidth) {
          return `${window.__vlName(el)} out of view ${JSON.stringify(r)}`;
        }
        const hit = root.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        if (!hit || !(hit === el || el.contains(hit))) {
          return `${window.__vlName(el)} covered by ${hit ? window.__vlName(hit) : "nothing"}`;
        }
        return null;
      });
      if (problem) hidden.push(`${name}: ${problem}`);
    }
  });
  expect(tabs).toBeGreaterThan(30);
  expect(hidden).toEqual([]);
});

// 320 CSS px wide (1.4.10), and a 1280 × 800 window at 200 % zoom: 640 × 400 CSS px.
for (const [label, viewport, deviceScaleFactor] of [
  ["320 CSS px", { width: 320, height: 640 }, 1],
  ["200 % zoom", { width: 640, height: 400 }, 2],
]) {
  test.describe(`reflow at ${label}`, () => {
    test.use({ viewport, deviceScaleFactor });
    test(`reflow at ${label}: no horizontal scroll, nothing cut off (1.4.10)`, async ({ page }) => {
      const problems = [];
      await tour(page, async (name) => {
        const found = await inWidget(page, () => {
          const out = [];
          const { dialog } = window.__vlFind();
          if (dialog.scrollWidth > dialog.clientWidth) {
            out.push(`dialog scrolls sideways: ${dialog.scrollWidth} > ${dialog.clientWidth}`);
          }
          const d = dialog.getBoundingClientRect();
          if (d.top < 0 || d.left < 0 || d.right > innerWidth + 0.5 || d.bottom > innerHeight + 0.5) {
            out.push(`dialog outside the viewport ${JSON.stringify(d)} in ${innerWidth}×${innerHeight}`);
          }
          for (const el of dialog.querySelectorAll("*")) {
            if (!window.__vlVisible(el)) continue;
            const r = el.getBoundingClientRect();
            if (r.left < d.left - 0.5 || r.right > d.right + 0.5) {
              out.push(`${window.__vlName(el)} sticks out: ${Math.round(r.left)}..${Math.round(r.right)} of ${Math.round(d.left)}..${Math.round(d.right)}`);
            }
            // Text clipped by its own box. The picker's one-line descriptions are the known
            // exception (fixed-height rows of the windowed list: ellipsis, full text in the
            // row's accessible name).
            const s = getComputedStyle(el);
            if (s.overflowX !== "visible" && el.scrollWidth > el.clientWidth + 1 && el.textContent.trim()
                && !el.classList.contains("vl-provider-desc") && el !== dialog && !el.matches("input, select, .vl-list")) {
              out.push(`${window.__vlName(el)} clips its text: ${el.scrollWidth} > ${el.clientWidth}`);
            }
          }
          return out;
        });
        problems.push(...found.map((f) => `${name}: ${f}`));
      });
      expect(problems).toEqual([]);
    });
  });
}

test("forced colours: every control keeps a visible border", async ({ page }) => {
  await page.emulateMedia({ forcedColors: "active" });
  const bare = [];
  await tour(page, async (name) => {
    const found = await inWidget(page, () => {
      if (!matchMedia("(forced-colors: active)").matches) return ["forced-colors not active"];
      const { dialog } = window.__vlFind();
      return window.__vlControls(dialog)
        .filter((el) => !(el.tagName === "A" && el.closest("p"))) // underlined text links
        .filter((el) => {
          const s = getComputedStyle(el);
          const sides = ["Top", "Right", "Bottom", "Left"];
          const border = sides.every((x) => s[`border${x}Style`] !== "none" && parseFloat(s[`border${x}Width`]) >= 1);
          const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 1;
          return !border && !outline;
        })
        .map((el) => window.__vlName(el));
    });
    bare.push(...found.map((f) => `${name}: ${f}`));
  });
  expect(bare).toEqual([]);
});

test("reduced motion: the spinner stands still, no transitions", async ({ page }) => {
  const hold = async () => {
    let release;
    const held = new Promise((r) => { release = r; });
    await page.unrouteAll();
    await page.route(`${API()}/v2/link/providers`, async (route) => { await held; await route.continue(); });
    return release;
  };
  const motion = () => inWidget(page, () => {
    const { dialog } = window.__vlFind();
    const spinner = dialog.querySelector(".vl-spinner");
    const s = getComputedStyle(spinner);
    const longest = (v) => Math.max(...v.split(",").map((x) => parseFloat(x) || 0));
    let transitions = 0;
    for (const el of [dialog, ...dialog.querySelectorAll("*")]) {
      transitions = Math.max(transitions, longest(getComputedStyle(el).transitionDuration));
    }
    return { name: s.animationName, duration: longest(s.animationDuration), transitions };
  });

  // Without the preference the spinner turns (the check below can see an animation).
  let release = await hold();
  let dialog = await openWidget(page, (await newToken()).link_token);
  await expect(dialog.getByRole("status")).toBeVisible();
  expect((await motion()).duration).toBeGreaterThan(0.1);
  release();

  await page.emulateMedia({ reducedMotion: "reduce" });
  release = await hold();
  dialog = await openWidget(page, (await newToken()).link_token);
  await expect(dialog.getByRole("status")).toHaveText("Loading…");
  const m = await motion();
  expect(m.duration).toBeLessThan(0.01);
  expect(m.transitions).toBeLessThan(0.01);
  release();
  await expect(dialog.getByRole("button", { name: "Continue", exact: true })).toBeVisible();
});
