import { lang, t, toggleLang } from './i18n.js';

// ---- session and API ----
let session = JSON.parse(sessionStorage.getItem('bcast.session') || 'null');
const $ = (sel, root = document) => root.querySelector(sel);
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const view = () => $('#view');

async function api(path, opts = {}) {
  const headers = { ...(opts.body && !(opts.body instanceof FormData) ? { 'Content-Type': 'application/json' } : {}), ...(session ? { Authorization: `Bearer ${session.token}` } : {}), 'Accept-Language': lang };
  const res = await fetch(path, { ...opts, headers, body: opts.body && !(opts.body instanceof FormData) ? JSON.stringify(opts.body) : opts.body });
  if (res.status === 401 && session) return logout();
  const type = res.headers.get('content-type') || '';
  const data = type.includes('json') ? await res.json() : await res.blob();
  if (!res.ok) throw Object.assign(new Error(data.message || res.statusText), { data, status: res.status });
  return data;
}

/** Shows the server's messages next to the fields they name (Vietnamese by default). */
function showErrors(form, err) {
  form.querySelectorAll('.error').forEach((e) => e.remove());
  const fields = err.data?.fields ?? [];
  for (const f of fields) {
    const input = form.querySelector(`[name="${f.field}"]`) ?? form.querySelector(`[name="${f.field.split('.')[0]}"]`);
    const msg = document.createElement('div');
    msg.className = 'error';
    msg.textContent = lang === 'vi' ? f.message : f.messageEn || f.message;
    (input ?? form).insertAdjacentElement(input ? 'afterend' : 'beforeend', msg);
  }
  if (!fields.length) {
    const msg = document.createElement('div');
    msg.className = 'error';
    msg.textContent = err.data?.message ?? err.message;
    form.append(msg);
  }
}

/** Required fields checked before sending, with the message next to the field. */
function requireFields(form, names) {
  form.querySelectorAll('.error').forEach((e) => e.remove());
  let ok = true;
  for (const n of names) {
    const input = form.querySelector(`[name="${n}"]`);
    if (input && !String(input.value).trim()) {
      ok = false;
      input.insertAdjacentHTML('afterend', `<div class="error">${esc(t('required'))}</div>`);
    }
  }
  return ok;
}

function logout() {
  session = null;
  sessionStorage.removeItem('bcast.session');
  location.hash = '#/login';
}

let programTitles = null;
async function titleOf(e) {
  if (e.title) return e.title;
  if (!e.programId) return t(e.kind);
  programTitles ??= new Map(((await api('/api/v1/programs?limit=500')).items ?? []).map((p) => [p.id, p.title]));
  return programTitles.get(e.programId) ?? t(e.kind);
}

const localDay = (offset = 0) => new Date(Date.now() + 7 * 3600_000 + offset * 86_400_000).toISOString().slice(0, 10);
const time = (iso) => new Date(iso).toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB', { timeZone: 'Asia/Ho_Chi_Minh', hour: '2-digit', minute: '2-digit', day: '2-digit', month: '2-digit' });

async function download(path, name) {
  const blob = await api(path);
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
}

/** Posts a form with upload progress in `bar` (XHR: fetch cannot report upload progress). */
function uploadWithProgress(url, data, bar) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('Authorization', `Bearer ${session.token}`);
    xhr.upload.onprogress = (p) => p.lengthComputable && (bar.value = Math.round((100 * p.loaded) / p.total));
    xhr.onerror = () => reject(new Error(xhr.statusText || 'network'));
    xhr.onload = () => {
      const body = JSON.parse(xhr.responseText || '{}');
      if (xhr.status !== 202) return reject(Object.assign(new Error(body.message), { data: body, status: xhr.status }));
      bar.value = 100;
      resolve(body);
    };
    xhr.send(data);
  });
}

/** Follows a media asset's processing until it is ready or rejected; `bar` and `state` show it. */
async function waitForAsset(id, bar, state) {
  for (;;) {
    const a = await api(`/api/v1/media-assets/${id}`);
    if (bar) bar.value = a.progress ?? 0;
    if (state) state.textContent = t(a.status === 'ready' ? 'ready' : a.status === 'rejected' ? 'rejected' : 'processing') + (a.rejectReason ? `: ${a.rejectReason}` : '');
    if (a.status !== 'processing') return a;
    await new Promise((r) => setTimeout(r, 500));
  }
}

