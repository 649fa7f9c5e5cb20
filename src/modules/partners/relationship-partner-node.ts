import { toGlobalId } from '../../graphql/global-id';
import { PartnerEntity } from './partner.entity';
import { PartnerType } from './partner.types';

/** Partner as ClientRelationship.partner and Product.managedBy show it. */
export function partnerNode(p: PartnerEntity): PartnerType {
  return Object.assign(new PartnerType(), {
    id: toGlobalId('Partner', p.id),
    code: p.code,
    status: p.status,
    tier: null,
  });
}
