// One cluster (or LED board): what it reported lately, and its channel's airings of the last day and the next.
import { t } from '../i18n.js';
import { api, esc, evidenceLevel, params, time, view } from '../core.js';

export default async function viewDevice() {
  const { device, events, airings } = await api(`/api/v1/devices/${params().get('id')}/activity`);
  view().innerHTML = `<h1>${esc(device.name)}</h1>
    ${device.silentSince ? `<div class="error" id="silent">⚠ ${t('state_silent')} — ${t('silentFrom')} ${esc(time(device.silentSince))}. ${t('silentHint')}</div>` : ''}
    <p class="muted">${device.village ? `${esc(device.village)} · ` : ''}${device.lat !== null ? `${device.lat.toFixed(4)}, ${device.lng.toFixed(4)}` : ''} · <a href="#/map">${t('map')}</a></p>
    <h2>${t('recentAirings')}</h2>
    <table id="device-airings"><tr><th>${t('startsAt')}</th><th>${t('content')}</th><th>${t('status')}</th><th>${t('evidenced')}</th><th>${t('evidenceLevel')}</th></tr>
      ${airings.map((a) => `<tr class="prio-${a.priority}" data-id="${a.id}"><td>${esc(time(a.startsAt))}</td><td>${esc(a.title ?? t(a.kind))}</td><td>${t(a.status)}</td><td>${a.evidencedAt ? esc(time(a.evidencedAt)) : '—'}</td><td>${a.kind === 'slides' ? '' : evidenceLevel(a)}</td></tr>`).join('')}</table>
    ${airings.length ? '' : `<p>${t('nothing')}</p>`}
    <h2>${t('recentEvents')}</h2>
    <table id="device-events"><tr><th>${t('at')}</th><th>${t('event')}</th><th>${t('content')}</th><th>${t('detail')}</th></tr>
      ${events.map((e) => `<tr data-type="${esc(e.type)}"><td>${esc(time(e.at))}</td><td>${t(`ev_${e.type}`)}</td><td>${esc(e.title ?? '')}</td><td>${esc(e.type === 'play.monitored' ? (e.detail?.windows ?? []).map((w) => `${w.levelDb} dBFS`).join(', ') : e.detail?.reason ?? '')}</td></tr>`).join('')}</table>
    ${events.length ? '' : `<p>${t('nothing')}</p>`}`;
}
