// The in-repo fake realtime endpoint (fake-realtime.mjs) on its own, for the node's `openai-realtime` dialect: the node
// connects to it straight, as it would to OpenAI or Azure OpenAI. One JSON object per line on stdout, as the agents:
// {"event":"listening","port":N}, then what the endpoint saw (connection, session.update, truncation, close).
import { startFakeRealtime } from './fake-realtime.mjs';

const report = (line) => process.stdout.write(JSON.stringify(line) + '\n');
const { wss, port } = await startFakeRealtime({ report, pcm: true });
wss.on('connection', (ws) => ws.on('close', () => report({ event: 'realtime-closed' })));
report({ event: 'listening', port });
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
