// A bare agent for the twilio dialect with `tracks: "both"`: at `start` it sends 2 s of 1000 Hz as µ-law `media`
// (with a mark at the end), and checks that the node's `outbound` track carries exactly that audio back, in order, with
// its own chunk numbers. It closes the socket once the mark came back, reporting what each track carried.
// One JSON object per line on stdout, as twilio-agent.mjs.
import { WebSocketServer } from 'ws';
import { encode, tone } from './mulaw.mjs';

const report = (line) => process.stdout.write(JSON.stringify(line) + '\n');
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });

wss.on('connection', (ws) => {
  const sent = Buffer.from(encode(tone(1000, 2000, 8000)));
  const outbound = [];
  const chunks = { inbound: [], outbound: [] };
  let streamSid = null;
  ws.on('message', (data) => {
    const message = JSON.parse(data.toString());
    if (message.event === 'start') {
      streamSid = message.streamSid;
      report({ event: 'start', tracks: message.start.tracks });
      for (let at = 0; at < sent.length; at += 800) {
        ws.send(JSON.stringify({ event: 'media', streamSid, media: { payload: sent.subarray(at, at + 800).toString('base64') } }));
      }
      ws.send(JSON.stringify({ event: 'mark', streamSid, mark: { name: 'played' } }));
    } else if (message.event === 'media') {
      const track = message.media.track;
      chunks[track]?.push(Number(message.media.chunk));
      if (track === 'outbound') outbound.push(Buffer.from(message.media.payload, 'base64'));
    } else if (message.event === 'mark') {
      const heard = Buffer.concat(outbound);
      const ordered = (list) => list.every((c, i) => c === i + 1);
      report({
        event: 'tracks',
        inboundFrames: chunks.inbound.length,
        outboundFrames: chunks.outbound.length,
        inboundChunksInOrder: ordered(chunks.inbound),
        outboundChunksInOrder: ordered(chunks.outbound),
        outboundMatchesSent: heard.equals(sent.subarray(0, heard.length)),
        outboundBytes: heard.length,
        sentBytes: sent.length,
      });
      ws.close(1000, 'done');
    }
  });
  ws.on('close', () => report({ event: 'agent-closed' }));
});

wss.on('listening', () => report({ event: 'listening', port: wss.address().port }));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