// ---- views ----
const routes = {
  rules: viewRules, channel: viewChannelLog,
  login: viewLogin, today: viewToday, calendar: viewCalendar, upload: viewUpload, devices: viewDevices, alerts: viewAlerts, reports: viewReports,
};

function viewLogin() {
  $('#top').hidden = true;
  view().innerHTML = `<form class="card" id="login"><h1>${t('title')}</h1>
    <label>${t('username')}<input name="username" autocomplete="username"></label>
    <label>${t('password')}<input name="password" type="password" autocomplete="current-password"></label>
    <button class="primary">${t('login')}</button> <button type="button" class="warn" id="lang2">${t('lang')}</button></form>`;
  $('#lang2').onclick = () => (toggleLang(), render());
  $('#login').onsubmit = async (e) => {
    e.preventDefault();
    const form = e.target;
    if (!requireFields(form, ['username', 'password'])) return;
    try {
      const res = await api('/api/v1/auth/login', { method: 'POST', body: { username: form.username.value, password: form.password.value } });
      session = { token: res.accessToken };
      const me = await api('/api/v1/auth/me');
      session.user = me;
      sessionStorage.setItem('bcast.session', JSON.stringify(session));
      location.hash = me.role === 'operator' ? '#/today' : '#/calendar';
    } catch (err) {
      showErrors(form, err);
    }
  };
}

