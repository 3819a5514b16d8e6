// CPU per connection of Google's libwebrtc (npm @roamhq/wrtc), the comparison point of the streamed-calls benchmark
// (issue 16) and of the node benchmark (issue 17): N pairs of RTCPeerConnections on loopback, one audio track each way,
// so every leg Opus-encodes what its RTCAudioSource is fed (a 440 Hz tone, 48 kHz mono) and decodes what it receives
// into an RTCAudioSink, for the whole run. libwebrtc's audio source takes 10 ms frames, so each 20 ms packet's audio is
// fed as two; Opus still packs 20 ms per packet (50 packets/s each way).
//
//   node tests/Benchmarks/wrtc/probe.mjs [pairs=50] [seconds=20] [warmupSeconds=3]
//
// Prints one summary line per measure and a final `wrtc-probe {json}` line. A "leg" is one RTCPeerConnection (encodes
// one stream, decodes one): the unit that compares with one streamed call on our node. CPU is this process's user +
// system time over the measured window (process.cpuUsage), so it includes the tone generation and the sinks' callbacks.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

const require = createRequire(import.meta.url);
const { RTCPeerConnection, nonstandard: { RTCAudioSource, RTCAudioSink } } = require('@roamhq/wrtc');

const pairs = Number.parseInt(process.argv[2] ?? '50', 10);
const seconds = Number.parseFloat(process.argv[3] ?? '20');
const warmup = Number.parseFloat(process.argv[4] ?? '3');
if (!(pairs > 0) || !(seconds > 0) || !(warmup >= 0)) {
  console.error('usage: probe.mjs [pairs>0] [seconds>0] [warmupSeconds>=0]');
  process.exit(2);
}

const RATE = 48000;
const CHUNK = RATE / 100; // 10 ms, what RTCAudioSource.onData takes
const HZ = 440;
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

// 1 s of 440 Hz (a whole number of periods) as 100 chunks of their own: onData reads a chunk's whole buffer, and a
// table costs nothing per frame, so the CPU measured is libwebrtc's.
const tone = Array.from({ length: 100 }, (_, c) => Int16Array.from({ length: CHUNK }, (_, i) => Math.round(Math.sin((2 * Math.PI * HZ * (c * CHUNK + i)) / RATE) * 12000)));

const legs = [];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function loopbackOnly(description) {
  const sdp = description.sdp.split(/\r\n/).filter((l) => !l.startsWith('a=candidate:') || / (127\.0\.0\.1|::1) /.test(l)).join('\r\n');
  return { type: description.type, sdp };
}

function gathered(pc) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
  });
}

function connected(pc) {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (pc.connectionState === 'connected') resolve();
      else if (pc.connectionState === 'failed' || pc.connectionState === 'closed') reject(new Error(`peer ${pc.connectionState}`));
    };
    pc.addEventListener('connectionstatechange', check);
    check();
  });
}

function leg() {
  const pc = new RTCPeerConnection({ iceServers: [] });
  const source = new RTCAudioSource();
  const track = source.createTrack();
  pc.addTrack(track);
  const state = { pc, source, track, sink: null, framesIn: 0 };
  pc.ontrack = (e) => {
    state.sink = new RTCAudioSink(e.track);
    state.sink.ondata = () => { state.framesIn++; };
  };
  legs.push(state);
  return state;
}

async function pair() {
  const a = leg();
  const b = leg();
  await a.pc.setLocalDescription(await a.pc.createOffer());
  await gathered(a.pc);
  await b.pc.setRemoteDescription(loopbackOnly(a.pc.localDescription));
  await b.pc.setLocalDescription(await b.pc.createAnswer());
  await gathered(b.pc);
  await a.pc.setRemoteDescription(loopbackOnly(b.pc.localDescription));
  await Promise.all([connected(a.pc), connected(b.pc)]);
}

// Feeds every source its due 10 ms chunks, catching up after a late timer (the count is exact, the timing is not).
let fed = 0;
const started = process.hrtime.bigint();
const feeder = setInterval(() => {
  const due = Number((process.hrtime.bigint() - started) / 10_000_000n);
  for (; fed < due; fed++) {
    const samples = tone[fed % tone.length];
    for (const l of legs) l.source.onData({ samples, sampleRate: RATE, bitsPerSample: 16, channelCount: 1, numberOfFrames: CHUNK });
  }
}, 5);

