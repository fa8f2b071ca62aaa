/** MQTT topic names of the device protocol (PROTOCOL.md); the prefix is MQTT_TOPIC_PREFIX. */
export class Topics {
  constructor(readonly prefix: string) {}

  playlist(deviceId: string): string {
    return `${this.prefix}/devices/${deviceId}/playlist`;
  }
  commands(deviceId: string): string {
    return `${this.prefix}/devices/${deviceId}/commands`;
  }
  alert(channelId: string): string {
    return `${this.prefix}/channels/${channelId}/alert`;
  }
  /** Wildcard filters the service subscribes to, and how to read the device id back. */
  get events(): string {
    return `${this.prefix}/devices/+/events`;
  }
  get status(): string {
    return `${this.prefix}/devices/+/status`;
  }
  parseDeviceTopic(topic: string): { deviceId: string; kind: 'events' | 'status' } | null {
    if (!topic.startsWith(`${this.prefix}/devices/`)) return null;
    const [deviceId, kind, ...rest] = topic.slice(this.prefix.length + 9).split('/');
    if (rest.length || !deviceId || (kind !== 'events' && kind !== 'status')) return null;
    return { deviceId, kind };
  }
}