async function viewToday() {
  const channels = (await api('/api/v1/channels')).filter((c) => c.kind === 'audio');
  const from = new Date(`${localDay(0)}T00:00:00+07:00`).toISOString();
  const to = new Date(`${localDay(2)}T00:00:00+07:00`).toISOString();
  let html = `<h1>${t('today')}</h1>`;
  for (const c of channels) {
    const entries = await api(`/api/v1/channels/${c.id}/entries?from=${from}&to=${to}`);
    html += `<section class="card"><h2>${esc(c.name)}</h2>${entries.length ? '' : `<p>${t('nothing')}</p>`}`;
    for (const e of entries) {
      const done = e.status === 'aired' || e.status === 'missed';
      html += `<form class="airing prio-${e.priority}" data-id="${e.id}"><div><strong>${time(e.startsAt)}</strong> ${esc(await titleOf(e))} ${done ? `<em>— ${t(e.status)}${e.missedReason ? `: ${esc(e.missedReason)}` : ''}</em>` : ''}</div>
        ${done || new Date(e.startsAt) > new Date() ? '' : `<div><button class="ok" name="aired" type="button">${t('aired')}</button>
        <input name="reason" placeholder="${t('reason')}" style="width:12rem"> <button class="warn" name="missed" type="button">${t('missed')}</button></div>`}</form>`;
    }
    html += '</section>';
  }
  const units = (await api('/api/v1/units')).items;
  html += `<form class="card" id="now"><h2>${t('broadcastNow')}</h2>
    <label>${t('channel')}<select name="channelId">${channels.map((c) => `<option value="${c.id}" data-unit="${c.unitId}">${esc(c.name)}</option>`).join('')}</select></label>
    <label>${t('bulletin')}<textarea name="text" rows="3"></textarea></label>
    <button class="primary" name="speak">${t('speak')}</button>
    <button type="button" class="warn" id="record">${t('record')}</button> <span id="rec-state"></span>
    <div id="now-state"></div></form>`;
  view().innerHTML = html;
  const now = $('#now');
  const broadcast = async (assetId) => {
    $('#now-state').textContent = t('processing');
    const a = await waitForAsset(assetId);
    if (a.status !== 'ready') return ($('#now-state').innerHTML = `<div class="error">${esc(a.rejectReason ?? t('rejected'))}</div>`);
    // in five seconds, or right after the announcements already waiting to play
    const soon = Date.now() + 5000;
    const waiting = await api(`/api/v1/channels/${now.channelId.value}/entries?from=${new Date().toISOString()}&to=${new Date(Date.now() + 6 * 3600_000).toISOString()}`);
    const length = Math.max(a.durationMs ?? 60000, 1000) + 1000;
    let at = soon;
    for (const w of waiting.filter((x) => x.priority === 'priority').sort((x, y) => Date.parse(x.startsAt) - Date.parse(y.startsAt))) {
      if (Date.parse(w.startsAt) < at + length && Date.parse(w.endsAt) > at) at = Date.parse(w.endsAt) + 1000;
    }
    const start = new Date(at);
    await api(`/api/v1/channels/${now.channelId.value}/entries`, { method: 'POST', body: { kind: 'announcement', priority: 'priority', mediaAssetId: assetId, title: a.title, startsAt: start.toISOString(), endsAt: new Date(start.getTime() + length).toISOString() } });
    $('#now-state').innerHTML = `<div class="notice" id="now-done">${t('scheduledAt')} ${time(start.toISOString())}</div>`;
  };
  now.onsubmit = async (e) => {
    e.preventDefault();
    if (!requireFields(now, ['text'])) return;
    try {
      const unitId = now.channelId.selectedOptions[0].dataset.unit;
      const asset = await api('/api/v1/media-assets/speech', { method: 'POST', body: { unitId, text: now.text.value } });
      await broadcast(asset.id);
    } catch (err) {
      showErrors(now, err);
    }
  };
  let recorder = null;
  $('#record').onclick = async () => {
    if (recorder) return recorder.stop();
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      const chunks = [];
      recorder = new MediaRecorder(stream);
      recorder.ondataavailable = (ev) => chunks.push(ev.data);
      recorder.onstop = async () => {
        stream.getTracks().forEach((tr) => tr.stop());
        recorder = null;
        $('#record').textContent = t('record');
        $('#rec-state').textContent = t('uploading');
        const data = new FormData();
        data.append('unitId', now.channelId.selectedOptions[0].dataset.unit);
        data.append('title', `${t('recording')} ${new Date().toLocaleTimeString('vi-VN')}`);
        data.append('file', new Blob(chunks, { type: chunks[0]?.type || 'audio/webm' }), 'ghi-am.webm');
        try {
          const asset = await api('/api/v1/media-assets/audio', { method: 'POST', body: data });
          $('#rec-state').textContent = '';
          await broadcast(asset.id);
        } catch (err) {
          showErrors(now, err);
        }
      };
      recorder.start();
      $('#record').textContent = t('stopRecording');
      $('#rec-state').textContent = '●';
    } catch (err) {
      showErrors(now, { data: { message: t('noMicrophone') } });
    }
  };
  view().querySelectorAll('form.airing').forEach((form) => {
    const send = async (outcome) => {
      if (outcome === 'missed' && !requireFields(form, ['reason'])) return;
      try {
        await api(`/api/v1/entries/${form.dataset.id}/confirm`, { method: 'POST', body: { outcome, ...(outcome === 'missed' ? { reason: form.reason.value } : {}) } });
        render();
      } catch (err) {
        showErrors(form, err);
      }
    };
    form.querySelector('[name=aired]')?.addEventListener('click', () => send('aired'));
    form.querySelector('[name=missed]')?.addEventListener('click', () => send('missed'));
  });
}

