// SupportDesk browser UI: plain ES2020, no framework, no build step.
//
// Layout of this file:
//   1. Small utilities (DOM builder, formatting, server clock)
//   2. api(): the one fetch helper; throws ApiError carrying the RFC 7807 problem details
//   3. Banners (errors, flash messages) and the busy-button runner
//   4. Session: users, sign-in/out, tabs, pollers
//   5. Agent console: case list, open a case, case detail, resolution, timeline, live coaching
//   6. Approver queue
//   7. Coaching review and metrics
//   8. Wiring
//
// The page is a static skeleton (index.html) whose parts are filled in and shown/hidden here.
// Polling only rewrites read-only parts, so nothing the user is typing gets wiped.
'use strict';

/* ================================ 1. Utilities ================================ */

const $ = (id) => document.getElementById(id);

/** Builds an element. Text always goes through textContent, never innerHTML, so data cannot inject markup. */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function show(node, visible) { node.hidden = !visible; }

/** Replaces a node's children, skipping null/false/undefined (replaceChildren would print them as text). */
function fill(node, ...children) {
  node.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false)
    .map((c) => (c instanceof Node ? c : document.createTextNode(String(c)))));
}

const moneyFormats = new Map();
/** $1,234.50 style (en-US); other currencies keep their own symbol. */
function money(amount, currency = 'USD') {
  if (amount === null || amount === undefined) return '—';
  if (!moneyFormats.has(currency)) {
    moneyFormats.set(currency, new Intl.NumberFormat('en-US', { style: 'currency', currency }));
  }
  return moneyFormats.get(currency).format(amount);
}

/** The server sends 7 fractional digits ("…42.8057991+00:00"); trim to milliseconds so every engine parses it. */
function parseTime(iso) {
  if (!iso) return null;
  const ms = Date.parse(String(iso).replace(/(\.\d{3})\d+/, '$1'));
  return Number.isNaN(ms) ? null : ms;
}

// en-GB gives a 24-hour HH:MM:SS in the browser's local time zone.
const timeFormat = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

const dayFormat = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short' });

/** "Mon 23 Nov", "today" or "tomorrow": a time without its day would say nothing about which day. */
function dayWord(ms) {
  const startOf = (t) => { const d = new Date(t); d.setHours(0, 0, 0, 0); return d.getTime(); };
  const days = Math.round((startOf(ms) - startOf(Date.now())) / 86_400_000);
  if (days === 0) return 'today';
  if (days === 1) return 'tomorrow';
  if (days === -1) return 'yesterday';
  return dayFormat.format(ms);
}

/** Local HH:MM:SS (with the day when it is not today), the full date and time as a tooltip. */
function timeEl(iso) {
  const ms = parseTime(iso);
  if (ms === null) return el('span', { class: 'muted', text: '—' });
  const day = dayWord(ms);
  const text = day === 'today' ? timeFormat.format(ms) : `${day} ${timeFormat.format(ms)}`;
  return el('time', { datetime: iso, title: dateTimeFormat.format(ms), text });
}

/** A disclosure with the technical detail behind a plain sentence: one click away, never in the way. */
function detailsEl(testId, ...lines) {
  const shown = lines.filter(Boolean);
  if (shown.length === 0) return null;
  return el('details', { class: 'tech', 'data-testid': testId },
    el('summary', { text: 'Details' }),
    ...shown.map((line) => el('div', { class: 'mono small' }, line)));
}

/** "TeamLead" → "a team lead": a role as a person says it. */
function roleWithArticle(role) {
  const words = humanize(role).toLowerCase();
  return `${/^[aeiou]/.test(words) ? 'an' : 'a'} ${words}`;
}

