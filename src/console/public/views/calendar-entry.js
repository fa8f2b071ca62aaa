// An airing's details (move, cancel) and adding an entry by hand: a program, a relay, or LED content.
import { lang, t } from '../i18n.js';
import { $, api, clockOf, dayOf, esc, guarded, instant, params, role, showErrors, evidenceLevel } from '../core.js';

/** Shows the calendar for `q`; renders again when the address does not change. */
export function go(q, render) {
  const hash = `#/calendar?${new URLSearchParams(q)}`;
  if (location.hash === hash) return render?.();
  location.hash = hash;
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const badTime = (field) => ({ data: { fields: [{ field, message: lang === 'vi' ? 'Giờ phải có dạng HH:MM, ví dụ 05:30' : 'Use HH:MM, e.g. 05:30' }] } });

/** One airing's details; a scheduled one still to come can be moved to another day and time, or cancelled. */
export function showEntry(e, channelId, render) {
  const open = e.status === 'scheduled' && Date.parse(e.startsAt) > Date.now() && role() !== 'viewer';
  $('#entry-detail').innerHTML = `<form class="card prio-${e.priority}" id="entry" data-id="${e.id}"><h2>${esc(e.label)}</h2>
    <p>${t('kindLabel')}: ${t(e.kind)} · ${t('legend')}: ${t(e.priority)} · ${t('status')}: <strong>${t(e.status)}</strong>${e.missedReason ? ` (${esc(e.missedReason)})` : ''}</p>
    <p>${dayOf(e.startsAt)} ${clockOf(e.startsAt)}–${clockOf(e.endsAt)}${e.evidencedAt ? ` · ${t('evidenceAt')} ${clockOf(e.evidencedAt)}` : ''}</p>
    ${Date.parse(e.startsAt) <= Date.now() && e.kind !== 'slides' ? `<p>${t('evidenceLevel')}: ${evidenceLevel(e)}</p>` : ''}
    ${open ? `<div class="row"><label>${t('day')}<input name="day" type="date" value="${dayOf(e.startsAt)}"></label><label>${t('startTime')}<input name="startsAt" value="${clockOf(e.startsAt)}" placeholder="05:30"></label></div>
      <button class="primary" name="move">${t('move')}</button> <button type="button" class="warn" name="cancel">${t('cancelEntry')}</button>` : ''}
    <button type="button" name="close">${t('close')}</button></form>`;
  const form = $('#entry');
  form.close.onclick = () => ($('#entry-detail').innerHTML = '');
  form.scrollIntoView({ block: 'nearest' });
  if (!open) return;
  form.onsubmit = guarded(form, async () => {
    form.querySelectorAll('.error').forEach((x) => x.remove());
    if (!form.day.value) return showErrors(form, { data: { fields: [{ field: 'day', message: t('required') }] } });
    if (!HHMM.test(form.startsAt.value.trim())) return showErrors(form, badTime('startsAt'));
    const start = instant(form.day.value, form.startsAt.value.trim());
    const end = new Date(Date.parse(start) + Date.parse(e.endsAt) - Date.parse(e.startsAt)).toISOString();
    await api(`/api/v1/entries/${e.id}`, { method: 'PATCH', body: { startsAt: start, endsAt: end } });
    go({ channel: channelId, view: params().get('view') ?? 'month', date: form.day.value }, render);
  });
  form.cancel.onclick = guarded(form, async () => {
    if (!confirm(t('confirmCancel'))) return;
    await api(`/api/v1/entries/${e.id}/cancel`, { method: 'POST' });
    render();
  });
}

/** Adds an entry by hand: on an audio channel an approved program or a relay; on a board, LED content. */
export async function addEntryForm(box, channel, day, render) {
  const display = channel.kind === 'display';
  const [programs, assets] = await Promise.all([
    display ? { items: [] } : api('/api/v1/programs?status=approved&limit=500'),
    display ? api('/api/v1/media-assets?status=ready&kind=image,clip,slide&limit=500') : { items: [] },
  ]);
  box.innerHTML = `<form id="entry-new"><div class="row">
      <label>${t('kindLabel')}<select name="kind">${(display ? ['slides'] : ['airing', 'relay']).map((k) => `<option value="${k}">${t(k)}</option>`).join('')}</select></label>
      <label>${t('legend')}<select name="priority"><option value="normal">${t('normal')}</option><option value="priority">${t('priority')}</option></select></label></div>
    ${display ? `<label>${t('ledContent')}<select name="mediaAssetId">${assets.items.map((a) => `<option value="${a.id}">${esc(a.title ?? a.originalName ?? a.kind)} (${a.kind}, ${a.width}×${a.height})</option>`).join('')}</select></label>`
      : `<label data-for="airing">${t('program')}<select name="programId">${programs.items.map((p) => `<option value="${p.id}">${esc(p.title)}</option>`).join('')}</select></label>
         <label data-for="relay" hidden>${t('streamUrl')}<input name="streamUrl" placeholder="http://"></label>`}
    <label>${t('titleField')}<input name="title"></label>
    <div class="row"><label>${t('day')}<input name="day" type="date" value="${day}"></label>
      <label>${t('startTime')}<input name="startsAt" placeholder="05:30"></label><label>${t('endTime')}<input name="endsAt" placeholder="05:45"></label></div>
    <button class="primary">${t('addEntry')}</button></form>`;
  const form = box.querySelector('form');
  form.kind.onchange = () => form.querySelectorAll('[data-for]').forEach((l) => (l.hidden = l.dataset.for !== form.kind.value));
  form.onsubmit = guarded(form, async () => {
    form.querySelectorAll('.error').forEach((x) => x.remove());
    for (const f of ['startsAt', 'endsAt']) if (!HHMM.test(form[f].value.trim())) return showErrors(form, badTime(f));
    if (!form.day.value) return showErrors(form, { data: { fields: [{ field: 'day', message: t('required') }] } });
    const kind = form.kind.value;
    const body = { kind, priority: form.priority.value, startsAt: instant(form.day.value, form.startsAt.value.trim()), endsAt: instant(form.day.value, form.endsAt.value.trim()) };
    // without a title of its own, an LED entry is named after its content
    const title = form.title.value.trim() || (kind === 'slides' ? assets.items.find((a) => a.id === form.mediaAssetId.value)?.title : '');
    if (title) body.title = title;
    if (kind === 'airing') body.programId = form.programId.value;
    if (kind === 'relay') body.streamUrl = form.streamUrl.value.trim();
    if (kind === 'slides') body.mediaAssetId = form.mediaAssetId.value;
    await api(`/api/v1/channels/${channel.id}/entries`, { method: 'POST', body });
    go({ channel: channel.id, view: params().get('view') ?? 'month', date: form.day.value }, render);
  });
}