async function viewCalendar() {
  const channels = await api('/api/v1/channels');
  const month = new URLSearchParams(location.hash.split('?')[1]).get('month') || localDay(0).slice(0, 7);
  const [y, m] = month.split('-').map(Number);
  const first = `${month}-01`;
  const last = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
  const units = (await api('/api/v1/units')).items;
  const canPlan = ['admin', 'editor'].includes(session.user.role);
  const root = units.find((u) => !units.some((p) => p.id === u.parentId)) ?? units[0];
  const status = root ? await api(`/api/v1/compliance?unitId=${root.id}&from=${first}&to=${last}`).catch(() => ({ rows: [] })) : { rows: [] };
  let html = `<h1>${t('calendar')} ${month}</h1>
    ${canPlan ? `<form class="card" id="plan"><label>${t('unit')}<select name="unitId">${units.map((u) => `<option value="${u.id}">${esc(u.name)}</option>`).join('')}</select></label>
      <button class="primary">${t('plan')}</button><div id="explain"></div></form>` : ''}`;
  for (const c of channels) {
    const entries = await api(`/api/v1/channels/${c.id}/entries?from=${new Date(`${first}T00:00:00+07:00`).toISOString()}&to=${new Date(`${last}T23:59:59+07:00`).toISOString()}`);
    const rules = status.rows.filter((r) => r.channelId === c.id).map((r) => `<span class="status-${r.status}">${esc(r.ruleName)}: ${t(r.status)} (${r.evidenced.airings}/${r.planned.airings})</span>`).join(' · ');
    html += `<section class="card calendar" data-channel="${c.id}"><h2>${esc(c.name)}</h2><p class="rules">${rules}</p><table><tr><th>${t('month')}</th><th>${t('titleField')}</th><th>${t('status')}</th></tr>`;
    for (const e of entries) html += `<tr class="prio-${e.priority}"><td>${time(e.startsAt)}</td><td>${esc(await titleOf(e))}</td><td>${t(e.status) }</td></tr>`;
    html += `</table>${entries.length ? '' : `<p>${t('nothing')}</p>`}</section>`;
  }
  view().innerHTML = html;
  const form = $('#plan');
  if (form) form.onsubmit = async (e) => {
    e.preventDefault();
    try {
      const res = await api('/api/v1/schedule/plan', { method: 'POST', body: { unitId: form.unitId.value, from: localDay(0) > first ? localDay(0) : first, to: last } });
      const lines = (res.shortfalls ?? []).map((s) => `<li>${esc(lang === "vi" ? s.message : s.messageEn ?? s.message)}</li>`).join('');
      $('#explain').innerHTML = `<div class="notice" id="plan-result">${t('placed')}: ${res.created}</div>${lines ? `<ul id="shortfalls">${lines}</ul>` : ''}`;
    } catch (err) {
      showErrors(form, err);
    }
  };
}

async function viewUpload() {
  const units = (await api('/api/v1/units')).items;
  const series = await api('/api/v1/series').catch(() => []);
  const programs = (await api('/api/v1/programs')).items ?? [];
  view().innerHTML = `<h1>${t('upload')}</h1>
    <form class="card" id="upload"><div class="row">
      <label>${t('unit')}<select name="unitId">${units.map((u) => `<option value="${u.id}">${esc(u.name)}</option>`).join('')}</select></label>
      <label>${t('titleField')}<input name="title"></label>
      <label>${t('series')}<select name="seriesId"><option value=""></option>${(series.items ?? series).map((s) => `<option value="${s.id}">${esc(s.name)}</option>`).join('')}</select></label></div>
      <label>${t('file')}<input name="file" type="file" accept="audio/*"></label>
      <button class="primary">${t('send')}</button>
      <div id="progress" hidden><label>${t('uploading')} <progress id="up" max="100" value="0"></progress></label><label>${t('processing')} <progress id="proc" max="100" value="0"></progress></label><div id="state"></div></div>
    </form>
    <form class="card" id="led"><h2>${t('ledContent')}</h2><div class="row">
      <label>${t('unit')}<select name="unitId">${units.map((u) => `<option value="${u.id}">${esc(u.name)}</option>`).join('')}</select></label>
      <label>${t('boardWidth')}<input name="width" type="number" value="384"></label><label>${t('boardHeight')}<input name="height" type="number" value="192"></label></div>
      <label>${t('heading')}<input name="heading"></label><label>${t('body')}<textarea name="body" rows="2"></textarea></label><label>${t('ticker')}<input name="ticker"></label>
      <label>${t('imageOrClip')}<input name="file" type="file" accept="image/*,video/*"></label>
      <button class="primary">${t('send')}</button>
      <div id="led-progress" hidden><progress id="led-up" max="100" value="0"></progress> <progress id="led-proc" max="100" value="0"></progress><div id="led-state"></div></div></form>
    <section class="card"><h2>${t('programs')}</h2><table id="programs"><tr><th>${t('titleField')}</th><th>${t('status')}</th><th></th></tr>
    ${programs.map((p) => `<tr data-id="${p.id}"><td>${esc(p.title)}</td><td class="pstatus">${esc(p.status)}</td><td>${p.status === 'draft' ? `<button class="ok" data-act="submit">${t('submit')}</button>` : ''}${p.status === 'submitted' ? `<button class="ok" data-act="approve">${t('approve')}</button>` : ''}</td></tr>`).join('')}</table></section>`;
  view().querySelectorAll('#programs button').forEach((b) => (b.onclick = async () => {
    try {
      await api(`/api/v1/programs/${b.closest('tr').dataset.id}/${b.dataset.act}`, { method: 'POST' });
      render();
    } catch (err) {
      showErrors(b.closest('td'), err);
    }
  }));
  $('#led').onsubmit = async (e) => {
    e.preventDefault();
    const form = e.target;
    const file = form.file.files[0];
    if (!file && !requireFields(form, ['body'])) return;
    $('#led-progress').hidden = false;
    try {
      let asset;
      if (file) {
        const data = new FormData();
        for (const k of ['unitId', 'width', 'height']) data.append(k, form[k].value);
        if (form.heading.value) data.append('title', form.heading.value);
        data.append('file', file);
        asset = await uploadWithProgress('/api/v1/media-assets/display', data, $('#led-up'));
      } else {
        asset = await api('/api/v1/media-assets/slide', { method: 'POST', body: { unitId: form.unitId.value, width: Number(form.width.value), height: Number(form.height.value), heading: form.heading.value, body: form.body.value, ...(form.ticker.value ? { ticker: form.ticker.value } : {}) } });
        $('#led-up').value = 100;
      }
      await waitForAsset(asset.id, $('#led-proc'), $('#led-state'));
    } catch (err) {
      showErrors(form, err);
    }
  };
  $('#upload').onsubmit = async (e) => {
    e.preventDefault();
    const form = e.target;
    if (!requireFields(form, ['title', 'file'])) return;
    const data = new FormData();
    data.append('unitId', form.unitId.value);
    data.append('title', form.title.value);
    data.append('file', form.file.files[0]);
    $('#progress').hidden = false;
    try {
      const asset = await uploadWithProgress('/api/v1/media-assets/audio', data, $('#up'));
      if ((await waitForAsset(asset.id, $('#proc'), $('#state'))).status !== 'ready') return;
      await api('/api/v1/programs', { method: 'POST', body: { title: form.title.value, audioAssetId: asset.id, ...(form.seriesId.value ? { seriesId: form.seriesId.value } : {}) } });
      render();
    } catch (err) {
      showErrors(form, err);
    }
  };
}

