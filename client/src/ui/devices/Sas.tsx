/** The six digits both screens show, in two groups of three, read out as single digits. */
export function Sas(props: { digits: string }) {
  const spoken = props.digits.split('').join(' ');
  return (
    <p className="sas" aria-label={`Digits: ${spoken}`} data-testid="sas">
      <span aria-hidden="true">
        {props.digits.slice(0, 3)} {props.digits.slice(3)}
      </span>
    </p>
  );
}
