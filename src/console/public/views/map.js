// The province's loudspeaker clusters and LED boards on a map, coloured by state, with the faults and how long each has lasted.
// Leaflet is served from this origin; with no tile server configured (or none reachable) the map is a
// plain view: each unit's area drawn around its clusters.
import { t } from '../i18n.js';
import { $, api, esc, localDay, params, unitOptions, view } from '../core.js';

const COLORS = { playing: '#1f7a3a', idle: '#1a5fb4', offline: '#b3261e', oldPlaylist: '#c98a00', silent: '#7b1fa2' };
const STATES = ['playing', 'idle', 'offline', 'oldPlaylist', 'silent'];

let leaflet = null;
/** Leaflet (a classic script defining window.L), loaded once from /vendor/leaflet. */
function loadLeaflet() {
  leaflet ??= new Promise((resolve, reject) => {
    const css = document.createElement('link');
    css.rel = 'stylesheet';
    css.href = '/vendor/leaflet/leaflet.css';
    document.head.append(css);
    const js = document.createElement('script');
    js.src = '/vendor/leaflet/leaflet.js';
    js.onload = () => resolve(window.L);
    js.onerror = () => reject(new Error('leaflet'));
    document.head.append(js);
  });
  return leaflet;
}

/** "2 giờ 15 phút" */
function lasting(seconds) {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return [d && `${d} ${t('daysWord')}`, h && `${h} ${t('hoursWord')}`, `${m} ${t('minutesWord')}`].filter(Boolean).join(' ');
}

/** The convex hull of points [lat, lng] (monotone chain). */
function hull(points) {
  const p = [...points].sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  const cross = (o, a, b) => (a[1] - o[1]) * (b[0] - o[0]) - (a[0] - o[0]) * (b[1] - o[1]);
  const half = (list) => {
    const out = [];
    for (const q of list) {
      while (out.length >= 2 && cross(out[out.length - 2], out[out.length - 1], q) <= 0) out.pop();
      out.push(q);
    }
    return out.slice(0, -1);
  };
  return [...half(p), ...half([...p].reverse())];
}

export default async function viewMap() {
  const units = (await api('/api/v1/units')).items;
  const unitId = params().get('unit') ?? '';
  const data = await api(`/api/v1/map${unitId ? `?unitId=${unitId}` : ''}`);
  const today = localDay(0);
  view().innerHTML = `<h1>${t('map')}</h1>
    <form class="toolbar" id="map-filter"><label>${t('unit')} <select name="unit"><option value="">${t('allUnits')}</option>${unitOptions(units, unitId)}</select></label>
      <span class="muted" id="map-mode">${data.tileUrl ? '' : t('plainMap')}</span></form>
    <div id="map" role="region" aria-label="${t('map')}"></div>
    <p class="legend">${STATES.map((s) => `<span class="swatch state-${s}"></span> ${t(`state_${s}`)} (${data.devices.filter((d) => d.state === s).length})`).join(' ')}${data.unplaced ? ` · ${data.unplaced} ${t('unplaced')}` : ''}</p>
    <h2>${t('faults')} (${data.faults.length})</h2>
    <table id="faults"><tr><th>${t('name')}</th><th>${t('unit')}</th><th>${t('channel')}</th><th>${t('status')}</th><th>${t('since')}</th><th>${t('lasting')}</th></tr>
      ${data.faults.map((f) => `<tr data-device="${f.deviceId}" data-state="${f.state}"><td>${esc(f.name)}</td><td>${esc(f.unitName)}</td><td>${esc(f.channelName)}</td><td class="state-text-${f.state}">${t(`state_${f.state}`)}</td><td>${esc(new Date(f.since).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' }))}</td><td>${lasting(f.seconds)}</td></tr>`).join('')}</table>
    ${data.faults.length ? '' : `<p>${t('noFaults')}</p>`}`;
  $('#map-filter').unit.onchange = (e) => (location.hash = `#/map${e.target.value ? `?unit=${e.target.value}` : ''}`);

  const L = await loadLeaflet();
  const map = L.map('map', { attributionControl: !!data.tileUrl, zoomSnap: 0.25 });
  if (data.tileUrl) L.tileLayer(data.tileUrl, { maxZoom: 18, attribution: '© OpenStreetMap' }).addTo(map);
  // each unit's area around its clusters: the map reads without any tile server
  const byUnit = new Map();
  for (const d of data.devices) byUnit.set(d.unitId, [...(byUnit.get(d.unitId) ?? []), d]);
  for (const list of byUnit.values()) {
    // the hull of the clusters widened by ~600 m on every side: an area even for one or two clusters
    const pad = 0.006;
    const points = list.flatMap((d) => [[d.lat + pad, d.lng], [d.lat - pad, d.lng], [d.lat, d.lng + pad], [d.lat, d.lng - pad], [d.lat + pad * 0.7, d.lng + pad * 0.7], [d.lat - pad * 0.7, d.lng - pad * 0.7], [d.lat + pad * 0.7, d.lng - pad * 0.7], [d.lat - pad * 0.7, d.lng + pad * 0.7]]);
    const shape = L.polygon(hull(points));
    shape.setStyle({ color: '#777', weight: 1, dashArray: '4 3', fillColor: '#999', fillOpacity: 0.06, className: 'unit-area' }).bindTooltip(esc(list[0].unitName)).addTo(map);
  }
  for (const d of data.devices) {
    L.circleMarker([d.lat, d.lng], { radius: 8, color: '#fff', weight: 2, fillColor: COLORS[d.state], fillOpacity: 1, className: `device device-${d.id} state-${d.state}` })
      .bindPopup(`<strong>${esc(d.name)}</strong><br>${esc(d.unitName)} · ${esc(d.channelName)}<br>${t(`state_${d.state}`)}${d.nowPlaying ? ` — ${esc(d.nowPlaying)}` : ''}<br>
        <a href="#/device?id=${d.id}">${t('clusterPage')}</a> · <a href="#/channel?id=${d.channelId}&from=${today}&to=${today}&name=${encodeURIComponent(d.channelName)}">${t('recentAirings')}</a>`)
      .addTo(map);
  }
  const all = data.devices.map((d) => [d.lat, d.lng]);
  if (all.length) map.fitBounds(L.latLngBounds(all).pad(0.15));
  else map.setView([16, 106], 5); // Việt Nam
}
