import { PartnerEntity } from './partner.entity';
import { PartnerType } from './partner.types';

/** Partner as ClientRelationship.partner and Product.managedBy show it (the same mapping as partner(id), so its figures resolve). */
export function partnerNode(p: PartnerEntity): PartnerType {
  return PartnerType.from(p);
}
