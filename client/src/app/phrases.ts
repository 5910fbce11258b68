/**
 * The recovery phrase helpers and constants the UI shows, so ui/ imports
 * neither recovery/ nor @cairn/shared.
 */
export { RECOVERY_WORDS, bip39Wordlist } from '@cairn/shared';
export {
  fillFromPaste,
  isListWord,
  quizPasses,
  quizPositions,
  secureRandomInt,
} from '../recovery/phrase';
