/** A device event as the protocol defines it (docs/protocol.md), after validation. */
export interface PlayEvent {
  eventId: string;
  deviceId: string;
  channelId: string;
  type: 'play.started' | 'play.completed' | 'play.failed' | 'playlist.applied' | 'media.downloaded' | 'media.failed' | 'alert.played';
  entryId?: string | null;
  playlistVersion?: number | null;
  at: Date;
  detail?: Record<string, unknown> | null;
}
