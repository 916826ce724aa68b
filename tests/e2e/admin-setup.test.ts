/**
 * Setting up, in the demo: the dashboard's first-run checklist, its Twilio
 * connection check and a test text sent through the real twilio client to the
 * demo's Twilio test server (read back from that server), a to-do step (the
 * disclosure in every language the shop texts in, and quiet hours and caps
 * reviewed) turning done, and the CTIA checks of a reply text appearing and
 * clearing as the merchant types in Settings. axe finds no serious problem on
 * either page. Screenshots in test-results/.
 */
import fs from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_DEMO_TWILIO_AUTH_TOKEN, DEMO_TWILIO_ACCOUNT_SID } from "../../app/demo/demo-mode.server";
import { seriousAxeViolations } from "../support/axe";
import { launchBrowser, openPage, startDemo, type DemoServer } from "../support/demo-server";

let demo: DemoServer;
let browser: Browser;

beforeAll(async () => {
  demo = await startDemo();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  if (demo) expect(await demo.stop(), "the demo stops cleanly on SIGTERM").toBe(0);
});

const MY_PHONE = "+16175550987";
const SPANISH =
  "Sí, envíame ofertas de Juniper & Pine por SMS. Mensajes de marketing automatizados recurrentes, hasta 6 al mes. El consentimiento no es condición de compra. Pueden aplicarse tarifas de mensajes y datos. Responde STOP para cancelar, HELP para ayuda.";
const FRENCH =
  "Oui, envoyez-moi les offres de Juniper & Pine par SMS. Messages marketing automatisés récurrents, jusqu'à 6 par mois. Le consentement n'est pas une condition d'achat. Des tarifs SMS et données peuvent s'appliquer. Répondez STOP pour annuler, HELP pour de l'aide.";

const step = (page: Page, id: string) => page.locator(`#setup-step-${id}`);
/** "Done" or "To do": the step's badge, without the tone Polaris reads out before it ("Success", "Attention"). */
const badgeOf = async (page: Page, id: string) => ((await step(page, id).locator(".Polaris-Badge").first().textContent()) ?? "").replace(/^(Success|Attention)/, "");

/** The message as the demo's Twilio test server holds it, fetched the way the SDK would (Basic auth, the demo's public credentials). */
async function twilioMessage(sid: string) {
  const server = /^Twilio test server:\s+(\S+)$/m.exec(demo.output())?.[1];
  if (!server) throw new Error(`the demo printed no Twilio test server:\n${demo.output()}`);
  const auth = Buffer.from(`${DEMO_TWILIO_ACCOUNT_SID}:${process.env.DEMO_TWILIO_AUTH_TOKEN || DEFAULT_DEMO_TWILIO_AUTH_TOKEN}`).toString("base64");
  const response = await fetch(`${server}/2010-04-01/Accounts/${DEMO_TWILIO_ACCOUNT_SID}/Messages/${sid}.json`, { headers: { Authorization: `Basic ${auth}` } });
  expect(response.status).toBe(200);
  return (await response.json()) as { to: string; from: string; body: string };
}