async function viewRules() {
  const units = (await api('/api/v1/units')).items;
  const series = await api('/api/v1/series');
  const rules = await api('/api/v1/rules');
  view().innerHTML = `<h1>${t('rules')}</h1>
    <form class="card" id="series"><h2>${t('series')}</h2><div class="row"><label>${t('unit')}<select name="unitId">${units.map((u) => `<option value="${u.id}">${esc(u.name)}</option>`).join('')}</select></label>
      <label>${t('name')}<input name="name"></label></div><button class="primary">${t('save')}</button></form>
    <form class="card" id="rule"><h2>${t('rule')}</h2>
      <label>${t('name')}<input name="name" placeholder="Mỗi tháng 01 chương trình, phát lại ít nhất 03 lần"></label>
      <div class="row"><label>${t('series')}<select name="seriesId">${(series.items ?? series).map((x) => `<option value="${x.id}">${esc(x.name)}</option>`).join('')}</select></label>
      <label>${t('period')}<select name="definition.period"><option value="month">${t('month')}</option><option value="week">${t('week')}</option><option value="quarter">${t('quarter')}</option></select></label>
      <label>${t('minPrograms')}<input name="definition.minPrograms" type="number" value="1"></label>
      <label>${t('minAirings')}<input name="definition.minAiringsPerProgram" type="number" value="3"></label>
      <label>${t('maxPerDay')}<input name="definition.maxAiringsPerDay" type="number" value="1"></label>
      <label>${t('spacing')}<input name="definition.minSpacingHours" type="number" value=""></label></div>
      <button class="primary">${t('save')}</button></form>
    <table id="rules"><tr><th>${t('rule')}</th><th>${t('period')}</th><th>${t('required_')}</th></tr>
      ${(rules.items ?? rules).map((r) => `<tr><td>${esc(r.name)}</td><td>${esc(r.definition.period)}</td><td>${r.definition.minPrograms} × ${r.definition.minAiringsPerProgram}</td></tr>`).join('')}</table>`;
  $('#series').onsubmit = async (e) => {
    e.preventDefault();
    const form = e.target;
    if (!requireFields(form, ['name'])) return;
    try {
      await api('/api/v1/series', { method: 'POST', body: { unitId: form.unitId.value, name: form.name.value } });
      render();
    } catch (err) {
      showErrors(form, err);
    }
  };
  $('#rule').onsubmit = async (e) => {
    e.preventDefault();
    const form = e.target;
    if (!requireFields(form, ['name', 'seriesId'])) return;
    const num = (n) => (form[n].value === '' ? undefined : Number(form[n].value));
    const definition = { match: {}, period: form['definition.period'].value, minPrograms: num('definition.minPrograms'), minAiringsPerProgram: num('definition.minAiringsPerProgram'), maxAiringsPerDay: num('definition.maxAiringsPerDay'), minSpacingHours: num('definition.minSpacingHours') };
    try {
      await api('/api/v1/rules', { method: 'POST', body: { name: form.name.value, seriesId: form.seriesId.value, definition } });
      render();
    } catch (err) {
      showErrors(form, err);
    }
  };
}

