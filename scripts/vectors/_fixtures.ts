/** Fixed inputs shared by the crypto-core vector modules; never use them as real keys. */
import { fromHex } from '../../shared/src/index.js';

export const K_MASTER = fromHex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
export const DOC_NAMES = ['profile', 'categories', 'templates', 'observations', 'oneOffs'] as const;

export const RECORD_DOC = 'observations';
export const RECORD_NONCE = fromHex('404142434445464748494a4b4c4d4e4f5051525354555657');
export const RECORD_TEXT = 'Cairn record vector 1';
export const SECOND_NONCE = fromHex('a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7');
export const SECOND_TEXT = 'Cairn record vector 2';
export const PADDED_TEXT = 'Cairn padded record';

export const RECOVERY_ENTROPY = fromHex('000102030405060708090a0b0c0d0e0f');
export const RECOVERY_NONCE = fromHex('606162636465666768696a6b6c6d6e6f7071727374757677');
export const ACCOUNT_ID = '6f1c2a0e-4b7d-4c1e-9a3f-2d5e8b7c9a10';
