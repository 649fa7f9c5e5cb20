import { EventBus } from '../../common/events';
import type { RequestContext } from '../../context';
import type { OrganizationEntity } from '../organizations/organization.entity';
import type { UserEntity } from './user.entity';

/** What accounts publish. Listeners subscribe in services.ts (`accountEvents.on(...)`). */
export interface AccountEventMap {
  /**
   * A user signed up with its organization, inside the sign-up transaction (a listener's writes
   * commit or roll back with it). `affiliateCode` as typed, unchecked (R35).
   */
  signedUp: { ctx: RequestContext; user: UserEntity; organization: OrganizationEntity; affiliateCode: string | null };
}

export class AccountEvents extends EventBus<AccountEventMap> {}
