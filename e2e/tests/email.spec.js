// Freestyle Libre: the email flow.
const { test, expect, newToken, connections, openWidget, callbacks, waitForCallback, log } = require("./helpers");

async function toEmail(page, token) {
  const dialog = await openWidget(page, token);
  await dialog.getByRole("button", { name: "Continue" }).click();
  await dialog.getByRole("searchbox").fill("libre");
  await dialog.getByRole("button", { name: /Freestyle Libre/ }).first().click();
  return dialog;
}

test("success with a chosen region", async ({ page }) => {
  const t = await newToken();
  const dialog = await toEmail(page, t.link_token);
  await expect(dialog.getByLabel("Region")).toHaveValue("us");
  await dialog.getByLabel("Region").selectOption("ca");
  await dialog.getByLabel("Email address").fill("jo@example.com");
  await dialog.getByRole("button", { name: "Connect", exact: true }).click();
  const ok = await waitForCallback(page, "onSuccess");
  expect(ok).toMatchObject({ provider: "freestyle_libre", auth_type: "email", state: "success" });
  expect((await connections(t.userId)).map((c) => c.slug)).toEqual(["freestyle_libre"]);
});

test("a region the server does not support is an inline error", async ({ page }) => {
  const t = await newToken();
  const dialog = await toEmail(page, t.link_token);
  // A stale region list: the page offers a region the server no longer accepts.
  await dialog.getByLabel("Region").evaluate((s) => { s.options[0].value = "zz"; s.selectedIndex = 0; });
  await dialog.getByLabel("Email address").fill("jo@example.com");
  await dialog.getByRole("button", { name: "Connect", exact: true }).click();
  await expect(dialog.getByRole("alert")).toContainText("region is not supported");
  expect(await callbacks(page)).toEqual([]);
  const err = (await log(page)).find((e) => e.name === "ERROR");
  expect(err.metadata.error_type).toBe("unsupported_region");
  expect(await connections(t.userId)).toEqual([]);
});

test("a refused or malformed address is an inline error and the token stays usable", async ({ page }) => {
  const t = await newToken();
  const dialog = await toEmail(page, t.link_token);
  const email = dialog.getByLabel("Email address");
  await email.fill("not-an-email");
  await dialog.getByRole("button", { name: "Connect", exact: true }).click();
  await expect(dialog.getByRole("alert")).toContainText("check what you entered");
  await email.fill("bad@example.com");
  await dialog.getByRole("button", { name: "Connect", exact: true }).click();
  await expect(dialog.getByRole("alert")).toContainText("not correct");
  expect(await callbacks(page)).toEqual([]);
  await email.fill("good@example.com");
  await dialog.getByRole("button", { name: "Connect", exact: true }).click();
  await waitForCallback(page, "onSuccess");
});