/** Drill-down from the report: one channel's broadcast log for the period. */
async function viewChannelLog() {
  const q = new URLSearchParams(location.hash.split('?')[1]);
  const entries = await api(`/api/v1/channels/${q.get('id')}/entries?from=${new Date(`${q.get('from')}T00:00:00+07:00`).toISOString()}&to=${new Date(`${q.get('to')}T23:59:59+07:00`).toISOString()}`);
  let rows = '';
  for (const e of entries) rows += `<tr class="prio-${e.priority}"><td>${time(e.startsAt)}</td><td>${esc(await titleOf(e))}</td><td>${t(e.status)}</td><td>${e.evidencedAt ? time(e.evidencedAt) : '—'}</td><td>${esc(e.missedReason ?? '')}</td></tr>`;
  view().innerHTML = `<h1>${esc(q.get('name') ?? '')} ${q.get('from')} – ${q.get('to')}</h1><table id="channel-log"><tr><th>${t('month')}</th><th>${t('titleField')}</th><th>${t('status')}</th><th>${t('evidenced')}</th><th>${t('reason')}</th></tr>${rows}</table>${entries.length ? '' : `<p>${t('nothing')}</p>`}`;
}

async function viewDevices() {
  const devices = (await api('/api/v1/devices')).items;
  const channels = await api('/api/v1/channels');
  const canRegister = session.user.role !== 'viewer';
  view().innerHTML = `<h1>${t('devices')}</h1>
    ${canRegister ? `<form class="card" id="register"><div class="row"><label>${t('channel')}<select name="channelId">${channels.map((c) => `<option value="${c.id}">${esc(c.name)}</option>`).join('')}</select></label>
      <label>${t('name')}<input name="name"></label><label>${t('kind')}<select name="kind"><option value="speaker">${t('speaker')}</option><option value="led">${t('led')}</option></select></label></div>
      <button class="primary">${t('register')}</button><div id="token"></div></form>` : ''}
    <table id="devices"><tr><th>${t('name')}</th><th>${t('status')}</th><th>${t('lastSeen')}</th><th>${t('version')}</th><th>${t('volume')}</th></tr>
    ${devices.map((d) => `<tr data-id="${d.id}"><td>${esc(d.name)}</td><td class="${d.online ? 'status-ok' : 'status-violated'}">${t(d.online ? 'online' : 'offline')}${d.flags.includes('oldPlaylist') ? ' ⚠' : ''}</td><td>${d.lastSeenAt ? time(d.lastSeenAt) : '—'}</td><td>${d.playlistVersion ?? '—'} / ${d.currentVersion ?? '—'}</td><td>${d.volume ?? '—'}</td></tr>`).join('')}</table>`;
  const form = $('#register');
  if (form) form.onsubmit = async (e) => {
    e.preventDefault();
    if (!requireFields(form, ['name'])) return;
    try {
      const res = await api(`/api/v1/channels/${form.channelId.value}/devices`, { method: 'POST', body: { name: form.name.value, kind: form.kind.value } });
      // shown once: the service keeps only its hash
      $('#token').innerHTML = `<div class="notice">${t('tokenOnce')}<br><strong>deviceId</strong> <code id="new-device">${esc(res.device.id)}</code><br><strong>token</strong> <code id="new-token">${esc(res.token)}</code></div>`;
    } catch (err) {
      showErrors(form, err);
    }
  };
}

