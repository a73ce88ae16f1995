// The provider picker as the token narrows it, search, and a token for one provider.
const { test, expect, newToken, openWidget, log, eventNames } = require("./helpers");

async function shownSlugs(dialog) {
  return dialog.locator("button.vl-provider").evaluateAll((bs) => bs.map((b) => b.dataset.slug));
}

/** Every provider of the list: only the rows in view are drawn, so this scrolls the list
 * through, a view at a time, and checks the count against the rows' `aria-setsize`. */
async function allSlugs(dialog) {
  const list = dialog.locator(".vl-list");
  const seen = new Set();
  await list.evaluate((el) => (el.scrollTop = 0));
  for (let step = 0; step < 100; step++) {
    // The scroll event redraws the window before the next frame.
    await list.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    for (const slug of await shownSlugs(dialog)) seen.add(slug);
    const atEnd = await list.evaluate((el) => {
      const end = el.scrollTop + el.clientHeight >= el.scrollHeight - 1;
      el.scrollTop += el.clientHeight;
      return end;
    });
    if (atEnd) break;
  }
  const size = await dialog.locator("li[aria-setsize]").first().getAttribute("aria-setsize");
  expect(seen.size).toBe(Number(size));
  return [...seen];
}

test("filter_on_providers shows exactly the allowed providers", async ({ page }) => {
  const t = await newToken({ filter_on_providers: ["oura", "peloton", "freestyle_libre"] });
  const dialog = await openWidget(page, t.link_token);
  await dialog.getByRole("button", { name: "Continue" }).click();
  await expect(dialog.locator("button.vl-provider")).toHaveCount(3);
  expect((await shownSlugs(dialog)).sort()).toEqual(["freestyle_libre", "oura", "peloton"]);
});

test("the full picker lists linkable providers only, and search narrows it", async ({ page }) => {
  const t = await newToken();
  const dialog = await openWidget(page, t.link_token);
  await dialog.getByRole("button", { name: "Continue" }).click();
  await expect(dialog.getByRole("searchbox")).toBeVisible();
  const all = await allSlugs(dialog);
  expect(all).toContain("fitbit");
  expect(all).toContain("freestyle_libre");
  expect(all).not.toContain("apple_health_kit");
  expect(all).not.toContain("freestyle_libre_ble");
  const search = dialog.getByRole("searchbox");
  await search.fill("FREESTYLE");
  await expect(dialog.locator("button.vl-provider")).toHaveCount(1);
  expect(await shownSlugs(dialog)).toEqual(["freestyle_libre"]);
  await search.fill("my_fitness");
  await expect.poll(() => shownSlugs(dialog)).toEqual(expect.arrayContaining(["my_fitness_pal_v2"]));
  await search.fill("no such device");
  await expect(dialog.getByText("No provider matches")).toBeVisible();
  // SEARCH_PROVIDER once typing pauses.
  await expect.poll(async () => (await log(page)).filter((e) => e.name === "SEARCH_PROVIDER").map((e) => e.metadata.query))
    .toContain("no such device");
});

test("a token for one provider skips the picker", async ({ page }) => {
  const t = await newToken({ provider: "peloton" });
  const dialog = await openWidget(page, t.link_token);
  await dialog.getByRole("button", { name: "Continue" }).click();
  await expect(dialog.getByRole("heading", { name: "Connect Peloton" })).toBeVisible();
  await expect(dialog.getByRole("searchbox")).toHaveCount(0);
  const views = (await log(page)).filter((e) => e.name === "TRANSITION_VIEW").map((e) => e.metadata.view);
  expect(views).not.toContain("PROVIDER_PICKER");
  // Back returns to the agreement, not to a picker.
  await dialog.getByRole("button", { name: "Back" }).click();
  await expect(dialog.getByRole("button", { name: "Continue" })).toBeVisible();
});

test("Back from a form returns to the picker with the list intact", async ({ page }) => {
  const t = await newToken({ filter_on_providers: ["peloton", "zwift"] });
  const dialog = await openWidget(page, t.link_token);
  await dialog.getByRole("button", { name: "Continue" }).click();
  await dialog.getByRole("button", { name: /Zwift/ }).click();
  await dialog.getByRole("button", { name: "Back" }).click();
  await expect(dialog.locator("button.vl-provider")).toHaveCount(2);
  expect(await eventNames(page)).toContain("SELECT_PROVIDER");
});
