import { DeviceContract } from './device-contract';

describe('device contract (docs/contract)', () => {
  const contract = new DeviceContract();
  const event = { eventId: 'e1', deviceId: '8a4c2e3e-7a8f-4f43-9d36-0a6e0b1f9c11', type: 'play.completed', entryId: '1f0a8f1e-2b6c-4d3f-9a1b-2c3d4e5f6a7b', at: '2026-12-01T06:30:00+07:00' };

  it('carries its version from the AsyncAPI document', () => {
    expect(contract.version).toMatch(/^1\.\d+\.\d+$/);
  });

  it('accepts a protocol event and names what is wrong with another, field by field, in Vietnamese and English', () => {
    expect(contract.problems('event', event)).toEqual([]);
    const problems = contract.problems('event', { ...event, type: 'play.paused', playlistVersion: -1, colour: 'red', eventId: undefined });
    expect(problems.map((p) => p.path).sort()).toEqual(['colour', 'eventId', 'playlistVersion', 'type']);
    expect(problems.find((p) => p.path === 'type')!.message).toMatch(/^phải là một trong: play.started/);
    expect(problems.find((p) => p.path === 'colour')).toMatchObject({ message: 'không có trong giao thức', messageEn: 'is not part of the protocol' });
  });

  it('checks a play.monitored detail down to each window', () => {
    const monitored = { ...event, type: 'play.monitored', detail: { algorithm: 'bcast-env-1', windows: [{ offsetMs: 2000, levelDb: -30, sig: 'iIeH' }] } };
    expect(contract.problems('event', monitored)).toEqual([]);
    const bad = contract.problems('event', { ...monitored, detail: { algorithm: 'bcast-env-1', windows: [{ offsetMs: 2000, levelDb: 5, sig: 'iIeH' }] } });
    expect(bad.map((p) => p.path)).toEqual(['detail.windows.0.levelDb']);
    expect(contract.problems('event', { ...monitored, entryId: undefined }).map((p) => p.path)).toEqual(['entryId']);
  });

  it('wants a time with an offset', () => {
    expect(contract.problems('event', { ...event, at: '2026-12-01T06:30:00' }).map((p) => p.path)).toEqual(['at']);
  });
});
