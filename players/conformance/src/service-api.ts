/** The few calls of the service's HTTP API the runner needs, as an administrator (or an editor) of a unit. */
export class ServiceApi {
  constructor(readonly baseUrl: string, private readonly token: string) {}

  static async login(baseUrl: string, username: string, password: string): Promise<ServiceApi> {
    const res = await fetch(new URL('/api/v1/auth/login', baseUrl), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password }) });
    if (res.status !== 200) throw new Error(`login as ${username}: HTTP ${res.status} ${await res.text()}`);
    return new ServiceApi(baseUrl, ((await res.json()) as { accessToken: string }).accessToken);
  }

  async call<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
    const isForm = body instanceof FormData;
    const res = await fetch(new URL(path, this.baseUrl), {
      method,
      headers: { Authorization: `Bearer ${this.token}`, ...(body !== undefined && !isForm ? { 'Content-Type': 'application/json' } : {}) },
      body: body === undefined ? undefined : isForm ? body : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** The device as the service sees it (presence, announced protocol, acknowledged version). */
  async device(channelId: string, deviceId: string): Promise<DeviceView | undefined> {
    const list = await this.call<{ items: DeviceView[] }>('GET', `/api/v1/devices?channelId=${channelId}`);
    return list.items.find((d) => d.id === deviceId);
  }

  /** The events the service stored from the device, newest first. */
  async events(deviceId: string): Promise<StoredEvent[]> {
    return (await this.call<{ events: StoredEvent[] }>('GET', `/api/v1/devices/${deviceId}/activity`)).events;
  }
}

export interface DeviceView {
  id: string;
  online: boolean;
  playlistVersion: number | null;
  currentVersion: number | null;
  protocol: string | null;
  features: string[];
}

export interface StoredEvent {
  type: string;
  at: string;
  entryId: string | null;
  detail: Record<string, unknown> | null;
}
