/** Payloads of the device protocol bcast/v1 (docs/protocol.md), as the player reads and writes them. */

export interface Media {
  sha256: string;
  url: string;
  bytes: number;
  mime: string;
  durationMs: number | null;
  displayMs?: number;
}

export interface Entry {
  id: string;
  kind: 'audio' | 'relay' | 'slides';
  startsAt: string;
  endsAt: string;
  priority: number;
  title: string;
  media: Media[];
  streamUrl?: string;
}

export interface Playlist {
  protocol: string;
  deviceId: string;
  channelId: string;
  version: number;
  generatedAt: string;
  validFrom: string;
  validUntil: string;
  timezone: string;
  entries: Entry[];
}

export interface Alert {
  id: string;
  title: string;
  priority: number;
  startsAt: string;
  endsAt?: string;
  media?: Media[];
  streamUrl?: string;
  repeat?: number;
}

export interface Command {
  id: string;
  type: 'sync' | 'volume' | 'stop' | 'reboot';
  args?: { volume?: number };
  issuedAt: string;
}

export type EventType = 'play.started' | 'play.completed' | 'play.failed' | 'playlist.applied' | 'media.downloaded' | 'media.failed' | 'alert.played' | 'play.monitored';

export interface DeviceEvent {
  eventId: string;
  deviceId: string;
  type: EventType;
  entryId?: string;
  playlistVersion?: number;
  at: string;
  detail?: Record<string, unknown>;
}

export interface Status {
  online: boolean;
  at: string;
  agentVersion: string;
  playlistVersion: number | null;
  nowPlaying: string | null;
  volume: number;
  diskFreeBytes: number;
  uptimeS: number;
  /** Added by this player (documented): the device clock minus the server's Date header, in ms. */
  clockOffsetMs?: number | null;
  /** The protocol it speaks ("bcast/v1.1") and the optional features it supports (added within v1, 2026-11-29). */
  protocol?: string;
  features?: string[];
}

/** What this player announces in its status (docs/contract/asyncapi.yaml, "Additions within v1"). */
export const PROTOCOL_SPOKEN = 'bcast/v1.1';

/** True when `incoming` should replace `current`: a player applies only newer versions. */
export function isNewer(current: Playlist | null, incoming: Playlist): boolean {
  return !current || incoming.version > current.version;
}
