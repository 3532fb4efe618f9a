/// The dashboard's script: polls `/__mock/dashboard/state` (ETag, so an unchanged state is a
/// 304), draws it, and sends every change through the control API. DOM built with
/// textContent only: journal paths and bodies are whatever clients sent.
enum DashboardScript {
    static let js = #"""
'use strict';
(() => {
const API = '/__mock/';
const MAIN = ['initializing', 'pending_validation', 'pending_issuance', 'pending_deployment', 'active'];
const BRANCH = {initializing_timed_out: 'initializing', validation_timed_out: 'pending_validation',
  issuance_timed_out: 'pending_issuance', deployment_timed_out: 'pending_deployment'};
const SHORT = {initializing: 'initializing', pending_validation: 'validation', pending_issuance: 'issuance',
  pending_deployment: 'deployment', active: 'active', initializing_timed_out: 'init timed out',
  validation_timed_out: 'validation timed out', issuance_timed_out: 'issuance timed out', deployment_timed_out: 'deployment timed out'};
const ALL_STATUSES = ['initializing', 'pending_validation', 'pending_issuance', 'pending_deployment', 'active',
  'initializing_timed_out', 'validation_timed_out', 'issuance_timed_out', 'deployment_timed_out', 'deleted', 'pending_deletion',
  'pending_expiration', 'expired', 'deletion_timed_out', 'pending_cleanup', 'staging_deployment', 'staging_active',
  'deactivating', 'inactive', 'backup_issued', 'holding_deployment'];
const ROW_STEP = 60;

const $ = (id) => document.getElementById(id);
const ui = {data: null, etag: null, now: 0, nowAt: 0, clockMode: 'system', open: new Set(), details: new Map(),
  rowLimit: ROW_STEP, journalKey: '', journalEtag: null, journal: null, failures: 0, busy: false};

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

function notice(message, isError) {
  const n = $('notice');
  n.textContent = message || '';
  n.className = 'notice' + (isError ? ' error' : '');
}

async function control(method, path, body) {
  const init = {method, headers: {}};
  if (body !== undefined) { init.headers['Content-Type'] = 'application/json'; init.body = JSON.stringify(body); }
  const response = await fetch(API + path, init);
  const json = await response.json();
  if (!json.success) throw new Error((json.errors || []).map((e) => e.message).join('; ') || 'HTTP ' + response.status);
  return json.result;
}

/** Runs a control call, reports its outcome and refreshes at once. */
async function act(label, method, path, body) {
  try {
    await control(method, path, body);
    notice(label);
    await poll(true);
  } catch (error) {
    notice(label + ' failed: ' + error.message, true);
  }
}

// ---------- time ----------
function virtualNow() {
  return ui.clockMode === 'system' ? ui.now + (performance.now() - ui.nowAt) / 1000 : ui.now;
}
function iso(seconds) { return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z'); }
function span(seconds) {
  if (!isFinite(seconds)) return '—';
  const s = Math.max(0, seconds);
  if (s < 60) return s.toFixed(s < 10 ? 1 : 0) + ' s';
  if (s < 3600) return Math.floor(s / 60) + ' min ' + Math.floor(s % 60) + ' s';
  if (s < 86400) return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
  return Math.floor(s / 86400) + ' d ' + Math.floor((s % 86400) / 3600) + ' h';
}
function timingText(p) {
  const mode = ui.data.lifecycle.mode;
  if (p.pinned) return 'pinned to ' + p.pinned + ' through the control API';
  const last = p.stage_index >= p.stages.length - 1;
  if (mode === 'timed') {
    const now = virtualNow();
    const inStage = 'in stage ' + span(now - p.stage_started_at);
    return last ? inStage + ' · final' : inStage + ' · next in ' + span(p.next_at - now);
  }
  if (last) return 'final stage';
  if (mode === 'manual') return 'manual lifecycle: moves when stepped';
  if (mode === 'per-read') return 'per-read lifecycle: the next GET moves it';
  return 'final stage';
}
function tick() {
  if (!ui.data) return;
  $('clock-now').textContent = iso(virtualNow());
  $('clock-now').dateTime = iso(virtualNow());
  for (const el of document.querySelectorAll('.timing[data-id]')) {
    const p = ui.byId.get(el.dataset.id);
    if (p) el.textContent = timingText(p);
  }
}

// ---------- polling ----------
async function poll(now) {
  if (ui.busy && !now) return;
  ui.busy = true;
  try {
    const headers = ui.etag ? {'If-None-Match': ui.etag} : {};
    const response = await fetch(API + 'dashboard/state', {headers, cache: 'no-store'});
    ui.now = parseFloat(response.headers.get('X-Mock-Now')) || ui.now;
    ui.nowAt = performance.now();
    ui.clockMode = response.headers.get('X-Mock-Clock-Mode') || ui.clockMode;
    if (response.status === 200) {
      ui.data = (await response.json()).result;
      ui.etag = response.headers.get('ETag');
      renderState();
    } else if (response.status !== 304) {
      throw new Error('HTTP ' + response.status);
    }
    await pollJournal();
    ui.failures = 0;
    live(true);
    tick();
  } catch (error) {
    ui.failures += 1;
    live(false);
  } finally {
    ui.busy = false;
  }
}
function live(on) {
  const el = $('live');
  el.textContent = on ? 'live' : 'offline';
  el.className = 'live ' + (on ? 'on' : 'off');
}
function schedule() {
  setTimeout(async () => { await poll(false); schedule(); }, document.hidden ? 3000 : (ui.failures ? 2000 : 500));
}

// ---------- zones, credentials, selects ----------
function renderState() {
  const d = ui.data;
  for (const p of d.packs) {
    // Rows leave out what is usually absent or shared; fill it in once here.
    p.stages = d.paths[p.path];
    p.attempt = p.attempt || 0;
    p.pinned = p.pinned || null;
    p.scenario = p.scenario || 'none';
    p.errors = p.errors || [];
    if (p.stage_started_at === undefined) p.stage_started_at = null;
    if (p.next_at === undefined) p.next_at = null;
  }
  ui.byId = new Map(d.packs.map((p) => [p.id, p]));
  ui.zoneNames = new Map(d.zones.map((z) => [z.id, z.name]));
  setSelect($('clock-mode'), d.clock_mode);
  setSelect($('lifecycle-mode'), d.lifecycle.mode);
  const zoneSelect = $('filter-zone');
  const keep = zoneSelect.value;
  zoneSelect.replaceChildren(h('option', {value: '', text: 'all zones'}),
    ...d.zones.map((z) => h('option', {value: z.id, text: z.name})));
  zoneSelect.value = d.zones.some((z) => z.id === keep) ? keep : '';
  $('zone-rows').replaceChildren(...d.zones.map((z) => h('tr', {},
    h('td', {}, h('button', {type: 'button', class: 'link', dataset: {key: 'zone-' + z.id},
      'aria-label': 'Show packs of ' + z.name, onclick: () => { $('filter-zone').value = z.id; renderPacks(); }}, z.name)),
    h('td', {class: 'mono hide-narrow', text: z.id}),
    h('td', {text: (z.advanced_certificate_manager ? 'ACM' : 'no ACM') + (z.enterprise ? ' · Enterprise' : '')}),
    h('td', {class: 'quota'}, h('meter', {min: 0, max: Math.max(1, z.quota.allocated), value: z.quota.used,
      'aria-label': 'Quota of ' + z.name, title: z.quota.used + ' of ' + z.quota.allocated}),
      ' ' + z.quota.used + ' / ' + z.quota.allocated))));
  $('credential-names').textContent = d.credentials.join(', ');
  renderFaults();
  renderPacks();
}
function setSelect(select, value) { if (document.activeElement !== select) select.value = value; }

// ---------- packs ----------
function statusClass(status) {
  if (status === 'active') return 'pill active';
  if (status.endsWith('timed_out') || status === 'expired' || status === 'deleted') return 'pill fail';
  if (status.startsWith('pending') || status === 'initializing') return 'pill pending';
  return 'pill';
}
function renderLegend(counts) {
  const chosen = $('filter-status').value;
  const node = (status, fail) => h('button', {type: 'button', class: fail ? 'fail' : null, 'aria-pressed': String(chosen === status),
    dataset: {key: 'legend-' + status}, title: 'Show only ' + status,
    onclick: () => { $('filter-status').value = chosen === status ? '' : status; renderPacks(); }},
    SHORT[status], h('span', {class: 'n', text: counts[status] || 0}));
  $('legend').replaceChildren(...MAIN.map((s) => node(s, false)),
    ...MAIN.map((s) => { const b = Object.keys(BRANCH).find((k) => BRANCH[k] === s); return b ? node(b, true) : h('span'); }));
}
function lifecycleBar(p) {
  const current = p.pinned || p.status;
  const items = [];
  const branch = p.stages[p.stages.length - 1];
  const branchFrom = BRANCH[branch];
  let offPath = false;
  for (const stage of MAIN) {
    const i = p.stages.indexOf(stage);
    let cls = offPath || i < 0 ? 'off' : i < p.stage_index ? 'done' : i === p.stage_index ? 'current' : 'todo';
    if (p.pinned && cls !== 'off') cls = current === stage ? 'current' : 'todo';
    if (stage === 'active' && cls === 'current') cls += ' final';
    items.push(h('li', {class: cls, title: stage + ' (' + (cls.split(' ')[0] === 'todo' ? 'to come' : cls.split(' ')[0]) + ')'}, SHORT[stage]));
    if (stage === branchFrom) {
      const bi = p.stages.length - 1;
      const bcls = 'branch' + ((p.pinned ? current === branch : p.stage_index === bi) ? ' current' : '');
      items.push(h('li', {class: bcls, title: branch}, SHORT[branch]));
      offPath = true;
    }
  }
  if (p.pinned && !MAIN.includes(current) && !BRANCH[current]) items.push(h('li', {class: 'branch current', title: current}, current));
  return h('ol', {class: 'lc', 'aria-label': 'Lifecycle: ' + p.stages.join(' → ') + '; now ' + current}, items);
}
function renderPacks() {
  if (!ui.data) return;
  const focusKey = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.key : null;
  const zone = $('filter-zone').value;
  const status = $('filter-status').value;
  const text = $('filter-text').value.trim().toLowerCase();
  // Counts come from the server, which counts every pack (it sends only the newest of each zone).
  const counts = {};
  let total = 0;
  for (const [zoneID, byStatus] of Object.entries(ui.data.pack_counts)) {
    if (zone && zoneID !== zone) continue;
    for (const [s, n] of Object.entries(byStatus)) { counts[s] = (counts[s] || 0) + n; total += n; }
  }
  const shown = [];
  for (const p of ui.data.packs) {
    if (zone && p.zone_id !== zone) continue;
    if (status && p.status !== status) continue;
    if (text && !p.id.includes(text) && !p.hosts.some((x) => x.includes(text))) continue;
    shown.push(p);
  }
  const statusSelect = $('filter-status');
  if (statusSelect.options.length === 1) statusSelect.append(...ALL_STATUSES.map((s) => h('option', {value: s, text: s})));
  renderLegend(counts);
  $('pack-count').textContent = '(' + shown.length + (shown.length !== total ? ' of ' + total : '') + ')';
  const limit = ui.rowLimit;
  const byZone = new Map();
  for (const p of shown.slice().reverse().slice(0, limit)) {
    if (!byZone.has(p.zone_id)) byZone.set(p.zone_id, []);
    byZone.get(p.zone_id).push(p);
  }
  const parts = [];
  for (const [zoneID, packs] of byZone) {
    parts.push(h('h3', {class: 'zone-h', text: (ui.zoneNames.get(zoneID) || zoneID) + ' · newest first'}));
    parts.push(h('ul', {class: 'packs'}, packs.map(packRow)));
  }
  if (!shown.length) parts.push(h('p', {class: 'empty', text: ui.data.packs.length ? 'No pack matches the filter.' : 'No packs yet: order one through the API.'}));
  const held = zone ? ui.data.packs.filter((p) => p.zone_id === zone).length : ui.data.packs.length;
  if (total > held) {
    parts.push(h('p', {class: 'muted', text: 'The dashboard holds the newest ' + ui.data.packs_per_zone_shown +
      ' packs of each zone; the counts above cover all ' + total + '.'}));
  }
  if (shown.length > limit) {
    parts.push(h('p', {class: 'more'}, 'Showing the newest ' + limit + ' of ' + shown.length + '. ',
      h('button', {type: 'button', class: 'quiet', dataset: {key: 'show-more'}, onclick: () => { ui.rowLimit += 4 * ROW_STEP; renderPacks(); }}, 'Show more'), ' ',
      h('button', {type: 'button', class: 'quiet', dataset: {key: 'show-all'}, onclick: () => { ui.rowLimit = Infinity; renderPacks(); }}, 'Show all')));
  }
  $('pack-list').replaceChildren(...parts);
  if (focusKey && (!document.activeElement || document.activeElement === document.body)) {
    const again = document.querySelector('[data-key="' + CSS.escape(focusKey) + '"]');
    if (again) again.focus();
  }
}
function packRow(p) {
  const open = ui.open.has(p.id);
  const row = h('li', {class: 'pack', dataset: {id: p.id, status: p.status}},
    h('div', {class: 'pack-head'},
      h('span', {class: statusClass(p.status), text: p.status}),
      p.pinned ? h('span', {class: 'pinned', text: 'PINNED'}) : null,
      h('span', {class: 'hosts', text: p.hosts.join(', ')}),
      h('code', {class: 'muted', text: p.id})),
    lifecycleBar(p),
    h('div', {class: 'timing', dataset: {id: p.id}, text: timingText(p)}),
    p.errors.length ? h('ul', {class: 'errors'}, p.errors.map((e) => h('li', {text: e}))) : null,
    h('div', {class: 'pack-actions'},
      h('button', {type: 'button', class: 'quiet', dataset: {key: 'step-' + p.id}, 'aria-label': 'Step pack ' + p.id + ' one stage',
        onclick: () => act('Stepped ' + p.id, 'POST', 'packs/' + p.id + '/step', {count: 1})}, 'Step'),
      h('button', {type: 'button', class: 'quiet', dataset: {key: 'open-' + p.id}, 'aria-expanded': String(open),
        'aria-controls': 'detail-' + p.id, onclick: () => toggle(p.id)}, open ? 'Hide details' : 'Details')));
  if (open) row.append(detail(p));
  return row;
}
function toggle(id) {
  if (ui.open.has(id)) ui.open.delete(id); else ui.open.add(id);
  renderPacks();
  const button = document.querySelector('[data-key="open-' + id + '"]');
  if (button) button.focus();
}
function detail(p) {
  const box = h('div', {class: 'detail', id: 'detail-' + p.id});
  const signature = p.status + '|' + p.attempt + '|' + p.pinned;
  const cached = ui.details.get(p.id);
  const pin = h('select', {'aria-label': 'Status to pin pack ' + p.id, dataset: {key: 'pin-select-' + p.id}},
    ALL_STATUSES.map((s) => h('option', {value: s, text: s, selected: s === (p.pinned || p.status)})));
  box.append(h('div', {class: 'pack-actions'},
    h('label', {}, 'Pin to ', pin),
    h('button', {type: 'button', class: 'quiet', dataset: {key: 'pin-' + p.id},
      onclick: () => act('Pinned ' + p.id + ' to ' + pin.value, 'POST', 'packs/' + p.id + '/status', {status: pin.value})}, 'Pin'),
    p.pinned ? h('button', {type: 'button', class: 'quiet', dataset: {key: 'release-' + p.id},
      onclick: () => act('Released ' + p.id, 'POST', 'packs/' + p.id + '/status', {status: null})}, 'Release') : null));
  const meta = h('dl', {class: 'meta'});
  const add = (k, v) => meta.append(h('dt', {text: k}), h('dd', {text: v}));
  add('Zone', (ui.zoneNames.get(p.zone_id) || '') + ' ' + p.zone_id);
  add('Path', p.stages.join(' → ') + (p.scenario !== 'none' ? ' (magic host: ' + p.scenario + ')' : ''));
  add('Attempt', String(p.attempt + 1));
  if (p.stage_started_at !== null) add('Stage began', iso(p.stage_started_at));
  if (p.next_at !== null) add('Next stage at', iso(p.next_at));
  box.append(meta);
  const body = h('div', {});
  box.append(body);
  if (cached && cached.signature === signature) fillDetail(body, cached.pack);
  else {
    body.append(h('p', {class: 'muted', text: 'Loading…'}));
    control('GET', 'dashboard/packs/' + p.id).then((pack) => {
      ui.details.set(p.id, {signature, pack});
      if (ui.details.size > 50) ui.details.delete(ui.details.keys().next().value);
      fillDetail(body, pack);
    }).catch((e) => body.replaceChildren(h('p', {class: 'errors', text: e.message})));
  }
  return box;
}
function fillDetail(body, pack) {
  const parts = [h('dl', {class: 'meta'}, h('dt', {text: 'Order'}), h('dd', {text: pack.certificate_authority + ' · ' +
    pack.validity_days + ' days · ' + pack.validation_method + ' validation' + (pack.cloudflare_branding ? ' · Cloudflare branding' : '')}))];
  const records = pack.validation_records || [];
  parts.push(h('h3', {text: 'Validation records (' + records.length + ')'}));
  if (records.length) {
    parts.push(h('div', {class: 'scroll'}, h('table', {class: 'grid'},
      h('thead', {}, h('tr', {}, h('th', {scope: 'col', text: 'Name or URL'}), h('th', {scope: 'col', text: 'Value'}), h('th', {scope: 'col', text: 'Status'}))),
      h('tbody', {}, records.map((r) => h('tr', {},
        h('td', {class: 'mono', text: r.txt_name || r.http_url || (r.emails || []).join(', ')}),
        h('td', {class: 'mono', text: r.txt_value || r.http_body || ''}),
        h('td', {text: r.status})))))));
  } else parts.push(h('p', {class: 'muted', text: 'None at this stage (shown while pending_validation).'}));
  const certs = pack.certificates || [];
  parts.push(h('h3', {text: 'Certificates (' + certs.length + ')'}));
  if (certs.length) {
    parts.push(h('div', {class: 'scroll'}, h('table', {class: 'grid'},
      h('thead', {}, h('tr', {}, ['Id', 'Signature', 'Issuer', 'Expires'].map((t) => h('th', {scope: 'col', text: t})))),
      h('tbody', {}, certs.map((c) => h('tr', {},
        h('td', {class: 'mono', text: c.id + (c.id === pack.primary_certificate ? ' (primary)' : '')}),
        h('td', {text: c.signature}), h('td', {text: c.issuer}), h('td', {class: 'mono', text: c.expires_on})))))));
  } else parts.push(h('p', {class: 'muted', text: 'Not issued yet.'}));
  const errors = pack.validation_errors || [];
  parts.push(h('h3', {text: 'Validation errors (' + errors.length + ')'}));
  parts.push(errors.length ? h('ul', {class: 'errors'}, errors.map((e) => h('li', {text: e.message}))) : h('p', {class: 'muted', text: 'None.'}));
  body.replaceChildren(...parts);
}

// ---------- faults ----------
function describeRule(r) {
  const what = r.action === 'fail' ? 'fail ' + r.status + ' code ' + r.code + ' “' + r.message + '”' : r.action === 'reset' ? 'reset the connection' : 'delay';
  return (r.method || 'any method') + ' ' + r.path + ' → ' + what + (r.delay_ms ? ' after ' + r.delay_ms + ' ms' : '') +
    ' · ' + (r.remaining === null ? 'always' : r.remaining + ' more') + ' · matched ' + r.matched;
}
function renderFaults() {
  const rules = ui.data.faults;
  const list = $('fault-list');
  const focusKey = list.contains(document.activeElement) ? document.activeElement.dataset.key : null;
  list.replaceChildren(...(rules.length ? rules.map((r) => h('li', {dataset: {rule: r.id}},
    h('span', {text: '#' + r.id + ' ' + describeRule(r)}),
    h('button', {type: 'button', class: 'quiet', dataset: {key: 'fault-remove-' + r.id}, 'aria-label': 'Remove fault rule ' + r.id,
      onclick: () => act('Removed fault rule ' + r.id, 'DELETE', 'faults/' + r.id)}, 'Remove'))).concat(rules.length > 1 ? [h('li', {},
    h('button', {type: 'button', class: 'quiet', dataset: {key: 'fault-remove-all'}, onclick: () => act('Removed all fault rules', 'DELETE', 'faults')}, 'Remove all'))] : [])
    : [h('li', {class: 'empty', text: 'No fault rules: requests are answered normally.'})]));
  if (focusKey) { const again = list.querySelector('[data-key="' + CSS.escape(focusKey) + '"]'); (again || $('fault-add')).focus(); }
}
function addFault(event) {
  event.preventDefault();
  const rule = {path: $('fault-path').value.trim() || '*', action: $('fault-action').value};
  const method = $('fault-method').value;
  if (method) rule.method = method;
  const num = (id) => { const v = $(id).value.trim(); return v === '' ? undefined : Number(v); };
  if (rule.action === 'fail') {
    rule.status = num('fault-status');
    if (num('fault-code') !== undefined) rule.code = num('fault-code');
    if ($('fault-message').value.trim()) rule.message = $('fault-message').value.trim();
  }
  if (num('fault-delay')) rule.delay_ms = num('fault-delay');
  if (num('fault-times') !== undefined) rule.times = num('fault-times');
  act('Added a fault rule', 'POST', 'faults', rule);
}

// ---------- journal ----------
function journalQuery() {
  const q = new URLSearchParams();
  const put = (k, id) => { const v = $(id).value.trim(); if (v) q.set(k, v); };
  put('method', 'j-method'); put('path', 'j-path'); put('status', 'j-status'); put('code', 'j-code');
  q.set('limit', '100');
  return q.toString();
}
async function pollJournal(force) {
  const j = ui.data.journal;
  const query = journalQuery();
  const key = j.last_sequence + '/' + j.count + '/' + query;
  if (!force && key === ui.journalKey) return;
  const headers = ui.journalEtag && !force ? {'If-None-Match': ui.journalEtag} : {};
  const response = await fetch(API + 'dashboard/requests?' + query, {headers, cache: 'no-store'});
  if (response.status === 304) { ui.journalKey = key; return; }
  const json = await response.json();
  if (response.status !== 200) { notice('Request filter: ' + ((json.errors || [])[0] || {}).message, true); ui.journalKey = key; return; }
  ui.journalKey = key;
  ui.journalEtag = response.headers.get('ETag');
  ui.journal = json.result;
  renderJournal();
}
function renderJournal() {
  const {total, held, entries} = ui.journal;
  const cap = ui.data.journal.capacity;
  $('journal-count').textContent = '(' + (entries.length < total ? 'newest ' + entries.length + ' of ' : '') + total +
    (total !== held ? ' matching, ' + held + ' held' : '') + (cap ? '' : '; journal off') + ')';
  const withProtocol = entries.some((e) => e.protocol);
  $('protocol-h').hidden = !withProtocol;
  const rows = entries.map((e) => h('tr', {class: e.status >= 400 || e.status === 0 ? 'err' : 'ok', dataset: {sequence: e.sequence}},
    h('td', {class: 'num', text: e.sequence}),
    h('td', {class: 'path'}, h('button', {type: 'button', class: 'link', dataset: {key: 'req-' + e.sequence},
      'aria-label': 'Open request ' + e.sequence + ': ' + e.method + ' ' + e.path, title: e.path + (e.query ? '?' + e.query : ''),
      onclick: () => openRequest(e.sequence)},
      h('span', {class: 'method', text: e.method}), ' ' + shortPath(e.path) + (e.query ? '?' + e.query : ''))),
    h('td', {class: 'status', text: e.status === 0 ? 'reset' : e.status}),
    h('td', {text: e.error_codes.join(', ')}),
    withProtocol ? h('td', {text: e.protocol || ''}) : null,
    h('td', {class: 'num', text: e.duration_ms.toFixed(2)}),
    h('td', {text: e.credential})));
  $('journal-rows').replaceChildren(...(rows.length ? rows : [h('tr', {}, h('td', {colspan: 7, class: 'empty', text: 'No request matches.'}))]));
}
/** The path as a person scans it: without /client/v4, 32-hex ids cut to their first characters. */
function shortPath(path) {
  return path.replace(/^\/client\/v4(?=\/)/, '').replace(/\/([0-9a-f]{32}|[0-9a-f-]{36})(?=\/|$)/g, (m, id) => '/' + id.slice(0, 6) + '…');
}
function pretty(text) {
  if (!text) return '(empty)';
  try { return JSON.stringify(JSON.parse(text), null, 2); } catch (e) { return text; }
}
async function openRequest(sequence) {
  try {
    const e = await control('GET', 'dashboard/requests/' + sequence);
    $('request-title').textContent = '#' + e.sequence + ' ' + e.method + ' ' + e.path;
    const meta = $('request-meta');
    meta.replaceChildren();
    const add = (k, v) => meta.append(h('dt', {text: k}), h('dd', {text: v}));
    add('Time (virtual)', e.time);
    if (e.query) add('Query', e.query);
    add('Status', e.status === 0 ? 'connection reset' : String(e.status));
    add('Cloudflare codes', e.error_codes.join(', ') || 'none');
    if (e.protocol) add('Protocol', e.protocol);
    add('Duration', e.duration_ms + ' ms');
    add('Credential', e.credential);
    $('request-body').textContent = pretty(e.body);
    $('response-body').textContent = pretty(e.response_body);
    $('request-dialog').showModal();
    $('request-close').focus();
  } catch (error) {
    notice('Request ' + sequence + ': ' + error.message, true);
  }
}

// ---------- wiring ----------
function debounce(fn, ms) { let t; return (...a) => { clearTimeout(t); t = setTimeout(() => fn(...a), ms); }; }
document.addEventListener('DOMContentLoaded', () => {
  $('clock-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const seconds = Number($('advance-seconds').value);
    act('Advanced the clock by ' + seconds + ' s', 'POST', 'clock/advance', {seconds});
  });
  $('clock-mode').addEventListener('change', (e) => act('Clock mode ' + e.target.value, 'POST', 'clock', {mode: e.target.value}));
  $('lifecycle-mode').addEventListener('change', (e) => act('Lifecycle mode ' + e.target.value, 'POST', 'lifecycle', {mode: e.target.value}));
  $('step-all').addEventListener('click', () => act('Stepped every pack', 'POST', 'packs/step', {count: 1}));
  $('reset-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const scope = $('reset-scope').value;
    ui.open.clear(); ui.details.clear();
    act('Reset ' + scope, 'POST', 'reset', {scope});
  });
  $('fault-form').addEventListener('submit', addFault);
  const faultFields = () => {
    const action = $('fault-action').value;
    for (const id of ['fault-status', 'fault-code', 'fault-message']) $(id).disabled = action !== 'fail';
  };
  $('fault-action').addEventListener('change', faultFields);
  faultFields();
  for (const id of ['filter-zone', 'filter-status']) $(id).addEventListener('change', () => { ui.rowLimit = ROW_STEP; renderPacks(); });
  $('filter-text').addEventListener('input', debounce(() => renderPacks(), 150));
  $('pack-filter').addEventListener('submit', (e) => e.preventDefault());
  const refilter = () => { if (ui.data) pollJournal(true).catch(() => live(false)); };
  $('journal-filter').addEventListener('submit', (e) => { e.preventDefault(); refilter(); });
  $('j-method').addEventListener('change', refilter);
  for (const id of ['j-path', 'j-status', 'j-code']) $(id).addEventListener('input', debounce(refilter, 250));
  $('journal-clear').addEventListener('click', () => act('Cleared the journal', 'DELETE', 'requests'));
  $('request-close').addEventListener('click', () => $('request-dialog').close());
  setInterval(tick, 250);
  // Let the frame paint before the first (larger) state is drawn.
  requestAnimationFrame(() => setTimeout(() => poll(true).then(() => { performance.mark('dashboard-rendered'); schedule(); }), 0));
});
})();
"""#
}
