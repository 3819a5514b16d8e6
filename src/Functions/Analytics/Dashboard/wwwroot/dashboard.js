// The analytics dashboard: plain modules, Chart.js (vendored from npm at build time, loaded before this module as the
// global `Chart`). Every number comes from the analytics API (the same answer as GET /api/analytics/calls, served to a
// signed-in analyst under /api/dashboard/); every chart has a text label with its numbers for screen readers.
/* global Chart */
const $ = (id) => document.getElementById(id);
const DAY_MS = 86400000;
const OUTCOMES = ['completed', 'rejected', 'noAnswer', 'cancelled', 'failed'];
const OUTCOME_TEXT = { completed: 'Completed', rejected: 'Rejected', noAnswer: 'No answer', cancelled: 'Cancelled', failed: 'Failed' };
const SETUP = [
  ['dialToRingingMs', 'Dial → ringing'],
  ['ringingToAnsweredMs', 'Ringing → answered'],
  ['webhookToAcceptMs', 'Webhook → accept (inbound)'],
  ['answeredToMediaMs', 'Answered → first audio'],
];
const COLORS = ['#1a5fb4', '#26a269', '#c64600', '#613583', '#a51d2d'];
// Exposed for tests and for people checking a number: the charts and the answers they were drawn from.
const state = { charts: {}, daily: null, byNumber: null, range: null, drill: null };
// A range of one or two days would otherwise draw bars as wide as the page.
Chart.defaults.datasets.bar.maxBarThickness = 56;
window.dashboard = state;

const api = async (path, params) => {
  const response = await fetch('/api/dashboard/' + path + '?' + new URLSearchParams(params), { credentials: 'same-origin' });
  if (!response.ok) throw new Error(await problem(response) || `${response.status}`);
  return response.json();
};

async function problem(response) {
  try { const p = await response.json(); return p.title + (p.detail ? ' ' + p.detail : ''); } catch { return ''; }
}

const pct = (v) => (v == null ? '–' : `${(v * 100).toFixed(1)} %`);
const num = (v, digits = 0) => (v == null ? '–' : v.toFixed(digits));
const day = (date) => date.toISOString().slice(0, 10);

async function start() {
  const me = await fetch('/api/dashboard/me', { credentials: 'same-origin' });
  if (me.status === 401) {
    $('who').innerHTML = '';
    const a = document.createElement('a');
    a.href = '/.auth/login/aad?post_login_redirect_uri=' + encodeURIComponent('/api/dashboard');
    a.textContent = 'Sign in';
    $('who').append('You are not signed in. ', a);
    return;
  }
  if (!me.ok) {
    $('who').textContent = (await problem(me)) || 'You cannot see call analytics.';
    return;
  }
  $('who').textContent = `Signed in as ${(await me.json()).name}`;
  const today = new Date(Date.now() - (Date.now() % DAY_MS));
  $('to').value = day(today);
  $('from').value = day(new Date(today.getTime() - 29 * DAY_MS));
  $('range').addEventListener('submit', (e) => { e.preventDefault(); load(); });
  $('drill-more').addEventListener('click', () => drill(state.drill.title, state.drill.filter, state.drill.next));
  await load();
}

async function load() {
  const from = new Date($('from').value + 'T00:00:00Z');
  const to = new Date(new Date($('to').value + 'T00:00:00Z').getTime() + DAY_MS);
  state.range = { from: from.toISOString(), to: to.toISOString() };
  $('status').textContent = 'Loading…';
  document.body.dataset.ready = 'false';
  try {
    const [daily, byNumber] = await Promise.all([
      api('analytics/calls', { ...state.range, groupBy: 'day' }),
      api('analytics/calls', { ...state.range, groupBy: 'phoneNumber' }),
    ]);
    state.daily = daily;
    state.byNumber = byNumber;
    drawRates(daily);
    drawOutcomes(daily.total);
    drawFunnel(daily.total);
    drawSetup(daily.total);
    drawMos(daily.total);
    fillNumbers(byNumber);
    $('status').textContent = `${daily.total.calls} calls from ${day(from)} to ${day(new Date(to.getTime() - DAY_MS))}; percentiles within ${(daily.percentileRelativeError * 100).toFixed(2)} %.`;
    document.body.dataset.ready = 'true';
  } catch (e) {
    $('status').textContent = 'Could not load the analytics: ' + e.message;
  }
}

