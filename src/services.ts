import type { Config } from './config';
import type { Mailer } from './common/mail';
import { AuthService } from './modules/accounts/auth.service';
import { ApiTokenService } from './modules/api-tokens/api-token.service';
import { AuditService } from './modules/audit/audit.service';
import { OrganizationService } from './modules/organizations/organization.service';
import { ProductService } from './modules/products/product.service';

/** Every service, wired by hand (no DI container): plain constructors, easy to read and to test. */
export function createServices(config: Config, mailer: Mailer) {
  return {
    config,
    mailer,
    auth: new AuthService(),
    apiTokens: new ApiTokenService(),
    audit: new AuditService(),
    organizations: new OrganizationService(),
    products: new ProductService(),
  };
}

export type Services = ReturnType<typeof createServices>;
