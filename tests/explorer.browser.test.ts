// End-to-end check of the GraphQL explorer as a person uses it: Debian's Chromium
// opens GET /graphql, a query is typed into GraphiQL and run with the Execute
// button, and the result shows up, all without one request leaving localhost.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Integration: import from './support/platform' instead (same signature); the
// stand-in only exists until that helper lands.
import { startTestPlatform } from './support/platform';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn('skipped: Debian chromium not installed at /usr/bin/chromium');

const SCREENSHOT = '/tmp/explorer.png';
const buildScript = fileURLToPath(new URL('../gateway/explorer/build.mjs', import.meta.url));

function isLoopback(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  if (protocol === 'data:' || protocol === 'blob:' || protocol === 'about:') return true;
  return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
}

/** The text of a GraphiQL editor, read through the CodeMirror 5 instance on its element. */
function editorText(page: Page, selector: string): Promise<string> {
  return page.$eval(`${selector} .CodeMirror`, (element) => (element as unknown as { CodeMirror: { getValue(): string } }).CodeMirror.getValue());
}

describe.skipIf(!hasChromium)('GraphQL explorer in Chromium', () => {
  let platform: Awaited<ReturnType<typeof startTestPlatform>> | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    // Skips in a few milliseconds when dist/.build-stamp matches the sources.
    execFileSync(process.execPath, [buildScript], { stdio: 'inherit' });
    platform = await startTestPlatform();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.close();
  });

  it('runs a query typed into the editor with the Execute button, without leaving localhost', async () => {
    const { url } = platform!;
    const context = await browser!.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const offsite: string[] = [];
    const pageErrors: string[] = [];
    page.on('request', (request) => {
      if (!isLoopback(request.url())) offsite.push(request.url());
    });
    page.on('websocket', (socket) => {
      if (!isLoopback(socket.url())) offsite.push(socket.url());
    });
    // CSP violations and failed loads surface as console errors.
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));

    try {
      const response = await page.goto(`${url}/graphql`);
      expect(response?.status()).toBe(200);
      expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");

      const queryEditor = page.locator('.graphiql-query-editor .CodeMirror');
      await queryEditor.waitFor();
      expect(await editorText(page, '.graphiql-query-editor')).toContain('__typename');

      await queryEditor.click();
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.press('Backspace');
      // CodeMirror closes the brace as it is opened and types over it at the end.
      await page.keyboard.type('{ __typename }');
      await page.keyboard.press('Escape');
      expect(await editorText(page, '.graphiql-query-editor')).toBe('{ __typename }');
      // GraphiQL re-reads the operation (and saves the query) 100 ms after the last
      // keystroke; executing sooner would still send the default query's operation
      // name. The save to localStorage is the observable end of that step.
      await expect
        .poll(() => page.evaluate(() => localStorage.getItem('platform-explorer:graphiql:query')))
        .toBe('{ __typename }');

      const executed = page.waitForResponse(
        (res) => res.url() === `${url}/graphql` && res.request().method() === 'POST' && res.request().postData()?.includes('"query":"{ __typename }"') === true,
      );
      await page.getByRole('button', { name: /^Execute query/ }).click();
      const execution = await executed;
      expect(execution.status()).toBe(200);
      // The untouched "Bearer <access token>" hint in the headers editor is not sent.
      expect(await execution.request().headerValue('authorization')).toBeNull();

      const result = page.locator('.result-window');
      await expect.poll(() => result.textContent(), { timeout: 10_000 }).toContain('"__typename": "Query"');
      await page.screenshot({ path: SCREENSHOT });

      expect(offsite).toEqual([]);
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
