import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { MqttConnection } from './mqtt-connection';

/** The service's one MQTT connection, shared by the modules that publish or subscribe. */
@Global()
@Module({})
export class MqttModule implements OnApplicationShutdown {
  constructor(@Inject(MqttConnection) private readonly connection: MqttConnection) {}

  static forRoot(url: string, credentials?: { username: string; password: string }): DynamicModule {
    return {
      module: MqttModule,
      providers: [{ provide: MqttConnection, useFactory: () => MqttConnection.open(url, credentials) }],
      exports: [MqttConnection],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connection.close();
  }
}