async function viewAlerts() {
  const channels = await api('/api/v1/channels');
  const active = (await api('/api/v1/alerts?active=true')).items;
  const programs = ((await api('/api/v1/programs?status=approved&limit=500')).items ?? []);
  view().innerHTML = `<h1>${t('alerts')}</h1>
    <section class="card" id="active">${active.map((a) => `<div class="airing prio-emergency" data-id="${a.id}"><strong>${esc(a.title)}</strong> <button class="warn" data-stop>${t('stop')}</button></div>`).join('') || `<p>${t('nothing')}</p>`}</section>
    <form class="card" id="alert"><label>${t('titleField')}<input name="title"></label>
      <label>${t('channel')}</label>${channels.map((c) => `<label style="font-weight:normal"><input type="checkbox" name="channelIds" value="${c.id}" style="width:auto"> ${esc(c.name)}</label>`).join('')}
      <label>${t('source')}<select name="source"><option value="relay">${t('relay')}</option><option value="program">${t('program')}</option></select></label>
      <label data-for="relay">${t('streamUrl')}<input name="streamUrl" placeholder="http://"></label>
      <label data-for="program" hidden>${t('program')}<select name="programId">${programs.map((p) => `<option value="${p.id}">${esc(p.title)}</option>`).join('')}</select></label>
      <button class="primary">${t('start')}</button></form>`;
  view().querySelectorAll('[data-stop]').forEach((b) => (b.onclick = async () => {
    await api(`/api/v1/alerts/${b.closest('[data-id]').dataset.id}/stop`, { method: 'POST' });
    render();
  }));
  const form = $('#alert');
  form.source.onchange = () => form.querySelectorAll('[data-for]').forEach((l) => (l.hidden = l.dataset.for !== form.source.value));
  form.onsubmit = async (e) => {
    e.preventDefault();
    if (!requireFields(form, ['title'])) return;
    try {
      const channelIds = [...form.querySelectorAll('[name=channelIds]:checked')].map((i) => i.value);
      const source = form.source.value;
      await api('/api/v1/alerts', { method: 'POST', body: { title: form.title.value, channelIds, source, ...(source === 'relay' ? { streamUrl: form.streamUrl.value } : { programId: form.programId.value }) } });
      render();
    } catch (err) {
      showErrors(form, err);
    }
  };
}

