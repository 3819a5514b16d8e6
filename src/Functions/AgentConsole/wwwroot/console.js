// The agent console: plain modules, no build. State lives in the Functions; this page shows it, hears of changes on
// Web PubSub (json.webpubsub.azure.v1: the same few protocol lines against Azure and the local stand-in) and reads
// the same state over HTTP as a fallback. The agent leg is one RTCPeerConnection: this page offers, the node answers.
const api = (path, init = {}) => fetch('/api/console/' + path, {
  credentials: 'same-origin',
  ...init,
  headers: { 'content-type': 'application/json', ...(init.headers ?? {}) },
});
const $ = (id) => document.getElementById(id);
const state = { me: null, ringing: new Map(), call: null, pc: null, socket: null, timer: 0 };
// Exposed for tests and for people debugging in the browser: the live leg and the remote audio.
window.agentConsole = state;

async function start() {
  const response = await api('me');
  if (response.status === 401) {
    $('who').innerHTML = '';
    const a = document.createElement('a');
    a.href = '/.auth/login/aad?post_login_redirect_uri=' + encodeURIComponent('/api/console');
    a.textContent = 'Sign in';
    $('who').append('You are not signed in. ', a);
    return;
  }
  if (!response.ok) {
    $('who').textContent = (await problem(response)) || 'You cannot use the console.';
    return;
  }
  state.me = await response.json();
  $('who').textContent = `Signed in as ${state.me.name}`;
  $('presence').disabled = false;
  document.querySelector(`input[name="presence"][value="${state.me.available ? 'available' : 'away'}"]`).checked = true;
  for (const radio of document.querySelectorAll('input[name="presence"]')) {
    radio.addEventListener('change', () => setPresence(radio.value === 'available'));
  }
  buildKeypad();
  $('mute').addEventListener('click', toggleMute);
  $('handback').addEventListener('click', handBack);
  $('hangup').addEventListener('click', hangup);
  $('dial').addEventListener('submit', dial);
  $('ask-permission').addEventListener('click', askPermission);
  connect(state.me.webPubSubUrl);
  await Promise.all([refreshRinging(), refreshRecent()]);
  // Fallback only: pushes normally arrive well within a second.
  setInterval(refreshRinging, 5000);
  setInterval(refreshRecent, 15000);
  document.body.dataset.ready = 'true';
}

async function problem(response) {
  try { const p = await response.json(); return p.title + (p.detail ? ' ' + p.detail : ''); } catch { return ''; }
}

// ---- Web PubSub (json.webpubsub.azure.v1) ----
function connect(url) {
  if (!url) { $('link').textContent = 'Live updates off (no Web PubSub); refreshing every few seconds.'; return; }
  const socket = new WebSocket(url, 'json.webpubsub.azure.v1');
  state.socket = socket;
  socket.onmessage = (e) => {
    const m = JSON.parse(e.data);
    if (m.type === 'system' && m.event === 'connected') { $('link').textContent = 'Live'; document.body.dataset.live = 'true'; }
    if (m.type === 'message' && m.from === 'server') onPush(m.data);
  };
  socket.onclose = () => {
    document.body.dataset.live = 'false';
    $('link').textContent = 'Reconnecting…';
    // A fresh client token comes with /me.
    setTimeout(async () => { const r = await api('me'); if (r.ok) connect((await r.json()).webPubSubUrl); }, 2000);
  };
}

function onPush(data) {
  switch (data.type) {
    case 'ringing': showRinging(data.call); break;
    case 'gone': removeRinging(data.callId); break;
    case 'ready': if (state.call?.id === data.call.callId && !state.call.legId) startLeg(); break;
    case 'answer': if (state.call?.legId === data.legId) applyAnswer(data.sdp); break;
    case 'connected': if (state.call?.id === data.callId) setCallState('connected'); break;
    case 'ended': if (state.call?.id === data.callId) endCall(data.reason); break;
  }
}

// ---- presence and ringing ----
async function setPresence(available) {
  const r = await api('presence', { method: 'PUT', body: JSON.stringify({ available }) });
  if (r.ok && available) refreshRinging();
}

async function refreshRinging() {
  const r = await api('ringing');
  if (!r.ok) return;
  const { calls } = await r.json();
  const ids = new Set(calls.map((c) => c.callId));
  for (const id of [...state.ringing.keys()]) if (!ids.has(id)) removeRinging(id);
  for (const c of calls) showRinging(c);
}

function showRinging(call) {
  if (state.ringing.has(call.callId)) return;
  const li = document.createElement('li');
  li.dataset.callId = call.callId;
  const who = document.createElement('span');
  who.className = 'who';
  who.textContent = `${call.callerName ?? 'Unknown caller'} · ${call.callerNumber} · queue ${call.queue}`;
  const accept = button('Accept', 'accept', () => accept_(call));
  accept.setAttribute('aria-label', `Accept call from ${call.callerName ?? call.callerNumber}`);
  const decline = button('Decline', '', () => decline_(call.callId));
  decline.setAttribute('aria-label', `Decline call from ${call.callerName ?? call.callerNumber}`);
  li.append(who, accept, decline);
  $('ringing').append(li);
  state.ringing.set(call.callId, li);
  $('ringing-empty').hidden = true;
}

