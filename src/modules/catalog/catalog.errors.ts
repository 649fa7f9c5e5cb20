/** Stable userError codes of the catalog. */
export enum CatalogErrorCode {
  PRICE_NOT_AVAILABLE = 'PRICE_NOT_AVAILABLE',
}
