import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('gives embedded defaults when nothing is set', () => {
    const c = loadConfig({});
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.MQTT_URL).toBeUndefined();
    expect(c.PORT).toBe(3000);
    expect(c.EMBEDDED_MQTT_PORT).not.toBe(1883);
    expect(c.EMBEDDED_PG_PORT).not.toBe(5432);
    expect(c.mediaDir).toBe('./data/media');
    expect(c.DEFAULT_TIMEZONE).toBe('Asia/Ho_Chi_Minh');
  });

  it('reads URLs, numbers and paths from the environment', () => {
    const c = loadConfig({ DATABASE_URL: 'postgres://u@db:5432/x', MQTT_URL: 'mqtts://broker:8883', PORT: '8080', MEDIA_DIR: '/srv/media', TOKEN_SECRET: 'x'.repeat(32) });
    expect(c).toMatchObject({ DATABASE_URL: 'postgres://u@db:5432/x', MQTT_URL: 'mqtts://broker:8883', PORT: 8080 });
    expect(c.mediaDir).toBe('/srv/media');
  });

  it('names every bad variable at once', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({ PORT: 'abc', DATABASE_URL: 'mysql://x', TOKEN_SECRET: 'short', ADMIN_PASSWORD: '123', DEFAULT_TIMEZONE: 'Hanoi', LOG_LEVEL: 'loud' });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const named = error!.problems.map((p) => p.split(':')[0]).sort();
    expect(named).toEqual(['ADMIN_PASSWORD', 'DATABASE_URL', 'DEFAULT_TIMEZONE', 'LOG_LEVEL', 'PORT', 'TOKEN_SECRET']);
    expect(error!.message).toContain('Cấu hình không hợp lệ');
    expect(error!.problems.find((p) => p.startsWith('PORT'))).toContain('integer');
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', MQTT_URL: '' }).DATABASE_URL).toBeUndefined();
  });
});
