/**
 * The six digits both screens show, in two groups of three. To a screen reader
 * they are one image named by the digits, read one by one ("Digits: 4 8 2 9 1 3");
 * a paragraph cannot carry a name, and the groups alone would read as two numbers.
 */
export function Sas(props: { digits: string }) {
  const spoken = props.digits.split('').join(' ');
  return (
    <p className="sas" role="img" aria-label={`Digits: ${spoken}`} data-testid="sas">
      <span aria-hidden="true">
        {props.digits.slice(0, 3)} {props.digits.slice(3)}
      </span>
    </p>
  );
}
