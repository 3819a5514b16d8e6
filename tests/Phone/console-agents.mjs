// Agents of the console in a real Chromium (Debian's `chromium`, driven by npm playwright-core), one browser context
// per agent, each signed in through the test host's App Service authentication emulation. Speaks the phones' line
// protocol (one JSON object per line on stdin and stdout); every command names its agent:
//   {"cmd":"open","agent":"a","user":"agent-a"}      signs in, opens /api/console, waits until it is live
//   {"cmd":"available","agent":"a"}                   checks "Available"
//   {"cmd":"waitRinging","agent":"a","callId":..}     {"event":"ringing","text":..} once the call rings on the page
//   {"cmd":"waitGone","agent":"a","callId":..}        once it vanished from the page
//   {"cmd":"accept","agent":"a","callId":..}          presses Accept
//   {"cmd":"dial","agent":"a","to":"+.."}             places an outbound call from the page's form
//   {"cmd":"waitConnected","agent":"a"}               once the agent leg's RTCPeerConnection is connected
//   {"cmd":"measure","agent":"a","ms":500}            {"event":"measure","hz":..,"rms":..} of the caller's audio (AnalyserNode)
//   {"cmd":"key","agent":"a","key":"5"}               presses a keypad key (RTCDTMFSender)
//   {"cmd":"mute","agent":"a"}                        presses Mute
//   {"cmd":"handback","agent":"a"}                    presses Hand back (the caller goes on with the call's plan)
//   {"cmd":"hangup","agent":"a"}                      presses Hang up
//   {"cmd":"text","agent":"a","selector":".."}        {"event":"text","text":..}
//   {"cmd":"waitRecent","agent":"a","match":".."}     {"event":"recent","cells":[..]} once a row of the page's recent-calls
//                                                     list has a cell containing `match` and a final outcome
//   {"cmd":"close"}
// argv: base URL of the Functions, WAV file Chromium's fake microphone plays (the agent's known tone).
import lineProtocol from './line-protocol.cjs';
import { chromium } from 'playwright-core';

const { out, serve } = lineProtocol;
const [base, wav] = process.argv.slice(2);
const timeout = 45000;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  headless: true,
  args: [
    '--allow-loopback-in-peer-connection',
    '--disable-features=WebRtcHideLocalIpsWithMdns',
    '--autoplay-policy=no-user-gesture-required',
    '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
    `--use-file-for-fake-audio-capture=${wav}`,
    '--no-sandbox',
  ],
});
const pages = new Map();

async function open(m) {
  const context = await browser.newContext({ baseURL: base });
  const page = await context.newPage();
  page.on('console', (c) => process.stderr.write(`[${m.agent}] ${c.text()}\n`));
  page.on('pageerror', (e) => out({ event: 'error', agent: m.agent, message: String(e) }));
  await page.goto(`/.auth/login/dev?user=${encodeURIComponent(m.user)}&post_login_redirect_uri=${encodeURIComponent('/api/console')}`);
  await page.waitForSelector('body[data-ready="true"][data-live="true"]', { timeout });
  pages.set(m.agent, page);
  return { event: 'ok', cmd: 'open', agent: m.agent, who: await page.textContent('#who') };
}

// In the page: the caller's audio (the agent leg's remote stream) into an AnalyserNode; frequency by interpolated
// zero crossings over the newest samples, as chromium-phone.mjs measures.
function measureInPage(ms) {
  const s = window.agentConsole;
  if (!s.remoteStream) return { event: 'measure', hz: 0, rms: 0, samples: 0 };
  if (!s.analyser || s.analysedStream !== s.remoteStream) {
    s.audioContext ??= new AudioContext({ sampleRate: 48000 });
    s.analyser = s.audioContext.createAnalyser();
    s.analyser.fftSize = 32768;
    s.audioContext.createMediaStreamSource(s.remoteStream).connect(s.analyser);
    s.analysedStream = s.remoteStream;
  }
  const ctx = s.audioContext;
  const all = new Float32Array(s.analyser.fftSize);
  s.analyser.getFloatTimeDomainData(all);
  const x = all.subarray(Math.max(0, all.length - Math.floor((ctx.sampleRate * Math.min(ms, 680)) / 1000)));
  let sum = 0;
  for (const v of x) sum += v * v;
  let first = -1, last = -1, crossings = 0;
  for (let i = 1; i < x.length; i++) {
    if (x[i - 1] < 0 && x[i] >= 0) {
      const t = i - 1 + -x[i - 1] / (x[i] - x[i - 1]);
      if (first < 0) first = t; else crossings++;
      last = t;
    }
  }
  return { event: 'measure', hz: crossings > 0 ? (crossings * ctx.sampleRate) / (last - first) : 0, rms: Math.sqrt(sum / x.length) * 32768, samples: x.length };
}