/** "FeeWaiver" → "Fee waiver", "AwaitingApproval" → "Awaiting approval". */
function humanize(name) {
  if (!name) return '';
  const words = String(name).replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function actor(a) { return a ? `${a.id} (${humanize(a.role).toLowerCase()})` : '—'; }
function who(a) { return a ? a.id : 'the system'; }

function pad2(n) { return String(n).padStart(2, '0'); }

/** A .NET TimeSpan as System.Text.Json writes it ("1.02:03:04.5", "-00:00:00.0641689") in seconds; null when it is not one. */
function timeSpanSeconds(value) {
  const m = /^(-)?(?:(\d+)\.)?(\d+):(\d+):(\d+(?:\.\d+)?)$/.exec(String(value));
  if (!m) return null;
  const seconds = (+(m[2] || 0)) * 86400 + (+m[3]) * 3600 + (+m[4]) * 60 + parseFloat(m[5]);
  return m[1] ? -seconds : seconds;
}

/** A .NET TimeSpan ("1.02:03:04.5", "00:00:00.0641689") as "1d 2h", "4m 12s", "0.06 s". */
function formatDuration(value) {
  if (value === null || value === undefined) return '—';
  const seconds = typeof value === 'number' ? value : timeSpanSeconds(value);
  if (seconds === null) return String(value);
  if (seconds < 1) return `${seconds.toFixed(2)} s`;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const s = Math.round(seconds);
  const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), min = Math.floor((s % 3600) / 60), sec = s % 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${pad2(min)}m`;
  return `${min}m ${pad2(sec)}s`;
}

/**
 * The server's clock, so countdowns do not depend on the client's clock being right.
 * The approver queue carries `now`; we remember how far it is from Date.now() when the answer
 * arrived, so serverNow() = serverNow at response + elapsed since. Other answers only carry the
 * HTTP Date header (whole seconds); it is used until a precise `now` has been seen.
 */
const clock = {
  offsetMs: 0,
  precise: false,
  fromServerNow(iso, receivedAt) {
    const ms = parseTime(iso);
    if (ms === null) return;
    this.offsetMs = ms - receivedAt;
    this.precise = true;
  },
  fromDateHeader(header, receivedAt) {
    if (this.precise || !header) return;
    const ms = Date.parse(header);
    if (!Number.isNaN(ms)) this.offsetMs = ms - receivedAt;
  },
  now() { return Date.now() + this.offsetMs; },
};

/** A countdown element; tickCountdowns() keeps its text current. */
function countdownEl(dueAt, testId = 'countdown') {
  const node = el('span', { class: 'countdown', 'data-testid': testId, dataset: { due: dueAt || '' } });
  updateCountdown(node);
  return node;
}

function updateCountdown(node) {
  const due = parseTime(node.dataset.due);
  if (due === null) {
    node.textContent = '—';
    node.className = 'countdown';
    return;
  }
  const left = due - clock.now();
  if (left <= 0) {
    node.textContent = 'overdue';
    node.className = 'countdown overdue';
    return;
  }
  const total = Math.floor(left / 1000);
  node.textContent = `${pad2(Math.floor(total / 60))}:${pad2(total % 60)}`;
  node.className = left < 2 * 60 * 1000 ? 'countdown urgent' : 'countdown';
  node.title = `due at ${timeFormat.format(due)}`;
}

function tickCountdowns() {
  document.querySelectorAll('.countdown[data-due]').forEach(updateCountdown);
}

/** A random key; crypto.randomUUID needs a secure context (localhost is one), so fall back otherwise. */
function randomKey() {
  if (window.crypto && typeof window.crypto.randomUUID === 'function') return window.crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

/* ================================ 2. API ================================ */

/** A failed call: `problem` is the server's problem details (or one made up for network failures). */
class ApiError extends Error {
  constructor(problem) {
    super(problem.title || 'Request failed');
    this.problem = problem;
    this.status = problem.status;
    this.code = problem.code;
  }
}

/**
 * The one way this page talks to the server. Returns the parsed JSON (null for 204) or throws an
 * ApiError with the RFC 7807 problem details the server answered.
 */
async function api(method, url, body) {
  // X-CustomerCraft-Request: the server refuses cookie-carrying writes from other origins; this
  // header (which another origin's page cannot add) vouches for a browser that sends no Origin.
  const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json, application/problem+json', 'X-CustomerCraft-Request': '1' } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }

  let response;
  try {
    response = await fetch(url, init);
  } catch (err) {
    throw new ApiError({ title: 'The server could not be reached.', detail: err.message, status: 0 });
  }
  const receivedAt = Date.now();
  clock.fromDateHeader(response.headers.get('Date'), receivedAt);

  const text = await response.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }

  if (!response.ok) {
    const problem = data && typeof data === 'object' && !Array.isArray(data)
      ? data
      : { title: `${response.status} ${response.statusText}`.trim(), detail: text ? text.slice(0, 300) : undefined };
    problem.status = problem.status || response.status;
    throw new ApiError(problem);
  }
  return attachReceived(data, receivedAt);
}

// The queue needs to know when its answer arrived (see clock); keep it off the JSON itself.
const receivedTimes = new WeakMap();
function attachReceived(data, receivedAt) {
  if (data && typeof data === 'object') receivedTimes.set(data, receivedAt);
  return data;
}

const enc = encodeURIComponent;

/* ================================ 3. Banners and busy buttons ================================ */

let flashTimer = null;

/** Shows a problem in the error banner: title, detail and each field error. */
function showProblem(problem) {
  $('error-title').textContent = problem.title || 'Something went wrong.';
  const detail = problem.detail && problem.detail !== problem.title ? problem.detail : '';
  $('error-detail').textContent = detail;
  show($('error-detail'), Boolean(detail));

  const fields = $('error-fields');
  fill(fields);
  if (problem.errors && typeof problem.errors === 'object') {
    for (const [field, messages] of Object.entries(problem.errors)) {
      for (const message of [].concat(messages)) {
        fields.append(el('li', {}, el('span', { class: 'mono', text: field }), `: ${message}`));
      }
    }
  }
  show(fields, fields.children.length > 0);
  show($('error-banner'), true);
}

function hideError() { show($('error-banner'), false); }

/** Handles any failure: a lost session goes back to signed-out, everything else goes to the banner. */
function reportError(err) {
  if (!(err instanceof ApiError)) {
    console.error(err);
    showProblem({ title: 'Something went wrong in the page.', detail: String(err && err.message ? err.message : err) });
    return;
  }
  if (err.status === 401 && session.user) {
    endSession();
    showProblem({ title: 'You are signed out.', detail: 'Your session ended. Sign in again to continue.' });
    return;
  }
  showProblem(err.problem);
}

// Pollers report failures too, but the same failure every 3 seconds would re-open a banner the
// user just dismissed; only a new kind of failure is shown until a poll succeeds again.
let lastPollError = null;
function reportPollError(err) {
  const key = err instanceof ApiError ? `${err.status}|${err.problem.title}|${err.problem.detail}` : String(err);
  if (key === lastPollError) return;
  lastPollError = key;
  reportError(err);
}

function flash(message) {
  const node = $('flash');
  node.textContent = message;
  show(node, true);
  clearTimeout(flashTimer);
  flashTimer = setTimeout(() => show(node, false), 6000);
}

// Buttons whose request is in flight; syncControls() never re-enables these.
const busyButtons = new Set();

/**
 * Runs an action for a button: the button is disabled until the request is answered, so a
 * double click (or Enter pressed twice) cannot send twice. Errors end in the banner.
 */
async function run(button, action) {
  if (button && (button.disabled || busyButtons.has(button))) return undefined;
  if (button) {
    busyButtons.add(button);
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
  }
  try {
    return await action();
  } catch (err) {
    reportError(err);
    return undefined;
  } finally {
    if (button) {
      busyButtons.delete(button);
      button.disabled = false;
      button.removeAttribute('aria-busy');
    }
    syncControls();
  }
}

/** Enables a button unless a rule says no or its request is in flight. */
function setEnabled(button, enabled) {
  button.disabled = !enabled || busyButtons.has(button);
}

/** Re-applies the enable rules that depend on state (not on a request in flight). */
function syncControls() {
  // What the case allows comes from the server (the workflow's permitted moves and who may work
  // the case): the page never restates the state machine.
  const c = agent.caseView;
  const moves = (c && c.moves) || {};
  setEnabled($('resolve-button'), Boolean(moves.resolve));
  setEnabled($('check-button'), Boolean(moves.check));
  setEnabled($('grant-button'), Boolean(moves.check));
  setEnabled($('request-approval-button'), Boolean(moves.requestApproval));
  setEnabled($('nudge-add'), Boolean(agent.selectedId));
  const blocked = $('case-blocked');
  blocked.textContent = c && moves.blocked ? moves.blocked : '';
  show(blocked, Boolean(c && moves.blocked));
}

/* ================================ 4. Session, tabs, pollers ================================ */

const session = {
  user: null,   // { id, name, role }
  users: [],
  tab: null,
};

// Remembered per user for this page's lifetime, so switching users and back keeps your place.
const lastSelectedCase = new Map();

/** Repeats `task` every `ms` after the previous run finished (never overlapping); stop() is final for that run. */
class Poller {
  constructor(task, ms) { this.task = task; this.ms = ms; this.generation = 0; this.timer = null; }
  start({ immediate = false } = {}) {
    this.stop();
    const generation = this.generation;
    const tick = async () => {
      if (generation !== this.generation) return;
      try {
        await this.task();
        lastPollError = null;
      } catch (err) {
        reportPollError(err);
      }
      if (generation === this.generation) this.timer = setTimeout(tick, this.ms);
    };
    this.timer = setTimeout(tick, immediate ? 0 : this.ms);
  }
  stop() {
    this.generation++; // a run already awaiting its answer will not schedule another
    clearTimeout(this.timer);
    this.timer = null;
  }
}

const casePoller = new Poller(() => refreshCase({ fromPoll: true }), 3000);
const queuePoller = new Poller(() => loadQueue(), 5000);

async function loadUsers() {
  try {
    session.users = await api('GET', '/api/dev/users');
  } catch (err) {
    session.users = [];
    reportError(err);
  }
  const select = $('user-select');
  fill(select, ...session.users.map((u) => el('option', { value: u.id, text: `${u.name} (${humanize(u.role).toLowerCase()})` })));
}

/** On load: are we already signed in (the cookie survives reloads)? */
async function restoreSession() {
  try {
    const me = await api('GET', '/api/me');
    await startSession(me);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) endSession(); // expected when signed out
    else reportError(err);
  }
}

async function signIn() {
  const userId = $('user-select').value;
  const user = await api('POST', '/api/dev/sign-in', { userId });
  hideError();
  await startSession(user);
}

async function signOut() {
  await api('POST', '/api/dev/sign-out');
  endSession();
}

/** Signed in (or switched user): reset everything user-specific and open the tab that suits the role. */
async function startSession(user) {
  if (session.user && agent.selectedId) lastSelectedCase.set(session.user.id, agent.selectedId);
  session.user = user;
  resetAgentConsole();
  resetQueue();
  show($('scorecard'), false);

  $('current-user').textContent = `Signed in as ${user.name} · ${humanize(user.role)}`;
  show($('current-user'), true);
  show($('sign-out'), true);
  show($('sign-in-form'), false); // one way out: Sign out brings the sign-in back
  document.body.classList.add('signed-in');
  show($('welcome'), false);
  show($('tabs'), true);
  if ([...$('user-select').options].some((o) => o.value === user.id)) $('user-select').value = user.id;

  const approver = ['TeamLead', 'Manager'].includes(user.role);
  show($('whatif-card'), approver); // the server refuses the what-if to other roles too
  activateTab(approver ? 'approver' : 'agent');

  await loadCases();
  const remembered = lastSelectedCase.get(user.id);
  if (remembered && agent.cases.some((c) => c.id === remembered) && session.tab === 'agent') {
    await selectCase(remembered);
  }
}

/** Signed out: stop polling and show the welcome panel. */
function endSession() {
  if (session.user && agent.selectedId) lastSelectedCase.set(session.user.id, agent.selectedId);
  session.user = null;
  session.tab = null;
  casePoller.stop();
  queuePoller.stop();
  resetAgentConsole();
  resetQueue();
  show($('current-user'), false);
  show($('sign-out'), false);
  show($('sign-in-form'), true);
  document.body.classList.remove('signed-in');
  show($('tabs'), false);
  show($('welcome'), true);
  for (const panel of document.querySelectorAll('.panel')) show(panel, false);
}

/** Shows one tab; only the visible tab polls. */
function activateTab(name) {
  session.tab = name;
  for (const tab of document.querySelectorAll('.tab')) {
    const active = tab.dataset.tab === name;
    tab.setAttribute('aria-selected', String(active));
    tab.classList.toggle('active', active);
  }
  show($('panel-agent'), name === 'agent');
  show($('panel-approver'), name === 'approver');
  show($('panel-coaching'), name === 'coaching');
  show($('panel-policy'), name === 'policy');

  casePoller.stop();
  queuePoller.stop();
  if (name === 'agent') {
    if (agent.selectedId) casePoller.start({ immediate: true });
  } else if (name === 'approver') {
    queuePoller.start({ immediate: true });
  } else if (name === 'coaching') {
    renderReviewContext();
    run($('metrics-refresh'), loadMetrics);
  } else if (name === 'policy') {
    run(null, loadPolicy);
  }
}

/* ================================ 5. Agent console ================================ */

const agent = {
  cases: [],
  casesLoaded: false, // so "You own no cases" only shows after the list was actually read
  selectedId: null,
  caseView: null,
  timeline: [],
  decision: null,   // the last DecisionView shown
  proposal: null,   // the request that decision was for; Grant / Request approval send exactly this
  grantKey: null,   // idempotency key of that proposal's grant (see checkProposal)
  turns: new Map(), // `${userId}|${caseId}` → [{speaker, text}]
  nudges: [],
};

function resetAgentConsole() {
  casePoller.stop();
  agent.cases = [];
  agent.casesLoaded = false;
  agent.selectedId = null;
  agent.caseView = null;
  agent.timeline = [];
  renderCaseList();
  clearDecision();
  renderCase();
}

/* ---- case list ---- */

async function loadCases() {
  if (!session.user) return;
  agent.cases = await api('GET', '/api/cases');
  agent.casesLoaded = true;
  renderCaseList();
}

function renderCaseList() {
  const list = $('case-list');
  fill(list, ...agent.cases.map((c) => el('li', {},
    el('button', {
      type: 'button',
      class: `case-item${c.id === agent.selectedId ? ' selected' : ''}`,
      'data-testid': `case-item-${c.id}`,
      'aria-current': c.id === agent.selectedId ? 'true' : null,
      onclick: () => run(null, () => selectCase(c.id)),
    },
    el('span', { class: 'case-item-top' },
      el('span', { class: 'mono case-item-id', text: c.id, title: c.id }),
      priorityBadge(c.priority)),
    el('span', { class: 'case-item-subject', text: c.subject || '(no subject)' }),
    el('span', { class: 'case-item-bottom' },
      stateBadge(c.state),
      el('span', { class: 'muted small', text: c.customerId })),
    ))));
  show($('case-list-empty'), agent.casesLoaded && agent.cases.length === 0);
}

function stateBadge(state, testId) {
  return el('span', { class: `badge state-${state}`, 'data-testid': testId, 'data-state': state, text: humanize(state) });
}

function priorityBadge(priority) {
  return el('span', { class: `badge priority priority-${priority}`, text: priority });
}

/* ---- open a case ---- */

async function openCase() {
  const body = {
    customerId: $('new-case-customer').value.trim() || null,
    subject: $('new-case-subject').value.trim() || null,
    priority: $('new-case-priority').value,
  };
  const created = await api('POST', '/api/cases', body);
  $('new-case-customer').value = '';
  $('new-case-subject').value = '';
  $('new-case-priority').value = 'Normal';
  flash(`Opened case ${created.id} for ${created.customerId}.`);
  await loadCases();
  await selectCase(created.id);
}

/* ---- case detail ---- */

async function selectCase(caseId) {
  if (agent.selectedId !== caseId) {
    agent.selectedId = caseId;
    agent.caseView = null;
    agent.timeline = [];
    clearDecision();
    agent.nudges = [];
  }
  renderCaseList();
  renderCase();
  renderConversation();
  await refreshCase();
  if (session.tab === 'agent') casePoller.start();
}

/**
 * Reads the selected case and its timeline. A poll answer that arrives after the user picked
 * another case, or that is older than what a command already returned, is dropped.
 */
async function refreshCase({ fromPoll = false } = {}) {
  const caseId = agent.selectedId;
  if (!caseId) return;
  const [view, timeline] = await Promise.all([
    api('GET', `/api/cases/${enc(caseId)}`),
    api('GET', `/api/cases/${enc(caseId)}/timeline`),
  ]);
  if (agent.selectedId !== caseId) return;
  const previous = agent.caseView;
  if (previous && previous.id === caseId && view.version < previous.version) return;

  agent.caseView = view;
  agent.timeline = timeline;
  renderCase();
  $('case-sync').textContent = `updated ${timeFormat.format(Date.now())}`;

  // A decision on screen was true for the case as it was: after any change it is asked again,
  // so the reasons and the headroom never show money that is already spent.
  if (!previous || previous.id !== caseId || previous.version !== view.version) await recheck();

  // Someone else moved the case (an approver, the SLA monitor): the list's badge is stale too.
  if (fromPoll && previous && previous.version !== view.version) await loadCases();
}

/** A command answered the new case: show it at once instead of waiting for the next poll. */
async function applyCase(view) {
  if (view && view.id === agent.selectedId) {
    agent.caseView = view;
    renderCase();
  }
  await Promise.all([loadCases(), refreshCase()]);
}

function renderCase() {
  const c = agent.caseView;
  show($('no-case'), !agent.selectedId);
  show($('case-detail'), Boolean(agent.selectedId));
  syncControls();
  if (!c) {
    if (agent.selectedId) {
      $('case-id').textContent = agent.selectedId;
      $('case-subject').textContent = 'Loading…';
    }
    $('case-state').textContent = '';
    fill($('timeline'));
    show($('pending-approval'), false);
    show($('approval-outcome'), false);
    return;
  }

  $('case-id').textContent = c.id;
  $('case-subject').textContent = c.subject || '(no subject)';
  const stateNode = $('case-state');
  stateNode.textContent = humanize(c.state);
  stateNode.dataset.state = c.state; // the enum value, for tests and styles
  stateNode.className = `badge state-${c.state}`;
  const prio = $('case-priority');
  prio.textContent = `${c.priority} priority`;
  prio.className = `badge priority priority-${c.priority}`;

  $('case-customer').textContent = c.customerId;
  $('case-level').textContent = humanize(c.levelName);
  $('case-owner').textContent = actor(c.owner);
  $('case-handler').textContent = c.handler ? actor(c.handler) : 'waiting for an approver';
  fill($('case-tech'), el('summary', { text: 'Details' }),
    el('div', { class: 'mono small' }, 'Version ', el('span', { 'data-testid': 'case-version', text: String(c.version) })),
    el('div', { class: 'mono small', text: `State ${c.state} · level ${c.level}` }),
    el('div', { class: 'mono small', text: `Moves permitted now: ${(c.moves && c.moves.permitted || []).join(', ') || 'none'}` }));
  fill($('case-next-due'), c.nextDueAt ? timeEl(c.nextDueAt) : el('span', { class: 'muted', text: 'none' }));

  renderPendingApproval(c.pendingApproval);
  renderApprovalOutcome(c.lastApproval);
  renderTimeline();
}

function renderPendingApproval(p) {
  const box = $('pending-approval');
  show(box, Boolean(p));
  if (!p) { fill(box); return; }
  fill(box,
    el('div', { class: 'notice-title', 'data-testid': 'pending-sentence' },
      `${p.requestedBy} asked for ${humanize(p.action).toLowerCase()} of ${money(p.amount)}. `,
      `It needs ${roleWithArticle(p.requiredApproverRole)} to approve it.`),
    el('div', { class: 'notice-grid' },
      el('span', {}, el('span', { class: 'muted', text: 'Asked ' }), timeEl(p.requestedAt)),
      el('span', {}, el('span', { class: 'muted', text: 'Time left for the decision ' }), p.dueAt ? countdownEl(p.dueAt, 'pending-countdown') : 'no deadline')),
    detailsEl('pending-details', p.decisionSummary, `Approval ${p.approvalId}`),
  );
}

function renderApprovalOutcome(a) {
  const box = $('approval-outcome');
  show(box, Boolean(a));
  if (!a) { fill(box); return; }
  const approved = a.outcome === 'Approved';
  box.className = `notice ${approved ? 'notice-ok' : 'notice-bad'}`;
  const headline = approved
    ? el('div', { class: 'notice-title', text: `Approved by ${a.by}. The money is granted and the case is back with its owner.` })
    : el('div', { class: 'notice-title', text: `Rejected by ${a.by}: ${a.note || 'no reason given'}` });
  fill(box,
    headline,
    el('div', { class: 'muted small' }, timeEl(a.at), approved && a.note ? ` · ${a.note}` : ''),
    detailsEl('approval-details', a.grantId ? `Grant ${a.grantId}` : null),
  );
}

/* ---- timeline ---- */

const timerWords = { Response: 'first response', Resolution: 'resolution', Approval: 'approval decision' };

/** One timeline entry as a sentence an agent reads; the trigger and states stay in its details. */
function describeEvent(e) {
  const by = who(e.actor);
  const timer = timerWords[e.timer] || 'deadline';
  switch (e.kind) {
    case 'Opened': return `${by === 'the system' ? 'The case was opened' : `${by} opened the case`}`;
    case 'Note': return `${by} added a note`;
    case 'SlaWarning': return `The ${timer} deadline is close`;
    case 'SlaBreach': return `The ${timer} deadline passed`;
    case 'Transition':
      switch (e.trigger) {
        case 'Assign': return `${by} took the case`;
        case 'RequestApproval': return `${by} asked for approval`;
        case 'Approve': return `${by} approved the request; the case is back with its owner`;
        case 'Reject': return `${by} rejected the request`;
        case 'RerouteApproval': return 'Nobody decided in time: the request went to the next approver';
        case 'Escalate': return `${by} passed the case up to ${e.level > 0 ? 'the next level' : 'a supervisor'}`;
        case 'ReturnToOwner': return `${by} handed the case back to its owner`;
        case 'AwaitCustomer': return `${by} is waiting for the customer`;
        case 'CustomerReplied': return 'The customer replied';
        case 'Resolve': return `${by} resolved the case`;
        case 'Close': return `${by} closed the case`;
        case 'Reopen': return `${by} reopened the case`;
        default: return humanize(e.trigger);
      }
    default: return humanize(e.kind);
  }
}

function renderTimeline() {
  const entries = [...agent.timeline].sort((a, b) => b.sequence - a.sequence);
  fill($('timeline'), ...entries.map((e) => el('li', { class: `tl tl-${e.kind}` },
    el('div', { class: 'tl-head' },
      el('span', { class: 'tl-what', text: describeEvent(e) }),
      timeEl(e.at)),
    e.reason ? el('div', { class: 'tl-line muted small', text: `Why: ${humanize(e.reason).toLowerCase()}` }) : null,
    e.note ? el('div', { class: 'tl-line', text: plainNote(e.note) }) : null,
    detailsEl(`timeline-details-${e.sequence}`,
      e.kind === 'Transition' ? `${e.trigger}: ${e.fromState} → ${e.toState}, level ${e.level}` : e.kind,
      e.actor ? `by ${e.actor.id} (${e.actor.role})` : null,
      e.detail, e.approvalId ? `Approval ${e.approvalId}` : null, e.grantId ? `Grant ${e.grantId}` : null),
  )));
}

/** A grant note reads "Granted Refund 60 USD (grant 01ab…)": the id goes to the details. */
function plainNote(note) {
  return String(note).replace(/\s*\(grant [0-9a-f]{16,}\)/i, '');
}

/* ---- resolution: check, grant, request approval, resolve ---- */

/** What the form asks for, or null (with the banner) when the amount is not a number. */
function readProposal() {
  const raw = $('amount-input').value.trim();
  const amount = Number(raw);
  if (raw === '' || !Number.isFinite(amount)) {
    showProblem({ title: 'The request is not valid.', detail: 'Enter the amount of the resolution.', errors: { amount: ['Enter a number, e.g. 40 or 12.50.'] } });
    $('amount-input').focus();
    return null;
  }
  const proposal = { action: $('action-select').value, amount };
  const codes = $('reason-codes').value.split(',').map((s) => s.trim()).filter(Boolean);
  if (codes.length) proposal.reasonCodes = codes;
  const segment = $('segment-input').value.trim();
  if (segment) proposal.customerSegment = segment;
  return proposal;
}

async function checkProposal() {
  const caseId = agent.selectedId;
  const proposal = readProposal();
  if (!caseId || !proposal) return;
  const decision = await api('POST', `/api/cases/${enc(caseId)}/proposals`, proposal);
  if (agent.selectedId !== caseId) return;
  hideError();
  agent.decision = decision;
  agent.proposal = proposal;
  // One key per checked proposal: if a Grant's answer is lost and it is clicked again, the
  // server replays the first grant instead of charging twice. A new Check makes a new key.
  agent.grantKey = `${caseId}:${randomKey()}`;
  show($('grant-result'), false);
  renderDecision();
}

/**
 * Asks the shown proposal again against the case as it is now (after a grant, an approval, a
 * poll that saw a change), so the decision, its reasons and the headroom are never stale. A case
 * that no longer takes resolutions drops the decision instead.
 */
async function recheck() {
  const caseId = agent.selectedId;
  const proposal = agent.proposal;
  if (!caseId || !proposal || !agent.decision) return;
  if (!(agent.caseView && agent.caseView.moves && agent.caseView.moves.check)) {
    clearDecision();
    return;
  }
  const decision = await api('POST', `/api/cases/${enc(caseId)}/proposals`, proposal);
  if (agent.selectedId !== caseId || agent.proposal !== proposal) return;
  agent.decision = decision;
  agent.grantKey = `${caseId}:${randomKey()}`; // a new decision is a new grant, never a replay of the last
  renderDecision();
}

function clearDecision() {
  agent.decision = null;
  agent.proposal = null;
  agent.grantKey = null;
  show($('decision'), false);
  show($('grant-result'), false);
}

function outcomeText(d) {
  if (d.outcome === 'Allowed') return 'Allowed';
  if (d.outcome === 'RequiresApproval') return `Requires approval by ${d.requiredApproverRole ? roleWithArticle(d.requiredApproverRole) : 'an approver'}`;
  return humanize(d.outcome);
}

function renderDecision() {
  const d = agent.decision;
  show($('decision'), Boolean(d));
  if (!d) return;

  const outcome = $('decision-outcome');
  outcome.className = `outcome outcome-${d.outcome}`;
  fill(outcome,
    el('span', { class: 'outcome-text', text: outcomeText(d) }),
    el('span', { class: 'outcome-sub', text: `${humanize(d.action)} ${money(d.amount, d.currency)}` }));

  show($('grant-button'), d.outcome === 'Allowed');
  show($('request-approval-button'), d.outcome === 'RequiresApproval');
  syncControls();

  fill($('decision-reasons'), ...(d.reasons || []).map((r) => el('li', { class: r.passed ? 'pass' : 'fail' },
    el('span', { class: 'mark', 'aria-label': r.passed ? 'passed' : 'failed', text: r.passed ? '✓' : '✗' }),
    el('div', {},
      el('div', { text: r.message }),
      detailsEl('reason-details', r.configurationPath, `Policy version ${d.policyVersion}`)))));
  if (!d.reasons || d.reasons.length === 0) $('decision-reasons').append(el('li', { class: 'muted', text: 'No reasons given.' }));

  renderHeadroom(d.headroom || [], d.currency);
}

function renderHeadroom(rows, currency) {
  const authority = (h) => {
    if (!h.hasAuthority) return el('span', { class: 'tag tag-warn', text: 'needs approval' });
    if (h.amount === 0 || h.count === 0) return el('span', { class: 'tag tag-bad', text: 'used up' });
    if (h.amount === null || h.amount === undefined) return el('span', { class: 'tag tag-ok', text: 'no amount limit' });
    return el('span', { class: 'tag tag-ok', text: `up to ${money(h.amount, currency)}` });
  };
  const count = (h) => (h.count === null || h.count === undefined ? el('span', { class: 'muted', text: 'no limit' }) : String(h.count));
  fill($('headroom').tBodies[0], ...rows.map((h) => el('tr', {},
    el('td', { text: humanize(h.action) }),
    el('td', {}, authority(h)),
    el('td', { class: 'num' }, count(h)))));
}

async function grant() {
  const caseId = agent.selectedId;
  if (!caseId || !agent.proposal) return;
  const note = $('resolution-note').value.trim();
  const body = { ...agent.proposal, idempotencyKey: agent.grantKey, note: note || undefined };
  const result = await api('POST', `/api/cases/${enc(caseId)}/grants`, body);
  const box = $('grant-result');
  if (result.granted && result.grant) {
    const g = result.grant;
    box.className = 'grant-result ok';
    fill(box,
      el('b', { text: `Granted ${humanize(g.action).toLowerCase()} of ${money(g.amount, g.currency)}.` }),
      result.replay ? el('span', { class: 'muted', text: ' It had already been granted: nothing was charged twice.' }) : null,
      detailsEl('grant-details', `Grant ${g.grantId}`));
    $('resolution-note').value = '';
    flash(`Granted ${humanize(g.action).toLowerCase()} of ${money(g.amount, g.currency)} on ${caseId}.`);
  } else {
    box.className = 'grant-result bad';
    fill(box, el('b', { text: 'Not granted.' }), ' ', result.decision ? outcomeText(result.decision) : '');
    if (result.decision) { agent.decision = result.decision; renderDecision(); }
  }
  show(box, true);
  // The grant is noted on the case (a new version), and it used up authority: refreshCase asks
  // the decision again, so the reasons and the headroom below show what is left now.
  await Promise.all([loadCases(), refreshCase()]);
}

async function requestApproval() {
  const caseId = agent.selectedId;
  if (!caseId || !agent.proposal || !agent.caseView) return;
  const note = $('resolution-note').value.trim();
  const body = { ...agent.proposal, note: note || undefined, expectedVersion: agent.caseView.version };
  try {
    const view = await api('POST', `/api/cases/${enc(caseId)}/approval-requests`, body);
    clearDecision();
    $('resolution-note').value = '';
    flash(`Sent ${caseId} to ${view.pendingApproval ? roleWithArticle(view.pendingApproval.requiredApproverRole) : 'an approver'} for approval.`);
    await applyCase(view);
  } catch (err) {
    await refreshAfterConflict(err);
    throw err;
  }
}

async function resolveCase() {
  const c = agent.caseView;
  if (!c) return;
  const note = $('resolve-note').value.trim();
  try {
    const view = await api('POST', `/api/cases/${enc(c.id)}/resolve`, { note: note || undefined, expectedVersion: c.version });
    $('resolve-note').value = '';
    flash(`Case ${c.id} is ${view.state}.`);
    await applyCase(view);
  } catch (err) {
    await refreshAfterConflict(err);
    throw err;
  }
}

/** After a version conflict, show the case as it is now so a retry uses the current version. */
async function refreshAfterConflict(err) {
  if (err instanceof ApiError && err.code === 'concurrency-conflict') {
    try { await refreshCase(); } catch { /* the original error is what the user needs to see */ }
  }
}

/* ---- live coaching ---- */

function conversationKey(caseId = agent.selectedId) {
  return `${session.user ? session.user.id : ''}|${caseId}`;
}

function currentTurns() {
  const key = conversationKey();
  if (!agent.turns.has(key)) agent.turns.set(key, []);
  return agent.turns.get(key);
}

function renderConversation() {
  const turns = agent.selectedId ? currentTurns() : [];
  const transcript = $('transcript');
  fill(transcript, ...turns.map((t, i) => el('li', { class: `turn turn-${t.speaker}` },
    el('span', { class: 'turn-who', text: `${i + 1}. ${t.speaker}` }),
    el('span', { class: 'turn-text', text: t.text }))));
  if (turns.length === 0) transcript.append(el('li', { class: 'muted small empty-line', text: 'No turns yet. Type what the customer and you say as the conversation goes.' }));
  transcript.scrollTop = transcript.scrollHeight;
  renderNudges();
}

function renderNudges() {
  const list = $('nudges');
  if (!agent.nudges.length) {
    const turns = agent.selectedId ? currentTurns() : [];
    fill(list);
    if (turns.length) list.append(el('li', { class: 'muted small empty-line', text: 'No nudges for the latest turn.' }));
    return;
  }
  fill(list, ...agent.nudges.map((n) => el('li', { class: `nudge${n.priority >= 80 ? ' nudge-high' : ''}` },
    el('div', { class: 'nudge-head' },
      el('b', { text: humanize(n.kind) }),
      el('span', { class: 'muted small', text: `turn ${n.turn}` })),
    el('div', { text: n.message }))));
}

async function addTurn() {
  const caseId = agent.selectedId;
  const text = $('nudge-text').value.trim();
  if (!caseId) return;
  if (!text) { $('nudge-text').focus(); return; }

  const turns = currentTurns();
  const turn = { speaker: $('nudge-speaker').value, text };
  turns.push(turn);
  $('nudge-text').value = '';
  renderConversation();
  try {
    const body = { turns };
    const segment = $('segment-input').value.trim();
    if (segment) body.customerSegment = segment;
    const nudges = await api('POST', `/api/cases/${enc(caseId)}/nudges`, body);
    if (agent.selectedId !== caseId) return;
    agent.nudges = dedupeNudges(nudges || []);
    renderNudges();
    // Alternate speakers by default: after the customer speaks, the agent usually answers.
    $('nudge-speaker').value = turn.speaker === 'Customer' ? 'Agent' : 'Customer';
    $('nudge-text').focus();
  } catch (err) {
    // The server refused the turn: take it back out and give the text back for editing.
    const index = turns.lastIndexOf(turn);
    if (index >= 0) turns.splice(index, 1);
    $('nudge-text').value = text;
    renderConversation();
    throw err;
  }
}

/** The server can return the same nudge more than once (replaying the conversation); show each once. */
function dedupeNudges(nudges) {
  const seen = new Set();
  return nudges.filter((n) => {
    const key = `${n.kind}|${n.turn}|${n.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function clearConversation() {
  if (!agent.selectedId) return;
  agent.turns.set(conversationKey(), []);
  agent.nudges = [];
  renderConversation();
}

/* ================================ 6. Approver queue ================================ */

const queue = {
  rows: new Map(), // caseId → { row, item, refs }
};

function resetQueue() {
  queue.rows.clear();
  fill($('queue-body'));
  show($('queue-empty'), false);
  show($('queue-table'), false);
  $('queue-meta').textContent = '';
}

async function loadQueue() {
  if (!session.user) return;
  const answer = await api('GET', '/api/approvals');
  clock.fromServerNow(answer.now, receivedTimes.get(answer) ?? Date.now());
  renderQueue(answer);
}

/**
 * Updates the table in place, keyed by case id: rows are added, updated and removed, but an
 * existing row is never rebuilt, so a reject reason being typed survives the 5-second poll.
 */
function renderQueue(answer) {
  const items = answer.items || [];
  const body = $('queue-body');
  const present = new Set(items.map((i) => i.caseId));

  for (const [caseId, entry] of queue.rows) {
    if (!present.has(caseId)) { entry.row.remove(); queue.rows.delete(caseId); }
  }
  items.forEach((item, index) => {
    let entry = queue.rows.get(item.caseId);
    if (!entry) {
      entry = createQueueRow(item);
      queue.rows.set(item.caseId, entry);
    }
    updateQueueRow(entry, item);
    // Move only rows that are out of place (moving a row would take focus from its input).
    if (body.children[index] !== entry.row) body.insertBefore(entry.row, body.children[index] || null);
  });

  show($('queue-table'), items.length > 0);
  show($('queue-empty'), items.length === 0);
  $('queue-meta').textContent = `${items.length} waiting · as ${answer.role} · updated ${timeFormat.format(Date.now())}`;
}

function createQueueRow(item) {
  const refs = {
    id: el('span', { class: 'mono' }),
    priority: el('span'),
    subject: el('div', { class: 'q-subject' }),
    summaryText: el('div', { class: 'mono small' }),
    summary: el('details', { class: 'tech q-summary' }, el('summary', { text: 'Details' })),
    customer: el('td', { class: 'mono' }),
    resolution: el('td', { class: 'q-resolution' }),
    requestedBy: el('td'),
    level: el('td'),
    countdown: countdownEl(item.dueAt),
    approve: el('button', { type: 'button', class: 'success small-button', 'data-testid': 'approve-button', text: 'Approve' }),
    reject: el('button', { type: 'button', class: 'danger-outline small-button', 'data-testid': 'reject-button', text: 'Reject' }),
    own: el('span', { class: 'tag tag-muted', text: 'your request', title: 'four-eyes rule' }),
    rejectBox: el('div', { class: 'reject-box', hidden: true }),
    reason: el('input', { type: 'text', 'data-testid': 'reject-reason', placeholder: 'Reason for the agent', 'aria-label': 'Reason for rejecting' }),
    confirm: el('button', { type: 'button', class: 'danger small-button', 'data-testid': 'reject-confirm', text: 'Confirm reject' }),
    cancel: el('button', { type: 'button', class: 'link-button', text: 'Cancel' }),
  };
  refs.rejectBox.append(refs.reason, refs.confirm, refs.cancel);

  const row = el('tr', { 'data-testid': `queue-item-${item.caseId}` },
    el('td', {}, el('div', {}, refs.id), refs.priority),
    el('td', {}, refs.subject, refs.summary),
    refs.customer,
    refs.resolution,
    refs.requestedBy,
    refs.level,
    el('td', {}, refs.countdown),
    el('td', { class: 'actions-col' },
      el('div', { class: 'row-actions' }, refs.approve, refs.reject, refs.own),
      refs.rejectBox));

  const entry = { row, item, refs };
  refs.approve.addEventListener('click', () => run(refs.approve, () => approve(entry)));
  refs.reject.addEventListener('click', () => toggleReject(entry, true));
  refs.cancel.addEventListener('click', () => toggleReject(entry, false));
  refs.confirm.addEventListener('click', () => run(refs.confirm, () => reject(entry)));
  refs.reason.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') { e.preventDefault(); refs.confirm.click(); }
    if (e.key === 'Escape') toggleReject(entry, false);
  });
  return entry;
}

