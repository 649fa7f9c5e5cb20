import { MigrationInterface, QueryRunner } from 'typeorm';

export class Initial1795700000000 implements MigrationInterface {
  name = 'Initial1795700000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`user\` (\`id\` int NOT NULL AUTO_INCREMENT, \`email\` varchar(254) NOT NULL, \`name\` varchar(120) NOT NULL, \`passwordHash\` varchar(255) NULL, \`staffRole\` varchar(16) NULL, \`createdAt\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), UNIQUE INDEX \`uq_user_email\` (\`email\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`api_token\` (\`id\` int NOT NULL AUTO_INCREMENT, \`userId\` int NOT NULL, \`kind\` varchar(16) NOT NULL, \`name\` varchar(100) NOT NULL, \`scopes\` text NOT NULL, \`secretHash\` varchar(64) NOT NULL, \`createdAt\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), \`expiresAt\` datetime NULL, \`lastUsedAt\` datetime NULL, \`revokedAt\` datetime NULL, UNIQUE INDEX \`uq_api_token_hash\` (\`secretHash\`), INDEX \`ix_api_token_user\` (\`userId\`, \`kind\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`audit_event\` (\`id\` int NOT NULL AUTO_INCREMENT, \`organizationId\` int NOT NULL, \`actorId\` int NULL, \`action\` varchar(64) NOT NULL, \`target\` varchar(255) NOT NULL, \`via\` varchar(120) NULL, \`createdAt\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), INDEX \`ix_audit_event_org\` (\`organizationId\`, \`id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`organization\` (\`id\` int NOT NULL AUTO_INCREMENT, \`name\` varchar(120) NOT NULL, \`kind\` varchar(18) NOT NULL, \`currency\` varchar(3) NOT NULL, \`country\` varchar(2) NOT NULL, \`website\` varchar(255) NULL, \`companyRegistrationId\` varchar(40) NULL, \`address\` text NULL, \`createdAt\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`membership\` (\`id\` int NOT NULL AUTO_INCREMENT, \`organizationId\` int NOT NULL, \`userId\` int NOT NULL, \`role\` varchar(28) NOT NULL, \`billingAccess\` tinyint NOT NULL, \`productIds\` text NOT NULL, \`notifyBilling\` tinyint NOT NULL, \`notifyTechnical\` tinyint NOT NULL, \`notifyAdministrative\` tinyint NOT NULL, \`createdAt\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), INDEX \`ix_membership_user\` (\`userId\`), UNIQUE INDEX \`uq_membership_org_user\` (\`organizationId\`, \`userId\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`invitation\` (\`id\` int NOT NULL AUTO_INCREMENT, \`organizationId\` int NOT NULL, \`teamId\` int NULL, \`email\` varchar(254) NOT NULL, \`role\` varchar(28) NOT NULL, \`billingAccess\` tinyint NOT NULL, \`productIds\` text NOT NULL, \`contactPreferences\` text NOT NULL, \`tokenHash\` varchar(64) NOT NULL, \`status\` varchar(16) NOT NULL, \`invitedById\` int NULL, \`expiresAt\` datetime NOT NULL, \`acceptedAt\` datetime NULL, \`createdAt\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), UNIQUE INDEX \`uq_invitation_token\` (\`tokenHash\`), INDEX \`ix_invitation_org\` (\`organizationId\`, \`status\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`product\` (\`id\` int NOT NULL AUTO_INCREMENT, \`organizationId\` int NOT NULL, \`type\` varchar(20) NOT NULL, \`name\` varchar(255) NOT NULL, \`status\` varchar(17) NOT NULL, \`billingPeriod\` varchar(16) NOT NULL, \`price\` bigint NOT NULL, \`currency\` varchar(3) NOT NULL, \`expiresAt\` datetime NOT NULL, \`autoRenew\` tinyint NOT NULL DEFAULT 0, \`autoRenewPaymentMethodId\` int NULL, \`createdAt\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), INDEX \`ix_product_expiry\` (\`status\`, \`expiresAt\`), INDEX \`ix_product_org\` (\`organizationId\`, \`id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`team\` (\`id\` int NOT NULL AUTO_INCREMENT, \`organizationId\` int NOT NULL, \`name\` varchar(80) NOT NULL, \`leaderId\` int NULL, \`productIds\` text NOT NULL, \`createdAt\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), UNIQUE INDEX \`uq_team_org_name\` (\`organizationId\`, \`name\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`team_member\` (\`teamId\` int NOT NULL, \`userId\` int NOT NULL, \`organizationId\` int NOT NULL, \`createdAt\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), INDEX \`ix_team_member_user\` (\`userId\`), PRIMARY KEY (\`teamId\`, \`userId\`)) ENGINE=InnoDB`);
    await queryRunner.query(`ALTER TABLE \`api_token\` ADD CONSTRAINT \`FK_cbfc4e2b85b78207afb0b2d7fbc\` FOREIGN KEY (\`userId\`) REFERENCES \`user\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE \`membership\` ADD CONSTRAINT \`FK_4c62c8a7ba2337d6d6ffcd8eb6d\` FOREIGN KEY (\`organizationId\`) REFERENCES \`organization\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE \`membership\` ADD CONSTRAINT \`FK_eef2d9d9c70cd13bed868afedf4\` FOREIGN KEY (\`userId\`) REFERENCES \`user\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE \`invitation\` ADD CONSTRAINT \`FK_5c00d7d515395f91bd1fee19f32\` FOREIGN KEY (\`organizationId\`) REFERENCES \`organization\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE \`product\` ADD CONSTRAINT \`FK_32a4bdd261ec81f4ca6b3abe262\` FOREIGN KEY (\`organizationId\`) REFERENCES \`organization\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE \`team\` ADD CONSTRAINT \`FK_12e10686074dba7e8fd02f41bf4\` FOREIGN KEY (\`organizationId\`) REFERENCES \`organization\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE \`team_member\` ADD CONSTRAINT \`FK_74da8f612921485e1005dc8e225\` FOREIGN KEY (\`teamId\`) REFERENCES \`team\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE \`team_member\` ADD CONSTRAINT \`FK_d2be3e8fc9ab0f69673721c7fc3\` FOREIGN KEY (\`userId\`) REFERENCES \`user\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`team_member\` DROP FOREIGN KEY \`FK_d2be3e8fc9ab0f69673721c7fc3\``);
    await queryRunner.query(`ALTER TABLE \`team_member\` DROP FOREIGN KEY \`FK_74da8f612921485e1005dc8e225\``);
    await queryRunner.query(`ALTER TABLE \`team\` DROP FOREIGN KEY \`FK_12e10686074dba7e8fd02f41bf4\``);
    await queryRunner.query(`ALTER TABLE \`product\` DROP FOREIGN KEY \`FK_32a4bdd261ec81f4ca6b3abe262\``);
    await queryRunner.query(`ALTER TABLE \`invitation\` DROP FOREIGN KEY \`FK_5c00d7d515395f91bd1fee19f32\``);
    await queryRunner.query(`ALTER TABLE \`membership\` DROP FOREIGN KEY \`FK_eef2d9d9c70cd13bed868afedf4\``);
    await queryRunner.query(`ALTER TABLE \`membership\` DROP FOREIGN KEY \`FK_4c62c8a7ba2337d6d6ffcd8eb6d\``);
    await queryRunner.query(`ALTER TABLE \`api_token\` DROP FOREIGN KEY \`FK_cbfc4e2b85b78207afb0b2d7fbc\``);
    await queryRunner.query(`DROP INDEX \`ix_team_member_user\` ON \`team_member\``);
    await queryRunner.query(`DROP TABLE \`team_member\``);
    await queryRunner.query(`DROP INDEX \`uq_team_org_name\` ON \`team\``);
    await queryRunner.query(`DROP TABLE \`team\``);
    await queryRunner.query(`DROP INDEX \`ix_product_org\` ON \`product\``);
    await queryRunner.query(`DROP INDEX \`ix_product_expiry\` ON \`product\``);
    await queryRunner.query(`DROP TABLE \`product\``);
    await queryRunner.query(`DROP INDEX \`ix_invitation_org\` ON \`invitation\``);
    await queryRunner.query(`DROP INDEX \`uq_invitation_token\` ON \`invitation\``);
    await queryRunner.query(`DROP TABLE \`invitation\``);
    await queryRunner.query(`DROP INDEX \`uq_membership_org_user\` ON \`membership\``);
    await queryRunner.query(`DROP INDEX \`ix_membership_user\` ON \`membership\``);
    await queryRunner.query(`DROP TABLE \`membership\``);
    await queryRunner.query(`DROP TABLE \`organization\``);
    await queryRunner.query(`DROP INDEX \`ix_audit_event_org\` ON \`audit_event\``);
    await queryRunner.query(`DROP TABLE \`audit_event\``);
    await queryRunner.query(`DROP INDEX \`ix_api_token_user\` ON \`api_token\``);
    await queryRunner.query(`DROP INDEX \`uq_api_token_hash\` ON \`api_token\``);
    await queryRunner.query(`DROP TABLE \`api_token\``);
    await queryRunner.query(`DROP INDEX \`uq_user_email\` ON \`user\``);
    await queryRunner.query(`DROP TABLE \`user\``);
  }
}
