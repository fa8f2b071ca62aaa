/** A device event as the protocol defines it (docs/protocol.md), after validation. */
export interface PlayEvent {
  eventId: string;
  deviceId: string;
  /** The sending device's channel; looked up from the device registry when not given. */
  channelId?: string | null;
  type: 'play.started' | 'play.completed' | 'play.failed' | 'playlist.applied' | 'media.downloaded' | 'media.failed' | 'alert.played' | 'play.monitored';
  entryId?: string | null;
  playlistVersion?: number | null;
  at: Date;
  detail?: Record<string, unknown> | null;
}
