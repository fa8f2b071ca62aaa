import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { tlsOptions, transportProblems } from '../players/src/tls';
import { ServerOnlyAccessPolicy } from '../src/infrastructure/mqtt/broker-access-policy';
import { EmbeddedBrokerHandle, startEmbeddedBroker } from '../src/infrastructure/mqtt/embedded-broker';
import { makeCertificates } from './support/test-certificates';

/**
 * Devices over 3G/4G and the public Internet: the embedded broker speaks MQTT over TLS when given a
 * certificate, and the player trusts only the configured CA (or pinned certificate); plain MQTT and
 * HTTP are refused unless a closed LAN is declared.
 */
// the certificates are made with openssl (Debian installs it with ca-certificates); without it, this file is skipped and says so
const hasOpenssl = !spawnSync('openssl', ['version']).error;
if (!hasOpenssl) console.warn('openssl is not installed: skipping the MQTT over TLS test');

(hasOpenssl ? describe : describe.skip)('encrypted device traffic', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bcast-tls-'));
  const certs = hasOpenssl ? makeCertificates(dir) : ({} as ReturnType<typeof makeCertificates>);
  let broker: EmbeddedBrokerHandle;
  const login = { username: 'bcast-server', password: 'a-long-enough-password' };

  beforeAll(async () => {
    broker = await startEmbeddedBroker(0, new ServerOnlyAccessPolicy(login.username, login.password), '127.0.0.1', undefined, { port: 0, cert: certs.cert, key: certs.key });
  });
  afterAll(() => broker?.stop());

  const connect = (opts: object) => connectAsync(`mqtts://127.0.0.1:${broker.tlsPort}`, { ...login, reconnectPeriod: 0, connectTimeout: 5000, ...opts });

  it('connects over TLS when the server chains to the configured CA, and with the pinned certificate', async () => {
    const client = await connect(tlsOptions({ caFile: certs.ca }));
    expect(client.connected).toBe(true);
    await client.endAsync();
    const pinned = await connect(tlsOptions({ caFile: certs.ca, pinSha256: certs.fingerprint }));
    await pinned.endAsync();
  });

  it('refuses a server the CA did not sign, or whose certificate is not the pinned one', async () => {
    await expect(connect(tlsOptions({ caFile: certs.rogue }))).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
    await expect(connect(tlsOptions({}))).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i); // the system's CAs do not know it
    await expect(connect(tlsOptions({ caFile: certs.ca, pinSha256: 'AA'.repeat(32) }))).rejects.toThrow(/not the pinned one/);
  });

  it('refuses plain MQTT and HTTP in the player’s configuration unless a closed LAN is declared', () => {
    expect(transportProblems({ serverUrl: 'http://bcast.tinh.gov.vn', brokerUrl: 'mqtt://bcast.tinh.gov.vn:1883', allowInsecure: false })).toEqual([
      expect.stringMatching(/^brokerUrl: plain MQTT is refused/),
      expect.stringMatching(/^serverUrl: plain HTTP is refused/),
    ]);
    expect(transportProblems({ serverUrl: 'http://192.168.1.10:3000', brokerUrl: 'mqtt://192.168.1.10:1883', allowInsecure: true })).toEqual([]);
    expect(transportProblems({ serverUrl: 'https://bcast.tinh.gov.vn', brokerUrl: 'mqtts://bcast.tinh.gov.vn:8883', allowInsecure: false, caFile: join(dir, 'missing.pem'), pinSha256: 'xyz' })).toEqual([
      expect.stringMatching(/^caFile: .* is not a readable PEM certificate/),
      expect.stringMatching(/^pinSha256: must be/),
    ]);
  });
});