function updateQueueRow(entry, item) {
  entry.item = item; // the newest version is what approve/reject send as expectedVersion
  const { refs } = entry;
  refs.id.textContent = item.caseId;
  fill(refs.priority, priorityBadge(item.priority));
  refs.subject.textContent = item.subject || '(no subject)';
  if (!refs.summaryText.parentNode) refs.summary.append(refs.summaryText);
  refs.summaryText.textContent = item.decisionSummary || '';
  refs.customer.textContent = item.customerId;
  fill(refs.resolution, el('b', { text: money(item.amount) }), ' ', humanize(item.action));
  fill(refs.requestedBy, item.requestedBy, el('div', { class: 'muted small' }, timeEl(item.requestedAt)));
  refs.level.textContent = item.levelName;
  refs.countdown.dataset.due = item.dueAt || '';
  updateCountdown(refs.countdown);

  // Four-eyes rule: the server refuses an approver's own request, so the buttons say so up front.
  const own = Boolean(item.isOwnRequest);
  for (const button of [refs.approve, refs.reject]) {
    setEnabled(button, !own);
    button.title = own ? 'four-eyes rule' : '';
  }
  refs.approve.parentElement.title = own ? 'four-eyes rule' : '';
  show(refs.own, own);
  if (own) toggleReject(entry, false);
}

