import { Nullable } from '../../infrastructure/http/input-text.pipe';
import { IsBoolean, IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { Role, ROLES } from '../../auth/role';

export const USERNAME_PATTERN = /^[a-z0-9._-]{3,64}$/;

export class CreateUserDto {
  /** 3–64 characters: lowercase letters, digits, . _ - */
  @IsString() @Matches(USERNAME_PATTERN)
  username: string;

  @IsString() @IsNotEmpty() @MaxLength(200)
  displayName: string;

  /** Chức vụ ("Chuyên viên Phòng Văn hóa và Thông tin"), printed on the reports the person prepares. */
  @IsOptional() @IsString() @MaxLength(200)
  jobTitle?: string;

  @IsString() @MinLength(10) @MaxLength(256)
  password: string;

  @IsIn(ROLES)
  role: Role;

  /** Root of the user's scope; required for every role but a national admin. */
  @IsOptional() @IsUUID()
  unitId?: string;
}

@Nullable('unitId', 'jobTitle')
export class UpdateUserDto {
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200)
  displayName?: string;

  @IsOptional() @ValidateIf((_, v) => v !== null) @IsString() @MaxLength(200)
  jobTitle?: string | null;

  @IsOptional() @IsIn(ROLES)
  role?: Role;

  @IsOptional() @ValidateIf((_, v) => v !== null) @IsUUID()
  unitId?: string | null;

  @IsOptional() @IsBoolean()
  active?: boolean;

  /** Reset by an administrator; revokes the user's sessions. */
  @IsOptional() @IsString() @MinLength(10) @MaxLength(256)
  password?: string;
}

export class ListUsersQuery {
  @IsOptional() @IsUUID()
  unitId?: string;

  @IsOptional() @IsIn(ROLES)
  role?: Role;
}

/** What people change of their own profile. */
@Nullable('jobTitle')
export class UpdateProfileDto {
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200)
  displayName?: string;

  @IsOptional() @ValidateIf((_, v) => v !== null) @IsString() @MaxLength(200)
  jobTitle?: string | null;
}
