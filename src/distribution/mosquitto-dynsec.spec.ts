import { pbkdf2Sync } from 'node:crypto';
import { mosquittoPasswordHash } from '../devices/device-token';
import { deviceAcls, dynsecConfig, isHarmless, liveDeviceCommands, openSecret, sealSecret } from './mosquitto-dynsec';

describe('Mosquitto dynamic security', () => {
  const prefix = 'bcast/v1';

  it('gives a device exactly the protocol’s topics', () => {
    const acls = deviceAcls(prefix, 'dev-1', 'ch-1');
    const by = (type: string) => acls.filter((a) => a.acltype === type).map((a) => a.topic).sort();
    expect(by('subscribeLiteral')).toEqual(['bcast/v1/channels/ch-1/alert', 'bcast/v1/devices/dev-1/commands', 'bcast/v1/devices/dev-1/playlist']);
    expect(by('publishClientReceive')).toEqual(by('subscribeLiteral'));
    expect(by('publishClientSend')).toEqual(['bcast/v1/devices/dev-1/events', 'bcast/v1/devices/dev-1/status']);
    expect(acls.every((a) => a.allow && !a.topic.includes('#') && !a.topic.includes('+'))).toBe(true);
  });

  it('writes the registry’s $7$ hashes as the plugin’s salt, password and iterations', () => {
    const hash = mosquittoPasswordHash('token-of-dev-1');
    const config = dynsecConfig(prefix, { username: 'bcast-server', password: 'server-secret' }, [
      { id: 'dev-1', channelId: 'ch-1', mosquittoHash: hash },
      { id: 'old', channelId: 'ch-1', mosquittoHash: null },
    ]) as { clients: Array<{ username: string; salt: string; password: string; iterations: number; roles: unknown[] }>; defaultACLAccess: Record<string, boolean> };
    expect(config.clients.map((c) => c.username)).toEqual(['bcast-server', 'dev-1']); // a device without a hash cannot be written
    const dev = config.clients[1];
    // what Mosquitto computes at login: PBKDF2-SHA512(password, salt, iterations)
    expect(pbkdf2Sync('token-of-dev-1', Buffer.from(dev.salt, 'base64'), dev.iterations, 64, 'sha512').toString('base64')).toBe(dev.password);
    expect(config.defaultACLAccess).toMatchObject({ publishClientSend: false, publishClientReceive: false, subscribe: false });
  });

  it('rotation sets the password (which ends the old session); applying twice is harmless', () => {
    const commands = liveDeviceCommands(prefix, { id: 'dev-1', channelId: 'ch-1' }, 'new-token');
    expect(commands.map((c) => c.command)).toEqual(['createRole', 'createClient', 'setClientPassword', 'enableClient']);
    expect(liveDeviceCommands(prefix, { id: 'dev-1', channelId: 'ch-1' }, null).map((c) => c.command)).toEqual(['createRole', 'enableClient']);
    expect(isHarmless('createClient', 'Client already exists')).toBe(true);
    expect(isHarmless('setClientPassword', 'Client not found')).toBe(false);
  });

  it('keeps a waiting token sealed with a key from TOKEN_SECRET', () => {
    const sealed = sealSecret('s'.repeat(40), 'the-token');
    expect(sealed).not.toContain('the-token');
    expect(openSecret('s'.repeat(40), sealed)).toBe('the-token');
    expect(() => openSecret('t'.repeat(40), sealed)).toThrow();
  });
});
