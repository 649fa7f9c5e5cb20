import { MigrationInterface, QueryRunner } from 'typeorm';

export class ProductRenewalFailuresIndex1796219847061 implements MigrationInterface {
  name = 'ProductRenewalFailuresIndex1796219847061';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "ix_product_renewal_failures" ON "product" ("renewalFailures") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_product_renewal_failures"`);
  }
}
