import DataLoader from 'dataloader';
import { EntityManager, In } from 'typeorm';
import { IdentityVerificationEntity } from './identity-verification.entity';

/** The latest verification of each order id, in key order (Order.identityVerification): one query per batch. */
export function verificationOfOrderLoader(em: EntityManager): DataLoader<number, IdentityVerificationEntity | null> {
  return new DataLoader(async (orderIds) => {
    const rows = await em.find(IdentityVerificationEntity, {
      where: { orderId: In([...orderIds]) },
      order: { id: 'ASC' },
    });
    const latest = new Map(rows.map((v) => [v.orderId, v]));
    return orderIds.map((id) => latest.get(id) ?? null);
  });
}
