// The user's phone for interop tests: a real Chromium (Debian's `chromium`, driven by npm playwright-core),
// speaking the same line protocol as wrtc-phone.js (one JSON object per line on stdin and stdout):
//
// Commands                                  Replies / events
//   {"cmd":"offer"}                          {"event":"sdp","type":"offer","sdp":...}
//   {"cmd":"answer","sdp":<remote offer>}    {"event":"sdp","type":"answer","sdp":...}
//   {"cmd":"remote","sdp":<remote answer>}   {"event":"ok","cmd":"remote"}
//   {"cmd":"tone","hz":440}                  {"event":"ok","cmd":"tone"}   (an OscillatorNode from now on)
//   {"cmd":"silence"}                        {"event":"ok","cmd":"silence"}
//   {"cmd":"measure","ms":500}               {"event":"measure","hz":..,"rms":..,"samples":..} (AnalyserNode, ≤ 680 ms)
//   {"cmd":"stats"}                          {"event":"stats",inbound,outbound,transport}
//   {"cmd":"dtmf","digits":"5#"}             {"event":"ok","cmd":"dtmf"}   (RTCDTMFSender: the page's keypad, RFC 4733)
//   {"cmd":"close"}                          {"event":"closed"} then exit
// Unsolicited: {"event":"state","connection":...,"ice":...}, {"event":"error","message":...}
//
// Chromium leaves loopback out of ICE, hides host addresses behind mDNS names, and enumerates interfaces only for
// a page with microphone permission. So the page is served from http://127.0.0.1 (a secure context), takes the fake
// microphone once, and the flags allow loopback and real addresses: the tests run in a loopback-only network
// namespace, where that is the only interface. CHROMIUM_PATH overrides the binary.
import http from 'node:http';
import lineProtocol from './line-protocol.cjs';
import { chromium } from 'playwright-core';

const { out, serve } = lineProtocol;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  headless: true,
  args: [
    '--allow-loopback-in-peer-connection',
    '--disable-features=WebRtcHideLocalIpsWithMdns',
    '--autoplay-policy=no-user-gesture-required',
    '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
    '--no-sandbox',
  ],
});
const page = await browser.newPage();
page.on('console', (m) => process.stderr.write(`[page] ${m.text()}\n`));
page.on('pageerror', (e) => out({ event: 'error', message: String(e) }));
await page.exposeFunction('phoneEvent', (o) => out(o));
const server = http.createServer((_, res) => {
  res.setHeader('content-type', 'text/html');
  res.end('<!doctype html><title>phone</title><audio id="remote" autoplay muted></audio>');
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
await page.goto(`http://127.0.0.1:${server.address().port}/`);

// Runs in the page: one RTCPeerConnection, a WebAudio tone as its microphone, an AnalyserNode on what it hears.
await page.evaluate(async () => {
  // Microphone permission is what lets Chromium gather host candidates; the tone below is the audio it sends.
  (await navigator.mediaDevices.getUserMedia({ audio: true })).getTracks().forEach((t) => t.stop());
  const ctx = new AudioContext({ sampleRate: 48000 });
  const osc = ctx.createOscillator();
  const gain = ctx.createGain();
  gain.gain.value = 0;
  const mic = ctx.createMediaStreamDestination();
  osc.connect(gain).connect(mic);
  osc.start();
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 32768;

  const pc = new RTCPeerConnection({ iceServers: [] });
  pc.addTrack(mic.stream.getAudioTracks()[0], mic.stream);
  pc.ontrack = (e) => {
    const stream = e.streams[0] || new MediaStream([e.track]);
    // Chromium only feeds a remote track into WebAudio while a media element plays it.
    document.getElementById('remote').srcObject = stream;
    ctx.createMediaStreamSource(stream).connect(analyser);
  };
  pc.onconnectionstatechange = () =>
    window.phoneEvent({ event: 'state', connection: pc.connectionState, ice: pc.iceConnectionState });

  const loopbackOnly = (sdp) =>
    sdp.split(/\r\n/).filter((l) => !l.startsWith('a=candidate:') || / (127\.0\.0\.1|::1) /.test(l)).join('\r\n');
  const gathered = () =>
    pc.iceGatheringState === 'complete'
      ? Promise.resolve()
      : new Promise((resolve) => pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve()));

  // Frequency by interpolated zero crossings over the newest samples, as wrtc-phone.js measures.
  const measure = (ms) => {
    const all = new Float32Array(analyser.fftSize);
    analyser.getFloatTimeDomainData(all);
    const x = all.subarray(Math.max(0, all.length - Math.floor((ctx.sampleRate * ms) / 1000)));
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
    // RMS on the int16 scale, like the libwebrtc phone.
    return { event: 'measure', hz: crossings > 0 ? (crossings * ctx.sampleRate) / (last - first) : 0, rms: Math.sqrt(sum / x.length) * 32768, samples: x.length };
  };

  const stats = async () => {
    const r = { event: 'stats' };
    (await pc.getStats()).forEach((s) => {
      if (s.type === 'inbound-rtp') r.inbound = { packetsReceived: s.packetsReceived, packetsLost: s.packetsLost, bytesReceived: s.bytesReceived, jitter: s.jitter };
      if (s.type === 'outbound-rtp') r.outbound = { packetsSent: s.packetsSent, bytesSent: s.bytesSent };
      if (s.type === 'transport') r.transport = { dtlsState: s.dtlsState, tlsVersion: s.tlsVersion, dtlsCipher: s.dtlsCipher, srtpCipher: s.srtpCipher, dtlsRole: s.dtlsRole };
    });
    return r;
  };

  window.handle = async (m) => {
    await ctx.resume();
    switch (m.cmd) {
      case 'offer':
        await pc.setLocalDescription(await pc.createOffer());
        await gathered();
        return { event: 'sdp', type: 'offer', sdp: loopbackOnly(pc.localDescription.sdp) };
      case 'answer':
        await pc.setRemoteDescription({ type: 'offer', sdp: m.sdp });
        await pc.setLocalDescription(await pc.createAnswer());
        await gathered();
        return { event: 'sdp', type: 'answer', sdp: loopbackOnly(pc.localDescription.sdp) };
      case 'remote':
        await pc.setRemoteDescription({ type: 'answer', sdp: m.sdp });
        return { event: 'ok', cmd: 'remote' };
      case 'tone':
        osc.frequency.value = Number(m.hz) || 440;
        gain.gain.value = 0.4;
        return { event: 'ok', cmd: 'tone' };
      case 'silence':
        gain.gain.value = 0;
        return { event: 'ok', cmd: 'silence' };
      case 'measure':
        return measure(Math.min(Number(m.ms) || 500, 680));
      case 'stats':
        return stats();
      case 'dtmf':
        pc.getSenders()[0].dtmf.insertDTMF(String(m.digits), 100, 70);
        return { event: 'ok', cmd: 'dtmf' };
      default:
        return { event: 'error', message: 'unknown command ' + m.cmd };
    }
  };
  window.closePeer = () => { pc.close(); return ctx.close(); };
});

async function handle(m) {
  if (m.cmd === 'close') {
    await page.evaluate(() => window.closePeer());
    await browser.close();
    server.close();
    out({ event: 'closed' });
    setImmediate(() => process.exit(0));
    return null;
  }
  return page.evaluate((cmd) => window.handle(cmd), m);
}

// Commands already read still run when stdin closes.
serve(handle, () => browser.close().catch(() => {}));
