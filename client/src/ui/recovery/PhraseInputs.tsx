import { memo, useState, type ClipboardEvent } from 'react';
import { RECOVERY_WORDS, bip39Wordlist, fillFromPaste, isListWord } from '../../app/phrases';

const LIST_ID = 'bip39-words';

/** One shared list of the 2048 words, for the browser's own completion on every input. */
const WordList = memo(function WordList() {
  return (
    <datalist id={LIST_ID}>
      {bip39Wordlist.map((w) => (
        <option key={w} value={w} />
      ))}
    </datalist>
  );
});

/**
 * The 12 word inputs, with completion from the BIP-39 list. Pasting several
 * words into any input spreads them (a whole phrase fills all twelve). A word
 * no list word starts with is marked at once; one not in the list, once left.
 */
export function PhraseInputs(props: {
  words: readonly string[];
  onChange: (words: string[]) => void;
  disabled: boolean;
  describedBy?: string | undefined;
}) {
  const { words, onChange } = props;
  const [left, setLeft] = useState<ReadonlySet<number>>(() => new Set());

  function paste(index: number, e: ClipboardEvent<HTMLInputElement>) {
    const filled = fillFromPaste(words, index, e.clipboardData.getData('text'));
    if (filled === undefined) return;
    e.preventDefault();
    onChange(filled);
  }

  return (
    <fieldset className="phrase-inputs" disabled={props.disabled}>
      <legend className="visually-hidden">Your 12 words, in order</legend>
      <WordList />
      {Array.from({ length: RECOVERY_WORDS }, (_, i) => {
        const value = words[i] ?? '';
        // While typing, only a dead end is marked; once left, anything not in the list.
        const unknown =
          value.trim() !== '' && !isListWord(value) && (left.has(i) || !isPrefix(value));
        return (
          <div className="field" key={i}>
            <label htmlFor={`restore-word-${i + 1}`}>Word {i + 1}</label>
            <input
              id={`restore-word-${i + 1}`}
              list={LIST_ID}
              value={value}
              autoComplete="off"
              autoCapitalize="none"
              autoCorrect="off"
              spellCheck={false}
              aria-invalid={unknown}
              aria-describedby={props.describedBy}
              onPaste={(e) => paste(i, e)}
              onBlur={() => setLeft((l) => new Set(l).add(i))}
              onChange={(e) => {
                const next = Array.from({ length: RECOVERY_WORDS }, (_, k) => words[k] ?? '');
                next[i] = e.target.value;
                onChange(next);
              }}
            />
          </div>
        );
      })}
    </fieldset>
  );
}

/** Some list word starts with it: the user may still be typing. */
function isPrefix(value: string): boolean {
  const v = value.trim().toLowerCase();
  return bip39Wordlist.some((w) => w.startsWith(v));
}
