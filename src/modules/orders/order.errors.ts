/** Stable userError codes of orders (placeOrder, payOrder, resendUnblockProcedure). */
export enum OrderErrorCode {
  INVALID_DOMAIN_NAME = 'INVALID_DOMAIN_NAME',
  DUPLICATE_DOMAIN = 'DUPLICATE_DOMAIN',
  DOMAIN_TAKEN = 'DOMAIN_TAKEN',
  ORDER_NOT_FOUND = 'ORDER_NOT_FOUND',
  ORDER_NOT_BLOCKED = 'ORDER_NOT_BLOCKED',
  ORDER_NOT_PAYABLE = 'ORDER_NOT_PAYABLE',
}
