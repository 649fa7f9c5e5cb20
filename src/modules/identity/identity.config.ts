/** Identity verification settings (R23, R24): data, not constants scattered in code. */
export interface IdentityConfig {
  /** A link started by a person (not for a blocked order) works this long. A blocked order's works until its auto-cancel. */
  linkValidHours: number;
  /** An SMS code works this long after it was sent. */
  codeValidMinutes: number;
  /** Wrong codes allowed per verification; the last one ends it. */
  maxCodeAttempts: number;
  /** SMS sent per verification at most (a new number or a new code each cost one). */
  maxSmsPerVerification: number;
  /** A submitted verification not handled within this many hours is purged (R24). */
  purgeAfterHours: number;
  /** Largest image accepted, in bytes. */
  maxImageBytes: number;
}

export const DEFAULT_IDENTITY_CONFIG: IdentityConfig = {
  linkValidHours: 48,
  codeValidMinutes: 10,
  maxCodeAttempts: 5,
  maxSmsPerVerification: 3,
  purgeAfterHours: 72,
  maxImageBytes: 10 * 1024 * 1024,
};
