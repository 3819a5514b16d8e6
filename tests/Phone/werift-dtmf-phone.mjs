// A second independent WebRTC stack as the phone (npm werift, pure TypeScript), for what libwebrtc's
// Node binding cannot do: send RFC 4733 DTMF. It offers Opus/48000/2 (111) and telephone-event/8000
// (126), takes our answer on stdin, and once connected presses the digits given on its command line,
// writing the RTP by hand (RFC 4733 §2.5: start packets share the event's timestamp, duration grows,
// the end packet is sent three times). JSON lines on stdout: {"event":"sdp"}, {"event":"state"}, {"event":"sent"}.
//   node tests/Phone/werift-dtmf-phone.mjs 12#
import readline from 'node:readline';
import { RTCPeerConnection, RTCRtpCodecParameters, MediaStreamTrack, RtpPacket, RtpHeader } from 'werift';

const digits = process.argv[2] ?? '12#';
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const events = { '0': 0, '1': 1, '2': 2, '3': 3, '4': 4, '5': 5, '6': 6, '7': 7, '8': 8, '9': 9, '*': 10, '#': 11, A: 12, B: 13, C: 14, D: 15 };

const pc = new RTCPeerConnection({
  iceUseIpv4: true,
  iceUseIpv6: false,
  iceAdditionalHostAddresses: ['127.0.0.1'],
  codecs: {
    audio: [
      new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2, payloadType: 111 }),
      new RTCRtpCodecParameters({ mimeType: 'audio/telephone-event', clockRate: 8000, payloadType: 126 }),
    ],
  },
});
const track = new MediaStreamTrack({ kind: 'audio' });
const transceiver = pc.addTransceiver(track, { direction: 'sendrecv' });
// werift stamps every packet with the sender's codec payload type: swap in telephone-event for DTMF.
const sendEvent = (header, payload) => {
  const sender = transceiver.sender;
  const opus = sender.codec;
  sender.codec = transceiver.codecs.find((c) => c.name.toLowerCase() === 'telephone-event') ?? opus;
  sender.sendRtp(new RtpPacket(header, payload)); // reads the codec synchronously
  sender.codec = opus;
};

const ssrc = 0x4d544d46;
let seq = 1000;
let ts = 48000;
const send = (pt, payload, marker = false) =>
  track.writeRtp(new RtpPacket(new RtpHeader({ payloadType: pt, sequenceNumber: seq++ & 0xffff, timestamp: ts >>> 0, ssrc, marker }), payload));
// Opus silence (TOC 0xf8 = SILK 20 ms) keeps the stream alive between digits.
const silence = () => { send(111, Buffer.from([0xf8, 0xff, 0xfe])); ts += 960; };

async function press() {
  const wait = (ms) => new Promise((r) => setTimeout(r, ms));
  for (let i = 0; i < 10; i++) { silence(); await wait(20); }
  for (const d of digits) {
    const code = events[d];
    const start = ts;
    for (let n = 1; n <= 5; n++) {           // 100 ms of tone: duration 160, 320, ... in 8 kHz units
      const p = Buffer.from([code, 10, 0, 0]);
      p.writeUInt16BE(n * 160, 2);
      sendEvent(new RtpHeader({ payloadType: 126, sequenceNumber: seq++ & 0xffff, timestamp: start >>> 0, ssrc, marker: n === 1 }), p);
      await wait(20);
    }
    for (let n = 0; n < 3; n++) {            // end bit (0x80) with the final duration, three times
      const p = Buffer.from([code, 0x80 | 10, 0, 0]);
      p.writeUInt16BE(5 * 160, 2);
      sendEvent(new RtpHeader({ payloadType: 126, sequenceNumber: seq++ & 0xffff, timestamp: start >>> 0, ssrc }), p);
    }
    ts += 5 * 960;
    for (let i = 0; i < 5; i++) { silence(); await wait(20); }
  }
  out({ event: 'sent', digits });
}

pc.connectionStateChange.subscribe((state) => {
  out({ event: 'state', connection: state });
  if (state === 'connected') press();
});

const offer = await pc.createOffer();
await pc.setLocalDescription(offer);
const sdp = pc.localDescription.sdp
  .split(/\r\n/)
  .filter((l) => !l.startsWith('a=candidate:') || / 127\.0\.0\.1 /.test(l))
  .join('\r\n');
out({ event: 'sdp', type: 'offer', sdp });

const rl = readline.createInterface({ input: process.stdin });
rl.on('line', async (line) => {
  if (!line.trim()) return;
  const m = JSON.parse(line);
  if (m.cmd === 'remote') await pc.setRemoteDescription({ type: 'answer', sdp: m.sdp });
  if (m.cmd === 'close') { await pc.close(); process.exit(0); }
});
rl.on('close', async () => { await pc.close(); process.exit(0); });
