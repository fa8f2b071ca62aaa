import { t, toggleLang } from '../i18n.js';
import { $, api, requireFields, saveSession, showErrors, view } from '../core.js';

export default function viewLogin({ render }) {
  $('#top').hidden = true;
  view().innerHTML = `<form class="card narrow" id="login"><h1>${t('title')}</h1>
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
      saveSession({ token: res.accessToken });
      const me = await api('/api/v1/auth/me');
      saveSession({ token: res.accessToken, user: me });
      location.hash = me.role === 'operator' ? '#/today' : '#/calendar';
    } catch (err) {
      showErrors(form, err);
    }
  };
}
