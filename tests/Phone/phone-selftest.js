'use strict';
// Checks the phone script against itself: two libwebrtc phones call each other, each sends a tone,
// each measures the other's. Run inside a loopback-only namespace:
//   unshare -n sh -c 'ip link set lo up && node tests/Phone/phone-selftest.js'
const { spawn } = require('node:child_process');
const path = require('node:path');
const readline = require('node:readline');

function phone() {
  const child = spawn(process.execPath, [path.join(__dirname, 'wrtc-phone.js')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const waiters = [];
  let connected, onReady;
  const api = {
    ready: new Promise((r) => (onReady = r)),
    connected: new Promise((r) => (connected = r)),
    send: (o) => new Promise((r) => { waiters.push(r); child.stdin.write(JSON.stringify(o) + '\n'); }),
  };
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    const m = JSON.parse(line);
    if (m.event === 'ready') return onReady();
    if (m.event === 'state') { if (m.connection === 'connected') connected(); return; }
    waiters.shift()?.(m);
  });
  return api;
}

(async () => {
  const timer = setTimeout(() => { console.error('self-test timed out'); process.exit(1); }, 30000);
  const a = phone(), b = phone();
  await Promise.all([a.ready, b.ready]);
  const offer = await a.send({ cmd: 'offer' });
  const answer = await b.send({ cmd: 'answer', sdp: offer.sdp });
  await a.send({ cmd: 'remote', sdp: answer.sdp });
  await Promise.all([a.connected, b.connected]);
  await a.send({ cmd: 'tone', hz: 440 });
  await b.send({ cmd: 'tone', hz: 1000 });
  // Wait until each side has two seconds of audio after the tone started.
  let atB, atA;
  for (;;) {
    atB = await b.send({ cmd: 'measure', ms: 1000 });
    atA = await a.send({ cmd: 'measure', ms: 1000 });
    if (Math.abs(atB.hz - 440) < 5 && Math.abs(atA.hz - 1000) < 5) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  console.log(`b hears ${atB.hz.toFixed(1)} Hz, a hears ${atA.hz.toFixed(1)} Hz`);
  await a.send({ cmd: 'close' });
  await b.send({ cmd: 'close' });
  clearTimeout(timer);
})();
