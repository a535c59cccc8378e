/**
 * A request the operator can fix: the message says what was wrong, the hint what to type
 * instead. Nothing was changed when one is thrown.
 */
export class OperatorError extends Error {
  override name = 'OperatorError';
  readonly hint: string;

  constructor(message: string, hint: string) {
    super(message);
    this.hint = hint;
  }
}
