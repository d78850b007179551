import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { PASSWORD_MAX_LENGTH } from '../domain/password-policy';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class RegisterDto {
  @ApiProperty({ example: 'brand@example.com' })
  @Transform(trim)
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email: string;

  @ApiProperty({ minLength: 8, maxLength: PASSWORD_MAX_LENGTH, description: 'Judged by a strength estimator (zxcvbn-ts): 400 WEAK_PASSWORD when guessable' })
  @IsString()
  @MinLength(8, { message: 'password must be at least 8 characters' })
  @MaxLength(PASSWORD_MAX_LENGTH, { message: `password must be at most ${PASSWORD_MAX_LENGTH} characters` })
  password: string;

  @ApiProperty({ example: 'Acme Brands' })
  @Transform(trim)
  @IsString()
  @MinLength(1, { message: 'name must not be empty' })
  @MaxLength(120)
  name: string;

  @ApiProperty({ enum: ['company', 'influencer'] })
  @IsIn(['company', 'influencer'], { message: 'role must be company or influencer' })
  role: 'company' | 'influencer';

  @ApiPropertyOptional({ pattern: '^[a-z0-9_.]{3,30}$', example: 'mia.creates', description: 'influencers only: the public handle companies find them by' })
  @IsOptional()
  @IsString({ message: 'handle must be 3 to 30 of a-z, 0-9, _ and .' })
  @Matches(/^[a-z0-9_.]{3,30}$/, { message: 'handle must be 3 to 30 of a-z, 0-9, _ and .' })
  handle?: string;
}

export class LoginDto {
  @ApiProperty()
  @Transform(trim)
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email: string;

  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(PASSWORD_MAX_LENGTH)
  password: string;
}
