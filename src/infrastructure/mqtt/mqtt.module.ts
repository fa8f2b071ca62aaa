import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { checkPublished } from '../contract/published-check';
import { MqttConnection } from './mqtt-connection';
import { Topics } from './topics';

/** The service's one MQTT connection, shared by the modules that publish or subscribe. */
@Global()
@Module({})
export class MqttModule implements OnApplicationShutdown {
  constructor(@Inject(MqttConnection) private readonly connection: MqttConnection) {}

  static forRoot(url: string, credentials?: { username: string; password: string }): DynamicModule {
    return {
      module: MqttModule,
      providers: [
        {
          provide: MqttConnection,
          inject: [APP_CONFIG],
          useFactory: async (config: AppConfig) => {
            const connection = await MqttConnection.open(url, credentials);
            if (config.CONTRACT_CHECK_FILE) checkPublished(connection.client, config.MQTT_TOPIC_PREFIX, config.CONTRACT_CHECK_FILE);
            return connection;
          },
        },
        { provide: Topics, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new Topics(config.MQTT_TOPIC_PREFIX) },
      ],
      exports: [MqttConnection, Topics],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connection.close();
  }
}
