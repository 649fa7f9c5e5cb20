import { Field, InputType, ObjectType } from 'type-graphql';
import type { PostalAddress } from './address';

@ObjectType('Address', { description: 'A postal address, as printed on invoices and in the QR-bill.' })
export class AddressType {
  @Field() line1: string;
  @Field(() => String, { nullable: true }) line2: string | null;
  @Field() postalCode: string;
  @Field() city: string;
  @Field({ description: 'ISO 3166-1 alpha-2.' }) country: string;

  static from(address: PostalAddress): AddressType {
    return Object.assign(new AddressType(), address);
  }
}

@InputType('AddressInput')
export class AddressInput {
  @Field({ description: 'Street and number (or P.O. box), at most 70 characters.' }) line1: string;
  @Field(() => String, { nullable: true, description: 'c/o, department; printed on the invoice only.' })
  line2?: string | null;
  @Field({ description: 'Checked by country (CH, LI, AT, DE, FR, IT, BE, LU, NL, ES; others by form).' })
  postalCode: string;
  @Field({ description: 'At most 35 characters.' }) city: string;
  @Field({ description: 'ISO 3166-1 alpha-2.' }) country: string;
}
