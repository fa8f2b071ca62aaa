// Shared by every page: the session, the API client, messages next to fields, local times.
import { lang, t } from './i18n.js';

export const session = { current: JSON.parse(sessionStorage.getItem('bcast.session') || 'null') };
export const $ = (sel, root = document) => root.querySelector(sel);
export const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
export const view = () => $('#view');
export const role = () => session.current?.user?.role;
export const canEdit = () => ['admin', 'editor'].includes(role());
/** The query part of the page's address (#/page?a=1). */
export const params = () => new URLSearchParams(location.hash.split('?')[1] ?? '');

export function saveSession(value) {
  session.current = value;
  if (value) sessionStorage.setItem('bcast.session', JSON.stringify(value));
  else sessionStorage.removeItem('bcast.session');
}

export function logout() {
  // the server ends every session of this user; the page forgets it whatever the answer
  if (session.current) fetch('/api/v1/auth/logout', { method: 'POST', headers: { Authorization: `Bearer ${session.current.token}` } }).catch(() => undefined);
  saveSession(null);
  location.hash = '#/login';
}

export async function api(path, opts = {}) {
  const json = opts.body && !(opts.body instanceof FormData) && !(opts.body instanceof Blob);
  const headers = { ...(json ? { 'Content-Type': 'application/json' } : {}), ...(session.current ? { Authorization: `Bearer ${session.current.token}` } : {}), 'Accept-Language': lang };
  const res = await fetch(path, { ...opts, headers, body: json ? JSON.stringify(opts.body) : opts.body });
  if (res.status === 401 && session.current) return logout();
  const type = res.headers.get('content-type') || '';
  const data = type.includes('json') ? await res.json() : await res.blob();
  if (!res.ok) throw Object.assign(new Error(data.message || res.statusText), { data, status: res.status });
  return data;
}

function fieldOf(form, name) {
  return form.querySelector(`[data-field="${name}"]`) ?? form.querySelector(`[name="${name}"]`);
}

/** Shows the server's messages next to the fields they name (Vietnamese by default). */
export function showErrors(form, err) {
  form.querySelectorAll('.error').forEach((e) => e.remove());
  const fields = err.data?.fields ?? [];
  for (const f of fields) {
    const parts = f.field.split('.');
    let input = null;
    for (let n = parts.length; n > 0 && !input; n--) input = fieldOf(form, parts.slice(0, n).join('.'));
    const msg = document.createElement('div');
    msg.className = 'error';
    msg.textContent = lang === 'vi' ? f.message : f.messageEn || f.message;
    (input ?? form).insertAdjacentElement(input ? 'afterend' : 'beforeend', msg);
  }
  if (!fields.length) {
    const msg = document.createElement('div');
    msg.className = 'error';
    msg.textContent = err.data?.message ?? err.message;
    // a refused file (unreadable, too long, too large, wrong type) is said next to the file chooser
    const file = /^(MEDIA_|FILE_|UPLOAD_)/.test(err.data?.code ?? '') || [413, 415].includes(err.status) ? form.querySelector('[name=file]') : null;
    if (file) file.insertAdjacentElement('afterend', msg);
    else form.append(msg);
  }
}

/** Required fields checked before sending, with the message next to the field. */
export function requireFields(form, names) {
  form.querySelectorAll('.error').forEach((e) => e.remove());
  let ok = true;
  for (const n of names) {
    const input = form.querySelector(`[name="${n}"]`);
    const empty = input?.type === 'file' ? !input.files.length : input && !String(input.value).trim();
    if (empty) {
      ok = false;
      input.insertAdjacentHTML('afterend', `<div class="error">${esc(t('required'))}</div>`);
    }
  }
  return ok;
}

/** Runs a form's action; any refusal is shown next to the fields it names. */
export const guarded = (form, action) => async (e) => {
  e?.preventDefault();
  try {
    await action();
  } catch (err) {
    showErrors(form, err);
  }
};

export const unitOptions = (units, selected) => units.map((u) => `<option value="${u.id}" ${u.id === selected ? 'selected' : ''}>${esc(u.name)}</option>`).join('');

