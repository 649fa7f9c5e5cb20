import { Brackets, In } from 'typeorm';
import { optionalText, requireText } from '../../common/validate';
import type { RequestContext } from '../../context';
import { writeLock } from '../../db/transaction';
import { BusinessError, CommonErrorCode } from '../../graphql/errors';
import { ConnectionShape, PageArgs, paginate } from '../../graphql/connection';
import type { AuditService } from '../audit/audit.service';
import { OrganizationEntity } from '../organizations/organization.entity';
import { PartnerEntity, PartnerStatus } from '../partners/partner.entity';
import { DirectoryListingEntity, DirectoryTagEntity, DirectoryTagKind } from './directory-listing.entity';
import { DirectoryListingType } from './directory.types';
import { partnerMembership } from './partner-membership';

export interface ListingChange {
  listed: boolean;
  description?: string | null;
  languages?: string[] | null;
  regions?: string[] | null;
  specialties?: string[] | null;
}

export interface DirectoryFilterValues {
  region?: string | null;
  language?: string | null;
  specialty?: string | null;
  search?: string | null;
}

/** Bounds of a listing's lists: what a filter may match and what one page of the directory may weigh. */
export const LISTING_LIMITS = { languages: 10, regions: 20, specialties: 20, valueLength: 60, description: 2000 };

const LANGUAGE = /^[a-z]{2,3}$/;

/** The lower-cased, NFC key a tag is stored and matched under. */
export const tagKey = (value: string) => value.normalize('NFC').trim().toLowerCase();

/** Escapes LIKE's wildcards (matched with ESCAPE '!': a backslash would need escaping differently per dialect). */
const likeEscape = (text: string) => text.replace(/[!%_]/g, (c) => `!${c}`);

/**
 * The public partner directory (R34): partners opt in with updateDirectoryListing; partnerDirectory
 * shows the ACTIVE partners that did, to anyone, filtered by region, language, specialty and text.
 */
export class DirectoryService {
  constructor(private readonly audit: AuditService) {}

  /** Creates or replaces the partner's listing (its legal representatives and administrators; ACTIVE partners). */
  async updateListing(ctx: RequestContext, partnerId: number, change: ListingChange): Promise<DirectoryListingType> {
    const partner = await partnerMembership(ctx, partnerId, ['input', 'partnerId'], { adminOnly: true });
    const description = optionalText(change.description, ['input', 'description'], {
      max: LISTING_LIMITS.description,
      label: 'description',
    });
    const languages = change.languages
      ? tagList(change.languages, 'languages', LISTING_LIMITS.languages).map((l) => {
          if (!LANGUAGE.test(l.toLowerCase()))
            throw new BusinessError(
              CommonErrorCode.INVALID_INPUT,
              `"${l}" is not a language code such as "fr" (ISO 639).`,
              ['input', 'languages'],
            );
          return l.toLowerCase();
        })
      : change.languages;
    const regions = change.regions ? tagList(change.regions, 'regions', LISTING_LIMITS.regions) : change.regions;
    const specialties = change.specialties
      ? tagList(change.specialties, 'specialties', LISTING_LIMITS.specialties)
      : change.specialties;

    const listing = await ctx.transaction(async (ctx) => {
      // Serializes two updates of one partner's listing (MySQL row lock; SQLite transactions are serial).
      await ctx.em.findOne(PartnerEntity, { where: { id: partner.id }, lock: writeLock(ctx.em) });
      const existing = await ctx.em.findOneBy(DirectoryListingEntity, { partnerId: partner.id });
      const listing =
        existing ??
        ctx.em.create(DirectoryListingEntity, {
          partnerId: partner.id,
          description: null,
          languages: [],
          regions: [],
          specialties: [],
          createdAt: ctx.now(),
        });
      listing.listed = change.listed;
      if (description !== undefined) listing.description = description;
      if (languages) listing.languages = languages;
      if (regions) listing.regions = regions;
      if (specialties) listing.specialties = specialties;
      listing.updatedById = ctx.user.id;
      listing.updatedAt = ctx.now();
      await ctx.em.save(listing);
      await ctx.em.delete(DirectoryTagEntity, { listingId: listing.id });
      const tags = [
        ...listing.languages.map((v) => ({ kind: DirectoryTagKind.LANGUAGE, value: v })),
        ...listing.regions.map((v) => ({ kind: DirectoryTagKind.REGION, value: v })),
        ...listing.specialties.map((v) => ({ kind: DirectoryTagKind.SPECIALTY, value: v })),
      ];
      const unique = new Map(tags.map((t) => [`${t.kind}:${tagKey(t.value)}`, { ...t, value: tagKey(t.value) }]));
      if (unique.size)
        await ctx.em.insert(
          DirectoryTagEntity,
          [...unique.values()].map((t) => ({ listingId: listing.id, kind: t.kind, value: t.value })),
        );
      await this.audit.record(
        ctx,
        partner.organizationId,
        'directory.listing_updated',
        `partner:${partner.id} listed=${listing.listed}`,
      );
      return listing;
    });
    const organization = await ctx.em.findOneByOrFail(OrganizationEntity, { id: partner.organizationId });
    return DirectoryListingType.from(listing, partner, organization);
  }

