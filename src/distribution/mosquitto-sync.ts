import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../infrastructure/config/app-config';
import { APP_CONFIG } from '../infrastructure/config/config.module';
import { serverAccount, writeMosquittoFiles } from './mosquitto-files';

/**
 * With MOSQUITTO_EXPORT_DIR set, keeps Mosquitto's password and ACL files in step with the device
 * registry: rewritten whenever a device is registered, rotated or revoked (checked every 10 s).
 * Mosquitto reloads them on SIGHUP (docker/compose.yaml does that when the files change).
 */
@Injectable()
export class MosquittoSync implements OnApplicationBootstrap {
  private readonly logger = new Logger('mosquitto');
  private lastState = '';

  constructor(@InjectDataSource() private readonly db: DataSource, @Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.sync();
  }

  @Interval(10_000)
  async sync(): Promise<void> {
    const dir = this.config.MOSQUITTO_EXPORT_DIR;
    if (!dir) return;
    try {
      const [{ state }] = await this.db.query(`SELECT count(*) || ':' || coalesce(max(updated_at)::text, '') AS state FROM devices`);
      if (state === this.lastState) return;
      const { devices, skipped } = await writeMosquittoFiles(this.db, dir, this.config.MQTT_TOPIC_PREFIX, serverAccount(this.config.MQTT_URL));
      this.lastState = state;
      this.logger.log({ msg: 'mosquitto files written', dir, devices, skipped: skipped.length });
    } catch (err) {
      this.logger.warn({ msg: 'mosquitto files not written', dir, error: String(err) });
    }
  }
}
