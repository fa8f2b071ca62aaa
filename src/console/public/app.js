// The console's shell: navigation by role, one page at a time.
import { lang, t, toggleLang } from './i18n.js';
import { $, esc, logout, role, session, view } from './core.js';
import viewAlerts from './views/alerts.js';
import viewBulletins from './views/bulletins.js';
import viewCalendar from './views/calendar.js';
import viewCampaigns from './views/campaigns.js';
import viewChannelLog from './views/channel-log.js';
import viewChannels from './views/channels.js';
import viewDevice from './views/device.js';
import viewDevices from './views/devices.js';
import viewLogin from './views/login.js';
import viewMap from './views/map.js';
import viewPrograms from './views/programs.js';
import viewReports from './views/reports.js';
import viewRules from './views/rules.js';
import viewToday from './views/today.js';
import viewUpload from './views/upload.js';

const routes = {
  login: viewLogin, today: viewToday, calendar: viewCalendar, campaigns: viewCampaigns, upload: viewUpload, programs: viewPrograms, rules: viewRules,
  channels: viewChannels, devices: viewDevices, alerts: viewAlerts, reports: viewReports, channel: viewChannelLog, bulletins: viewBulletins, map: viewMap, device: viewDevice,
};

/** The pages each role sees in the menu (the API enforces the same scopes). */
function menu(r) {
  const editor = r === 'admin' || r === 'editor';
  return ['today', 'calendar', ...(r !== 'viewer' ? ['upload'] : []), 'programs', 'campaigns', ...(editor ? ['rules', 'channels', 'bulletins'] : []), 'devices', 'map', ...(r !== 'viewer' ? ['alerts'] : []), 'reports'];
}

// Renders run one after another: a slow page finishing late never overwrites the page asked for next.
let rendering = Promise.resolve();
function render() {
  rendering = rendering.then(renderNow, renderNow);
  return rendering;
}

async function renderNow() {
  const [route] = (location.hash.replace(/^#\//, '') || 'today').split('?');
  if (!session.current && route !== 'login') return (location.hash = '#/login');
  if (route === 'login') return viewLogin({ render });
  $('#top').hidden = false;
  $('#nav').innerHTML = menu(role()).map((i) => `<a href="#/${i}" class="${i === route ? 'active' : ''}">${t(i)}</a>`).join('');
  $('#nav a.active')?.scrollIntoView({ block: 'nearest', inline: 'nearest' }); // on a phone the menu scrolls sideways
  $('#who').textContent = `${session.current.user.displayName ?? session.current.user.username}`;
  $('#lang').textContent = t('lang');
  $('#logout').textContent = t('logout');
  try {
    await (routes[route] ?? viewToday)({ render });
  } catch (err) {
    view().innerHTML = `<p class="error">${esc(err.data?.message ?? err.message)}</p>`;
  }
}

// Tables become cards on a phone (styles.css): each cell carries its column's header as a label.
new MutationObserver(() => {
  for (const table of view().querySelectorAll('table')) {
    const headers = [...(table.querySelector('tr')?.querySelectorAll('th') ?? [])].map((th) => th.textContent.trim());
    if (!headers.length) continue;
    for (const row of table.querySelectorAll('tr')) [...row.children].forEach((cell, i) => cell.tagName === 'TD' && !cell.hasAttribute('data-label') && cell.setAttribute('data-label', headers[i] || t('actions')));
  }
}).observe(view(), { childList: true, subtree: true });

$('#lang').onclick = () => (toggleLang(), render());
$('#logout').onclick = logout;
window.addEventListener('hashchange', render);
document.documentElement.lang = lang;
render();
