/** Why the relay refused this device for good: retrying would not help until the user acts. */
export type RefusalReason =
  /** The device was revoked from another device. */
  | 'revoked'
  /** The account's storage on the relay is full. */
  | 'quota'
  /** The relay does not know this device (or its signature). */
  | 'unknown-device'
  /** The account id is registered there with other keys. */
  | 'exists'
  /** The relay speaks another protocol version. */
  | 'version'
  /** Any other refusal the relay explained (the message says what). */
  | 'rejected';
