import DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import { In, LessThanOrEqual } from 'typeorm';
import { InvalidAmountError, parseDecimal } from '../../calc/money';
import type { Mailer } from '../../common/mail';
import { requireEmail, requireText } from '../../common/validate';
import type { RequestContext } from '../../context';
import { isUniqueViolation } from '../../db/errors';
import { writeLock } from '../../db/transaction';
import { ConnectionShape, PageArgs, paginate } from '../../graphql/connection';
import { BusinessError, ForbiddenError } from '../../graphql/errors';
import type { AuditService } from '../audit/audit.service';
import { PartnerEntity } from '../partners/partner.entity';
import { DirectoryErrorCode } from './directory.errors';
import { OfferRequestType } from './directory.types';
import { OfferLinks } from './offer-links';
import { OfferRequestEntity, OfferRequestStatus, ProposalEntity } from './offer-request.entity';
import { activePartnerIdsOfViewer, partnerAdminEmails, partnerMembership } from './partner-membership';

/** Counts attempts per key in fixed windows (the HTTP rate limiter's counter: Redis when shared). */
export interface AttemptCounter {
  hit(key: string, windowStartMs: number, windowMs: number): Promise<number>;
}

export interface OfferConfig {
  /** [design] R34: a request closes this many days after it was posted. */
  openDays: number;
  /** createOfferRequest per client address per hour, on top of the anonymous rate limit. */
  requestsPerHourPerClient: number;
  /** Bounds OfferRequest.proposals: at most this many partners answer one request. */
  maxProposalsPerRequest: number;
}

export const DEFAULT_OFFER_CONFIG: OfferConfig = {
  openDays: 30,
  requestsPerHourPerClient: 5,
  maxProposalsPerRequest: 50,
};

export interface NewOfferRequest {
  title: string;
  description: string;
  category: string;
  budget?: { amount: string; currency: string } | null;
  region?: string | null;
  contactEmail: string;
}

const HOUR_MS = 3600_000;
const DAY_MS = 86400_000;

/**
 * Offer requests and proposals (R34): anyone posts a request; members of ACTIVE partners list the
 * requests and answer with one proposal per partner; the requester (the signed-in user who posted
 * it, or whoever holds the token mailed to its contact address) accepts one, which awards the
 * request and tells the other proposers. Requests close `openDays` after they were posted.
 */
export class OfferService {
  private readonly proposalLoaders = new WeakMap<object, DataLoader<number, ProposalEntity[]>>();

  constructor(
    private readonly audit: AuditService,
    private readonly mailer: Mailer,
    private readonly links: OfferLinks,
    private readonly counter: AttemptCounter,
    private readonly publicUrl: string,
    private readonly config: OfferConfig = DEFAULT_OFFER_CONFIG,
  ) {}

  /** createOfferRequest: public; rate-limited per client address; mails the requester token to `contactEmail`. */
  async create(ctx: RequestContext, input: NewOfferRequest, clientIp: string): Promise<OfferRequestType> {
    const title = requireText(input.title, ['input', 'title'], { max: 200 });
    const description = requireText(input.description, ['input', 'description'], { max: 4000 });
    const category = requireText(input.category, ['input', 'category'], { max: 60 });
    const region = input.region?.trim() ? requireText(input.region, ['input', 'region'], { max: 60 }) : null;
    const contactEmail = requireEmail(input.contactEmail, ['input', 'contactEmail']);
    const budget = input.budget ? money(input.budget, ['input', 'budget', 'amount']) : null;
    await this.throttle(clientIp);
    const now = ctx.now();
    const request = await ctx.transaction(async (ctx) => {
      const row = ctx.em.create(OfferRequestEntity, {
        title,
        description,
        category,
        budgetAmount: budget?.minor ?? null,
        budgetCurrency: budget?.currency ?? null,
        region,
        contactEmail,
        requesterUserId: ctx.viewer?.user.id ?? null,
        status: OfferRequestStatus.OPEN,
        closesAt: new Date(now.getTime() + this.config.openDays * DAY_MS),
        awardedProposalId: null,
        closedAt: null,
        createdAt: now,
      });
      return ctx.em.save(row);
    });
    const token = this.links.tokenFor(request.id);
    await this.mailer.send({
      to: contactEmail,
      subject: `Your request "${title}" is posted`,
      text: [
        `Your request "${title}" is now visible to our partners until ${request.closesAt.toISOString().slice(0, 10)}.`,
        '',
        'Keep this token: it shows the proposals partners send you and lets you accept one.',
        `Token: ${token}`,
        `API: ${this.publicUrl}/graphql  query { offerRequestByToken(token: "<token>") { proposals { id message } } }`,
        'then mutation { acceptProposal(input: { proposalId: "<id>", token: "<token>" }) { userErrors { code } } }',
      ].join('\n'),
    });
    return OfferRequestType.from(request, 'ALL', now);
  }

