// Password and MFA flows, as a host page sees them.
const { test, expect, newToken, connections, openWidget, callbacks, eventNames, waitForCallback, log , dialogOf, expectClosed, hostPage, widgetRoot, isolation } = require("./helpers");

async function toPassword(dialog, name = "Peloton") {
  await dialog.getByRole("button", { name: "Continue" }).click();
  await dialog.getByRole("searchbox").fill(name);
  await dialog.getByRole("button", { name: new RegExp(name) }).click();
}

async function submit(dialog, user, pass) {
  await dialog.getByLabel(/username/i).fill(user);
  await dialog.getByLabel("Password", { exact: true }).fill(pass);
  await dialog.getByRole("button", { name: "Connect", exact: true }).click();
}

test("password success: callbacks, events and the recorded connection", async ({ page }) => {
  const t = await newToken();
  const dialog = await openWidget(page, t.link_token);
  await toPassword(dialog);
  await submit(dialog, "user_good", "pass_good");
  await expect(dialog.getByRole("heading", { name: "Connected" })).toBeVisible();
  const success = await waitForCallback(page, "onSuccess");
  expect(success).toMatchObject({ state: "success", provider: "peloton", provider_name: "Peloton", auth_type: "password" });
  expect(success.link_session_id).toBeTruthy();
  expect(new Date(success.timestamp).toString()).not.toBe("Invalid Date");
  const names = await eventNames(page);
  expect(names.slice(0, 2)).toEqual(["OPEN", "TRANSITION_VIEW"]);
  for (const n of ["SELECT_PROVIDER", "SUBMIT_CREDENTIALS", "HANDOFF"]) expect(names).toContain(n);
  expect(names.indexOf("SUBMIT_CREDENTIALS")).toBeLessThan(names.indexOf("HANDOFF"));
  const conns = await connections(t.userId);
  expect(conns.map((c) => [c.slug, c.status])).toEqual([["peloton", "connected"]]);
  // Done closes: onExit with error_type null, widget removed.
  await dialog.getByRole("button", { name: "Done" }).click();
  await expectClosed(page);
  const cbs = await callbacks(page);
  expect(cbs.map((c) => c.kind)).toEqual(["onSuccess", "onExit"]);
  expect(cbs[1].metadata).toMatchObject({ state: "exit", error_type: null, view: "SUCCESS" });
  // DOM events came too, in order, before the element went away.
  const dom = (await log(page)).filter((e) => e.kind === "dom:success" || e.kind === "dom:exit").map((e) => e.kind);
  expect(dom).toEqual(["dom:success", "dom:exit"]);
});

test("wrong password then success on the same token; the form keeps the username", async ({ page }) => {
  const t = await newToken();
  const dialog = await openWidget(page, t.link_token);
  await toPassword(dialog);
  await submit(dialog, "user_good", "wrong");
  await expect(dialog.getByRole("alert")).toContainText("not correct");
  await expect(dialog.getByLabel(/username/i)).toHaveValue("user_good");
  await expect(dialog.getByLabel("Password", { exact: true })).toHaveValue("");
  expect(await callbacks(page)).toEqual([]);
  const errs = (await log(page)).filter((e) => e.kind === "onEvent" && e.name === "ERROR");
  expect(errs[0].metadata.error_type).toBe("provider_credential_error");
  await dialog.getByLabel("Password", { exact: true }).fill("pass_good");
  await dialog.getByRole("button", { name: "Connect", exact: true }).click();
  await waitForCallback(page, "onSuccess");
  expect((await connections(t.userId)).length).toBe(1);
});

test("MFA: wrong code then the right one", async ({ page }) => {
  const t = await newToken();
  const dialog = await openWidget(page, t.link_token);
  await toPassword(dialog, "Zwift");
  await submit(dialog, "user_mfa", "pass_good");
  await expect(dialog.getByRole("heading", { name: "Enter the verification code" })).toBeVisible();
  await expect(dialog).toContainText("•••• 1234");
  const code = dialog.getByLabel("Verification code");
  await expect(code).toHaveAttribute("autocomplete", "one-time-code");
  await code.fill("000000");
  await dialog.getByRole("button", { name: "Verify" }).click();
  await expect(dialog.getByRole("alert")).toContainText("code is not correct");
  await code.fill("123456");
  await dialog.getByRole("button", { name: "Verify" }).click();
  const success = await waitForCallback(page, "onSuccess");
  expect(success.provider).toBe("zwift");
  expect(await eventNames(page)).toContain("SUBMIT_MFA");
  expect((await connections(t.userId)).map((c) => c.slug)).toEqual(["zwift"]);
});

for (const [user, errorType, text] of [
  ["user_expired", "provider_password_expired", "expired"],
  ["user_down", "provider_api_error", "not responding"],
]) {
  test(`${user} shows the error screen and fires onError(${errorType})`, async ({ page }) => {
    const t = await newToken();
    const dialog = await openWidget(page, t.link_token);
    await toPassword(dialog);
    await submit(dialog, user, "pass_good");
    await expect(dialog.getByRole("alert")).toContainText(text);
    const err = await waitForCallback(page, "onError");
    expect(err).toMatchObject({ state: "error", error_type: errorType, provider: "peloton" });
    expect(err.display_message).toBeTruthy();
    expect(await connections(t.userId)).toEqual([]);
    // Close after an error: onExit with error_type null.
    await dialog.getByRole("button", { name: "Close" }).last().click();
    const exit = await waitForCallback(page, "onExit");
    expect(exit.error_type).toBe(null);
  });
}

test("the 6th failed attempt is rate limited", async ({ page }) => {
  const t = await newToken();
  const dialog = await openWidget(page, t.link_token);
  await toPassword(dialog);
  for (let i = 0; i < 5; i++) {
    await submit(dialog, "user_good", "wrong" + i);
    await expect(dialog.getByRole("alert")).toContainText("not correct");
  }
  await submit(dialog, "user_good", "pass_good");
  const err = await waitForCallback(page, "onError");
  expect(err.error_type).toBe("too_many_attempts");
  await expect(dialog.getByRole("alert")).toContainText("Too many failed attempts");
  await expect(dialog.getByRole("button", { name: "Try again" })).toHaveCount(0);
  expect(await connections(t.userId)).toEqual([]);
});

test("keyboard only: picker, password form, done", async ({ page }) => {
  const t = await newToken();
  const dialog = await openWidget(page, null);
  await page.evaluate((tok) => { window.__nextToken = tok; }, t.link_token);
  await page.locator("#opener").focus();
  await page.keyboard.press("Enter");
  await expect(dialog.getByRole("button", { name: "Continue" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(dialog.getByRole("searchbox")).toBeFocused();
  await page.keyboard.type("pelo");
  await page.keyboard.press("ArrowDown");
  await expect(dialog.getByRole("button", { name: /Peloton/ })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(dialog.getByLabel(/username/i)).toBeFocused();
  await page.keyboard.type("user_good");
  await page.keyboard.press("Tab");
  await page.keyboard.type("pass_good");
  await page.keyboard.press("Enter");
  await waitForCallback(page, "onSuccess");
  await expect(dialog.getByRole("button", { name: "Done" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expectClosed(page);
  await expect(page.locator("#opener")).toBeFocused();
});
