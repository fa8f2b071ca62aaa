import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsIn, IsInt, IsISO8601, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';

export class StartAlertDto {
  /** Channels of the caller's subtree that play the alert — or, instead, `unitId`. */
  @IsOptional() @ArrayMinSize(1) @ArrayMaxSize(5000) @ArrayUnique() @IsUUID('all', { each: true })
  channelIds?: string[];

  /** Every loudspeaker of this unit and of the units below it (a district and its communes) in one choice. */
  @IsOptional() @IsUUID()
  unitId?: string;

  @IsString() @IsNotEmpty() @MaxLength(200)
  title: string;

  /** program: an approved program; recording: a processed audio file (e.g. recorded on a phone); relay: a live stream. */
  @IsIn(['program', 'recording', 'relay'])
  source: 'program' | 'recording' | 'relay';

  @IsOptional() @IsUUID()
  programId?: string;

  @IsOptional() @IsUUID()
  mediaAssetId?: string;

  @IsOptional() @IsString() @MaxLength(2000) @Matches(/^(https?|rtsp|rtmp|icy):\/\/\S+$/, { message: 'phải là địa chỉ luồng http(s)://, rtsp:// hoặc rtmp://' })
  streamUrl?: string;

  /** When the alert ends by itself; without it, it lasts until stopped. */
  @IsOptional() @IsISO8601({ strict: true })
  endsAt?: string;

  /** How many times the audio is played (default once). */
  @IsOptional() @IsInt() @Min(1) @Max(100)
  repeat?: number;
}

export class DeviceCommandDto {
  @IsIn(['sync', 'volume', 'stop', 'reboot'])
  type: 'sync' | 'volume' | 'stop' | 'reboot';

  /** For `volume`: 0–100. */
  @IsOptional() @IsInt() @Min(0) @Max(100)
  volume?: number;
}

export class AlertReachQuery {
  @IsUUID()
  unitId: string;
}
