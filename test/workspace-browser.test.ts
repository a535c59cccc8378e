// The local workspace in a real browser: headless Chromium (Debian's `chromium` package, driven
// by playwright-core; nothing is downloaded) starts the invoicing workflow, answers its question
// in the card's thread, clicks Approve and sees the completed plan with the memories it cited;
// then edits a payment in Edit's form and denies another with a reason in Deny's form.
// With OP_SCREENSHOT=docs/workspace.png it also takes the README's screenshot.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { Service } from '../src/service.ts';
import { projectRoot } from '../src/store/prisma-cli.ts';
import invoicing from '../workflows/invoicing.ts';
import { deadlineWorkflow } from './fixtures/gates.ts';
import { createTestDatabase, type TestDatabase } from './support/databases.ts';
import { testService } from './support/operator.ts';

const CHROMIUM = '/usr/bin/chromium';

let database: TestDatabase;
let service: Service;
let profile: string;
let browser: BrowserContext;

before(async () => {
  assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: install Debian's chromium package (apt-get install -y chromium)`);
  database = await createTestDatabase('sqlite');
  service = await testService(database, [invoicing, deadlineWorkflow], {});
  // What an earlier invoice left in memory: address, VAT ID and currency. E-mail addresses are
  // redacted in memory, so the plan asks where to send the invoice.
  await service.operator.memory.remember({
    kind: 'customer_note',
    text: 'ACME GmbH billing address: Hauptstr. 1, 10115 Berlin, Germany. VAT ID: DE123456789. Currency: EUR.',
    source: 'workspace',
    tags: ['ACME'],
    createdBy: 'local:operator',
  });
  profile = fs.mkdtempSync(path.join(os.tmpdir(), 'operator-chromium-'));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1100, height: 900 },
  });
});

after(async () => {
  await browser?.close();
  await service?.stop();
  await database?.drop();
  if (profile) fs.rmSync(profile, { recursive: true, force: true });
});

async function type(page: Page, text: string): Promise<void> {
  await page.locator('#command').fill(text);
  await page.locator('#command').press('Enter');
}

test('in the browser: start an invoice, answer its question in the thread, approve, see it completed with its citations', async () => {
  const page = await browser.newPage();
  await page.goto(`http://localhost:${service.port}/`);
  await page.locator('#connection.live').waitFor();

  await type(page, '/op start invoicing invoice ACME for 3 days of consulting at 800/day');
  const started = await page.locator('.private', { hasText: 'Started invoicing as plan' }).textContent();
  const planId = /plan (p[a-z0-9]+)/.exec(started ?? '')?.[1] ?? assert.fail(`no plan id in: ${started}`);

  const card = page.locator('article.card', { hasText: planId });
  const thread = card.locator('.thread-messages');
  await thread.locator('.message', { hasText: "Which e-mail address should ACME's invoice go to?" }).waitFor();
  await card.locator('.reply input').fill('billing@acme.example');
  await card.locator('.reply input').press('Enter');

  const approve = thread.locator('button[data-action="approve"]');
  await approve.waitFor();
  assert.match(await thread.innerText(), /Invoice ACME 2,400\.00 EUR \(3 day Consulting at 800\.00 EUR\), to billing@acme\.example/);
  await approve.click();

  await card.locator('> .message', { hasText: 'Completed' }).waitFor({ timeout: 20_000 });
  await thread.locator('.footer', { hasText: 'Approved by operator' }).waitFor();
  assert.equal(await thread.locator('button').count(), 0, 'decided prompts offer no buttons');
  const steps = card.locator('> .message .steps li');
  assert.equal(await steps.count(), await card.locator('> .message .steps li:is([data-state="done"], [data-state="skipped"])').count());
  const citations = card.locator('.citations li');
  await citations.first().waitFor();
  assert.match(await citations.first().innerText(), /^\[1\] /);
  assert.match(await card.locator('.citations').first().innerText(), /ACME/);
  assert.equal((await service.operator.conductor.show(planId)).plan.status, 'completed');

  const screenshot = process.env['OP_SCREENSHOT'];
  if (screenshot) {
    // The channel scrolls inside the page: grow the window to the whole conversation for the picture.
    const channel = "document.getElementById('channel')";
    const height = Number(await page.evaluate(`document.body.scrollHeight - ${channel}.clientHeight + ${channel}.scrollHeight`));
    await page.setViewportSize({ width: 1100, height: Math.min(height, 2400) });
    fs.mkdirSync(path.dirname(path.resolve(projectRoot, screenshot)), { recursive: true });
    await page.screenshot({ path: path.resolve(projectRoot, screenshot) });
  }
});

test('in the browser: Edit shows a form with the plan values and an error next to its field, then approves; Deny asks why and the prompt shows the reason', async () => {
  const page = await browser.newPage();
  await page.goto(`http://localhost:${service.port}/`);
  await page.locator('#connection.live').waitFor();
  /** Starts the nth payment on this page and waits for its approval prompt. */
  const start = async (amount: number, nth: number) => {
    await type(page, `/op start fixture-deadline amount=${amount}`);
    const started = await page.locator('.private', { hasText: 'Started fixture-deadline' }).nth(nth).textContent();
    const planId = /plan (p[a-z0-9]+)/.exec(started ?? '')?.[1] ?? assert.fail(`no plan id in: ${started}`);
    const thread = page.locator('article.card', { hasText: planId }).locator('.thread-messages');
    await thread.locator('button[data-action="deny"]').waitFor();
    return { planId, thread };
  };

  const edited = await start(900, 0);
  await edited.thread.locator('button[data-action="edit"]').click();
  const editForm = edited.thread.locator('form.op-form');
  const amount = editForm.locator('input[name="amount"]');
  assert.equal(await amount.inputValue(), '900');
  await amount.fill('nine hundred');
  await editForm.locator('button[type="submit"]').click();
  await editForm.locator('.field-error', { hasText: /number/i }).waitFor();
  assert.equal((await service.operator.conductor.show(edited.planId)).plan.version, 1, 'nothing changed');
  await amount.fill('450');
  await editForm.locator('button[type="submit"]').click();
  await editForm.waitFor({ state: 'detached' });
  await edited.thread.locator('.footer', { hasText: 'Approved with changes by operator' }).waitFor();
  assert.deepEqual((await service.operator.conductor.show(edited.planId)).plan.input, { amount: 450, then: 'escalate' });

  const denied = await start(800, 1);
  await denied.thread.locator('button[data-action="deny"]').click();
  const denyForm = denied.thread.locator('form.op-form');
  assert.equal(await denyForm.locator('textarea[name="reason"]').getAttribute('maxlength'), '1000', 'the text area stops a reason at 1,000 characters');
  await denyForm.locator('textarea[name="reason"]').fill('the supplier refunded it already');
  await denyForm.locator('button[type="submit"]').click();
  await denyForm.waitFor({ state: 'detached' });
  await denied.thread.locator('.footer', { hasText: /Denied by operator at .*: the supplier refunded it already/ }).waitFor();
  assert.equal(await denied.thread.locator('button').count(), 0, 'the decided prompt offers no buttons');
});
