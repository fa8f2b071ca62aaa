// The commune operator's page: past days' unconfirmed airings to catch up on, today's and tomorrow's
// airings, one-tap confirmation, broadcast now.
import { t } from '../i18n.js';
import { $, api, dateTime, esc, evidenceLevel, instant, localDay, requireFields, showErrors, time, titleOf, view, waitForAsset } from '../core.js';
import { microphoneButton } from '../recorder.js';

export default async function viewToday({ render }) {
  const channels = (await api('/api/v1/channels')).filter((c) => c.kind === 'audio');
  const from = instant(localDay(0));
  const to = instant(localDay(2));
  let html = `<h1>${t('today')}</h1>`;
  // a cluster playing into nothing (amplifier off, line cut, volume at zero) is the first thing to fix
  const silent = (await api('/api/v1/devices?flagged=true')).items.filter((d) => d.flags.includes('silent'));
  if (silent.length) {
    html += `<section class="card error" id="silent-clusters"><h2>⚠ ${t('silentCard')} (${silent.length})</h2><p>${t('silentHint')}</p><ul>
      ${silent.map((d) => `<li data-device="${d.id}"><a href="#/device?id=${d.id}">${esc(d.name)}</a> — ${esc(d.channelName)}, ${t('silentFrom')} ${esc(dateTime(d.silentSince))}</li>`).join('')}</ul></section>`;
  }
  // bulletins from above come first: priority ones already open the next session, normal ones wait for a time or a no
  const inbox = await api('/api/v1/bulletins/inbox');
  if (inbox.length) {
    html += `<section class="card" id="bulletins"><h2>${t('bulletinsFromAbove')} (${inbox.length})</h2>`;
    for (const b of inbox) {
      const mates = inbox.filter((x) => x.channelId === b.channelId && x.level === 'priority' && x.status === 'placed');
      html += `<form class="bulletin level-${b.level}" data-bulletin="${b.bulletinId}" data-channel="${b.channelId}"><div><strong>${t(`level_${b.level}`)}</strong> · ${esc(b.title)} <span class="muted">— ${esc(b.channelName)} · ${t(`source_${b.source}`)} · ${t('validUntil')} ${esc(time(b.validUntil))}</span></div>
        ${b.status === 'placed'
          ? `<div>${t(b.level === 'priority' ? 'opensSession' : 'placedAt')} ${esc(time(b.startsAt))}${mates.length > 1 ? ` <button type="button" name="earlier" ${mates[0].bulletinId === b.bulletinId ? 'disabled' : ''}>${t('earlier')}</button>` : ''}${b.note ? `<div class="muted">${esc(b.note)}</div>` : ''}</div>`
          : `<div><label class="inline">${t('airAt')} <input name="at" type="time" class="tiny"></label> <button class="ok" name="place" type="button">${t('place')}</button>
             <input name="reason" placeholder="${t('reason')}" class="inline"> <button class="warn" name="decline" type="button">${t('decline')}</button></div>`}</form>`;
    }
    html += '</section>';
  }
  // a commune that was offline catches up: past days' airings nobody confirmed and no device reported
  const earlier = (await api('/api/v1/entries/unconfirmed?days=7')).filter((e) => Date.parse(e.startsAt) < Date.parse(from));
  if (earlier.length) {
    html += `<section class="card" id="catch-up"><h2>${t('unconfirmedEarlier')} (${earlier.length})</h2><p class="muted">${t('unconfirmedHint')}</p>`;
    for (const e of earlier) {
      html += `<form class="airing prio-${e.priority}" data-id="${e.id}"><div><strong>${esc(dateTime(e.startsAt))}</strong> ${esc(e.title ?? t(e.kind))} <span class="muted">— ${esc(e.channelName)}</span></div>
        <div><button class="ok" name="aired" type="button">${t('aired')}</button>
        <input name="reason" placeholder="${t('reason')}" class="inline"> <button class="warn" name="missed" type="button">${t('missed')}</button></div></form>`;
    }
    html += '</section>';
  }
  for (const c of channels) {
    const entries = await api(`/api/v1/channels/${c.id}/entries?from=${from}&to=${to}`);
    html += `<section class="card"><h2>${esc(c.name)}</h2>${entries.length ? '' : `<p>${t('nothing')}</p>`}`;
    for (const e of entries) {
      const done = e.status === 'aired' || e.status === 'missed' || e.status === 'cancelled';
      html += `<form class="airing prio-${e.priority}" data-id="${e.id}"><div><strong>${time(e.startsAt)}</strong> ${esc(await titleOf(e))} ${done ? `<em>— ${t(e.status)}${e.missedReason ? `: ${esc(e.missedReason)}` : ''}</em>` : ''}${e.evidencedAt || e.acoustic ? ` · ${evidenceLevel(e)}` : ''}</div>
        ${done || new Date(e.startsAt) > new Date() ? '' : `<div><button class="ok" name="aired" type="button">${t('aired')}</button>
        <input name="reason" placeholder="${t('reason')}" class="inline"> <button class="warn" name="missed" type="button">${t('missed')}</button></div>`}</form>`;
    }
    html += '</section>';
  }
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
    const length = Math.max(a.durationMs ?? 60000, 1000) + 1000;
    const waiting = await api(`/api/v1/channels/${now.channelId.value}/entries?from=${new Date().toISOString()}&to=${new Date(Date.now() + 6 * 3600_000).toISOString()}`);
    let at = Date.now() + 5000;
    for (const w of waiting.filter((x) => x.priority === 'priority').sort((x, y) => Date.parse(x.startsAt) - Date.parse(y.startsAt))) {
      if (Date.parse(w.startsAt) < at + length && Date.parse(w.endsAt) > at) at = Date.parse(w.endsAt) + 1000;
    }
    const start = new Date(at);
    await api(`/api/v1/channels/${now.channelId.value}/entries`, { method: 'POST', body: { kind: 'announcement', priority: 'priority', mediaAssetId: assetId, title: a.title, startsAt: start.toISOString(), endsAt: new Date(start.getTime() + length).toISOString() } });
    $('#now-state').innerHTML = `<div class="notice" id="now-done">${t('scheduledAt')} ${time(start.toISOString())}</div>`;
  };
  const unitId = () => now.channelId.selectedOptions[0]?.dataset.unit;
  now.onsubmit = async (e) => {
    e.preventDefault();
    if (!requireFields(now, ['text'])) return;
    try {
      const asset = await api('/api/v1/media-assets/speech', { method: 'POST', body: { unitId: unitId(), text: now.text.value } });
      await broadcast(asset.id);
    } catch (err) {
      showErrors(now, err);
    }
  };
  microphoneButton($('#record'), $('#rec-state'), async (blob) => {
    const data = new FormData();
    data.append('unitId', unitId());
    data.append('title', `${t('recording')} ${new Date().toLocaleTimeString('vi-VN')}`);
    data.append('file', blob, 'ghi-am.webm');
    try {
      $('#rec-state').textContent = t('uploading');
      const asset = await api('/api/v1/media-assets/audio', { method: 'POST', body: data });
      $('#rec-state').textContent = '';
      await broadcast(asset.id);
    } catch (err) {
      showErrors(now, err);
    }
  }, (message) => showErrors(now, { data: { message } }));

  view().querySelectorAll('form.bulletin').forEach((form) => {
    const path = `/api/v1/bulletins/${form.dataset.bulletin}/channels/${form.dataset.channel}`;
    // the page is drawn again only after the service took the answer (a missing field keeps its message)
    const act = (fn) => async () => {
      try {
        if ((await fn()) !== false) render();
      } catch (err) {
        showErrors(form, err);
      }
    };
    form.querySelector('[name=place]')?.addEventListener('click', act(async () => {
      if (!requireFields(form, ['at'])) return false;
      // today at that time, or tomorrow if it has passed
      let at = new Date(instant(localDay(0), form.at.value));
      if (at < new Date()) at = new Date(instant(localDay(1), form.at.value));
      await api(`${path}/place`, { method: 'POST', body: { startsAt: at.toISOString() } });
    }));
    form.querySelector('[name=decline]')?.addEventListener('click', act(async () => {
      if (!requireFields(form, ['reason'])) return false;
      await api(`${path}/decline`, { method: 'POST', body: { reason: form.reason.value } });
    }));
    form.querySelector('[name=earlier]')?.addEventListener('click', act(async () => {
      // move this priority bulletin one place up among those opening the channel's next session
      const ids = inbox.filter((x) => x.channelId === form.dataset.channel && x.level === 'priority' && x.status === 'placed').map((x) => x.bulletinId);
      const i = ids.indexOf(form.dataset.bulletin);
      [ids[i - 1], ids[i]] = [ids[i], ids[i - 1]];
      await api(`/api/v1/channels/${form.dataset.channel}/bulletin-order`, { method: 'POST', body: { bulletinIds: ids } });
    }));
  });

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
