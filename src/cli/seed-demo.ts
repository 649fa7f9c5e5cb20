import type { RequestContext } from '../context';
import { UserEntity } from '../modules/accounts/user.entity';
import { OrganizationKind } from '../modules/organizations/organization.entity';

export interface DemoLogin {
  email: string;
  password: string;
  role: string;
}

export const DEMO_PASSWORD = 'demo-password';

/**
 * A small demo dataset: a company that will become a partner (with users and a team) and a second
 * organization. Idempotent: does nothing when any user exists.
 */
export async function seedDemoIfEmpty(ctx: RequestContext): Promise<{ logins: DemoLogin[] } | null> {
  if ((await ctx.em.count(UserEntity)) > 0) return null;
  return seedDemo(ctx);
}

export async function seedDemo(ctx: RequestContext): Promise<{ logins: DemoLogin[] }> {
  const { auth } = ctx.services;
  await auth.signUp(ctx, {
    email: 'demo@example.ch',
    password: DEMO_PASSWORD,
    name: 'Dana Demo',
    organizationName: 'Demo Hosting SA',
    organizationKind: OrganizationKind.COMPANY,
    currency: 'CHF',
    country: 'CH',
  });
  await auth.signUp(ctx, {
    email: 'mario@example.it',
    password: DEMO_PASSWORD,
    name: 'Mario Rossi',
    organizationKind: OrganizationKind.INDIVIDUAL,
    currency: 'EUR',
    country: 'IT',
  });
  return {
    logins: [
      { email: 'demo@example.ch', password: DEMO_PASSWORD, role: 'legal representative of Demo Hosting SA' },
      { email: 'mario@example.it', password: DEMO_PASSWORD, role: 'owner of the individual account Mario Rossi' },
    ],
  };
}