async function rtpCounters() {
  let sent = 0;
  let received = 0;
  let lost = 0;
  for (const l of legs) {
    const report = await l.pc.getStats();
    report.forEach((s) => {
      if (s.type === 'outbound-rtp' && s.kind === 'audio') sent += s.packetsSent ?? 0;
      if (s.type === 'inbound-rtp' && s.kind === 'audio') { received += s.packetsReceived ?? 0; lost += s.packetsLost ?? 0; }
    });
  }
  return { sent, received, lost };
}

global.gc?.();
const rssBase = process.memoryUsage().rss;
// The process's own cost with no peer (the runtime, the feeder's timer), over 1 s after 0.5 s to settle: subtracted
// for the net per-leg figure.
await sleep(500);
const idleBefore = process.cpuUsage();
const idleWall = process.hrtime.bigint();
await sleep(1000);
const idle = process.cpuUsage(idleBefore);
const idleMsPerSecond = ((idle.user + idle.system) / 1000) / (Number(process.hrtime.bigint() - idleWall) / 1e9);
console.log(`machine: ${availableParallelism()} cores, node ${process.version}; load average ${loadavg()}`);
const setupStart = Date.now();
for (let i = 0; i < pairs; i++) await pair();
console.log(`--- ${pairs} pairs (${legs.length} legs) connected in ${Date.now() - setupStart} ms`);
await sleep(warmup * 1000); // the wait is the probe's warm-up window, not a test's synchronisation

const framesBefore = legs.reduce((n, l) => n + l.framesIn, 0);
const rtpBefore = await rtpCounters();
const fedBefore = fed;
const cpuBefore = process.cpuUsage();
const wallBefore = process.hrtime.bigint();
await sleep(seconds * 1000); // the measured window
const cpu = process.cpuUsage(cpuBefore);
const wallMs = Number(process.hrtime.bigint() - wallBefore) / 1e6;
const fedChunks = fed - fedBefore;
const rtp = await rtpCounters();
const framesIn = legs.reduce((n, l) => n + l.framesIn, 0) - framesBefore;
const rss = process.memoryUsage().rss;
clearInterval(feeder);

const cpuMs = (cpu.user + cpu.system) / 1000;
const result = {
  pairs,
  legs: legs.length,
  seconds: Math.round(wallMs) / 1000,
  loadavg: loadavg(),
  cpuPercentOfOneCore: Math.round((cpuMs / wallMs) * 1000) / 10,
  cpuMsPerSecondPerLeg: Math.round((cpuMs / (wallMs / 1000) / legs.length) * 100) / 100,
  cpuMsPerSecondPerPair: Math.round((cpuMs / (wallMs / 1000) / pairs) * 100) / 100,
  // % of one core per leg, the unit of the streamed-calls table; net = less the process's cost with no peer.
  cpuPercentOfOneCorePerLeg: Math.round((cpuMs / wallMs / legs.length) * 100000) / 1000,
  idleCpuMsPerSecond: Math.round(idleMsPerSecond * 100) / 100,
  cpuPercentOfOneCorePerLegNet: Math.round(((cpuMs / (wallMs / 1000) - idleMsPerSecond) / 10 / legs.length) * 1000) / 1000,
  rssMiBPerLeg: Math.round(((rss - rssBase) / legs.length / 1048576) * 100) / 100,
  rssMiB: Math.round((rss / 1048576) * 10) / 10,
  packetsSent: rtp.sent - rtpBefore.sent,
  packetsReceived: rtp.received - rtpBefore.received,
  packetsLost: rtp.lost - rtpBefore.lost,
  packetsExpected: Math.round((wallMs / 20) * legs.length),
  chunksFedPerLeg: fedChunks,
  sinkFramesPerLeg: Math.round(framesIn / legs.length),
};
console.log(`${legs.length} legs over ${result.seconds} s: CPU ${result.cpuPercentOfOneCore} % of one core = ${result.cpuPercentOfOneCorePerLeg} % per leg `
  + `(${result.cpuPercentOfOneCorePerLegNet} % net of the ${result.idleCpuMsPerSecond} ms/s the process costs with no peer; ${result.cpuMsPerSecondPerPair} ms/s per pair); RSS ${result.rssMiBPerLeg} MiB per leg (${result.rssMiB} MiB total); `
  + `RTP ${result.packetsSent} sent, ${result.packetsReceived} received, ${result.packetsLost} lost (${result.packetsExpected} due at 50/s per leg); `
  + `sinks ${result.sinkFramesPerLeg} 10 ms frames per leg for ${result.chunksFedPerLeg} fed; load average ${result.loadavg}`);
console.log(`wrtc-probe ${JSON.stringify(result)}`);

for (const l of legs) {
  l.sink?.stop();
  l.track.stop();
  l.pc.close();
}
process.exit(0);
