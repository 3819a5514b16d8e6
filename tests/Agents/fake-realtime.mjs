// A stand-in for the OpenAI Realtime API over WebSocket, speaking the documented event names the Agents SDK reads:
// it answers the caller's audio (input_audio_buffer.append, g711_ulaw) with the same audio one octave up
// (response.output_audio.delta), answers a "DTMF <digit>" text item with a 4 s 1000 Hz tone, and 2 s into that tone
// sends input_audio_buffer.speech_started, so the transport interrupts it (Twilio `clear`).
import { WebSocketServer } from 'ws';
import { decode, encode, octaveShifter, tone } from './mulaw.mjs';

export const ANSWER_HZ = 1000;

export function startFakeRealtime({ report }) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  let events = 0;
  const id = (prefix) => `${prefix}_${++events}`;
  wss.on('connection', (ws) => {
    const shift = octaveShifter();
    let response = id('resp');
    let answering = false;
    const send = (event) => ws.send(JSON.stringify({ event_id: id('event'), ...event }));
    const audio = (bytes) =>
      send({ type: 'response.output_audio.delta', response_id: response, item_id: `item_${response}`, output_index: 0, content_index: 0, delta: Buffer.from(bytes).toString('base64') });
    send({ type: 'session.created', session: { id: id('sess'), object: 'realtime.session' } });
    ws.on('message', (data) => {
      const event = JSON.parse(data.toString());
      switch (event.type) {
        case 'session.update':
          send({ type: 'session.updated', session: event.session ?? {} });
          break;
        case 'input_audio_buffer.append':
          if (!answering) audio(encode(shift(decode(Buffer.from(event.audio, 'base64')))));
          break;
        case 'conversation.item.create': {
          const text = event.item?.content?.[0]?.text ?? '';
          report({ event: 'realtime-item', text });
          if (text.startsWith('DTMF ')) {
            answering = true;
            response = id('resp');
            audio(encode(tone(ANSWER_HZ, 4000, 8000)));
            setTimeout(() => {
              send({ type: 'input_audio_buffer.speech_started', item_id: id('item'), audio_start_ms: 0 });
              report({ event: 'speech-started' });
              response = id('resp'); // the interrupted response's later audio is discarded by the transport
              answering = false;
            }, 2000);
          }
          break;
        }
        default:
          break;
      }
    });
  });
  return new Promise((resolve) => wss.on('listening', () => resolve({ wss, port: wss.address().port })));
}
