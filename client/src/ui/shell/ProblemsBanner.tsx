import { useModel } from '../model-context';

/** Load problems storage reported: visible until the user dismisses them. */
export function ProblemsBanner() {
  const model = useModel();
  const problems = model.problems();
  if (problems.length === 0) return null;
  return (
    <section className="banner banner-warning" role="alert" aria-label="Storage problems">
      <ul>
        {problems.map((p) => (
          <li key={p.id}>
            <span>{p.message}</span>
            <button type="button" className="link" onClick={() => model.dismissProblem(p.id)}>
              Dismiss
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
