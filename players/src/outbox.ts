import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileDurably } from './disk';
import type { DeviceEvent, EventType } from './protocol';

/**
 * Events waiting for the server, one file each (written durably), so none is lost across restarts
 * or power cuts. An event leaves the outbox only once the server has it: PUBACK of its MQTT
 * message, or the answer to the HTTP POST. Sending twice is harmless (the server stores each
 * eventId once).
 */
export class Outbox {
  private seq: number;

  constructor(private readonly dir: string, private readonly deviceId: string, private readonly now: () => number) {
    mkdirSync(dir, { recursive: true });
    const names = this.names();
    this.seq = names.length ? Number(names[names.length - 1].split('-')[0]) + 1 : 0;
  }

  add(type: EventType, fields: { entryId?: string; playlistVersion?: number; detail?: Record<string, unknown>; at?: number } = {}): DeviceEvent {
    const event: DeviceEvent = { eventId: randomUUID(), deviceId: this.deviceId, type, at: new Date(fields.at ?? this.now()).toISOString() };
    if (fields.entryId) event.entryId = fields.entryId;
    if (fields.playlistVersion !== undefined) event.playlistVersion = fields.playlistVersion;
    if (fields.detail) event.detail = fields.detail;
    writeFileDurably(join(this.dir, `${String(this.seq++).padStart(12, '0')}-${event.eventId}.json`), JSON.stringify(event));
    return event;
  }

  /** The oldest events, at most `limit`, with the names to remove once sent. */
  peek(limit: number): { events: DeviceEvent[]; names: string[] } {
    const names = this.names().slice(0, limit);
    const events: DeviceEvent[] = [];
    const kept: string[] = [];
    for (const name of names) {
      try {
        events.push(JSON.parse(readFileSync(join(this.dir, name), 'utf8')));
        kept.push(name);
      } catch {
        rmSync(join(this.dir, name), { force: true }); // unreadable (cut mid-rename on a broken card): nothing to send
      }
    }
    return { events, names: kept };
  }

  remove(names: string[]): void {
    for (const name of names) rmSync(join(this.dir, name), { force: true });
  }

  get size(): number {
    return this.names().length;
  }

  private names(): string[] {
    return readdirSync(this.dir).filter((n) => n.endsWith('.json')).sort();
  }
}