  /** offerRequests: for members of ACTIVE partners only (FORBIDDEN for anyone else, clients included). */
  async list(
    ctx: RequestContext,
    status: OfferRequestStatus | null | undefined,
    page: PageArgs,
  ): Promise<ConnectionShape<OfferRequestType>> {
    const partnerIds = await activePartnerIdsOfViewer(ctx);
    if (!partnerIds.length) throw new ForbiddenError('Only members of an active partner see offer requests.');
    const now = ctx.now();
    const query = ctx.em.createQueryBuilder(OfferRequestEntity, 'r');
    // A request past its closing time is CLOSED even before the sweep wrote it.
    if (status === OfferRequestStatus.OPEN)
      query.where('r.status = :open AND r.closesAt > :now', { open: OfferRequestStatus.OPEN, now });
    else if (status === OfferRequestStatus.CLOSED)
      query.where('(r.status = :closed OR (r.status = :open AND r.closesAt <= :now))', {
        closed: OfferRequestStatus.CLOSED,
        open: OfferRequestStatus.OPEN,
        now,
      });
    else if (status) query.where('r.status = :status', { status });
    const userId = ctx.user.id;
    return paginate(query, page, (r) =>
      OfferRequestType.from(r, r.requesterUserId === userId ? 'ALL' : partnerIds, now),
    );
  }

  /** offerRequestByToken: the requester's view (every proposal), for whoever holds the mailed token. */
  async findByToken(ctx: RequestContext, token: string): Promise<OfferRequestType | null> {
    const id = this.links.requestIdOf(token);
    const request = id ? await ctx.em.findOneBy(OfferRequestEntity, { id }) : null;
    return request ? OfferRequestType.from(request, 'ALL', ctx.now()) : null;
  }

  /** node(id): the requester sees its request; members of ACTIVE partners see any (with their own proposals). */
  async findVisible(ctx: RequestContext, id: number): Promise<OfferRequestType | null> {
    const request = await ctx.em.findOneBy(OfferRequestEntity, { id });
    if (!request || !ctx.viewer) return null;
    if (request.requesterUserId === ctx.viewer.user.id) return OfferRequestType.from(request, 'ALL', ctx.now());
    const partnerIds = await activePartnerIdsOfViewer(ctx);
    return partnerIds.length ? OfferRequestType.from(request, partnerIds, ctx.now()) : null;
  }

