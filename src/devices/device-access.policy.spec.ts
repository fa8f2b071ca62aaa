import { DeviceAccessPolicy } from './device-access.policy';
import { hashDeviceToken } from './device-token';

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
const CH = '33333333-3333-4333-8333-333333333333';
const db = { query: async (_sql: string, [id]: string[]) => (id === A ? [{ channel_id: CH, token_hash: hashDeviceToken('token-a') }] : []) } as never;
const policy = new DeviceAccessPolicy(db, { username: 'bcast-server', password: 'server-secret' }, 'bcast/v1');

describe('device ACL', () => {
  it('lets a device in with its own token only', async () => {
    expect(await policy.authenticate(A, 'token-a')).toEqual({ kind: 'device', id: A, channelId: CH });
    expect(await policy.authenticate(A, 'token-b')).toBeNull();
    expect(await policy.authenticate(B, 'token-a')).toBeNull();
    expect(await policy.authenticate('not-a-uuid', 'x')).toBeNull();
    expect(await policy.authenticate('bcast-server', 'server-secret')).toEqual({ kind: 'server', id: 'bcast-server' });
    expect(await policy.authenticate('bcast-server', 'guess')).toBeNull();
  });

  it('limits a device to its own topics and its channel’s alert', () => {
    const dev = { kind: 'device' as const, id: A, channelId: CH };
    expect(policy.canSubscribe(dev, `bcast/v1/devices/${A}/playlist`)).toBe(true);
    expect(policy.canSubscribe(dev, `bcast/v1/devices/${A}/commands`)).toBe(true);
    expect(policy.canSubscribe(dev, `bcast/v1/channels/${CH}/alert`)).toBe(true);
    expect(policy.canSubscribe(dev, `bcast/v1/devices/${B}/playlist`)).toBe(false);
    expect(policy.canSubscribe(dev, 'bcast/v1/devices/+/playlist')).toBe(false);
    expect(policy.canSubscribe(dev, 'bcast/v1/#')).toBe(false);
    expect(policy.canPublish(dev, `bcast/v1/devices/${A}/events`)).toBe(true);
    expect(policy.canPublish(dev, `bcast/v1/devices/${A}/status`)).toBe(true);
    expect(policy.canPublish(dev, `bcast/v1/devices/${B}/events`)).toBe(false);
    expect(policy.canPublish(dev, `bcast/v1/devices/${A}/playlist`)).toBe(false);
  });
});
