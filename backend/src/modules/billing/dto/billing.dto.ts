import { PageQueryDto } from '../../../common/pagination/pagination';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsEmail, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const upper = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toUpperCase() : value);

/** Stripe's tax id types we accept (the common ones). */
export const TAX_ID_TYPES = ['eu_vat', 'gb_vat', 'us_ein', 'ca_bn', 'au_abn', 'ch_vat', 'no_vat', 'in_gst', 'jp_cn', 'br_cnpj'] as const;

export class AddressDto {
  @ApiProperty()
  @Transform(trim)
  @IsString()
  @MinLength(1, { message: 'address.line1 must not be empty' })
  @MaxLength(200)
  line1: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(200)
  line2?: string;

  @ApiProperty()
  @Transform(trim)
  @IsString()
  @MinLength(1, { message: 'address.city must not be empty' })
  @MaxLength(100)
  city: string;

  @ApiProperty()
  @Transform(trim)
  @IsString()
  @MinLength(1, { message: 'address.postalCode must not be empty' })
  @MaxLength(20)
  postalCode: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(100)
  state?: string;

  @ApiProperty({ description: 'ISO 3166-1 alpha-2, e.g. US, DE' })
  @Transform(upper)
  @Matches(/^[A-Z]{2}$/, { message: 'address.country must be a two-letter ISO country code' })
  country: string;
}

export class TaxIdDto {
  @ApiProperty({ enum: TAX_ID_TYPES })
  @IsIn(TAX_ID_TYPES as unknown as string[], { message: `taxId.type must be one of ${TAX_ID_TYPES.join(', ')}` })
  type: string;

  @ApiProperty()
  @Transform(upper)
  @Matches(/^[A-Z0-9][A-Z0-9 .-]{2,30}$/, { message: 'taxId.value must be 3 to 31 letters, digits, spaces, dots or dashes' })
  value: string;
}

export class BillingDetailsDto {
  @ApiProperty()
  @Transform(trim)
  @IsString()
  @MinLength(1, { message: 'name must not be empty' })
  @MaxLength(200)
  name: string;

  @ApiProperty()
  @Transform(trim)
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email: string;

  @ApiPropertyOptional({ type: AddressDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => AddressDto)
  address?: AddressDto;

  @ApiPropertyOptional({ type: TaxIdDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => TaxIdDto)
  taxId?: TaxIdDto;
}

export class CreateInvoiceDto {
  @ApiProperty()
  @IsUUID('all', { message: 'collaborationId must be a UUID' })
  collaborationId: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 365, default: 30 })
  @IsOptional()
  @IsInt({ message: 'daysUntilDue must be an integer between 0 and 365' })
  @Min(0, { message: 'daysUntilDue must be an integer between 0 and 365' })
  @Max(365, { message: 'daysUntilDue must be an integer between 0 and 365' })
  daysUntilDue?: number;
}

export class PayWithSavedCardDto {
  @ApiProperty({ description: 'a saved card of the company (pm_...)' })
  @IsString()
  @Matches(/^pm_[A-Za-z0-9_]{1,200}$/, { message: 'paymentMethodId must be a saved payment method id (pm_...)' })
  paymentMethodId: string;
}

export class StartRetainerDto {
  @ApiProperty()
  @IsUUID('all', { message: 'collaborationId must be a UUID' })
  collaborationId: string;

  @ApiPropertyOptional({ description: 'saved card to charge each month; default: the default saved card' })
  @IsOptional()
  @IsString()
  @Matches(/^pm_[A-Za-z0-9_]{1,200}$/, { message: 'paymentMethodId must be a saved payment method id (pm_...)' })
  paymentMethodId?: string;
}

export class ListQueryDto extends PageQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID('all', { message: 'collaborationId must be a UUID' })
  collaborationId?: string;
}

export class RetryRetainerDto {
  @ApiPropertyOptional({ description: 'another saved card (becomes the retainer card); default: the retainer card' })
  @IsOptional()
  @IsString()
  @Matches(/^pm_[A-Za-z0-9_]{1,200}$/, { message: 'paymentMethodId must be a saved payment method id (pm_...)' })
  paymentMethodId?: string;
}
