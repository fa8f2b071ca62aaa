// Players: online or not, last seen, playlist version, volume; registering one shows its token once.
import { t } from '../i18n.js';
import { $, api, esc, guarded, requireFields, role, time, view } from '../core.js';

export default async function viewDevices() {
  const devices = (await api('/api/v1/devices')).items;
  const channels = await api('/api/v1/channels');
  const canRegister = role() !== 'viewer';
  view().innerHTML = `<h1>${t('devices')}</h1>
    ${canRegister ? `<form class="card" id="register"><div class="row"><label>${t('channel')}<select name="channelId">${channels.map((c) => `<option value="${c.id}">${esc(c.name)}</option>`).join('')}</select></label>
      <label>${t('name')}<input name="name"></label><label>${t('kind')}<select name="kind"><option value="speaker">${t('speaker')}</option><option value="led">${t('led')}</option></select></label></div>
      <button class="primary">${t('register')}</button><div id="token"></div></form>` : ''}
    <table id="devices"><tr><th>${t('name')}</th><th>${t('status')}</th><th>${t('lastSeen')}</th><th>${t('version')}</th><th>${t('volume')}</th></tr>
    ${devices.map((d) => `<tr data-id="${d.id}"><td>${esc(d.name)}</td><td class="${d.online ? 'status-ok' : 'status-violated'}">${t(d.online ? 'online' : 'offline')}${d.flags.includes('oldPlaylist') ? ' ⚠' : ''}</td><td>${d.lastSeenAt ? time(d.lastSeenAt) : '—'}</td><td>${d.playlistVersion ?? '—'} / ${d.currentVersion ?? '—'}</td><td>${d.volume ?? '—'}</td></tr>`).join('')}</table>`;
  const form = $('#register');
  if (form) form.onsubmit = guarded(form, async () => {
    if (!requireFields(form, ['name'])) return;
    const res = await api(`/api/v1/channels/${form.channelId.value}/devices`, { method: 'POST', body: { name: form.name.value, kind: form.kind.value } });
    // shown once: the service keeps only its hash
    $('#token').innerHTML = `<div class="notice">${t('tokenOnce')}<br><strong>deviceId</strong> <code id="new-device">${esc(res.device.id)}</code><br><strong>token</strong> <code id="new-token">${esc(res.token)}</code></div>`;
  });
}