function toggleReject(entry, open) {
  const { refs } = entry;
  show(refs.rejectBox, open);
  show(refs.reject, !open);
  if (open) refs.reason.focus();
  else refs.reason.value = '';
}

async function approve(entry) {
  const { item } = entry;
  const result = await api('POST', `/api/approvals/${enc(item.caseId)}/approve`, { expectedVersion: item.version });
  hideError();
  flash(`Approved ${humanize(item.action).toLowerCase()} of ${money(item.amount)} on ${item.caseId}${result.grant ? ' and granted it' : ''}. The case is back with ${item.requestedBy}.`);
  await loadQueue();
}

async function reject(entry) {
  const { item, refs } = entry;
  // The reason is required; an empty one is sent as is and the server names the field.
  const reason = refs.reason.value.trim();
  await api('POST', `/api/approvals/${enc(item.caseId)}/reject`, { reason: reason || null, expectedVersion: item.version });
  hideError();
  flash(`Rejected ${item.caseId}. The case is back with ${item.requestedBy}.`);
  await loadQueue();
}

/* ================================ 7. Coaching review and metrics ================================ */

function renderReviewContext() {
  const node = $('review-context');
  if (!agent.selectedId) {
    node.textContent = 'No case selected. Pick a case in the Agent console and hold the conversation in its Live coaching box first.';
    return;
  }
  const turns = currentTurns();
  node.textContent = `Case ${agent.selectedId} · ${turns.length} turn${turns.length === 1 ? '' : 's'} in its live-coaching conversation.`;
}

