import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';

const HEX = /^#[0-9a-fA-F]{6}$/;

/** The board a piece of content is made for. Clips need even sizes (H.264). */
export class BoardSizeDto {
  /** Pixels, e.g. 384 for a P10 board of 12 modules. */
  @Type(() => Number) @IsInt() @Min(16) @Max(7680)
  width: number;

  @Type(() => Number) @IsInt() @Min(16) @Max(4320)
  height: number;

  /** How long one showing lasts (ms); default 10 s. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1000) @Max(3_600_000)
  displayMs?: number;

  @IsOptional() @IsUUID()
  unitId?: string;

  @IsOptional() @IsString() @MaxLength(300)
  title?: string;
}

export class CreateSlideDto extends BoardSizeDto {
  /** The title band (e.g. "CHUYỂN ĐỔI SỐ"). */
  @IsString() @MaxLength(120)
  heading: string;

  @IsString() @MinLength(1) @MaxLength(2000)
  body: string;

  /** Scrolling line along the bottom, animated by the player. */
  @IsOptional() @IsString() @MaxLength(500)
  ticker?: string;

  @IsOptional() @Matches(HEX) background?: string;
  @IsOptional() @Matches(HEX) titleBackground?: string;
  @IsOptional() @Matches(HEX) titleColor?: string;
  @IsOptional() @Matches(HEX) textColor?: string;
}
