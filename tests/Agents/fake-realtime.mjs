// A stand-in for the OpenAI Realtime API over WebSocket, speaking the documented event names the Agents SDK reads:
// it answers the caller's audio (input_audio_buffer.append, g711_ulaw) with the same audio one octave up
// (response.output_audio.delta), answers a "DTMF <digit>" text item with a 4 s 1000 Hz tone, and 2 s into that tone
// sends input_audio_buffer.speech_started, so the transport interrupts it (Twilio `clear`).
// With `pcm` (realtime-endpoint.mjs, for the node's openai-realtime dialect, which sets PCM16 24 kHz) it reads and
// answers PCM16 the same way (a mode, not read from the session's format: the Agents SDK declares audio/pcm while
// relaying Twilio's µ-law). As nothing sends it text items there, 2 s into the caller's audio it answers with the 4 s
// 1000 Hz tone (item `item_answer`), sends speech_started 2 s later, reports the node's conversation.item.truncate,
// and closes the socket 1 s of caller audio after it.
import { WebSocketServer } from 'ws';
import { decode, encode, octaveShifter, tone } from './mulaw.mjs';

export const ANSWER_HZ = 1000;
const PCM_RATE = 24000;
const pcmDecode = (bytes) => new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
const pcmEncode = (samples) => Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);

export function startFakeRealtime({ report, pcm = false }) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  let events = 0;
  const id = (prefix) => `${prefix}_${++events}`;
  wss.on('connection', (ws, request) => {
    report({ event: 'realtime-connection', url: request.url, authorization: request.headers.authorization ?? null });
    const shift = octaveShifter();
    let response = id('resp');
    let answering = false;
    let appends = 0;
    let closeAt = 0;
    const send = (event) => ws.send(JSON.stringify({ event_id: id('event'), ...event }));
    const audio = (bytes, item = `item_${response}`) =>
      send({ type: 'response.output_audio.delta', response_id: response, item_id: item, output_index: 0, content_index: 0, delta: Buffer.from(bytes).toString('base64') });
    send({ type: 'session.created', session: { id: id('sess'), object: 'realtime.session' } });
    ws.on('message', (data) => {
      const event = JSON.parse(data.toString());
      switch (event.type) {
        case 'session.update':
          if (pcm) report({ event: 'session-update', session: event.session });
          send({ type: 'session.updated', session: event.session ?? {} });
          break;
        case 'input_audio_buffer.append': {
          const bytes = Buffer.from(event.audio, 'base64');
          if (!pcm) {
            if (!answering) audio(encode(shift(decode(bytes))));
            break;
          }
          appends++;
          if (!answering) audio(pcmEncode(shift(pcmDecode(bytes))));
          if (appends === 100) {
            answering = true;
            response = id('resp');
            const answer = tone(ANSWER_HZ, 4000, PCM_RATE);
            for (let at = 0; at < answer.length; at += PCM_RATE / 5) audio(pcmEncode(answer.subarray(at, at + PCM_RATE / 5)), 'item_answer');
            report({ event: 'answer-sent' });
            setTimeout(() => {
              send({ type: 'input_audio_buffer.speech_started', item_id: id('item'), audio_start_ms: appends * 20 });
              report({ event: 'speech-started' });
              response = id('resp');
              answering = false;
            }, 2000);
          }
          if (closeAt > 0 && appends >= closeAt) {
            closeAt = 0;
            report({ event: 'realtime-closing' });
            ws.close(1000, 'done');
          }
          break;
        }
        case 'conversation.item.truncate':
          report({ event: 'truncate', item_id: event.item_id, content_index: event.content_index, audio_end_ms: event.audio_end_ms });
          closeAt = appends + 50;
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