function optionalInt(id) {
  const raw = $(id).value.trim();
  return raw === '' ? undefined : Number(raw);
}

async function review() {
  const body = { caseId: agent.selectedId || null, turns: agent.selectedId ? currentTurns() : [] };
  if ($('review-fcr').checked) body.resolvedAtFirstContact = true;
  const survey = { satisfaction: optionalInt('survey-satisfaction'), recommend: optionalInt('survey-recommend'), effort: optionalInt('survey-effort') };
  if (Object.values(survey).some((v) => v !== undefined)) body.survey = survey;

  const scorecard = await api('POST', '/api/coaching/reviews', body);
  hideError();
  renderScorecard(scorecard);
  await loadMetrics(); // the review is now part of the numbers
}

function renderScorecard(s) {
  const box = $('scorecard');
  const criteria = el('table', { class: 'table compact criteria' },
    el('thead', {}, el('tr', {}, el('th', { text: 'Criterion' }), el('th', { class: 'num', text: 'Weight' }), el('th', { text: 'Score' }), el('th', { text: 'Evidence and tip' }))),
    el('tbody', {}, ...(s.criteria || []).map((c) => el('tr', {},
      el('td', { text: humanize(c.criterion) }),
      el('td', { class: 'num', text: String(c.weight) }),
      el('td', {}, scoreBar(c.score)),
      el('td', {},
        ...(c.evidence || []).map((e) => el('div', { class: 'muted small' },
          e.turn ? `turn ${e.turn}: ` : '', e.quote ? el('q', { text: e.quote }) : null, e.quote ? ' — ' : '', e.finding || '')),
        c.tip ? el('div', { class: 'tip', text: c.tip }) : null)))));

  const failures = (s.criticalFailures || []);
  fill(box,
    el('div', { class: 'score-head' },
      el('span', { class: 'score-big', text: String(Math.round(s.score * 10) / 10) }),
      el('span', { class: 'muted', text: '/ 100' }),
      el('span', { class: `badge ${s.passed ? 'state-Resolved' : 'state-Escalated'}`, text: s.passed ? 'Passed' : 'Failed' }),
      el('span', { class: 'muted small', text: `interaction ${s.interactionId}` })),
    failures.length ? el('div', { class: 'notice notice-bad' },
      el('div', { class: 'notice-title', text: 'Critical failures' }),
      el('ul', {}, ...failures.map((f) => el('li', {},
        el('b', { text: humanize(f.item) }), f.evidence ? ` — ${describeEvidence(f.evidence)}` : '',
        f.tip ? el('div', { class: 'tip', text: f.tip }) : null)))) : null,
    criteria);
  show(box, true);
}