async function handle(m) {
  if (m.cmd === 'close') {
    await browser.close();
    out({ event: 'closed' });
    setImmediate(() => process.exit(0));
    return null;
  }
  if (m.cmd === 'open') return open(m);
  const page = pages.get(m.agent);
  if (!page) throw new Error(`no agent ${m.agent}`);
  const ringing = `#ringing li[data-call-id="${m.callId}"]`;
  switch (m.cmd) {
    case 'available': {
      const saved = page.waitForResponse((r) => r.url().endsWith('/api/console/presence') && r.ok(), { timeout });
      await page.getByLabel('Available', { exact: true }).check();
      await saved;
      return { event: 'ok', cmd: m.cmd };
    }
    case 'waitRinging':
      await page.waitForSelector(ringing, { timeout });
      return { event: 'ringing', text: await page.textContent(ringing) };
    case 'waitGone':
      await page.waitForSelector(ringing, { state: 'detached', timeout });
      return { event: 'ok', cmd: m.cmd };
    case 'accept':
      await page.click(`${ringing} button.accept`);
      return { event: 'ok', cmd: m.cmd };
    case 'dial':
      await page.fill('#dial-to', m.to);
      await page.click('#dial button[type="submit"]');
      await page.waitForFunction(() => document.getElementById('dial-status').textContent.length > 0 && document.getElementById('dial-status').textContent !== 'Calling…', null, { timeout });
      return { event: 'ok', cmd: m.cmd, status: await page.textContent('#dial-status') };
    case 'waitConnected':
      await page.waitForFunction(() => window.agentConsole.pc?.connectionState === 'connected', null, { timeout });
      return { event: 'ok', cmd: m.cmd };
    case 'measure':
      return page.evaluate(measureInPage, Number(m.ms) || 500);
    case 'key':
      await page.click(`#keypad button[aria-label="Key ${m.key}"]`);
      return { event: 'ok', cmd: m.cmd };
    case 'mute':
      await page.click('#mute');
      await page.waitForFunction(() => document.getElementById('mute').getAttribute('aria-pressed') === 'true', null, { timeout });
      return { event: 'ok', cmd: m.cmd };
    case 'handback':
      await page.click('#handback');
      await page.waitForFunction(() => !window.agentConsole.call, null, { timeout });
      return { event: 'ok', cmd: m.cmd, state: await page.textContent('#incall-state') };
    case 'hangup':
      await page.click('#hangup');
      await page.waitForFunction(() => !window.agentConsole.call, null, { timeout });
      return { event: 'ok', cmd: m.cmd };
    case 'text':
      return { event: 'text', text: await page.textContent(m.selector) };
    case 'waitRecent': {
      // The page refreshes its list on its own (after a call of its own ends, and every 15 s): wait for the row to
      // show a final outcome (cells: when, direction, caller, outcome, duration, agent, MOS, recording).
      const row = await page.waitForFunction((match) => {
        const finals = ['completed', 'rejected', 'noAnswer', 'cancelled', 'failed'];
        for (const tr of document.querySelectorAll('#recent tr')) {
          const cells = [...tr.querySelectorAll('td')].map((td) => td.textContent.trim());
          if (cells.some((c) => c.includes(match)) && finals.includes(cells[3])) return cells;
        }
        return null;
      }, m.match, { timeout });
      return { event: 'recent', cells: await row.jsonValue() };
    }
    default:
      throw new Error('unknown command ' + m.cmd);
  }
}

serve(handle, () => browser.close().catch(() => {}));
