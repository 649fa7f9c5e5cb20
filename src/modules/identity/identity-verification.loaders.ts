import DataLoader from 'dataloader';
import { EntityManager, In } from 'typeorm';
import { IdentityVerificationEntity } from './identity-verification.entity';
import { VerificationImageEntity } from './verification-image.entity';

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

/** The images (metadata) of each verification id, in upload order: one query per batch (staff lists). */
export function verificationImagesLoader(em: EntityManager): DataLoader<number, VerificationImageEntity[]> {
  return new DataLoader(async (verificationIds) => {
    const rows = await em.find(VerificationImageEntity, {
      where: { verificationId: In([...verificationIds]) },
      order: { id: 'ASC' },
    });
    return verificationIds.map((id) => rows.filter((image) => image.verificationId === id));
  });
}
