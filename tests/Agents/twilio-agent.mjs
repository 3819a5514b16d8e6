// An agent server built on OpenAI's Agents SDK: the node's `stream` step (twilio dialect) connects here, and
// @openai/agents-extensions' TwilioRealtimeTransportLayer bridges it to a realtime model, here the in-repo fake
// (fake-realtime.mjs) through the SDK's `url` option. Our glue only forwards DTMF (a twilio_message event) to the
// model as text, and closes the socket when the caller presses '#'. Prints one JSON object per line on stdout:
// {"event":"listening","port":N}, then what the agent saw (twilio messages by event name, dtmf digits, closes).
import { WebSocketServer } from 'ws';
import { RealtimeAgent, RealtimeSession } from '@openai/agents/realtime';
import { TwilioRealtimeTransportLayer } from '@openai/agents-extensions';
import { startFakeRealtime } from './fake-realtime.mjs';

const report = (line) => process.stdout.write(JSON.stringify(line) + '\n');
const realtime = await startFakeRealtime({ report });
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });

wss.on('connection', async (ws, request) => {
  report({ event: 'agent-connected', authorization: request.headers.authorization ?? null });
  const seen = new Set();
  const transport = new TwilioRealtimeTransportLayer({ twilioWebSocket: ws });
  transport.on('*', (event) => {
    if (event.type !== 'twilio_message') return;
    const message = event.message;
    if (!seen.has(message.event) || message.event === 'dtmf' || message.event === 'stop') {
      seen.add(message.event);
      report({ event: 'twilio', twilio: message.event, message: message.event === 'media' ? undefined : message });
    }
    if (message.event === 'dtmf') {
      const digit = message.dtmf.digit;
      if (digit === '#') {
        report({ event: 'agent-closing' });
        ws.close(1000, 'done');
        return;
      }
      transport.sendEvent({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: `DTMF ${digit}` }] } });
    }
  });
  ws.on('close', () => report({ event: 'agent-closed' }));
  const agent = new RealtimeAgent({ name: 'Octave', instructions: 'Repeat the caller one octave up.' });
  const session = new RealtimeSession(agent, { transport, model: 'gpt-realtime' });
  try {
    await session.connect({ apiKey: 'fake-key', url: `ws://127.0.0.1:${realtime.port}/v1/realtime` });
    report({ event: 'realtime-connected' });
  } catch (error) {
    report({ event: 'error', message: String(error) });
  }
});

wss.on('listening', () => report({ event: 'listening', port: wss.address().port }));
process.stdin.on('end', () => process.exit(0)); // the test closing our stdin ends us
process.stdin.resume();