function describeEvidence(evidence) {
  const one = (e) => (typeof e === 'string' ? e : [e.turn ? `turn ${e.turn}` : '', e.quote ? `“${e.quote}”` : '', e.finding || ''].filter(Boolean).join(' '));
  return Array.isArray(evidence) ? evidence.map(one).join('; ') : one(evidence);
}

function scoreBar(score) {
  if (score === null || score === undefined) return el('span', { class: 'muted', text: 'n/a', title: 'Not applicable to this conversation' });
  const pct = Math.round(score * 100);
  const tone = pct >= 80 ? 'good' : pct >= 50 ? 'fair' : 'poor';
  return el('span', { class: 'score-cell' },
    el('span', { class: 'bar' }, el('span', { class: `bar-fill ${tone}`, style: `width:${pct}%` })),
    el('span', { class: 'num', text: `${pct}%` }));
}

async function loadMetrics() {
  if (!session.user) return;
  const report = await api('GET', '/api/metrics');
  renderMetrics(report.overall || {});
  await loadTrend();
}

function renderMetrics(o) {
  const value = (m, format) => (m && m.value !== null && m.value !== undefined ? format(m.value) : '—');
  const pct = (v) => `${Math.round(v * 10) / 10}%`;
  const n = (m) => (m && m.count ? `n = ${m.count}` : 'no data yet');
  const turnaround = o.approvalTurnaround || {};
  const cards = [
    ['CSAT', value(o.csat, pct), n(o.csat), 'csat'],
    ['NPS', value(o.nps, (v) => `${v > 0 ? '+' : ''}${Math.round(v)}`), n(o.nps), 'nps'],
    ['CES', value(o.ces, (v) => `${(Math.round(v * 10) / 10).toFixed(1)} / 7`), n(o.ces), 'ces'],
    ['First contact resolution', value(o.firstContactResolution, pct), n(o.firstContactResolution), 'fcr'],
    ['SLA compliance', value(o.slaCompliance, pct), n(o.slaCompliance), 'sla'],
    ['Escalation rate', value(o.escalationRate, pct), o.cases ? 'of cases, escalated or sent for approval' : 'no data yet', 'escalation'],
    ['Approval turnaround (median)', turnaround.median === null || turnaround.median === undefined ? '—' : formatDuration(turnaround.median),
      turnaround.count ? `n = ${turnaround.count}, p90 ${formatDuration(turnaround.percentile90)}` : 'no data yet', 'turnaround'],
  ];
  fill($('metrics'),
    el('div', { class: 'metric-grid' }, ...cards.map(([label, big, sub, key]) => el('div', { class: 'metric', 'data-metric': key },
      el('div', { class: 'metric-label', text: label }),
      el('div', { class: 'metric-value', text: big }),
      el('div', { class: 'metric-sub muted small', text: sub })))),
    el('p', { class: 'muted small', 'data-testid': 'metrics-footer' },
      `${o.interactions ?? 0} reviewed interactions · ${o.cases ?? 0} cases, of which ${wentUp(o)} went up the ladder `,
      `(${o.escalatedCases ?? 0} escalated, ${o.approvalRequestedCases ?? 0} sent for approval) · updated ${timeFormat.format(Date.now())}`));
}

/** The cases the escalation rate counts: escalated or sent for approval, each case once. */
function wentUp(o) {
  const rate = o.escalationRate && o.escalationRate.value;
  return rate === null || rate === undefined || !o.cases ? 0 : Math.round((rate / 100) * o.cases);
}

/* ---- metrics over time, per team or agent ---- */

const trendNames = {
  escalationRate: 'Escalation rate', slaCompliance: 'SLA compliance', firstContactResolution: 'First contact resolution', csat: 'CSAT',
};
// Distinct hues that keep 3:1 contrast on white, with a dash pattern each, so a line is told apart without colour too.
const trendStyles = [['#2458d6', ''], ['#b42323', '6 4'], ['#1c7c4a', '2 3'], ['#9a5b00', '10 3 2 3'], ['#6b3fb3', '1 5']];

function svgEl(tag, attrs = {}, ...children) {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [key, value] of Object.entries(attrs)) if (value !== undefined && value !== null) node.setAttribute(key, value);
  for (const child of children) if (child) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

/* ---- policy what-if: escalations avoided against extra spend ---- */

async function loadPolicyDraft() {
  const draft = await api('GET', '/api/policy/draft');
  $('whatif-policy').value = draft.policy;
}