function chart(id, config, label) {
  state.charts[id]?.destroy();
  const canvas = $(id);
  canvas.setAttribute('aria-label', label);
  state.charts[id] = new Chart(canvas, config);
  return state.charts[id];
}

const barOptions = (onBar, yTitle, max) => ({
  responsive: true,
  maintainAspectRatio: false,
  animation: false,
  scales: { y: { beginAtZero: true, max, title: { display: true, text: yTitle } } },
  onClick: onBar && ((event, elements) => { if (elements.length) onBar(elements[0].index); }),
  onHover: onBar && ((event, elements) => { event.native.target.style.cursor = elements.length ? 'pointer' : 'default'; }),
});

function drawRates(daily) {
  const groups = daily.groups;
  const labels = groups.map((g) => g.key);
  const text = groups.map((g) => `${g.key}: ${g.calls} calls, answer rate ${pct(g.answerRate)}, success rate ${pct(g.successRate)}`).join('; ');
  const dayFilter = (i) => ({ from: `${labels[i]}T00:00:00Z`, to: new Date(new Date(`${labels[i]}T00:00:00Z`).getTime() + DAY_MS).toISOString() });
  chart('rates-chart', {
    type: 'bar',
    data: {
      labels,
      datasets: [
        { label: 'Answer rate (%)', data: groups.map((g) => (g.answerRate ?? 0) * 100), backgroundColor: COLORS[0] },
        { label: 'Success rate (%)', data: groups.map((g) => (g.successRate ?? 0) * 100), backgroundColor: COLORS[1] },
      ],
    },
    options: barOptions((i) => drill(`Calls on ${labels[i]}`, dayFilter(i)), 'Percent of calls', 100),
  }, `Answer and success rate per day. ${text || 'No calls in this range.'}`);
  const rows = groups.map((g, i) => {
    const tr = document.createElement('tr');
    tr.append(cell(g.key), cell(g.calls), cell(g.answered), cell(pct(g.answerRate)), cell(pct(g.successRate)));
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = 'Show calls';
    button.setAttribute('aria-label', `Show the calls of ${g.key}`);
    button.addEventListener('click', () => drill(`Calls on ${g.key}`, dayFilter(i)));
    const td = document.createElement('td');
    td.append(button);
    tr.append(td);
    return tr;
  });
  $('days').replaceChildren(...rows);
}

function drawOutcomes(total) {
  const counts = OUTCOMES.map((o) => total.outcomes[o] ?? 0);
  const labels = OUTCOMES.map((o) => OUTCOME_TEXT[o]);
  chart('outcomes-chart', {
    type: 'bar',
    data: { labels, datasets: [{ label: 'Calls', data: counts, backgroundColor: COLORS }] },
    options: { ...barOptions((i) => drill(`${labels[i]} calls`, { ...state.range, outcome: OUTCOMES[i] }), 'Calls'), plugins: { legend: { display: false } } },
  }, `Calls per outcome: ${labels.map((l, i) => `${l} ${counts[i]}`).join(', ')}.`);
}

function drawFunnel(total) {
  const f = total.permissionFunnel;
  const labels = ['Permission requested', 'Granted', 'Dialled', 'Answered'];
  const counts = [f.requested, f.granted, f.dialled, f.answered];
  chart('funnel-chart', {
    type: 'bar',
    data: { labels, datasets: [{ label: 'Count', data: counts, backgroundColor: COLORS.slice(0, 4) }] },
    options: { ...barOptions(null, 'Count'), indexAxis: 'y', scales: { x: { beginAtZero: true } }, plugins: { legend: { display: false } } },
  }, `Permission funnel: ${labels.map((l, i) => `${l} ${counts[i]}`).join(', ')}.`);
}

function binLabels(histogram, unit, format) {
  return histogram.map((b) => (b.to == null ? `≥ ${format(b.from)}${unit}` : `${format(b.from)}–${format(b.to)}${unit}`));
}