  /** submitProposal: by a member of the (ACTIVE) partner; one per partner and request; OPEN requests only. */
  async submit(
    ctx: RequestContext,
    offerRequestId: number,
    partnerId: number,
    input: { message: string; estimate?: { amount: string; currency: string } | null },
  ): Promise<OfferRequestType> {
    const partner = await partnerMembership(ctx, partnerId, ['input', 'partnerId']);
    const message = requireText(input.message, ['input', 'message'], { max: 4000 });
    const estimate = input.estimate ? money(input.estimate, ['input', 'estimate', 'amount']) : null;
    const request = await ctx
      .transaction(async (ctx) => {
        const request = await ctx.em.findOne(OfferRequestEntity, {
          where: { id: offerRequestId },
          lock: writeLock(ctx.em),
        });
        if (!request)
          throw new BusinessError(DirectoryErrorCode.NOT_FOUND, 'No such offer request.', ['input', 'offerRequestId']);
        requireOpen(request, ctx.now(), ['input', 'offerRequestId']);
        const count = await ctx.em.countBy(ProposalEntity, { offerRequestId });
        if (count >= this.config.maxProposalsPerRequest)
          throw new BusinessError(
            DirectoryErrorCode.TOO_MANY_PROPOSALS,
            `This request already has ${count} proposals, the most it takes.`,
            ['input', 'offerRequestId'],
          );
        const proposal = ctx.em.create(ProposalEntity, {
          offerRequestId,
          partnerId: partner.id,
          message,
          estimateAmount: estimate?.minor ?? null,
          estimateCurrency: estimate?.currency ?? null,
          submittedById: ctx.user.id,
          accepted: false,
          createdAt: ctx.now(),
        });
        try {
          await ctx.em.insert(ProposalEntity, proposal);
        } catch (error) {
          throw isUniqueViolation(error) ? alreadyProposed() : error;
        }
        await this.audit.record(ctx, partner.organizationId, 'offer.proposal_submitted', `offer_request:${request.id}`);
        return request;
      })
      .catch((error) => {
        throw isUniqueViolation(error) ? alreadyProposed() : error;
      });
    await this.mailer.send({
      to: request.contactEmail,
      subject: `A new proposal for "${request.title}"`,
      text: `A partner answered your request "${request.title}". See the proposals with the token from our first mail.`,
    });
    return OfferRequestType.from(request, [partner.id], ctx.now());
  }

  /**
   * acceptProposal: by the requester (the signed-in user who posted the request, or the holder of
   * its token). The request becomes AWARDED; the chosen partner gets the contact address, the others
   * are told they were not chosen. A second accept is ALREADY_AWARDED.
   */
  async accept(ctx: RequestContext, proposalId: number, token: string | null | undefined): Promise<OfferRequestType> {
    const field = ['input', 'proposalId'];
    const { request, proposals } = await ctx.transaction(async (ctx) => {
      const chosen = await ctx.em.findOneBy(ProposalEntity, { id: proposalId });
      if (!chosen) throw new BusinessError(DirectoryErrorCode.NOT_FOUND, 'No such proposal.', field);
      const request = await ctx.em.findOne(OfferRequestEntity, {
        where: { id: chosen.offerRequestId },
        lock: writeLock(ctx.em),
      });
      if (!request) throw new BusinessError(DirectoryErrorCode.NOT_FOUND, 'No such proposal.', field);
      if (token !== null && token !== undefined && this.links.requestIdOf(token) !== request.id)
        throw new BusinessError(DirectoryErrorCode.INVALID_TOKEN, 'This token is not the one of this request.', [
          'input',
          'token',
        ]);
      const isRequester =
        (token !== null && token !== undefined) ||
        (!!ctx.viewer && request.requesterUserId !== null && request.requesterUserId === ctx.viewer.user.id);
      if (!isRequester) throw new ForbiddenError('Only the requester accepts a proposal.');
      if (request.status === OfferRequestStatus.AWARDED)
        throw new BusinessError(DirectoryErrorCode.ALREADY_AWARDED, 'A proposal was already accepted.', field);
      requireOpen(request, ctx.now(), field);
      const updated = await ctx.em
        .createQueryBuilder()
        .update(OfferRequestEntity)
        .set({ status: OfferRequestStatus.AWARDED, awardedProposalId: chosen.id })
        .where('id = :id AND status = :open', { id: request.id, open: OfferRequestStatus.OPEN })
        .execute();
      if (!updated.affected)
        throw new BusinessError(DirectoryErrorCode.ALREADY_AWARDED, 'A proposal was already accepted.', field);
      await ctx.em.update(ProposalEntity, { id: chosen.id }, { accepted: true });
      const proposals = await ctx.em.findBy(ProposalEntity, { offerRequestId: request.id });
      const partners = await ctx.em.findBy(PartnerEntity, { id: In(proposals.map((p) => p.partnerId)) });
      for (const partner of partners)
        await this.audit.record(
          ctx,
          partner.organizationId,
          partner.id === chosen.partnerId ? 'offer.proposal_accepted' : 'offer.proposal_not_chosen',
          `offer_request:${request.id}`,
        );
      request.status = OfferRequestStatus.AWARDED;
      request.awardedProposalId = chosen.id;
      return { request, proposals };
    });
    const chosenPartnerId = proposals.find((p) => p.id === proposalId)!.partnerId;
    const emails = await partnerAdminEmails(
      ctx,
      proposals.map((p) => p.partnerId),
    );
    for (const [partnerId, addresses] of emails)
      for (const to of addresses)
        await this.mailer.send(
          partnerId === chosenPartnerId
            ? {
                to,
                subject: `Your proposal for "${request.title}" was accepted`,
                text: `The requester accepted your proposal for "${request.title}". Contact them at ${request.contactEmail}.`,
              }
            : {
                to,
                subject: `Another proposal was chosen for "${request.title}"`,
                text: `The requester of "${request.title}" accepted another partner's proposal. Thank you for answering.`,
              },
        );
    return OfferRequestType.from(request, 'ALL', ctx.now());
  }

