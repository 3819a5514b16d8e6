'use strict';
// The phones' line protocol, shared by wrtc-phone.js and chromium-phone.mjs: one JSON command per line on stdin,
// handled one at a time in order; one JSON reply or event per line on stdout.
const readline = require('node:readline');

const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');

// Runs `handle(command)` for each line (a null reply sends nothing; a throw becomes an error event), then, once
// stdin closes, `onClose()` after the commands already read. Announces `ready`.
function serve(handle, onClose) {
  const rl = readline.createInterface({ input: process.stdin });
  let chain = Promise.resolve();
  rl.on('line', (line) => {
    if (!line.trim()) return;
    chain = chain.then(async () => {
      try {
        const reply = await handle(JSON.parse(line));
        if (reply) out(reply);
      } catch (err) {
        out({ event: 'error', message: String(err && err.message ? err.message : err) });
      }
    });
  });
  rl.on('close', () => chain.then(onClose).finally(() => process.exit(0)));
  out({ event: 'ready' });
}

module.exports = { out, serve };
