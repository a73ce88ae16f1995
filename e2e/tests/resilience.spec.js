// The Link API goes away while the widget is open, then comes back.
const { test, expect, openWidget, startServer, waitForCallback, isolation } = require("./helpers");

test("server down → error screen with Retry, which works once it is back", async ({ page }) => {
  let server = await startServer();
  try {
    const t = await server.newToken({ provider: "peloton" });
    const dialog = await openWidget(page, t.link_token, { api: server.url });
    await dialog.getByRole("button", { name: "Continue" }).click();
    await dialog.getByLabel(/username/i).fill("user_good");
    await dialog.getByLabel("Password", { exact: true }).fill("pass_good");
    await server.stop();
    await dialog.getByRole("button", { name: "Connect", exact: true }).click();
    await expect(dialog.getByRole("alert")).toContainText("could not reach the server");
    const err = await waitForCallback(page, "onError");
    expect(err.error_type).toBe("network_error");
    // Back on the same port, with the same database.
    server = await startServer([], { port: server.port, dir: server.dir });
    await dialog.getByRole("button", { name: "Try again" }).click();
    await expect(dialog.getByLabel(/username/i)).toHaveValue("");
    await dialog.getByLabel(/username/i).fill("user_good");
    await dialog.getByLabel("Password", { exact: true }).fill("pass_good");
    await dialog.getByRole("button", { name: "Connect", exact: true }).click();
    await waitForCallback(page, "onSuccess");
    expect((await server.connections(t.userId)).map((c) => c.slug)).toEqual(["peloton"]);
  } finally {
    await server.stop();
  }
});

test("the API unreachable at open → error screen whose Retry loads the widget", async ({ page }) => {
  const server = await startServer();
  const t = await server.newToken();
  const { port, dir } = server;
  let dialog;
  if (isolation() === "iframe") {
    // The widget's files come from the Link origin itself: the page and its iframe load while the
    // server is up; it is gone by the time the user opens the widget.
    dialog = await openWidget(page, null, { api: server.url });
    await page.waitForFunction(() => window.__log.some((e) => e.kind === "onLoad"));
    await server.stop();
    await page.evaluate((tok) => window.__open(tok), t.link_token);
  } else {
    await server.stop();
    dialog = await openWidget(page, t.link_token, { api: server.url });
  }
  await expect(dialog.getByRole("alert")).toContainText("could not reach the server");
  const again = await startServer([], { port, dir });
  try {
    await dialog.getByRole("button", { name: "Try again" }).click();
    await expect(dialog.getByRole("button", { name: "Continue" })).toBeVisible();
  } finally {
    await again.stop();
  }
});
