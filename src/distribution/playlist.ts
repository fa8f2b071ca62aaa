import { createHash } from 'node:crypto';
import type { PriorityLevel } from '../programs/program.entity';
import type { EntryKind } from '../schedule/schedule-entry.entity';

export const PROTOCOL = 'bcast/v1';

/** The regulation's three levels on the protocol's 0–100 scale (0–39, 40–79, 80–100). */
export const PRIORITY_VALUE: Record<PriorityLevel, number> = { normal: 20, priority: 60, emergency: 90 };

export interface PlaylistMedia {
  sha256: string;
  url: string;
  bytes: number;
  mime: string;
  durationMs: number | null;
  displayMs?: number;
}

export interface PlaylistEntry {
  id: string;
  kind: 'audio' | 'relay' | 'slides';
  startsAt: string;
  endsAt: string;
  priority: number;
  title: string;
  media: PlaylistMedia[];
  streamUrl?: string;
}

/** A schedule entry as the compiler reads it, with its media resolved. */
export interface EntryRow {
  id: string;
  kind: EntryKind;
  priority: PriorityLevel;
  title: string | null;
  streamUrl: string | null;
  startsAt: Date;
  endsAt: Date;
  media: EntryMedia | null;
  /** A planned slides entry shows several slides in rotation: these, in order (then `media` is the first). */
  slides?: EntryMedia[];
}

type EntryMedia = { sha256: string; bytes: number; mime: string; durationMs: number | null; displayMs: number | null };

/** A channel's compiled playlist; a device's Playlist is this with its own id. */
export interface ChannelPlaylist {
  channelId: string;
  version: number;
  timezone: string;
  validFrom: Date;
  validUntil: Date;
  generatedAt: Date;
  entries: PlaylistEntry[];
}

const KIND: Record<EntryKind, PlaylistEntry['kind']> = { airing: 'audio', announcement: 'audio', emergency: 'audio', relay: 'relay', slides: 'slides' };

/**
 * The entries a device plays between validFrom and validUntil: never overlapping (the protocol
 * promises it). Where entries of different priority overlap, the higher one stays and the lower
 * one is left out whole — a program is not cut in the middle; ties go to the earlier start.
 * Entries with nothing to play (audio without a ready file, relay without a stream) are left out.
 */
export function compileEntries(rows: EntryRow[], validFrom: Date, validUntil: Date): PlaylistEntry[] {
  const candidates = rows
    .filter((r) => r.endsAt > validFrom && r.startsAt < validUntil && r.endsAt > r.startsAt)
    .filter((r) => (KIND[r.kind] === 'relay' ? !!r.streamUrl : !!r.media || !!r.slides?.length))
    .sort((a, b) => PRIORITY_VALUE[b.priority] - PRIORITY_VALUE[a.priority] || a.startsAt.getTime() - b.startsAt.getTime() || (a.id < b.id ? -1 : 1));
  const kept: EntryRow[] = [];
  for (const c of candidates) {
    if (!kept.some((k) => k.startsAt < c.endsAt && c.startsAt < k.endsAt)) kept.push(c);
  }
  kept.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  return kept.map((r) => {
    const kind = KIND[r.kind];
    const entry: PlaylistEntry = {
      id: r.id,
      kind,
      startsAt: r.startsAt.toISOString(),
      endsAt: r.endsAt.toISOString(),
      priority: PRIORITY_VALUE[r.priority],
      title: r.title ?? '',
      media: kind === 'relay' ? [] : r.slides?.length ? r.slides.map((m) => toMedia(m, kind)) : r.media ? [toMedia(r.media, kind)] : [],
    };
    if (r.streamUrl && kind === 'relay') entry.streamUrl = r.streamUrl;
    return entry;
  });
}

function toMedia(m: EntryMedia, kind: PlaylistEntry['kind']): PlaylistMedia {
  const media: PlaylistMedia = { sha256: m.sha256, url: `/api/v1/media/${m.sha256}`, bytes: m.bytes, mime: m.mime, durationMs: m.durationMs };
  if (kind === 'slides' && m.displayMs) media.displayMs = m.displayMs;
  return media;
}

/** What decides whether a playlist changed: its window, time zone and entries (not when it was built). */
export function contentHash(timezone: string, validFrom: Date, validUntil: Date, entries: PlaylistEntry[]): string {
  return createHash('sha256').update(JSON.stringify([timezone, validFrom.toISOString(), validUntil.toISOString(), entries])).digest('hex');
}

/**
 * A channel's playlist, rendered for each of its devices: everything but the device id is encoded
 * once per channel, so a device's payload is one buffer: the channel's bytes with its id copied in (no
 * JSON and no concatenation per device). The same text as renderPlaylist.
 */
export function playlistRenderer(p: ChannelPlaylist, entriesJson: string): (deviceId: string) => Buffer {
  const [before, after] = renderHead(p, DEVICE_ID_MARK).slice(0, -1).split(JSON.stringify(DEVICE_ID_MARK));
  const head = Buffer.from(before, 'utf8');
  const tail = Buffer.from(`${after},"entries":${entriesJson}}`, 'utf8');
  return (deviceId) => {
    const id = JSON.stringify(deviceId);
    const out = Buffer.allocUnsafe(head.length + Buffer.byteLength(id, 'utf8') + tail.length);
    head.copy(out, 0);
    const n = out.write(id, head.length, 'utf8');
    tail.copy(out, head.length + n);
    return out;
  };
}

const DEVICE_ID_MARK = '\u0000device';

/**
 * A device's Playlist as JSON. The entries are serialised once per channel and spliced in, so
 * 100,000 devices cost 3,300 serialisations, not 100,000.
 */
export function renderPlaylist(p: ChannelPlaylist, deviceId: string, entriesJson = JSON.stringify(p.entries)): string {
  const head = renderHead(p, deviceId);
  return `${head.slice(0, -1)},"entries":${entriesJson}}`;
}

function renderHead(p: ChannelPlaylist, deviceId: string): string {
  return JSON.stringify({
    protocol: PROTOCOL,
    deviceId,
    channelId: p.channelId,
    version: p.version,
    generatedAt: p.generatedAt.toISOString(),
    validFrom: p.validFrom.toISOString(),
    validUntil: p.validUntil.toISOString(),
    timezone: p.timezone,
  });
}
