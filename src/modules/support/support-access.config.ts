import { addDays } from '../../calc/periods';

/** Support access settings (R25): data, not constants scattered in code. */
export interface SupportAccessConfig {
  /** A grant closes by itself this many days after it was given. */
  grantDays: number;
}

export const DEFAULT_SUPPORT_ACCESS_CONFIG: SupportAccessConfig = { grantDays: 7 };

/** When a grant given at `grantedAt` closes by itself (grantedAt + grantDays). */
export function grantExpiry(grantedAt: Date, config: SupportAccessConfig = DEFAULT_SUPPORT_ACCESS_CONFIG): Date {
  return addDays(grantedAt, config.grantDays);
}
