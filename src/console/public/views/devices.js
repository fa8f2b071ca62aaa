// Players: online or not, last seen, playlist version, volume; registering one shows its token once.
import { t } from '../i18n.js';
import { $, api, esc, guarded, requireFields, role, time, view } from '../core.js';

export default async function viewDevices({ render }) {
  const devices = (await api('/api/v1/devices')).items;
  const channels = await api('/api/v1/channels');
  const canRegister = role() !== 'viewer';
  // nothing a device sends disappears silently: administrators see what was refused, and why
  const rejected = role() === 'admin' ? await api('/api/v1/device-events/rejected?limit=20') : null;
  view().innerHTML = `<h1>${t('devices')}</h1>
    ${canRegister ? `<form class="card" id="register"><div class="row"><label>${t('channel')}<select name="channelId">${channels.map((c) => `<option value="${c.id}" data-kind="${c.kind === 'display' ? 'led' : 'speaker'}">${esc(c.name)}</option>`).join('')}</select></label>
      <label>${t('name')}<input name="name"></label><label>${t('kind')}<select name="kind"><option value="speaker">${t('speaker')}</option><option value="integration">${t('integration')}</option><option value="led">${t('led')}</option></select></label></div>
      <button class="primary">${t('register')}</button><div id="token"></div></form>` : ''}
    <table id="devices"><tr><th>${t('name')}</th><th>${t('status')}</th><th>${t('lastSeen')}</th><th>${t('version')}</th><th>${t('volume')}</th>${canRegister ? '<th></th>' : ''}</tr>
    ${devices.map((d) => `<tr data-id="${d.id}"><td>${esc(d.name)}${d.protocol ? `<div class="muted protocol" title="${t('protocolHint')}">${esc(d.protocol)}${d.features.length ? ` · ${esc(d.features.join(', '))}` : ''}</div>` : ''}</td><td class="${d.online ? 'status-ok' : 'status-violated'}">${t(d.online ? 'online' : 'offline')}${d.flags.includes('oldPlaylist') ? ` ⚠ ${t('oldPlaylist')}` : ''}${d.flags.includes('silent') ? ` <span class="silent" title="${t('silentHint')}">⚠ ${t('silent')}</span>` : ''}${d.flags.includes('eventsRefused') ? ` <span class="refused" title="${esc(d.eventsRefusedReason ?? '')}">⚠ ${t('eventsRefused')}: ${d.eventsRefused}</span>` : ''}</td><td>${d.lastSeenAt ? time(d.lastSeenAt) : '—'}</td><td>${d.playlistVersion ?? '—'} / ${d.currentVersion ?? '—'}</td><td>${d.volume ?? '—'}</td>
      ${canRegister ? `<td><form class="command" novalidate><button type="button" name="sync">${t('sync')}</button> <input name="volume" type="number" min="0" max="100" class="tiny" value="${d.volume ?? ''}" aria-label="${t('volume')}"><button name="setVolume">${t('setVolume')}</button><span class="sent"></span>
        <button type="button" name="rotate">${t('rotateToken')}</button> <button type="button" class="warn" name="revoke">${t('revoke')}</button></form></td>` : ''}</tr>`).join('')}</table>
    ${rejected ? `<h2>${t('rejectedEvents')} (${rejected.total})</h2><table id="rejected"><tr><th>${t('receivedAt')}</th><th>${t('name')}</th><th>${t('reason')}</th></tr>
      ${rejected.items.map((r) => `<tr><td>${time(r.receivedAt)}</td><td>${esc(r.deviceName)}</td><td>${esc(r.reason)}</td></tr>`).join('')}</table>` : ''}`;
  // commands reach a device that is online now (not queued for later), so the page says "sent", not "done"
  view().querySelectorAll('form.command').forEach((cmd) => {
    const id = cmd.closest('tr').dataset.id;
    const send = (body) => guarded(cmd, async () => {
      await api(`/api/v1/devices/${id}/commands`, { method: 'POST', body });
      cmd.querySelector('.sent').textContent = ` ✓ ${t('sent')}`;
    });
    cmd.sync.onclick = send({ type: 'sync' });
    // a lost or stolen player: a new token (the old one stops working at once), or no access at all
    cmd.rotate.onclick = guarded(cmd, async () => {
      if (!confirm(t('confirmRotate'))) return;
      const res = await api(`/api/v1/devices/${id}/token`, { method: 'POST' });
      cmd.insertAdjacentHTML('afterend', `<div class="notice">${t('tokenOnce')}<br><strong>token</strong> <code class="rotated-token">${esc(res.token)}</code></div>`);
    });
    cmd.revoke.onclick = guarded(cmd, async () => {
      if (!confirm(t('confirmRevoke'))) return;
      await api(`/api/v1/devices/${id}/revoke`, { method: 'POST' });
      render();
    });
    cmd.onsubmit = (e) => (e.preventDefault(), requireFields(cmd, ['volume']) && send({ type: 'volume', volume: Number(cmd.volume.value) })());
  });
  const form = $('#register');
  // the device's kind follows its channel: a loudspeaker cluster on an audio channel, a player on an LED board
  const matchKind = () => {
    const kind = form.channelId.selectedOptions[0]?.dataset.kind ?? 'speaker';
    // an LED board takes a player; a loudspeaker channel a cluster or an integration box
    if (kind === 'led' || form.kind.value === 'led') form.kind.value = kind;
  };
  if (form) {
    form.channelId.onchange = matchKind;
    matchKind();
  }
  if (form) form.onsubmit = guarded(form, async () => {
    if (!requireFields(form, ['name'])) return;
    const res = await api(`/api/v1/channels/${form.channelId.value}/devices`, { method: 'POST', body: { name: form.name.value, kind: form.kind.value } });
    // shown once: the service keeps only its hash
    $('#token').innerHTML = `<div class="notice">${t('tokenOnce')}<br><strong>deviceId</strong> <code id="new-device">${esc(res.device.id)}</code><br><strong>token</strong> <code id="new-token">${esc(res.token)}</code></div>`;
  });
}
