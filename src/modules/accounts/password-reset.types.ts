import { Field, InputType, ObjectType } from 'type-graphql';
import { UserError } from '../../graphql/errors';

@InputType('ResetPasswordInput')
export class ResetPasswordInput {
  @Field({ description: 'The token of the password reset link.' }) token: string;
  @Field() password: string;
}

@ObjectType('ResetPasswordPayload')
export class ResetPasswordPayload {
  @Field(() => Boolean, { description: 'True once the new password is set (every login session was signed out).' })
  passwordChanged: boolean;
  @Field(() => [UserError]) userErrors: UserError[];
}
