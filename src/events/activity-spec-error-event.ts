/**
 * `<activity-feed>` could not read its `filter` or `sort-by` attribute. The feed ignores the whole
 * attribute (as if it were absent) and reports each invalid value once. Bubbles; not composed.
 */
export class ActivitySpecErrorEvent extends Event {
  static readonly eventName = 'activity-spec-error';

  /** The attribute that holds the invalid value. */
  readonly attribute: 'filter' | 'sort-by';

  /** The invalid value, as written. */
  readonly value: string;

  /** What is wrong with it, in English (for developers, not for display). */
  readonly message: string;

  constructor(attribute: 'filter' | 'sort-by', value: string, message: string) {
    super(ActivitySpecErrorEvent.eventName, { bubbles: true });
    this.attribute = attribute;
    this.value = value;
    this.message = message;
  }
}

declare global {
  interface HTMLElementEventMap {
    'activity-spec-error': ActivitySpecErrorEvent;
  }
}
