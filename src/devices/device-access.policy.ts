import { DataSource } from 'typeorm';
import type { BrokerAccessPolicy, BrokerPrincipal } from '../infrastructure/mqtt/broker-access-policy';
import { tokenMatches } from './device-token';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The device ACL of the protocol, for the embedded broker (docker/mosquitto/acl is the same for
 * Mosquitto): a device (username = deviceId, password = token) may subscribe only to its own
 * playlist and commands and its channel's alert topic, and publish only its own events and status.
 * The service's own account may use everything under the prefix.
 */
export class DeviceAccessPolicy implements BrokerAccessPolicy {
  constructor(
    private readonly db: DataSource,
    private readonly server: { username: string; password: string },
    private readonly prefix: string,
  ) {}

  async authenticate(username: string | undefined, password: string | undefined): Promise<BrokerPrincipal | null> {
    if (!username || !password) return null;
    if (username === this.server.username) return password === this.server.password ? { kind: 'server', id: username } : null;
    if (!UUID.test(username)) return null;
    const [row] = await this.db.query(`SELECT channel_id, token_hash FROM devices WHERE id = $1 AND revoked_at IS NULL`, [username]);
    if (!row || !tokenMatches(password, row.token_hash)) return null;
    return { kind: 'device', id: username, channelId: row.channel_id };
  }

  canPublish(p: BrokerPrincipal, topic: string): boolean {
    if (p.kind === 'server') return topic.startsWith(`${this.prefix}/`);
    return topic === `${this.prefix}/devices/${p.id}/events` || topic === `${this.prefix}/devices/${p.id}/status`;
  }

  canSubscribe(p: BrokerPrincipal, filter: string): boolean {
    if (p.kind === 'server') return filter.startsWith(`${this.prefix}/`) || filter.startsWith(`$share/`);
    return (
      filter === `${this.prefix}/devices/${p.id}/playlist` ||
      filter === `${this.prefix}/devices/${p.id}/commands` ||
      filter === `${this.prefix}/channels/${p.channelId}/alert`
    );
  }
}
