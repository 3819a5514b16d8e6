// Our minimal agent for the `pcm` dialect: answers the caller's PCM16 frames with the same audio one octave up,
// answers DTMF with a 4 s 1000 Hz tone and 2 s later barges in on it (`clear`), sends a mark after each answer and
// closes the socket when the caller presses '#'. One JSON object per line on stdout, as twilio-agent.mjs.
// With the argument `barge-in` it instead sends 5 s of 1000 Hz at once with a mark after each second, sends `clear`
// as soon as the first mark ("1s") comes back, and closes once every mark came back.
import { WebSocketServer } from 'ws';
import { octaveShifter, tone } from './mulaw.mjs';

const report = (line) => process.stdout.write(JSON.stringify(line) + '\n');
const bargeIn = process.argv.includes('barge-in');
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
const pcmBytes = (samples) => Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);

wss.on('connection', (ws) => {
  const shift = octaveShifter();
  let rate = 0;
  let answering = false;
  let marks = 0;
  ws.on('message', (data, binary) => {
    if (binary) {
      if (rate === 0 || answering) return;
      const bytes = Buffer.from(data);
      const samples = new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      ws.send(pcmBytes(shift(samples)));
      return;
    }
    const message = JSON.parse(data.toString());
    report({ event: 'pcm', pcm: message.event, message });
    if (message.event === 'start') {
      rate = message.mediaFormat.sampleRate;
      if (bargeIn) {
        answering = true; // no echo: only the 5 s answer plays
        for (let second = 1; second <= 5; second++) {
          ws.send(pcmBytes(tone(1000, 1000, rate)));
          ws.send(JSON.stringify({ event: 'mark', name: `${second}s` }));
        }
      }
    } else if (bargeIn && message.event === 'mark') {
      if (message.name === '1s') {
        ws.send(JSON.stringify({ event: 'clear' }));
        report({ event: 'cleared' });
      }
      if (message.name === '5s') {
        ws.close(1000, 'done');
      }
    } else if (message.event === 'dtmf') {
      if (message.digit === '#') {
        report({ event: 'agent-closing' });
        ws.close(1000, 'done');
        return;
      }
      answering = true;
      ws.send(pcmBytes(tone(1000, 4000, rate)));
      ws.send(JSON.stringify({ event: 'mark', name: `answer-${++marks}` }));
      setTimeout(() => {
        ws.send(JSON.stringify({ event: 'clear' }));
        report({ event: 'cleared' });
        answering = false;
      }, 2000);
    }
  });
  ws.on('close', () => report({ event: 'agent-closed' }));
});

wss.on('listening', () => report({ event: 'listening', port: wss.address().port }));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
