import { useState, type FormEvent } from 'react';
import { quizPasses } from '../../app/phrases';

const ordinal = (n: number): string => {
  const s = ['th', 'st', 'nd', 'rd'];
  const v = n % 100;
  return `${n}${s[(v - 20) % 10] ?? s[v] ?? s[0]}`;
};

/** Asks for the words at `positions` (0-based), to be sure the phrase was written down. */
export function PhraseQuiz(props: {
  words: readonly string[];
  positions: readonly number[];
  busy: boolean;
  onPassed: () => void;
  onBack: () => void;
}) {
  const { words, positions } = props;
  const [answers, setAnswers] = useState<string[]>(() => positions.map(() => ''));
  const [wrong, setWrong] = useState(false);

  function submit(e: FormEvent) {
    e.preventDefault();
    if (quizPasses(words, positions, answers)) {
      setWrong(false);
      props.onPassed();
    } else {
      setWrong(true);
    }
  }

  return (
    <form className="stack" onSubmit={submit} aria-labelledby="quiz-title">
      <h3 id="quiz-title">Check your copy</h3>
      <p>Type these words from the phrase you wrote down.</p>
      <div className="quiz">
        {positions.map((p, k) => (
          <div className="field" key={p}>
            <label htmlFor={`quiz-${p}`}>{ordinal(p + 1)} word</label>
            <input
              id={`quiz-${p}`}
              value={answers[k] ?? ''}
              autoComplete="off"
              autoCapitalize="none"
              autoCorrect="off"
              spellCheck={false}
              aria-invalid={wrong}
              aria-describedby={wrong ? 'quiz-error' : undefined}
              onChange={(e) => {
                const next = [...answers];
                next[k] = e.target.value;
                setAnswers(next);
              }}
            />
          </div>
        ))}
      </div>
      {wrong && (
        <p id="quiz-error" className="error" role="alert">
          Those are not the right words. Compare with your written phrase, or go back to see it
          again.
        </p>
      )}
      <div className="row">
        <button
          type="submit"
          className="primary"
          disabled={props.busy || answers.some((a) => a.trim() === '')}
        >
          {props.busy ? 'Turning on…' : 'Turn on recovery'}
        </button>
        <button type="button" onClick={props.onBack} disabled={props.busy}>
          Show the words again
        </button>
      </div>
    </form>
  );
}
