// The calendar of one channel: a month grid or a week by day, airings coloured by priority, the
// month's rule status, an airing's details (move, cancel), and the planner with its explanations.
import { lang, t } from '../i18n.js';
import { $, addDays, api, canEdit, clockOf, dayOf, esc, guarded, instant, localDay, params, role, titleOf, unitOptions, view, weekday, WEEKDAYS } from '../core.js';
import { addEntryForm, go, showEntry } from './calendar-entry.js';

const RANK = { emergency: 0, priority: 1, normal: 2 };


export default async function viewCalendar({ render }) {
  const channels = await api('/api/v1/channels');
  if (!channels.length) return (view().innerHTML = `<h1>${t('calendar')}</h1><p>${t('noChannels')}</p>`);
  const q = params();
  const channel = channels.find((c) => c.id === q.get('channel')) ?? channels.find((c) => c.kind === 'audio') ?? channels[0];
  const mode = q.get('view') === 'week' ? 'week' : 'month';
  const date = /^\d{4}-\d{2}-\d{2}$/.test(q.get('date') ?? '') ? q.get('date') : localDay(0);
  const month = date.slice(0, 7);
  const monthFirst = `${month}-01`;
  const [y, m] = month.split('-').map(Number);
  const lastOfMonth = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
  // the days shown: whole weeks, Monday first
  const first = mode === 'week' ? addDays(date, 1 - weekday(date)) : addDays(monthFirst, 1 - weekday(monthFirst));
  const last = mode === 'week' ? addDays(first, 6) : addDays(lastOfMonth, 7 - weekday(lastOfMonth));
  const entries = await api(`/api/v1/channels/${channel.id}/entries?from=${instant(first)}&to=${instant(addDays(last, 1))}`);
  for (const e of entries) e.label = await titleOf(e);
  // the rule status of what is shown: the month (with its weeks), or the week
  const [from, to] = mode === 'month' ? [monthFirst, lastOfMonth] : [first, last];
  const compliance = await api(`/api/v1/compliance?unitId=${channel.unitId}&from=${from}&to=${to}`).catch(() => ({ rows: [] }));
  const rules = compliance.rows.filter((r) => r.channelId === channel.id && r.periodEnd >= from && r.periodStart <= to);
  const units = canEdit() ? (await api('/api/v1/units')).items : [];

  const byDay = new Map();
  for (const e of entries.sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt) || RANK[a.priority] - RANK[b.priority])) {
    const d = dayOf(e.startsAt);
    byDay.set(d, [...(byDay.get(d) ?? []), e]);
  }
  // where a higher priority overlaps, the lower one does not play (the playlist leaves it out whole)
  for (const e of entries) e.preempted = entries.some((o) => RANK[o.priority] < RANK[e.priority] && Date.parse(o.startsAt) < Date.parse(e.endsAt) && Date.parse(o.endsAt) > Date.parse(e.startsAt));
  const chip = (e, long) =>
    `<button type="button" class="chip prio-${e.priority} st-${e.status}${e.preempted ? ' preempted' : ''}" data-entry="${e.id}" title="${esc(e.label)} — ${t(e.priority)} — ${t(e.status)}${e.preempted ? ` — ${t('preempted')}` : ''}">${clockOf(e.startsAt)}${long ? `–${clockOf(e.endsAt)}` : ''} ${esc(e.label)}</button>`;
  const today = localDay(0);
  const head = WEEKDAYS.map((d) => `<div class="dow">${t(d)}</div>`).join('');
  let grid = '';
  if (mode === 'month') {
    for (let d = first; d <= last; d = addDays(d, 1)) {
      grid += `<div class="day ${d.slice(0, 7) !== month ? 'other' : ''} ${d === today ? 'today' : ''}" data-day="${d}"><button type="button" class="num" title="${t('dayList')} ${d.split('-').reverse().join('/')}">${Number(d.slice(8))}</button>${(byDay.get(d) ?? []).map((e) => chip(e, false)).join('')}</div>`;
    }
  } else {
    for (let d = first; d <= last; d = addDays(d, 1)) {
      const windows = (channel.windows ?? []).filter((w) => w.days.includes(weekday(d))).map((w) => `<div class="window">${w.start}–${w.end}</div>`).join('');
      const off = (channel.daysOff ?? []).includes(d);
      grid += `<div class="day week ${d === today ? 'today' : ''}" data-day="${d}"><button type="button" class="num" title="${t('dayList')} ${d.split('-').reverse().join('/')}">${d.slice(8)}/${d.slice(5, 7)}</button>${off ? `<div class="window off">—</div>` : windows}${(byDay.get(d) ?? []).map((e) => chip(e, true)).join('')}</div>`;
    }
  }
  const title = mode === 'month' ? `${t('month')} ${Number(month.slice(5))}/${month.slice(0, 4)}` : `${t('week')} ${first.slice(8)}/${first.slice(5, 7)} – ${last.slice(8)}/${last.slice(5, 7)}/${last.slice(0, 4)}`;
  const step = (n) => (mode === 'month' ? addDays(monthFirst, n > 0 ? 32 : -1).slice(0, 7) + '-01' : addDays(date, 7 * n));

  view().innerHTML = `<h1>${t('calendar')} — ${esc(channel.name)}</h1>
    <div class="toolbar">
      <select id="cal-channel" aria-label="${t('channel')}">${channels.map((c) => `<option value="${c.id}" ${c.id === channel.id ? 'selected' : ''}>${esc(c.name)}</option>`).join('')}</select>
      <span class="seg"><button type="button" data-view="month" class="${mode === 'month' ? 'on' : ''}">${t('viewMonth')}</button><button type="button" data-view="week" class="${mode === 'week' ? 'on' : ''}">${t('viewWeek')}</button></span>
      <button type="button" data-go="${step(-1)}">${t('prev')}</button><button type="button" data-go="${today}">${t('todayBtn')}</button><button type="button" data-go="${step(1)}">${t('next')}</button>
      <strong id="cal-title">${title}</strong>
    </div>
    <ul class="rules" id="rule-status">${rules.map((r) => `<li><span class="status-${r.status}">${esc(r.ruleName)} — ${esc(r.label)}: ${t(r.status)}</span>
      <span class="muted">${r.minutes ? `${t('required_')} ${r.minutes.required} ${t('minutes')} · ${t('planned')} ${r.minutes.planned} · ${t('evidenced')} ${r.minutes.evidenced}` : `${t('required_')} ${r.required.programs} ${t('programsWord')} × ${r.required.airingsPerProgram} ${t('airingsWord')} · ${t('planned')} ${r.planned.programs} ${t('programsWord')} / ${r.planned.airings} ${t('airingsWord')} · ${t('evidenced')} ${r.evidenced.programs} ${t('programsWord')} / ${r.evidenced.airings} ${t('airingsWord')}`}</span></li>`).join('') || '<li>—</li>'}</ul>
    <p class="legend">${t('legend')}: <span class="chip prio-emergency">${t('emergency')}</span> <span class="chip prio-priority">${t('priority')}</span> <span class="chip prio-normal">${t('normal')}</span></p>
    <div id="entry-detail"></div>
    ${role() !== 'viewer' ? `<details class="card" id="add-entry-box"><summary>${t('addEntry')}</summary><div id="add-entry"></div></details>` : ''}
    <div class="cal ${mode}" id="cal" data-channel="${channel.id}">${head}${grid}</div>
    ${canEdit() ? `<form class="card" id="plan"><h2>${t('plan')}</h2><div class="row"><label>${t('unit')}<select name="unitId">${unitOptions(units, channel.unitId)}</select></label></div>
      <button class="primary">${t('plan')} ${Number(month.slice(5))}/${month.slice(0, 4)}</button><div id="explain"></div></form>` : ''}`;

  $('#cal-channel').onchange = (e) => go({ channel: e.target.value, view: mode, date });
  view().querySelectorAll('[data-view]').forEach((b) => (b.onclick = () => go({ channel: channel.id, view: b.dataset.view, date })));
  view().querySelectorAll('[data-go]').forEach((b) => (b.onclick = () => go({ channel: channel.id, view: mode, date: b.dataset.go })));
  const open = (b) => (b.onclick = (ev) => (ev.stopPropagation(), showEntry(entries.find((e) => e.id === b.dataset.entry), channel.id, render)));
  view().querySelectorAll('#cal [data-entry]').forEach(open);
  // a day tapped: its airings in full below the toolbar (the grid's chips are small on a phone)
  view().querySelectorAll('#cal .day').forEach((cell) => (cell.onclick = () => {
    const list = byDay.get(cell.dataset.day) ?? [];
    $('#entry-detail').innerHTML = `<section class="card" id="day-list"><h2>${cell.dataset.day.split('-').reverse().join('/')}</h2>${list.map((e) => chip(e, true)).join('') || `<p>${t('nothing')}</p>`}</section>`;
    $('#day-list').querySelectorAll('[data-entry]').forEach(open);
  }));

  if ($('#add-entry')) await addEntryForm($('#add-entry'), channel, mode === 'week' ? date : today >= monthFirst && today <= lastOfMonth ? today : monthFirst, render);
  const form = $('#plan');
  if (form) form.onsubmit = guarded(form, async () => {
    const res = await api('/api/v1/schedule/plan', { method: 'POST', body: { unitId: form.unitId.value, from: today > monthFirst ? today : monthFirst, to: lastOfMonth } });
    const lines = (res.shortfalls ?? []).map((s) => `<li>${esc(lang === 'vi' ? s.message : s.messageEn ?? s.message)}</li>`).join('');
    $('#explain').innerHTML = `<div class="notice" id="plan-result">${t('placed')}: ${res.created}</div>${lines ? `<ul id="shortfalls">${lines}</ul>` : ''}`;
    if (res.created) setTimeout(render, 1500);
  });
}
