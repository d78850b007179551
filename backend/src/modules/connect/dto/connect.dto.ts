import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

export class AccountLinkDto {
  @ApiProperty({ example: 'https://app.collabpay.dev/connect/return', description: 'absolute http(s) URL' })
  @IsString({ message: 'returnUrl must be a string' })
  @MaxLength(2048, { message: 'returnUrl is too long (2048 characters at most)' })
  returnUrl: string;

  @ApiProperty({ example: 'https://app.collabpay.dev/connect/refresh', description: 'absolute http(s) URL' })
  @IsString({ message: 'refreshUrl must be a string' })
  @MaxLength(2048, { message: 'refreshUrl is too long (2048 characters at most)' })
  refreshUrl: string;
}
