import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { Actor } from '../auth/actor';
import { AuditService } from '../audit/audit.service';
import { DEVICE_NOT_FOUND, DevicesService } from '../devices/devices.service';
import { AppError } from '../infrastructure/http/app-error';
import { MqttConnection } from '../infrastructure/mqtt/mqtt-connection';
import type { DeviceCommandDto } from './dto/alert.dto';
import { Topics } from '../infrastructure/mqtt/topics';

/** A Command of the protocol. */
export interface DeviceCommand {
  id: string;
  type: 'sync' | 'volume' | 'stop' | 'reboot';
  args?: { volume: number };
  issuedAt: string;
}

/** Sends a command to one device (QoS 1, not retained: a device offline now does not get it later). */
@Injectable()
export class DeviceCommandsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly topics: Topics,
    private readonly devices: DevicesService,
    private readonly mqtt: MqttConnection,
    private readonly audit: AuditService,
  ) {}

  async send(actor: Actor, deviceId: string, dto: DeviceCommandDto, now = new Date()): Promise<DeviceCommand> {
    const device = await this.devices.get(actor, deviceId);
    if (device.revokedAt) throw AppError.notFound(DEVICE_NOT_FOUND);
    if (dto.type === 'volume' && dto.volume === undefined) throw AppError.field('volume', 'command', 'là bắt buộc với lệnh chỉnh âm lượng (0–100)', 'is required for a volume command (0–100)');
    if (dto.type !== 'volume' && dto.volume !== undefined) throw AppError.field('volume', 'command', 'chỉ dùng với lệnh chỉnh âm lượng', 'only goes with a volume command');
    const command: DeviceCommand = { id: randomUUID(), type: dto.type, ...(dto.type === 'volume' ? { args: { volume: dto.volume! } } : {}), issuedAt: now.toISOString() };
    await this.db.transaction((tx) => this.audit.record(tx, actor, { action: `device.command.${dto.type}`, entityType: 'device', entityId: device.id, unitPath: device.unitPath, changes: { command } }));
    await this.mqtt.client.publishAsync(this.topics.commands(device.id), JSON.stringify(command), { qos: 1 });
    return command;
  }
}
