// The analytics dashboard in a real Chromium (Debian's `chromium`, driven by npm playwright-core), signed in through
// the test host's App Service authentication emulation. Line protocol (one JSON object per line each way):
//   {"cmd":"open","user":"analyst"}                 signs in, opens /api/dashboard; {"event":"ok","who":..,"ready":true|false}
//   {"cmd":"read"}                                  every chart's data (Chart.getChart(canvas).data) and aria-label,
//                                                   the per-number table and the status line
//   {"cmd":"clickBar","chart":"outcomes-chart","dataset":0,"index":1}
//                                                   clicks that bar with the mouse; {"event":"drill","title":..,"ids":[..]}
//   {"cmd":"screenshot","path":".."}                a full-page PNG
//   {"cmd":"close"}
// argv: base URL of the Functions.
import lineProtocol from './line-protocol.cjs';
import { chromium } from 'playwright-core';

const { out, serve } = lineProtocol;
const [base] = process.argv.slice(2);
const timeout = 45000;

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
page.on('console', (c) => process.stderr.write(`[dashboard] ${c.text()}\n`));
page.on('pageerror', (e) => out({ event: 'pageerror', message: String(e) }));

function readInPage() {
  const charts = {};
  for (const canvas of document.querySelectorAll('canvas')) {
    const chart = window.Chart.getChart(canvas);
    charts[canvas.id] = {
      aria: canvas.getAttribute('aria-label'),
      role: canvas.getAttribute('role'),
      labels: chart ? [...chart.data.labels] : null,
      datasets: chart ? chart.data.datasets.map((d) => ({ label: d.label, data: [...d.data] })) : null,
    };
  }
  const numbers = [...document.querySelectorAll('#numbers tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent));
  return { event: 'read', charts, numbers, status: document.getElementById('status').textContent };
}

async function handle(m) {
  switch (m.cmd) {
    case 'close':
      await browser.close();
      out({ event: 'closed' });
      setImmediate(() => process.exit(0));
      return null;
    case 'open': {
      await page.goto(`/.auth/login/dev?user=${encodeURIComponent(m.user)}&post_login_redirect_uri=${encodeURIComponent('/api/dashboard')}`);
      // Either the charts are drawn, or the page says why not (not signed in, wrong role).
      await page.waitForFunction(() => document.body.dataset.ready === 'true' || !/Signing in/.test(document.getElementById('who').textContent), null, { timeout });
      const ready = await page.evaluate(() => document.body.dataset.ready === 'true' || new Promise((resolve) => {
        // Signed in: wait for the data (the greeting comes first).
        if (!/^Signed in as/.test(document.getElementById('who').textContent)) { resolve(false); return; }
        const poll = setInterval(() => { if (document.body.dataset.ready === 'true') { clearInterval(poll); resolve(true); } }, 50);
      }));
      return { event: 'ok', cmd: m.cmd, who: await page.textContent('#who'), ready };
    }
    case 'read':
      return page.evaluate(readInPage);
    case 'clickBar': {
      const point = await page.evaluate(({ chart, dataset, index }) => {
        const canvas = document.getElementById(chart);
        const bar = window.Chart.getChart(canvas).getDatasetMeta(dataset).data[index];
        const center = bar.getCenterPoint();
        const box = canvas.getBoundingClientRect();
        canvas.scrollIntoView();
        document.body.dataset.drill = 'clicked';
        return { x: center.x, y: center.y };
      }, m);
      const box = await page.locator(`#${m.chart}`).boundingBox();
      await page.mouse.click(box.x + point.x, box.y + point.y);
      await page.waitForSelector('body[data-drill="ready"]', { timeout });
      return {
        event: 'drill',
        title: await page.textContent('#drill-title'),
        ids: await page.$$eval('#drill-calls tr', (rows) => rows.map((r) => r.dataset.callId)),
        focused: await page.evaluate(() => document.activeElement?.id),
      };
    }
    case 'screenshot':
      await page.screenshot({ path: m.path, fullPage: true });
      return { event: 'ok', cmd: m.cmd };
    default:
      throw new Error(`unknown command ${m.cmd}`);
  }
}

serve(handle, () => browser.close());