async function viewReports() {
  const units = (await api('/api/v1/units')).items;
  const year = localDay(0).slice(0, 4);
  view().innerHTML = `<h1>${t('reports')}</h1><form class="card" id="report"><div class="row">
      <label>${t('unit')}<select name="unitId">${units.map((u) => `<option value="${u.id}">${esc(u.name)}</option>`).join('')}</select></label>
      <label>${t('period')}<select name="preset"><option value="month">${t('month')}</option><option value="h1">${t('h1')}</option><option value="h2">${t('h2')}</option><option value="year">${t('year')}</option><option value="custom">${t('custom')}</option></select></label>
      <label>${t('from')}<input name="from" type="date" value="${localDay(0).slice(0, 7)}-01"></label>
      <label>${t('to')}<input name="to" type="date" value="${localDay(0)}"></label></div>
      <button class="primary">${t('show')}</button>
      <button type="button" class="ok" id="xlsx">${t('exportXlsx')}</button> <button type="button" class="ok" id="pdf">${t('exportPdf')}</button> <button type="button" class="warn" id="csv">${t('exportCsv')}</button>
    </form><div id="result"></div>`;
  const form = $('#report');
  form.preset.onchange = () => {
    const p = form.preset.value;
    if (p === 'h1') [form.from.value, form.to.value] = [`${year}-01-01`, `${year}-06-30`];
    if (p === 'h2') [form.from.value, form.to.value] = [`${year}-07-01`, `${year}-12-31`];
    if (p === 'year') [form.from.value, form.to.value] = [`${year}-01-01`, `${year}-12-31`];
  };
  const q = () => `unitId=${form.unitId.value}&from=${form.from.value}&to=${form.to.value}`;
  const guard = (fn) => async () => {
    if (!requireFields(form, ['from', 'to'])) return;
    try {
      await fn();
    } catch (err) {
      showErrors(form, err);
    }
  };
  $('#xlsx').onclick = guard(() => download(`/api/v1/reports/compliance.xlsx?${q()}`, `tuan-thu-${form.from.value}-${form.to.value}.xlsx`));
  $('#pdf').onclick = guard(() => download(`/api/v1/reports/compliance.pdf?${q()}`, `tuan-thu-${form.from.value}-${form.to.value}.pdf`));
  $('#csv').onclick = guard(() => download(`/api/v1/reports/broadcast-log.csv?${q()}`, `nhat-ky-phat-${form.from.value}-${form.to.value}.csv`));
  form.onsubmit = async (e) => {
    e.preventDefault();
    await guard(async () => {
      const report = await api(`/api/v1/compliance?${q()}`);
      const months = await api(`/api/v1/reports/compliance/months?${q()}`);
      const byUnit = new Map();
      for (const r of report.rows) {
        const u = byUnit.get(r.unitId) ?? { rows: 0, ok: 0 };
        u.rows++;
        if (r.status === 'ok') u.ok++;
        byUnit.set(r.unitId, u);
      }
      const unitName = new Map(units.map((u) => [u.id, u.name]));
      const communes = [...byUnit.values()];
      const compliant = communes.filter((u) => u.ok === u.rows).length;
      $('#result').innerHTML = `<h2>${t('communesCompliant')}: <span id="communes-share">${compliant}/${communes.length}</span></h2>
        <div class="bars" id="unit-bars">${[...byUnit].map(([id, u]) => `<div class="bar" style="height:${Math.max(2, (u.ok / u.rows) * 120)}px" title="${u.ok}/${u.rows}"><span>${esc(unitName.get(id) ?? '')} ${Math.round((100 * u.ok) / u.rows)}%</span></div>`).join('')}</div><br>
        <h2>${t('share')}</h2><div class="bars">${months.months.map((m) => `<div class="bar" style="height:${Math.max(2, m.share * 120)}px" title="${m.ok}/${m.rows}"><span>${m.month} ${Math.round(m.share * 100)}%</span></div>`).join('')}</div><br>
        <table id="compliance"><tr><th>${t('rule')}</th><th>${t('channel')}</th><th>${t('period')}</th><th>${t('required_')}</th><th>${t('planned')}</th><th>${t('evidenced')}</th><th>${t('status')}</th></tr>
        ${report.rows.map((r) => `<tr data-channel="${r.channelId}"><td>${esc(r.ruleName)}</td><td><a class="drill" href="#/channel?id=${r.channelId}&from=${r.periodStart}&to=${r.periodEnd}&name=${encodeURIComponent(r.channelName)}">${esc(r.channelName)}</a></td><td>${esc(r.label)}</td><td>${r.required.programs} × ${r.required.airingsPerProgram}</td><td>${r.planned.programs} / ${r.planned.airings}</td><td class="evidenced">${r.evidenced.programs} / ${r.evidenced.airings}</td><td class="status-${r.status}">${t(r.status)}</td></tr>`).join('')}</table>`;
    })();
  };
}

// ---- shell ----
// Renders run one after another: a slow page finishing late never overwrites the page asked for next.
let rendering = Promise.resolve();
function render() {
  rendering = rendering.then(renderNow, renderNow);
  return rendering;
}

async function renderNow() {
  const [route] = (location.hash.replace(/^#\//, '') || 'today').split('?');
  if (!session && route !== 'login') return (location.hash = '#/login');
  if (route === 'login') return viewLogin();
  $('#top').hidden = false;
  const role = session.user.role;
  const items = ['today', 'calendar', ...(role !== 'operator' && role !== 'viewer' ? ['upload', 'rules'] : []), 'devices', ...(role !== 'viewer' ? ['alerts'] : []), 'reports'];
  $('#nav').innerHTML = items.map((i) => `<a href="#/${i}" class="${i === route ? 'active' : ''}">${t(i)}</a>`).join('');
  $('#who').textContent = `${session.user.displayName ?? session.user.username}`;
  $('#lang').textContent = t('lang');
  $('#logout').textContent = t('logout');
  try {
    await (routes[route] ?? viewToday)();
  } catch (err) {
    view().innerHTML = `<p class="error">${esc(err.message)}</p>`;
  }
}

$('#lang').onclick = () => (toggleLang(), render());
$('#logout').onclick = logout;
window.addEventListener('hashchange', render);
document.documentElement.lang = lang;
render();