function removeRinging(callId) {
  state.ringing.get(callId)?.remove();
  state.ringing.delete(callId);
  $('ringing-empty').hidden = state.ringing.size > 0;
}

function button(text, cls, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  if (cls) b.className = cls;
  b.addEventListener('click', onClick);
  return b;
}

async function accept_(call) {
  const r = await api(`calls/${call.callId}/accept`, { method: 'POST' });
  removeRinging(call.callId);
  if (!r.ok) { $('incall-state').textContent = await problem(r); return; }
  beginCall(call.callId, `${call.callerName ?? ''} ${call.callerNumber}`.trim());
  await startLeg();
}

async function decline_(callId) {
  await api(`calls/${callId}/decline`, { method: 'POST' });
  removeRinging(callId);
}

// ---- the agent leg ----
function beginCall(id, label) {
  state.call = { id, label, legId: null, started: Date.now(), muted: false };
  $('incall').hidden = false;
  $('incall-caller').textContent = label;
  setCallState('connecting');
  $('mute').setAttribute('aria-pressed', 'false');
  $('mute').textContent = 'Mute';
  clearInterval(state.timer);
  state.timer = setInterval(tick, 500);
  $('hangup').focus();
}

async function startLeg() {
  const call = state.call;
  if (!call || call.legId) return;
  call.legId = 'pending';
  const media = await navigator.mediaDevices.getUserMedia({ audio: true, video: false });
  const pc = new RTCPeerConnection({ iceServers: [] });
  state.pc = pc;
  for (const track of media.getAudioTracks()) pc.addTrack(track, media);
  pc.ontrack = (e) => { state.remoteStream = e.streams[0]; $('remote').srcObject = e.streams[0]; };
  pc.onconnectionstatechange = () => { if (pc.connectionState === 'failed') setCallState('media failed'); };
  await pc.setLocalDescription(await pc.createOffer());
  await gathered(pc);
  const r = await api(`calls/${call.id}/offer`, { method: 'POST', body: JSON.stringify({ sdp: pc.localDescription.sdp }) });
  if (!r.ok) { setCallState(await problem(r)); call.legId = null; return; }
  call.legId = (await r.json()).legId;
  // The answer normally arrives pushed; read it too, in case the push came before legId was known or is lost.
  for (let i = 0; i < 40 && !call.answered && state.call === call; i++) {
    const g = await api(`calls/${call.id}`);
    if (g.ok) {
      const { leg } = await g.json();
      if (leg?.legId === call.legId && leg.answerSdp) { await applyAnswer(leg.answerSdp); break; }
    }
    await new Promise((done) => setTimeout(done, 250));
  }
}

function gathered(pc) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((done) => {
    const t = setTimeout(done, 3000);
    pc.addEventListener('icegatheringstatechange', () => { if (pc.iceGatheringState === 'complete') { clearTimeout(t); done(); } });
  });
}

async function applyAnswer(sdp) {
  const call = state.call;
  if (!call || call.answered || !state.pc) return;
  call.answered = true;
  await state.pc.setRemoteDescription({ type: 'answer', sdp });
  setCallState('connected');
  call.connectedAt = Date.now();
  call.stats = setInterval(quality, 1000);
}

async function quality() {
  if (!state.pc) return;
  const call = state.call;
  // The call may end elsewhere (the caller hangs up): its state is read every few seconds as well as pushed.
  if (call && (call.ticks = (call.ticks ?? 0) + 1) % 3 === 0) {
    const r = await api(`calls/${call.id}`);
    if (r.ok) {
      const { call: c } = await r.json();
      if (c.state === 'ended' || c.state === 'failed') { endCall(c.outcome ?? c.state); return; }
    }
  }
  const stats = await state.pc.getStats();
  stats.forEach((s) => {
    if (s.type === 'inbound-rtp' && s.kind === 'audio') {
      $('q-loss').textContent = String(s.packetsLost ?? 0);
      $('q-jitter').textContent = `${Math.round((s.jitter ?? 0) * 1000)} ms`;
    }
  });
}

function setCallState(text) { $('incall-state').textContent = text; document.body.dataset.callState = text; }

