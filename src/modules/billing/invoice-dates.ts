/** `date` plus `days` whole days (24 h each, UTC has no daylight saving). */
export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * 86_400_000);
}