  /** Partner.listing: public once listed and ACTIVE; the partner's own members also see it unlisted. */
  async listingOf(ctx: RequestContext, partnerId: number): Promise<DirectoryListingType | null> {
    const listing = await ctx.em.findOneBy(DirectoryListingEntity, { partnerId });
    if (!listing) return null;
    const partner = await ctx.em.findOneByOrFail(PartnerEntity, { id: partnerId });
    const isPublic = listing.listed && partner.status === PartnerStatus.ACTIVE;
    if (!isPublic) {
      const access = await ctx.access.forOrganization(partner.organizationId);
      if (access?.via !== 'MEMBERSHIP' && access?.via !== 'SYSTEM') return null;
    }
    const organization = await ctx.em.findOneByOrFail(OrganizationEntity, { id: partner.organizationId });
    return DirectoryListingType.from(listing, partner, organization);
  }

  /** partnerDirectory: listed ACTIVE partners, keyset-paged by listing id; filters match whole values, case-insensitively. */
  async directory(
    ctx: RequestContext,
    filter: DirectoryFilterValues,
    page: PageArgs,
  ): Promise<ConnectionShape<DirectoryListingType>> {
    const query = ctx.em
      .createQueryBuilder(DirectoryListingEntity, 'l')
      .innerJoin(PartnerEntity, 'p', 'p.id = l.partnerId')
      .where('l.listed = :listed AND p.status = :active', { listed: true, active: PartnerStatus.ACTIVE });
    const tagFilters: Array<[DirectoryTagKind, string | null | undefined, string]> = [
      [DirectoryTagKind.REGION, filter.region, 'region'],
      [DirectoryTagKind.LANGUAGE, filter.language, 'language'],
      [DirectoryTagKind.SPECIALTY, filter.specialty, 'specialty'],
    ];
    for (const [kind, raw, name] of tagFilters) {
      if (raw === null || raw === undefined || raw.trim() === '') continue;
      const value = tagKey(requireText(raw, ['filter', name], { max: LISTING_LIMITS.valueLength }));
      query.andWhere(
        `EXISTS (SELECT 1 FROM directory_listing_tag t_${name} WHERE t_${name}.listingId = l.id AND t_${name}.kind = :kind_${name} AND t_${name}.value = :value_${name})`,
        { [`kind_${name}`]: kind, [`value_${name}`]: value },
      );
    }
    if (filter.search && filter.search.trim()) {
      const words = requireText(filter.search, ['filter', 'search'], { max: 100 })
        .toLowerCase()
        .split(/\s+/)
        .slice(0, 5);
      words.forEach((word, i) => {
        query.andWhere(
          new Brackets((q) =>
            q
              .where(
                `EXISTS (SELECT 1 FROM organization o_${i} WHERE o_${i}.id = p.organizationId AND LOWER(o_${i}.name) LIKE :w${i} ESCAPE '!')`,
              )
              .orWhere(`LOWER(l.description) LIKE :w${i} ESCAPE '!'`),
          ),
          { [`w${i}`]: `%${likeEscape(word)}%` },
        );
      });
    }
    const connection = await paginate(query, page, (l) => l);
    const partnerIds = connection.edges.map((e) => e.node.partnerId);
    const partners = partnerIds.length ? await ctx.em.findBy(PartnerEntity, { id: In(partnerIds) }) : [];
    const organizations = partners.length
      ? await ctx.em.findBy(OrganizationEntity, { id: In(partners.map((p) => p.organizationId)) })
      : [];
    const partnerById = new Map(partners.map((p) => [p.id, p]));
    const orgById = new Map(organizations.map((o) => [o.id, o]));
    return {
      ...connection,
      edges: connection.edges.map((edge) => {
        const partner = partnerById.get(edge.node.partnerId)!;
        return {
          cursor: edge.cursor,
          node: DirectoryListingType.from(edge.node, partner, orgById.get(partner.organizationId)!),
        };
      }),
    };
  }
}

/** A listing's list: trimmed, NFC, no empty or duplicate values, bounded in count and length. */
function tagList(values: string[], field: string, max: number): string[] {
  if (values.length > max)
    throw new BusinessError(CommonErrorCode.INVALID_INPUT, `${field} may hold at most ${max} values.`, [
      'input',
      field,
    ]);
  const seen = new Set<string>();
  const result: string[] = [];
  values.forEach((value, i) => {
    const text = requireText(value, ['input', field, String(i)], { max: LISTING_LIMITS.valueLength, label: field });
    if (seen.has(tagKey(text))) return;
    seen.add(tagKey(text));
    result.push(text);
  });
  return result;
}
