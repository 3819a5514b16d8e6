'use strict';
// The user's phone for interop tests: Google's libwebrtc (npm @roamhq/wrtc), driven by one JSON
// object per line on stdin; it answers with one JSON object per line on stdout.
//
// Commands                                  Replies / events
//   {"cmd":"offer"}                          {"event":"sdp","type":"offer","sdp":...}
//   {"cmd":"answer","sdp":<remote offer>}    {"event":"sdp","type":"answer","sdp":...}
//   {"cmd":"remote","sdp":<remote answer>}   {"event":"ok","cmd":"remote"}
//   {"cmd":"tone","hz":440}                  {"event":"ok","cmd":"tone"}   (sends a sine from now on)
//   {"cmd":"silence"}                        {"event":"ok","cmd":"silence"}
//   {"cmd":"measure","ms":1000}              {"event":"measure","hz":..,"rms":..,"samples":..}
//   {"cmd":"stats"}                          {"event":"stats",...inbound/outbound RTP counters}
//   {"cmd":"close"}                          {"event":"closed"} then exit
// Unsolicited: {"event":"state","connection":...,"ice":...}, {"event":"error","message":...}
//
// Only loopback candidates are handed out, and the tests run it in a loopback-only namespace.
const { out, serve } = require('./line-protocol.cjs');
const { RTCPeerConnection, nonstandard: { RTCAudioSource, RTCAudioSink } } = require('@roamhq/wrtc');

const RATE = 48000;
const FRAME = RATE / 100; // libwebrtc's audio source takes 10 ms frames

const pc = new RTCPeerConnection({ iceServers: [] });
const source = new RTCAudioSource();
pc.addTrack(source.createTrack());

let toneHz = 0;
let phase = 0;
const feeder = setInterval(() => {
  const samples = new Int16Array(FRAME);
  if (toneHz > 0) {
    for (let i = 0; i < FRAME; i++) {
      samples[i] = Math.round(Math.sin(phase) * 12000);
      phase += (2 * Math.PI * toneHz) / RATE;
    }
    phase %= 2 * Math.PI;
  }
  source.onData({ samples, sampleRate: RATE, bitsPerSample: 16, channelCount: 1, numberOfFrames: FRAME });
}, 10);

// Received audio, kept as mono 48 kHz for the last few seconds.
let received = [];
let receivedSamples = 0;
pc.ontrack = (e) => {
  const sink = new RTCAudioSink(e.track);
  sink.ondata = (d) => {
    const ch = d.channelCount || 1;
    const mono = new Int16Array(d.numberOfFrames);
    for (let i = 0; i < d.numberOfFrames; i++) mono[i] = d.samples[i * ch];
    received.push({ rate: d.sampleRate, mono });
    receivedSamples += mono.length;
    while (received.length > 500) received.shift();
  };
};

pc.onconnectionstatechange = () => out({ event: 'state', connection: pc.connectionState, ice: pc.iceConnectionState });

function loopbackOnly(sdp) {
  return sdp
    .split(/\r\n/)
    .filter((l) => !l.startsWith('a=candidate:') || / (127\.0\.0\.1|::1) /.test(l))
    .join('\r\n');
}

function gathered() {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && resolve();
  });
}

// Frequency by interpolated zero crossings over the window: precise to well under 1 Hz for a tone.
function measure(ms) {
  // libwebrtc's sink starts at 16 kHz and switches to 48 kHz once Opus decodes: keep the latest rate only.
  const all = received.slice();
  const rate = all.length ? all[all.length - 1].rate : RATE;
  const frames = all.filter((f) => f.rate === rate);
  let need = Math.floor((rate * ms) / 1000);
  const chunks = [];
  for (let i = frames.length - 1; i >= 0 && need > 0; i--) { chunks.unshift(frames[i].mono); need -= frames[i].mono.length; }
  const x = Int16Array.from(chunks.flatMap((c) => Array.from(c)));
  let sum = 0;
  for (const v of x) sum += v * v;
  const rms = x.length ? Math.sqrt(sum / x.length) : 0;
  let first = -1, last = -1, crossings = 0;
  for (let i = 1; i < x.length; i++) {
    if (x[i - 1] < 0 && x[i] >= 0) {
      const t = i - 1 + -x[i - 1] / (x[i] - x[i - 1]);
      if (first < 0) first = t; else crossings++;
      last = t;
    }
  }
  const hz = crossings > 0 ? (crossings * rate) / (last - first) : 0;
  return { event: 'measure', hz, rms, samples: x.length };
}

async function stats() {
  const report = await pc.getStats();
  const r = { event: 'stats' };
  report.forEach((s) => {
    if (s.type === 'inbound-rtp') r.inbound = { packetsReceived: s.packetsReceived, packetsLost: s.packetsLost, bytesReceived: s.bytesReceived, jitter: s.jitter };
    if (s.type === 'outbound-rtp') r.outbound = { packetsSent: s.packetsSent, bytesSent: s.bytesSent };
  });
  r.receivedSamples = receivedSamples;
  return r;
}

async function handle(m) {
  switch (m.cmd) {
    case 'offer': {
      await pc.setLocalDescription(await pc.createOffer());
      await gathered();
      return { event: 'sdp', type: 'offer', sdp: loopbackOnly(pc.localDescription.sdp) };
    }
    case 'answer': {
      await pc.setRemoteDescription({ type: 'offer', sdp: m.sdp });
      await pc.setLocalDescription(await pc.createAnswer());
      await gathered();
      return { event: 'sdp', type: 'answer', sdp: loopbackOnly(pc.localDescription.sdp) };
    }
    case 'remote':
      await pc.setRemoteDescription({ type: 'answer', sdp: m.sdp });
      return { event: 'ok', cmd: 'remote' };
    case 'tone':
      toneHz = Number(m.hz) || 440;
      return { event: 'ok', cmd: 'tone' };
    case 'silence':
      toneHz = 0;
      return { event: 'ok', cmd: 'silence' };
    case 'measure':
      return measure(Number(m.ms) || 1000);
    case 'stats':
      return stats();
    case 'close':
      clearInterval(feeder);
      pc.close();
      out({ event: 'closed' });
      setImmediate(() => process.exit(0));
      return null;
    default:
      return { event: 'error', message: 'unknown command ' + m.cmd };
  }
}

serve(handle, () => { clearInterval(feeder); pc.close(); });
