/**
 * The list import's routes, called as Remix calls them with a shop's session
 * token: the upload page's preview and start (refused in words when too
 * large, not a CSV, or missing evidence columns; nothing written), its
 * loader (only the shop's own imports), and the report (another shop's
 * import is 404).
 */
import { beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { action as importAction, loader as importLoader } from "../../app/routes/app.subscribers.import";
import { loader as reportLoader } from "../../app/routes/app.subscribers.import.$id.report";
import { runSubscriberImports } from "../../app/subscribers/import/subscriber-import.server";
import { MAX_IMPORT_BYTES } from "../../app/subscribers/import/import-limits";
import { adminRequest } from "../support/admin-request";
import { createTestShop } from "../support/shop-fixture";
import { TEST_ENV } from "../setup/test-env";

let shop: string;
let otherShop: string;

async function signedIn(name: string) {
  await prisma.session.upsert({
    where: { id: `offline_${name}` },
    create: { id: `offline_${name}`, shop: name, state: "", accessToken: "shpat_test", scope: TEST_ENV.SCOPES },
    update: {},
  });
}

beforeAll(async () => {
  shop = (await createTestShop()).shop;
  otherShop = (await createTestShop()).shop;
  await signedIn(shop);
  await signedIn(otherShop);
});

const CSV = [
  "Phone,Consent date,Source,Disclosure URL",
  "+12025550171,2025-01-02,Pop-up,https://acme.test/sms-terms",
  "+12025550172,,Pop-up,https://acme.test/sms-terms",
].join("\n");

function post(forShop: string, fields: Record<string, string | File>, headers: Record<string, string> = {}) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  return adminRequest(forShop, "/app/subscribers/import", { method: "POST", body: form, headers });
}

async function callAction(request: Request) {
  try {
    return await importAction({ request, params: {}, context: {} });
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

const csvFile = (text: string, name = "list.csv") => new File([text], name, { type: "text/csv" });
const MAPPING = JSON.stringify({ delimiter: ",", dayFirst: false, columns: { phone: 0, consentDate: 1, source: 2, disclosureReference: 3 } });

describe("the import page", () => {
  it("previews the file's first rows with the columns guessed from its headers", async () => {
    const answer = await callAction(post(shop, { intent: "preview", file: csvFile(CSV) }));
    expect(answer).toMatchObject({
      ok: true,
      preview: { headers: ["Phone", "Consent date", "Source", "Disclosure URL"], guess: { columns: { phone: 0, consentDate: 1, source: 2, disclosureReference: 3 } } },
    });
  });

  it("starts an import for this shop, named with the staff member, that the worker then runs; another shop sees none of it", async () => {
    const answer = await callAction(post(shop, { intent: "start", file: csvFile(CSV), mapping: MAPPING, confirmMode: "double_opt_in" }));
    expect(answer).toMatchObject({ ok: true, started: expect.any(String) });
    const id = (answer as { started: string }).started;
    const stored = await prisma.subscriberImport.findUniqueOrThrow({ where: { id } });
    expect(stored).toMatchObject({ shop, fileName: "list.csv", status: "queued", confirmMode: "double_opt_in", staff: expect.stringMatching(/\S/) });

    await runSubscriberImports();
    const page = await importLoader({ request: adminRequest(shop, "/app/subscribers/import"), params: {}, context: {} });
    expect(page.imports.find((each) => each.id === id)).toMatchObject({ status: "done", pendingRows: 1, refusedRows: 1 });
    const otherPage = await importLoader({ request: adminRequest(otherShop, "/app/subscribers/import"), params: {}, context: {} });
    expect(otherPage.imports.map((each) => each.id)).not.toContain(id);

    const report = await reportLoader({ request: adminRequest(shop, `/app/subscribers/import/${id}/report`), params: { id }, context: {} });
    expect(report.status).toBe(200);
    expect(report.headers.get("Content-Type")).toMatch(/text\/csv/);
    expect(await report.text()).toContain("3,+12025550172,Not imported,No consent date");

    const refused = await reportLoader({ request: adminRequest(otherShop, `/app/subscribers/import/${id}/report`), params: { id }, context: {} }).catch(
      (thrown: unknown) => thrown as Response,
    );
    expect(refused.status).toBe(404);
  });

  it("refuses a file over the size limit in words, before reading it, and writes nothing", async () => {
    const before = await prisma.subscriberImport.count();
    const answer = await callAction(
      adminRequest(shop, "/app/subscribers/import", {
        method: "POST",
        body: "x",
        headers: { "Content-Type": "multipart/form-data; boundary=x", "Content-Length": String(MAX_IMPORT_BYTES + 2 * 1024 * 1024) },
      }),
    );
    expect(answer).toEqual({ ok: false, error: expect.stringMatching(/up to 50 MB/) });
    expect(await prisma.subscriberImport.count()).toBe(before);
  });

  it("refuses what is not a CSV file, and a mapping without the consent evidence, in words", async () => {
    const before = await prisma.subscriberImport.count();
    const workbook = new File([new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0, 1, 2])], "list.xlsx");
    expect(await callAction(post(shop, { intent: "start", file: workbook, mapping: MAPPING, confirmMode: "double_opt_in" }))).toEqual({
      ok: false,
      error: expect.stringMatching(/Excel workbook, not a CSV file/),
    });
    expect(await callAction(post(shop, { intent: "preview", file: new File(["hello"], "notes.pdf") }))).toEqual({ ok: false, error: expect.stringMatching(/Choose a CSV file/) });
    const noDate = JSON.stringify({ delimiter: ",", dayFirst: false, columns: { phone: 0, source: 2, disclosureReference: 3 } });
    expect(await callAction(post(shop, { intent: "start", file: csvFile(CSV), mapping: noDate, confirmMode: "double_opt_in" }))).toEqual({
      ok: false,
      error: expect.stringMatching(/date each person agreed/),
    });
    expect(await callAction(post(shop, { intent: "start", file: csvFile(CSV), mapping: MAPPING, confirmMode: "whatever" }))).toEqual({
      ok: false,
      error: "Choose how imported numbers are confirmed.",
    });
    expect(await prisma.subscriberImport.count()).toBe(before);
  });

  it("refuses a report id that names nothing, or another shop's import, as not found", async () => {
    for (const id of ["nope", "x".repeat(100)]) {
      const answer = await reportLoader({ request: adminRequest(shop, `/app/subscribers/import/${id}/report`), params: { id }, context: {} }).catch(
        (thrown: unknown) => thrown as Response,
      );
      expect(answer.status).toBe(404);
    }
  });
});