async function runWhatIf() {
  const view = await api('POST', '/api/policy/what-if', { policy: $('whatif-policy').value });
  renderWhatIf(view.report);
  renderPolicyChanges(view.changes);
}

/** What the edited copy changes, line by line, in the policy's own plain words. */
function renderPolicyChanges(changes) {
  // The version line changes with any edit; it says nothing a team lead needs here.
  const changed = (changes.changed || []).filter((c) => c.key !== 'policy/version');
  const added = changes.added || [], removed = changes.removed || [];
  const items = [
    ...changed.map((c) => el('li', { dataset: { key: c.key } }, el('span', { class: 'change-kind', text: 'Changed' }), ' ', c.oldText, ' → ', el('strong', { text: c.newText }))),
    ...added.map((c) => el('li', { dataset: { key: c.key } }, el('span', { class: 'change-kind', text: 'Added' }), ' ', c.text)),
    ...removed.map((c) => el('li', { dataset: { key: c.key } }, el('span', { class: 'change-kind', text: 'Removed' }), ' ', el('del', { text: c.text }))),
  ];
  fill($('whatif-changes'), el('h3', { text: 'What this copy changes' }),
    items.length ? el('ul', { class: 'policy-list' }, ...items) : el('p', { class: 'empty', text: 'Nothing: this copy is the policy in force.' }));
  show($('whatif-changes'), true);
}

/* ---- the policy in force, in plain words ---- */

/** A policy's window ("30.00:00:00", "04:00:00") in words: "30 days", "4 h", "1 day 12 h". */
function durationText(span) {
  const seconds = timeSpanSeconds(span);
  if (seconds === null) return String(span);
  const days = Math.floor(seconds / 86400), hours = Math.floor((seconds % 86400) / 3600), minutes = Math.floor((seconds % 3600) / 60);
  const parts = [];
  if (days) parts.push(days === 1 ? '1 day' : `${days} days`);
  if (hours) parts.push(`${hours} h`);
  if (minutes) parts.push(`${minutes} min`);
  return parts.join(' ') || '0 min';
}

function grants(n) { return n === 1 ? '1 grant' : `${n} grants`; }

/** An amount in an action's unit: money in the policy's currency, a count of grants, or a named quantity. */
function quantity(value, unit, currency) {
  if (unit === currency) return money(value, currency);
  if (unit === 'grants') return grants(value);
  return `${value} ${unit}`;
}

function authorityText(a, currency) {
  if (!a.hasAuthority) return 'None: every request needs approval';
  if (a.unlimited) return 'No limit';
  const parts = [];
  if (a.perIncidentAmount !== null && a.perIncidentAmount !== undefined) parts.push(`up to ${quantity(a.perIncidentAmount, a.unit, currency)}`);
  if (a.perIncidentCount !== null && a.perIncidentCount !== undefined) parts.push(`at most ${grants(a.perIncidentCount)}`);
  return parts.length ? `${parts.join(' and ')} per incident` : 'No limit per incident';
}

function budgetText(b, unit, currency) {
  const parts = [];
  if (b.amount !== null && b.amount !== undefined) parts.push(`up to ${quantity(b.amount, unit, currency)}`);
  if (b.count !== null && b.count !== undefined) parts.push(`at most ${grants(b.count)}`);
  const whose = b.scope === 'PerCustomer' ? 'per customer' : 'per agent';
  const window = b.window === 'Rolling' ? `in any ${durationText(b.length)}` : `per calendar ${b.window.toLowerCase()}`;
  return `${parts.join(' and ')} ${whose} ${window}`;
}

/** "Name: rest" lines of the description, without the name the page already shows. */
function afterName(text, name) {
  const rest = text.startsWith(`${name}: `) ? text.slice(name.length + 2) : text;
  return rest.charAt(0).toUpperCase() + rest.slice(1);
}

async function loadPolicy() {
  renderPolicy(await api('GET', '/api/policy'));
}

function renderPolicy(policy) {
  const currency = policy.currency;
  $('policy-version').textContent = `Version ${policy.version.slice(0, 8)} · amounts in ${currency}`;
  $('policy-version').title = `Policy version ${policy.version}: every decision records the version it was made under.`;

  // Actions down, roles across (lowest rank first), so a row reads as "who may do how much".
  const roles = policy.roles;
  const actions = roles.length ? roles[0].actions.map((a) => ({ name: a.action, display: a.actionDisplayName })) : [];
  const head = el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'Action' }),
    ...roles.map((r) => el('th', { scope: 'col', dataset: { role: r.name } }, r.displayName, r.isBot ? el('span', { class: 'muted small', text: ' (bot)' }) : null))));
  const body = el('tbody', {}, ...actions.map((action, i) => el('tr', { dataset: { action: action.name } },
    el('th', { scope: 'row', text: action.display }),
    ...roles.map((r) => {
      const a = r.actions[i];
      return el('td', { class: a.hasAuthority ? '' : 'no-authority', dataset: { role: r.name, action: a.action } },
        el('div', { class: 'limit', text: authorityText(a, currency) }),
        a.budgets.length ? el('ul', { class: 'budgets' }, ...a.budgets.map((b) => el('li', { text: budgetText(b, a.unit, currency) }))) : null);
    }))));
  fill($('policy-matrix'), el('caption', { class: 'sr-only', text: 'Each role\'s authority per action, per incident and over time' }), head, body);

  fill($('policy-conditions'), policy.conditions.length
    ? policy.conditions.map((c) => el('li', { dataset: { condition: c.name } },
      el('strong', { text: humanize(c.name) }), c.description ? ` ${c.description}` : null,
      el('div', { class: 'muted small', text: afterName(c.text, c.name) })))
    : el('li', { class: 'empty', text: 'No rules: the limits above apply as they are.' }));

  const targets = (level) => policy.lines.filter((l) => l.key.startsWith(`ladder/${level.name}/targets/`)).map((l) => l.text.replace(/^Level \d+, /, ''));
  fill($('policy-ladder'), policy.ladder.length
    ? policy.ladder.map((level) => el('li', { dataset: { level: level.name } },
      el('strong', { text: `Level ${level.level} · ${level.displayName}` }),
      `: ${afterName(level.text, `Level ${level.level} ${level.displayName === level.name ? level.name : `${level.displayName} (${level.name})`}`)}`,
      targets(level).length ? el('div', { class: 'muted small', text: targets(level).join(' · ') }) : null))
    : el('li', { class: 'empty', text: 'No escalation ladder is configured.' }));

  // Every line with its stable key, for whoever compares versions (customercraft diff prints the same).
  fill($('policy-lines'), el('summary', { text: 'Every line, with its key' }),
    el('div', {}, el('table', { class: 'table compact' }, el('tbody', {}, ...policy.lines.map((l) => el('tr', {},
      el('td', { class: 'mono small', text: l.key }), el('td', { text: l.text })))))));
}

