import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { transaction } from './db/transaction';
import { UnauthenticatedError } from './graphql/errors';
import { AccessScope } from './modules/access/access-scope';
import type { UserEntity } from './modules/accounts/user.entity';
import type { ApiTokenEntity } from './modules/api-tokens/api-token.entity';
import { createLoaders, Loaders } from './loaders';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Who is calling: the user and the token it came with. */
export interface Viewer {
  user: UserEntity;
  token: ApiTokenEntity | null;
  /** How the viewer came in, written to audit events: "login", "api_token:<name>", "cli", "system". */
  via: string;
}

/**
 * Everything one request (or one job run) needs: the viewer, its access scope, the entity manager
 * (transactional inside `transaction`) and the clock. Services take it as first argument; they get
 * their peers in their constructors (services.ts), never through the context.
 */
export class RequestContext {
  readonly access: AccessScope;
  readonly loaders: Loaders;

  constructor(
    readonly dataSource: DataSource,
    readonly em: EntityManager,
    readonly viewer: Viewer | null,
    readonly clock: Clock,
    readonly requestId: string = randomUUID(),
    access?: AccessScope,
    loaders?: Loaders,
  ) {
    this.access = access ?? new AccessScope(em, viewer?.user.id ?? null);
    this.loaders = loaders ?? createLoaders(em);
  }

  now(): Date {
    return this.clock.now();
  }

  get user(): UserEntity {
    if (!this.viewer) throw new UnauthenticatedError();
    return this.viewer.user;
  }

  /** Runs `work` in one transaction (joining an open one); a thrown error leaves the database as it was. */
  transaction<T>(work: (ctx: RequestContext) => Promise<T>): Promise<T> {
    return transaction(this.dataSource, this.em, (em) => work(em === this.em ? this : this.withManager(em)));
  }

  withManager(em: EntityManager): RequestContext {
    return new RequestContext(this.dataSource, em, this.viewer, this.clock, this.requestId, this.access, this.loaders);
  }

  /** The same request acting for the platform (sweeps, CLI): full access to every organization, no viewer. */
  asSystem(): RequestContext {
    return new RequestContext(
      this.dataSource,
      this.em,
      null,
      this.clock,
      this.requestId,
      new AccessScope(this.em, null, true),
      this.loaders,
    );
  }

  /** The same context with time stopped at `now` (a sweep run "as of" a time). */
  at(now: Date): RequestContext {
    const fixed = new Date(now);
    return new RequestContext(
      this.dataSource,
      this.em,
      this.viewer,
      { now: () => new Date(fixed) },
      this.requestId,
      this.access,
      this.loaders,
    );
  }

  withViewer(viewer: Viewer | null): RequestContext {
    return new RequestContext(this.dataSource, this.em, viewer, this.clock, this.requestId);
  }
}
