import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { mosquittoPasswordHash } from '../devices/device-token';

/**
 * Mosquitto's dynamic security plugin, driven by the service: every device is a broker client
 * (username = device id) with a role of its own whose ACLs are the protocol's (its playlist and
 * commands in, its channel's alert in, its events and status out). Unlike password and ACL files,
 * changes apply while the broker runs, and `disableClient` / `setClientPassword` end the device's
 * live session at once — how revocation and rotation take effect within seconds.
 *
 * Literal topics, since the plugin of Mosquitto 2.0 does not substitute %u in subscribe ACLs.
 */
export const DYNSEC_TOPIC = '$CONTROL/dynamic-security/v1';
export const SERVICE_ROLE = 'bcast-service';

export type DynsecAcl = { acltype: string; topic: string; allow: boolean; priority?: number };
export type DynsecCommand = Record<string, unknown> & { command: string };

export function deviceRole(deviceId: string): string {
  return `bcast-device-${deviceId}`;
}

export function deviceAcls(prefix: string, deviceId: string, channelId: string): DynsecAcl[] {
  const reads = [`${prefix}/devices/${deviceId}/playlist`, `${prefix}/devices/${deviceId}/commands`, `${prefix}/channels/${channelId}/alert`];
  const writes = [`${prefix}/devices/${deviceId}/events`, `${prefix}/devices/${deviceId}/status`];
  return [
    ...reads.flatMap((topic) => [
      { acltype: 'subscribeLiteral', topic, allow: true },
      { acltype: 'publishClientReceive', topic, allow: true },
    ]),
    ...writes.map((topic) => ({ acltype: 'publishClientSend', topic, allow: true })),
  ];
}

export function serviceAcls(prefix: string): DynsecAcl[] {
  const all = [`${prefix}/#`, '$CONTROL/dynamic-security/#'];
  return [
    ...all.flatMap((topic) => ['publishClientSend', 'publishClientReceive', 'subscribePattern', 'unsubscribePattern'].map((acltype) => ({ acltype, topic, allow: true }))),
    // shared subscriptions of the ingest sessions
    { acltype: 'subscribePattern', topic: `$share/+/${prefix}/#`, allow: true },
  ];
}

/** The commands that make the broker hold a live device: role, client (with its token), enabled. */
export function liveDeviceCommands(prefix: string, device: { id: string; channelId: string }, token: string | null): DynsecCommand[] {
  const rolename = deviceRole(device.id);
  return [
    { command: 'createRole', rolename, acls: deviceAcls(prefix, device.id, device.channelId) },
    ...(token
      ? [
          { command: 'createClient', username: device.id, password: token, roles: [{ rolename }] },
          // already a client (a rotation): the new password ends the session opened with the old one
          { command: 'setClientPassword', username: device.id, password: token },
        ]
      : []),
    { command: 'enableClient', username: device.id },
  ];
}

/** Errors that mean "already so": applying a device's state twice is harmless. */
export function isHarmless(command: string, error: string): boolean {
  return (command === 'createRole' && /already exists/i.test(error)) || (command === 'createClient' && /already exists/i.test(error));
}

/**
 * The plugin's configuration file for a broker's first start, from the registry: the service's
 * account and every device not revoked, with the PBKDF2 hashes the registry keeps (the plugin's
 * `salt`/`password`/`iterations` are the `$7$` hash's parts). Afterwards the broker owns the file.
 */
export function dynsecConfig(prefix: string, server: { username: string; password: string }, devices: Array<{ id: string; channelId: string; mosquittoHash: string | null }>): object {
  const client = (username: string, hash: string, roles: string[]) => {
    const [, , iterations, salt, password] = hash.split('$');
    return { username, salt, password, iterations: Number(iterations), roles: roles.map((rolename) => ({ rolename })) };
  };
  const usable = devices.filter((d) => d.mosquittoHash?.startsWith('$7$'));
  return {
    defaultACLAccess: { publishClientSend: false, publishClientReceive: false, subscribe: false, unsubscribe: true },
    clients: [client(server.username, mosquittoPasswordHash(server.password), [SERVICE_ROLE]), ...usable.map((d) => client(d.id, d.mosquittoHash!, [deviceRole(d.id)]))],
    groups: [],
    roles: [{ rolename: SERVICE_ROLE, acls: serviceAcls(prefix) }, ...usable.map((d) => ({ rolename: deviceRole(d.id), acls: deviceAcls(prefix, d.id, d.channelId) }))],
  };
}

/**
 * A new token waits in the broker_sync outbox until the broker has it: encrypted (AES-256-GCM, a key
 * derived from TOKEN_SECRET), deleted once applied. Only hashes are kept for good.
 */
export function sealSecret(tokenSecret: string, secret: string): string {
  const key = createHash('sha256').update(`${tokenSecret}:broker-sync`).digest();
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64');
}

export function openSecret(tokenSecret: string, sealed: string): string {
  const raw = Buffer.from(sealed, 'base64');
  const key = createHash('sha256').update(`${tokenSecret}:broker-sync`).digest();
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}