function renderWhatIf(report) {
  const t = report.totals;
  const currency = report.currency;
  const sign = (v) => (v > 0 ? `+${money(v, currency)}` : money(v, currency));
  const summary = `Replayed ${report.recordsRead} decision${report.recordsRead === 1 ? '' : 's'}: ${t.escalationsAvoided} escalation${t.escalationsAvoided === 1 ? '' : 's'} avoided, extra spend ${sign(t.extraSpend)}`
    + (t.additionalDenials ? `, ${t.additionalDenials} more denials` : '')
    + (report.unreplayableCount ? `; ${report.unreplayableCount} could not be replayed` : '');
  const rows = (report.rows || []).filter((r) => r.requests > 0);
  if (rows.length === 0) {
    fill($('whatif'), el('p', { class: 'empty', 'data-testid': 'whatif-empty', text: `${summary}. No decisions to chart yet.` }));
    return;
  }
  // One row per role and action: escalations avoided on the left scale, extra spend on the right,
  // each bar labelled with its number so that the chart reads without colour.
  const width = 640, rowHeight = 34, top = 26, labelWidth = 170, half = (width - labelWidth - 20) / 2;
  const height = top + rows.length * rowHeight + 8;
  const maxAvoided = Math.max(1, ...rows.map((r) => Math.abs(r.escalationsAvoided)));
  const maxSpend = Math.max(1, ...rows.map((r) => Math.abs(r.extraSpend)));
  const bars = rows.map((r, i) => {
    const y = top + i * rowHeight;
    const avoided = (Math.abs(r.escalationsAvoided) / maxAvoided) * (half - 60);
    const spend = (Math.abs(r.extraSpend) / maxSpend) * (half - 70);
    const x0 = labelWidth, x1 = labelWidth + half + 10;
    return svgEl('g', { 'data-row': `${r.role}:${r.action}` },
      svgEl('text', { x: labelWidth - 8, y: y + 18, 'text-anchor': 'end', class: 'axis' }, `${humanize(r.role)} · ${humanize(r.action)}`),
      svgEl('rect', { x: x0, y: y + 6, width: Math.max(1, avoided), height: 16, class: 'bar-avoided', 'data-value': r.escalationsAvoided }),
      svgEl('text', { x: x0 + Math.max(1, avoided) + 4, y: y + 18, class: 'axis' }, String(r.escalationsAvoided)),
      svgEl('rect', { x: x1, y: y + 6, width: Math.max(1, spend), height: 16, class: 'bar-spend', 'data-value': r.extraSpend }),
      svgEl('text', { x: x1 + Math.max(1, spend) + 4, y: y + 18, class: 'axis' }, sign(r.extraSpend)));
  });
  const heads = [
    svgEl('text', { x: labelWidth, y: 14, class: 'axis' }, 'Escalations avoided'),
    svgEl('text', { x: labelWidth + half + 10, y: 14, class: 'axis' }, 'Extra spend'),
  ];
  const chart = svgEl('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `${summary}.`, 'data-testid': 'whatif-chart', class: 'trend-chart' }, ...heads, ...bars);
  const table = el('details', { class: 'tech', 'data-testid': 'whatif-numbers' }, el('summary', { text: 'The numbers' }),
    el('table', {},
      el('thead', {}, el('tr', {}, ...['Role', 'Action', 'Decisions', 'Escalations before', 'after', 'Spend before', 'after'].map((h) => el('th', { scope: 'col', text: h })))),
      el('tbody', {}, ...rows.map((r) => el('tr', {},
        el('td', { text: humanize(r.role) }), el('td', { text: humanize(r.action) }), el('td', { text: String(r.requests) }),
        el('td', { text: String(r.escalationsBefore) }), el('td', { text: String(r.escalationsAfter) }),
        el('td', { text: money(r.spendBefore, currency) }), el('td', { text: money(r.spendAfter, currency) }))))));
  fill($('whatif'), el('p', { class: 'chart-title', 'data-testid': 'whatif-summary', text: `${summary}.` }), chart, table);
}

async function loadTrend() {
  if (!session.user) return;
  const metric = $('trend-metric').value;
  const grouping = $('trend-grouping').value;
  const period = $('trend-period').value;
  const report = await api('GET', `/api/metrics?grouping=${grouping}&period=${period}`);
  renderTrend(report, metric, grouping, period);
}

function renderTrend(report, metric, grouping, period) {
  const name = trendNames[metric];
  const nobody = grouping === 'Team' ? 'no team' : 'nobody';
  const rows = (report.rows || []).filter((r) => r.periodStart && r[metric] && r[metric].value !== null && r[metric].value !== undefined);
  if (rows.length === 0) {
    fill($('trend'), el('p', { class: 'empty', 'data-testid': 'trend-empty', text: `No ${name.toLowerCase()} to chart yet.` }));
    return;
  }
  const keyOf = (r) => r.key || nobody;
  const keys = [...new Set(rows.map(keyOf))].sort();
  const periods = [...new Set(rows.map((r) => r.periodStart))].sort();
  const periodLabel = (iso) => (period === 'Week' ? `week of ${dayFormat.format(parseTime(iso))}` : dayFormat.format(parseTime(iso)));
  const width = 640, height = 240, left = 44, right = 48, top = 14, bottom = 34;
  const x = (i) => left + (periods.length === 1 ? (width - left - right) / 2 : (i * (width - left - right)) / (periods.length - 1));
  const y = (v) => top + ((100 - v) * (height - top - bottom)) / 100;

  const grid = [0, 25, 50, 75, 100].map((v) => svgEl('g', {},
    svgEl('line', { x1: left, x2: width - right, y1: y(v), y2: y(v), class: 'grid' }),
    svgEl('text', { x: left - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'axis' }, `${v}%`)));
  const ticks = periods.map((p, i) => svgEl('text', { x: x(i), y: height - 12, 'text-anchor': 'middle', class: 'axis' }, periodLabel(p)));
  const lines = keys.map((key, k) => {
    const [colour, dash] = trendStyles[k % trendStyles.length];
    const points = periods.map((p, i) => {
      const row = rows.find((r) => keyOf(r) === key && r.periodStart === p);
      return row ? [x(i), y(row[metric].value), row[metric].value, p] : null;
    }).filter(Boolean);
    return svgEl('g', { 'data-series': key },
      points.length > 1 ? svgEl('polyline', { points: points.map(([px, py]) => `${px},${py}`).join(' '), fill: 'none', stroke: colour, 'stroke-width': 2.5, 'stroke-dasharray': dash || null }) : null,
      ...points.map(([px, py, v, p]) => svgEl('circle', { cx: px, cy: py, r: 4.5, fill: colour },
        svgEl('title', {}, `${key}, ${periodLabel(p)}: ${Math.round(v)}%`))));
  });
  const summary = keys.map((key) => `${key}: ${periods.map((p) => {
    const row = rows.find((r) => keyOf(r) === key && r.periodStart === p);
    return row ? `${Math.round(row[metric].value)}% ${periodLabel(p)}` : null;
  }).filter(Boolean).join(', ')}`).join('; ');
  const chart = svgEl('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `${name} per ${grouping.toLowerCase()} by ${period.toLowerCase()}. ${summary}.`, 'data-testid': 'trend-chart', class: 'trend-chart' },
    ...grid, ...ticks, ...lines);
  const legend = el('ul', { class: 'legend', 'data-testid': 'trend-legend' }, ...keys.map((key, k) => {
    const [colour, dash] = trendStyles[k % trendStyles.length];
    return el('li', {}, svgEl('svg', { width: 28, height: 10, 'aria-hidden': 'true' },
      svgEl('line', { x1: 0, x2: 28, y1: 5, y2: 5, stroke: colour, 'stroke-width': 3, 'stroke-dasharray': dash || null })), ` ${key}`);
  }));
  const table = el('details', { class: 'tech', 'data-testid': 'trend-numbers' }, el('summary', { text: 'The numbers' }),
    el('table', { class: 'table compact' },
      el('thead', {}, el('tr', {}, el('th', { text: grouping }), ...periods.map((p) => el('th', { class: 'num', text: periodLabel(p) })))),
      el('tbody', {}, ...keys.map((key) => el('tr', {}, el('td', { text: key }), ...periods.map((p) => {
        const row = rows.find((r) => keyOf(r) === key && r.periodStart === p);
        return el('td', { class: 'num', text: row ? `${Math.round(row[metric].value)}% (n = ${row[metric].count})` : '—' });
      }))))));
  fill($('trend'), el('div', { class: 'chart-title', text: `${name}, per ${grouping.toLowerCase()}, by ${period.toLowerCase()}` }), chart, legend, table);
}

/* ================================ 8. Wiring ================================ */

function onSubmit(formId, buttonId, action) {
  $(formId).addEventListener('submit', (event) => {
    event.preventDefault();
    run($(buttonId), action);
  });
}

function wire() {
  onSubmit('sign-in-form', 'sign-in', signIn);
  $('sign-out').addEventListener('click', () => run($('sign-out'), signOut));
  $('error-dismiss').addEventListener('click', hideError);

  for (const tab of document.querySelectorAll('.tab')) {
    tab.addEventListener('click', () => activateTab(tab.dataset.tab));
  }

  $('cases-refresh').addEventListener('click', () => run($('cases-refresh'), loadCases));
  onSubmit('new-case-form', 'new-case-open', openCase);

  onSubmit('resolution-form', 'check-button', checkProposal);
  // A decision is only good for what was checked: editing the proposal hides Grant / Request approval.
  for (const id of ['action-select', 'amount-input', 'reason-codes', 'segment-input']) {
    $(id).addEventListener('input', () => { if (agent.decision) clearDecision(); });
  }
  $('grant-button').addEventListener('click', () => run($('grant-button'), grant));
  $('request-approval-button').addEventListener('click', () => run($('request-approval-button'), requestApproval));
  onSubmit('resolve-form', 'resolve-button', resolveCase);

  onSubmit('nudge-form', 'nudge-add', addTurn);
  $('nudge-clear').addEventListener('click', clearConversation);

  $('review-button').addEventListener('click', () => run($('review-button'), review));
  $('metrics-refresh').addEventListener('click', () => run($('metrics-refresh'), loadMetrics));
  for (const id of ['trend-metric', 'trend-grouping', 'trend-period']) $(id).addEventListener('change', () => run(null, loadTrend));
  $('whatif-load').addEventListener('click', () => run($('whatif-load'), loadPolicyDraft));
  onSubmit('whatif-form', 'whatif-run', runWhatIf);

  setInterval(tickCountdowns, 1000);
}

async function main() {
  wire();
  endSession();
  syncControls();
  await loadUsers();
  await restoreSession();
}

document.addEventListener('DOMContentLoaded', () => { main().catch(reportError); });
