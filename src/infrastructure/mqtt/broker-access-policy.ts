/** Who is connected to the embedded broker, as the access policy decided at CONNECT. */
export interface BrokerPrincipal {
  kind: 'server' | 'device';
  id: string;
  /** For devices: the channel whose alert topic it may read. */
  channelId?: string;
}

/** Decides who may connect to the embedded broker and which topics each may use. The same rules
 *  are shipped as a Mosquitto ACL file for external brokers (docker/mosquitto). */
export interface BrokerAccessPolicy {
  authenticate(username: string | undefined, password: string | undefined): Promise<BrokerPrincipal | null>;
  canPublish(principal: BrokerPrincipal, topic: string): boolean;
  canSubscribe(principal: BrokerPrincipal, topicFilter: string): boolean;
}

/** Until devices are registered in the database, only the service's own account may connect. */
export class ServerOnlyAccessPolicy implements BrokerAccessPolicy {
  constructor(private readonly serverUsername: string, private readonly serverPassword: string) {}

  async authenticate(username: string | undefined, password: string | undefined): Promise<BrokerPrincipal | null> {
    return username === this.serverUsername && password === this.serverPassword ? { kind: 'server', id: username } : null;
  }
  canPublish(principal: BrokerPrincipal): boolean {
    return principal.kind === 'server';
  }
  canSubscribe(principal: BrokerPrincipal): boolean {
    return principal.kind === 'server';
  }
}
