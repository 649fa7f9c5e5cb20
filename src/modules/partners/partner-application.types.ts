import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { UserError } from '../../graphql/errors';
import { PartnerType } from './partner.types';

@InputType('ApplyForPartnerProgramInput')
export class ApplyForPartnerProgramInput {
  @Field(() => ID) organizationId: string;
  @Field({ description: 'Swiss UID (CHE-123.456.789), SIRET, or an equivalent register id.' })
  companyRegistrationId: string;
  @Field({ description: "The company's website, http(s)." }) website: string;
  @Field() acceptResellerTerms: boolean;
}

@InputType('ReviewPartnerApplicationInput')
export class ReviewPartnerApplicationInput {
  @Field(() => ID) partnerId: string;
  @Field() approve: boolean;
  @Field(() => String, { nullable: true, description: 'Required to reject; mailed to the applicant.' })
  reason?: string | null;
}

@ObjectType('PartnerPayload')
export class PartnerPayload {
  @Field(() => PartnerType, { nullable: true }) partner?: PartnerType | null;
  @Field(() => [UserError]) userErrors: UserError[];
}
