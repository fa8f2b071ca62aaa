import { IsString, MaxLength, MinLength } from 'class-validator';

export class LoginDto {
  @IsString() @MinLength(1) @MaxLength(64)
  username: string;

  @IsString() @MinLength(1) @MaxLength(256)
  password: string;
}

export class ChangePasswordDto {
  @IsString() @MaxLength(256)
  currentPassword: string;

  @IsString() @MinLength(10) @MaxLength(256)
  newPassword: string;
}