  /** OfferRequest.proposals: one query per request batch, filtered by what the viewer may see. */
  async proposalsOf(ctx: RequestContext, request: OfferRequestType): Promise<ProposalEntity[]> {
    let loader = this.proposalLoaders.get(ctx.loaders);
    if (!loader) {
      loader = new DataLoader(async (ids) => {
        const rows = await ctx.em.find(ProposalEntity, {
          where: { offerRequestId: In([...ids]) },
          order: { id: 'ASC' },
        });
        return ids.map((id) => rows.filter((r) => r.offerRequestId === id));
      });
      this.proposalLoaders.set(ctx.loaders, loader);
    }
    const all = await loader.load(request.entityId);
    const visible = request.proposalVisibility;
    return visible === 'ALL' ? all : all.filter((p) => visible.includes(p.partnerId));
  }

  /** The sweep: OPEN requests past `closesAt` become CLOSED. Idempotent. */
  async closeExpired(ctx: RequestContext, now: Date): Promise<number> {
    const result = await ctx.transaction((ctx) =>
      ctx.em.update(
        OfferRequestEntity,
        { status: OfferRequestStatus.OPEN, closesAt: LessThanOrEqual(now) },
        { status: OfferRequestStatus.CLOSED, closedAt: now },
      ),
    );
    return result.affected ?? 0;
  }

  private async throttle(clientIp: string): Promise<void> {
    const at = Date.now();
    const windowStart = at - (at % HOUR_MS);
    const count = await this.counter.hit(`offer-request:ip:${clientIp}`, windowStart, HOUR_MS);
    if (count > this.config.requestsPerHourPerClient)
      throw new GraphQLError(
        `At most ${this.config.requestsPerHourPerClient} offer requests per hour from one address; try again later.`,
        {
          extensions: { code: 'RATE_LIMITED', retryAfterSeconds: Math.ceil((windowStart + HOUR_MS - at) / 1000) },
        },
      );
  }
}

function requireOpen(request: OfferRequestEntity, now: Date, field: string[]): void {
  if (request.status !== OfferRequestStatus.OPEN || request.closesAt <= now)
    throw new BusinessError(DirectoryErrorCode.REQUEST_NOT_OPEN, 'This request is no longer open.', field);
}

const alreadyProposed = () =>
  new BusinessError(DirectoryErrorCode.ALREADY_PROPOSED, 'Your partner already answered this request.', [
    'input',
    'offerRequestId',
  ]);

function money(input: { amount: string; currency: string }, field: string[]): { minor: number; currency: string } {
  try {
    const minor = parseDecimal(input.amount);
    if (minor <= 0) throw new InvalidAmountError('must be positive');
    return { minor, currency: input.currency };
  } catch (error) {
    if (error instanceof InvalidAmountError)
      throw new BusinessError(
        DirectoryErrorCode.INVALID_AMOUNT,
        'The amount must be positive, with at most 2 decimals.',
        field,
      );
    throw error;
  }
}