function tick() {
  const call = state.call;
  if (!call) return;
  const s = Math.floor((Date.now() - (call.connectedAt ?? call.started)) / 1000);
  $('timer').textContent = `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

async function toggleMute() {
  const call = state.call;
  if (!call) return;
  const muted = !call.muted;
  // The microphone stops at once (the caller hears silence within a few frames); the node's mute also drops whatever
  // this leg still sends, so the caller stays silent even if the page's own mute fails.
  setMicrophone(!muted);
  const r = await api(`calls/${call.id}/mute`, { method: 'POST', body: JSON.stringify({ muted }) });
  if (!r.ok) { setMicrophone(!call.muted); setCallState(await problem(r)); return; }
  call.muted = muted;
  $('mute').setAttribute('aria-pressed', String(muted));
  $('mute').textContent = muted ? 'Unmute' : 'Mute';
}

function setMicrophone(on) {
  state.pc?.getSenders().forEach((s) => { if (s.track?.kind === 'audio') s.track.enabled = on; });
}

function buildKeypad() {
  for (const key of '123456789*0#') {
    const b = button(key, '', () => {
      const sender = state.pc?.getSenders().find((s) => s.track?.kind === 'audio');
      sender?.dtmf?.insertDTMF(key, 120, 70);
    });
    b.setAttribute('aria-label', `Key ${key}`);
    $('keypad').append(b);
  }
}

async function handBack() {
  const call = state.call;
  if (!call) return;
  const r = await api(`calls/${call.id}/handback`, { method: 'POST' });
  if (!r.ok) { setCallState(await problem(r)); return; }
  endCall('handed back');
}

async function hangup() {
  const call = state.call;
  if (!call) return;
  await api(`calls/${call.id}/hangup`, { method: 'POST' });
  endCall('hung up');
}

async function endCall(reason) {
  const call = state.call;
  if (!call) return;
  clearInterval(call.stats);
  clearInterval(state.timer);
  state.pc?.getSenders().forEach((s) => s.track?.stop());
  state.pc?.close();
  state.pc = null;
  state.call = null;
  setCallState(`ended (${reason})`);
  // The call's results (MOS from the node's report) arrive shortly after.
  setTimeout(async () => {
    const r = await api(`calls/${call.id}`);
    if (r.ok) { const { call: c } = await r.json(); if (c.media?.mos) $('q-mos').textContent = c.media.mos.toFixed(2); }
    refreshRecent();
  }, 2000);
}

// ---- outbound ----
async function dial(e) {
  e.preventDefault();
  const to = $('dial-to').value.trim();
  $('ask-permission').hidden = true;
  $('dial-status').textContent = 'Calling…';
  const r = await api('dial', { method: 'POST', body: JSON.stringify({ to }) });
  if (r.status === 202) {
    const call = await r.json();
    $('dial-status').textContent = `Ringing ${to}…`;
    beginCall(call.id, to);
    waitForAnswer(call.id);
    return;
  }
  const p = await r.json().catch(() => ({}));
  $('dial-status').textContent = `${p.title ?? 'Not placed.'} ${p.detail ?? ''}`;
  if (/call-permission-(missing|expired)$/.test(p.type ?? '')) {
    $('ask-permission').hidden = false;
    $('ask-permission').dataset.waId = to.replace(/\D/g, '');
    $('ask-permission').focus();
  }
}

// When the user answers, the node's connectAgent step waits for this page's offer ('ready' push, or read here).
async function waitForAnswer(id) {
  while (state.call?.id === id && !state.call.legId) {
    const g = await api(`calls/${id}`);
    if (g.ok) {
      const { call, leg } = await g.json();
      if (call.state === 'ended' || call.state === 'failed') { endCall(call.outcome ?? call.state); return; }
      if (leg?.state === 'taken' && !leg.legId) { await startLeg(); return; }
    }
    await new Promise((done) => setTimeout(done, 1000));
  }
}

async function askPermission() {
  const waId = $('ask-permission').dataset.waId;
  const r = await api(`permissions/${waId}/request`, { method: 'POST', body: '' });
  $('dial-status').textContent = r.ok ? 'Permission request sent; call again once the user allows calls.' : await problem(r);
  $('ask-permission').hidden = true;
}

// ---- recent calls ----
async function refreshRecent() {
  const r = await api('calls');
  if (!r.ok) return;
  const { calls } = await r.json();
  const rows = calls.map((c) => {
    const tr = document.createElement('tr');
    const cells = [
      new Date(c.createdAt).toLocaleString(), c.direction, `${c.callerName ?? ''} ${c.caller}`.trim(), c.outcome ?? c.state,
      c.durationSeconds != null ? `${Math.round(c.durationSeconds)} s` : '–', c.agent?.name ?? '–', c.media?.mos ? c.media.mos.toFixed(2) : '–',
    ];
    for (const text of cells) { const td = document.createElement('td'); td.textContent = text; tr.append(td); }
    const td = document.createElement('td');
    if (c.hasRecording) {
      const audio = document.createElement('audio');
      audio.controls = true;
      audio.preload = 'none';
      audio.src = `/api/console/calls/${c.id}/recording`;
      audio.setAttribute('aria-label', `Recording of the call with ${c.caller}`);
      td.append(audio);
    } else td.textContent = '–';
    tr.append(td);
    return tr;
  });
  $('recent').replaceChildren(...rows);
}

start();