describe("setting up in the demo", () => {
  it("walks the checklist: Twilio checked, a test text sent, to-do steps done; CTIA warnings as you type", async () => {
    const { page, errors } = await openPage(browser, 2400);
    fs.mkdirSync("test-results", { recursive: true });

    await page.goto(demo.adminLink);
    // The first page of a freshly built demo on a busy machine can take a while.
    await page.getByRole("heading", { name: "Set up your SMS program" }).waitFor({ timeout: 90_000 });
    await page.screenshot({ path: "test-results/admin-setup-first-load.png", fullPage: true });
    expect(await badgeOf(page, "twilio")).toBe("Done");
    expect(await badgeOf(page, "disclosure")).toBe("To do");
    expect(await step(page, "disclosure").textContent()).toContain("Not published in Spanish, French");
    expect(await badgeOf(page, "sending_rules")).toBe("To do");
    const editor = step(page, "checkout_block").getByRole("link", { name: "Open the checkout editor" });
    expect(await editor.getAttribute("href")).toMatch(/^https:\/\/admin\.shopify\.com\/store\/demo-shop\/settings\/checkout\/editor\?page=thank-you&context=apps&app=/);
    expect(await seriousAxeViolations(page)).toEqual([]);

    // Twilio, proved against the (local) Twilio API through the app's own client.
    await page.getByRole("button", { name: "Check the connection with Twilio" }).click();
    await page.locator("#twilio-check-result").getByText("Twilio connection works").waitFor();
    expect(await page.locator("#twilio-check-result").textContent()).toContain("+15005550006 is a number of this account and can send texts.");

    await page.getByLabel("Your mobile number").fill("+1 617 555 0987");
    await page.getByRole("button", { name: "Send a test text to my phone" }).click();
    const result = page.locator("#test-text-result");
    await result.getByText(`Twilio accepted the test text to ${MY_PHONE}`).waitFor();
    const sid = /\b(SM[0-9a-f]{32})\b/.exec((await result.textContent()) ?? "")?.[1];
    expect(sid).toBeDefined();
    expect(await twilioMessage(sid!)).toMatchObject({ to: MY_PHONE, from: "+15005550006", body: expect.stringMatching(/^Juniper & Pine: This is a test text/) });
    // Accepted is not arrived: ask Twilio until the carrier's report is in (the test server delivers within a second).
    const delivery = page.locator("#test-text-delivery");
    await expect
      .poll(
        async () => {
          await page.getByRole("button", { name: "Check whether it arrived" }).click();
          await delivery.locator(".Polaris-Banner").first().waitFor();
          return delivery.textContent();
        },
        { timeout: 30_000, interval: 1_000 },
      )
      .toContain("Delivered: the carrier confirmed your phone received the test text.");

    // Twilio's refusal, in words.
    await page.getByLabel("Your mobile number").fill("+15005550009");
    await page.getByRole("button", { name: "Send a test text to my phone" }).click();
    await result.getByText("not a mobile phone").waitFor();
    await page.screenshot({ path: "test-results/admin-setup-checklist.png", fullPage: true });
    expect(await seriousAxeViolations(page)).toEqual([]);

    // A to-do step: the disclosure in Spanish and French, written with the checkout box previewed.
    await step(page, "disclosure").getByRole("link", { name: "Write the disclosure" }).click();
    await page.getByRole("heading", { name: "Checkout disclosure (Spanish)" }).waitFor();
    await page.getByLabel("Disclosure text (Spanish)").fill(SPANISH);
    const spanishPreview = page.locator("#checkout-preview-es");
    await expect.poll(() => spanishPreview.textContent()).toContain("Envíame novedades y ofertas por SMS");
    expect(await spanishPreview.textContent()).toContain("hasta 6 al mes");
    await page.getByRole("button", { name: "Publish Spanish disclosure" }).click();
    await page.getByText("Published version 2.").waitFor();
    await page.getByLabel("Disclosure text (French)").fill(FRENCH);
    await page.getByRole("button", { name: "Publish French disclosure" }).click();
    await page.getByText("Published version 3.").waitFor();

    // The CTIA checks of a reply text, as the merchant types.
    const optIn = page.getByLabel("Opt-in confirmation (optional)");
    await optIn.fill("Welcome to the club!");
    const checks = page.locator("#optInText-checks");
    await checks.getByText("CTIA: the opt-in confirmation must say what the program sends and how often.").waitFor();
    expect(await checks.textContent()).toContain('Fix: Add "Msg & data rates may apply."');
    expect(await checks.textContent()).toContain("CTIA: the opt-in confirmation must say how to get help.");
    expect(await page.locator("#optInText-preview").textContent()).toBe("Juniper & Pine: Welcome to the club! Reply STOP to cancel.");
    await page.screenshot({ path: "test-results/admin-setup-ctia-warnings.png", fullPage: true });
    expect(await seriousAxeViolations(page)).toEqual([]);
    await optIn.fill("Welcome to the club! Up to 6 msgs/month. Msg & data rates may apply. Reply HELP for help, STOP to cancel.");
    await checks.getByText("Meets the CTIA content rules.").waitFor();

    // Saving Settings is the review of quiet hours and caps.
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByText("Settings saved.").waitFor();

    // Every step done now (the demo's checkout already recorded consents): the checklist folds away, and opens on request.
    await page.goto(demo.adminLink);
    await page.getByRole("heading", { name: "Set-up complete" }).waitFor();
    expect(await page.locator("#setup-progress").textContent()).toBe("7 of 7 steps done");
    expect(await page.locator("#setup-step-disclosure").count()).toBe(0);
    await page.getByRole("button", { name: "Show steps" }).click();
    expect(await badgeOf(page, "disclosure")).toBe("Done");
    expect(await step(page, "disclosure").textContent()).toContain("Published: English v1, Spanish v2, French v3.");
    expect(await badgeOf(page, "sending_rules")).toBe("Done");
    await page.screenshot({ path: "test-results/admin-setup-done.png", fullPage: true });
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
