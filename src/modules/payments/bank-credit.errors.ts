/** Stable userError codes of bank statement imports and bank credits. */
export enum BankStatementErrorCode {
  /** The file is not a readable camt.054: nothing was imported. */
  MALFORMED_STATEMENT = 'MALFORMED_STATEMENT',
  BANK_CREDIT_NOT_FOUND = 'BANK_CREDIT_NOT_FOUND',
  NOT_UNMATCHED = 'NOT_UNMATCHED',
}