function drawSetup(total) {
  const first = total.setup[SETUP[0][0]].histogram;
  const labels = binLabels(first, ' s', (ms) => `${ms / 1000}`);
  const datasets = SETUP.map(([key, label], i) => ({ label, data: total.setup[key].histogram.map((b) => b.count), backgroundColor: COLORS[i] }));
  const text = datasets.map((d) => `${d.label}: ${labels.map((l, j) => `${l} ${d.data[j]}`).join(', ')}`).join('; ');
  chart('setup-chart', { type: 'bar', data: { labels, datasets }, options: barOptions(null, 'Calls') }, `Setup time histogram (calls per bin). ${text}.`);
}

function drawMos(total) {
  const mos = total.quality.mos;
  const labels = binLabels(mos.histogram, '', (v) => `${v}`);
  const counts = mos.histogram.map((b) => b.count);
  $('mos-summary').textContent = `${total.quality.callsWithMos} calls with a MOS; median ${num(mos.p50, 2)}; ${pct(total.quality.belowMos35Share)} below 3.5.`;
  chart('mos-chart', {
    type: 'bar',
    data: { labels, datasets: [{ label: 'Calls', data: counts, backgroundColor: mos.histogram.map((b) => (b.from < 3.5 ? COLORS[2] : COLORS[1])) }] },
    options: { ...barOptions(null, 'Calls'), plugins: { legend: { display: false } } },
  }, `MOS histogram (calls per bin): ${labels.map((l, i) => `${l} ${counts[i]}`).join(', ')}.`);
}

function fillNumbers(byNumber) {
  $('numbers').replaceChildren(...byNumber.groups.map((g) => {
    const tr = document.createElement('tr');
    tr.dataset.number = g.key;
    tr.append(cell(g.key), cell(g.calls), cell(pct(g.answerRate)), cell(pct(g.successRate)),
      cell(g.setup.answeredToMediaMs.p50 == null ? '–' : `${num(g.setup.answeredToMediaMs.p50)} ms`),
      cell(num(g.quality.mos.p50, 2)), cell(pct(g.quality.belowMos35Share)));
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = 'Show calls';
    button.setAttribute('aria-label', `Show the calls of number ${g.key}`);
    button.addEventListener('click', () => drill(`Calls of number ${g.key}`, { ...state.range, phoneNumberId: g.key }));
    const td = document.createElement('td');
    td.append(button);
    tr.append(td);
    return tr;
  }));
}

function cell(text) {
  const td = document.createElement('td');
  td.textContent = String(text);
  return td;
}

async function drill(title, filter, continuationToken) {
  document.body.dataset.drill = 'loading';
  const params = { ...filter, pageSize: '50' };
  if (continuationToken) params.continuationToken = continuationToken;
  let page;
  try {
    page = await api('analytics/calls/list', params);
  } catch (e) {
    $('status').textContent = 'Could not list the calls: ' + e.message;
    return;
  }
  const rows = page.calls.map((c) => {
    const tr = document.createElement('tr');
    tr.dataset.callId = c.id;
    const id = document.createElement('td');
    const code = document.createElement('code');
    code.textContent = c.id;
    id.append(code);
    tr.append(id, cell(c.createdAt.replace('T', ' ').slice(0, 19)), cell(c.direction), cell(c.phoneNumberId),
      cell(OUTCOME_TEXT[c.outcome] ?? c.outcome ?? '–'), cell(c.durationSeconds == null ? '–' : `${num(c.durationSeconds)} s`),
      cell(num(c.mos, 2)), cell(c.errorCode ?? ''));
    return tr;
  });
  if (continuationToken) $('drill-calls').append(...rows); else $('drill-calls').replaceChildren(...rows);
  state.drill = { title, filter, next: page.continuationToken, calls: [...(continuationToken ? state.drill.calls : []), ...page.calls] };
  $('drill-more').hidden = !page.continuationToken;
  $('drill-title').textContent = `${title} (${state.drill.calls.length}${page.continuationToken ? '+' : ''})`;
  $('drill').hidden = false;
  if (!continuationToken) $('drill-title').focus();
  document.body.dataset.drill = 'ready';
}

start();
