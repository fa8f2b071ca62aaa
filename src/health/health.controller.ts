import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../auth/decorators';
import { MqttConnection } from '../infrastructure/mqtt/mqtt-connection';

type Check = { status: 'up' | 'down'; ms?: number; error?: string };

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(@InjectDataSource() private readonly db: DataSource, private readonly mqtt: MqttConnection) {}

  /** The process answers (for a liveness probe: restart when this fails). */
  @Get('live')
  @ApiOperation({ operationId: 'checkLiveness' })
  live() {
    return { status: 'up' };
  }

  /** Database and broker reachable (for a readiness probe / load balancer): 503 otherwise. */
  @Get('ready')
  @ApiOperation({ operationId: 'checkReadiness' })
  async ready(@Res({ passthrough: true }) res: Response) {
    const [database, broker] = await Promise.all([this.checkDatabase(), this.checkBroker()]);
    const up = database.status === 'up' && broker.status === 'up';
    res.status(up ? 200 : 503);
    return { status: up ? 'up' : 'down', checks: { database, broker } };
  }

  private async checkDatabase(): Promise<Check> {
    const started = Date.now();
    try {
      await Promise.race([this.db.query('SELECT 1'), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout after 2 s')), 2000))]);
      return { status: 'up', ms: Date.now() - started };
    } catch (err) {
      return { status: 'down', error: err instanceof Error ? err.message : String(err) };
    }
  }

  private async checkBroker(): Promise<Check> {
    return this.mqtt.connected ? { status: 'up' } : { status: 'down', error: 'not connected' };
  }
}