let programTitles = null;
export async function titleOf(e) {
  if (e.title) return e.title;
  if (e.programTitle) return e.programTitle;
  if (!e.programId) return t(e.kind);
  programTitles ??= new Map(((await api('/api/v1/programs?limit=500')).items ?? []).map((p) => [p.id, p.title]));
  return programTitles.get(e.programId) ?? t(e.kind);
}
export const forgetTitles = () => (programTitles = null);

// Vietnam keeps one offset all year (no daylight saving): local days and times are +07:00.
export const ZONE = 'Asia/Ho_Chi_Minh';
export const OFFSET = '+07:00';
export const dayOf = (iso) => new Date(Date.parse(iso) + 7 * 3600_000).toISOString().slice(0, 10);
export const localDay = (offset = 0) => dayOf(new Date(Date.now() + offset * 86_400_000).toISOString());
export const clockOf = (iso) => new Date(Date.parse(iso) + 7 * 3600_000).toISOString().slice(11, 16);
export const instant = (day, hhmm = '00:00') => new Date(`${day}T${hhmm}:00${OFFSET}`).toISOString();
export const addDays = (day, n) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
/** Text keys of the ISO weekdays, Monday first. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
/** ISO weekday of a local date: 1 = Monday … 7 = Sunday. */
export const weekday = (day) => ((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
/** "Thứ Hai, 23/11/2026 06:00" — a day people read, in the commune's zone. */
export const dateTime = (iso) => {
  const d = new Date(iso);
  const day = d.toLocaleDateString(lang === 'vi' ? 'vi-VN' : 'en-GB', { timeZone: ZONE, weekday: 'long', day: '2-digit', month: '2-digit', year: 'numeric' });
  return `${day} ${d.toLocaleTimeString('en-GB', { timeZone: ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })}`;
};
/** 2026-11-26 → 26/11/2026; empty stays empty. */
export const dmy = (day) => (day ? `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}` : '');
/** "06:00 26/11/2026" in the commune's zone, whatever the browser's language. */
export const time = (iso) => {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
  return `${p.hour}:${p.minute} ${p.day}/${p.month}/${p.year}`;
};

export async function download(path, name, opts = {}) {
  const blob = await api(path, opts);
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
}

/** Posts a form with upload progress in `bar` (XHR: fetch cannot report upload progress). */
export function uploadWithProgress(url, data, bar) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('Authorization', `Bearer ${session.current.token}`);
    xhr.setRequestHeader('Accept-Language', lang);
    if (bar) xhr.upload.onprogress = (p) => p.lengthComputable && (bar.value = Math.round((100 * p.loaded) / p.total));
    xhr.onerror = () => reject(new Error(xhr.statusText || 'network'));
    xhr.onload = () => {
      const body = JSON.parse(xhr.responseText || '{}');
      if (xhr.status !== 202) return reject(Object.assign(new Error(body.message), { data: body, status: xhr.status }));
      if (bar) bar.value = 100;
      resolve(body);
    };
    xhr.send(data);
  });
}

/** Follows a media asset's processing until it is ready or rejected; `bar` and `state` show it. */
export async function waitForAsset(id, bar, state) {
  for (;;) {
    const a = await api(`/api/v1/media-assets/${id}`);
    if (bar) bar.value = a.progress ?? 0;
    if (state) state.textContent = t(a.status === 'ready' ? 'ready' : a.status === 'rejected' ? 'rejected' : 'processing') + (a.rejectReason ? `: ${a.rejectReason}` : '');
    if (a.status !== 'processing') return a;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * The evidence level of an airing, each airing in one: verified acoustically (its monitor heard
 * it), reported by the player but not heard, reported by the player, confirmed by the commune.
 * @param {{ acoustic?: string | null, evidencedAt?: string | null, status: string }} e
 */
export function evidenceLevel(e) {
  const level = e.acoustic === 'heard' ? 'acoustic' : e.evidencedAt && e.acoustic ? 'notHeard' : e.evidencedAt ? 'reported' : e.status === 'aired' ? 'confirmed' : 'none';
  return `<span class="evl evl-${level}" data-level="${level}">${level === 'acoustic' ? '🔊 ' : level === 'notHeard' ? '⚠ ' : ''}${t(`evl_${level}`)}</span>`;
}
